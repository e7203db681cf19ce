// SPDX-License-Identifier: GPL-2.0
/*
 * Boot options for the node stack: net.ip=A.B.C.D/LEN, net.gw=A.B.C.D and
 * net.udp_echo=PORT. They only fill inet_boot_cfg; whoever creates the
 * node's stack calls inet_boot_apply() on it.
 */
#include <pv/inet.h>
#include <pv/cmdline.h>

struct inet_boot_cfg inet_boot_cfg;

static int set_ip(const char *val)
{
	return inet_parse_cidr(val, &inet_boot_cfg.ip, &inet_boot_cfg.prefix);
}
KPARAM("net.ip", set_ip, "node IPv4 address with prefix, e.g. 10.0.2.15/24");

static int set_gw(const char *val)
{
	return inet_parse_addr(val, &inet_boot_cfg.gw);
}
KPARAM("net.gw", set_gw, "node IPv4 default gateway");

static int set_udp_echo(const char *val)
{
	u64 port;

	if (parse_u64(val, &port) || !port || port > 0xffff)
		return -1;
	inet_boot_cfg.udp_echo = (u16)port;
	return 0;
}
KPARAM("net.udp_echo", set_udp_echo, "UDP port of the node's echo service");

int inet_boot_apply(struct inet *in, u64 now)
{
	const struct inet_boot_cfg *c = &inet_boot_cfg;

	if (c->ip && inet_set_addr(in, c->ip, c->prefix, c->gw, now))
		return -1;
	if (c->udp_echo && inet_udp_echo_start(in, c->udp_echo))
		return -1;
	return 0;
}

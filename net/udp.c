// SPDX-License-Identifier: GPL-2.0
/*
 * UDP for the node stack (RFC 768): a few sockets, each a port and a
 * callback; checksums always sent, checked when present (0 = none, which
 * IPv4 allows); datagrams for a closed port are answered with ICMP port
 * unreachable unless they were broadcast (RFC 1122 4.1.3.1, 3.2.2).
 */
#include "inet_priv.h"

#define UDP_HLEN 8

static struct inet_udp_sock *udp_find(struct inet *in, u16 port)
{
	for (unsigned int i = 0; i < INET_UDP_SOCKS; i++)
		if (in->udp[i].port == port)
			return &in->udp[i];
	return NULL;
}

int inet_udp_bind(struct inet *in, u16 port, inet_udp_fn fn, void *ctx)
{
	struct inet_udp_sock *s;

	if (!port || !fn || udp_find(in, port))
		return -1;
	s = udp_find(in, 0);
	if (!s)
		return -1;
	s->port = port;
	s->fn = fn;
	s->ctx = ctx;
	return 0;
}

void inet_udp_unbind(struct inet *in, u16 port)
{
	struct inet_udp_sock *s = port ? udp_find(in, port) : NULL;

	if (s)
		memset(s, 0, sizeof(*s));
}

void udp_rx(struct inet *in, const struct net_ipv4 *ip, bool bcast, u64 now)
{
	struct inet_udp_sock *s;
	struct net_udp u;
	enum net_drop r;

	r = net_parse_udp(ip, &u);
	if (r) {
		inet_drop(in, r);
		return;
	}
	s = u.dport ? udp_find(in, u.dport) : NULL;
	if (!s) {
		inet_drop(in, NET_DROP_UDP_PORT);
		if (!bcast)
			icmp_port_unreach(in, ip, now);
		return;
	}
	in->stats.udp_rx++;
	s->fn(s->ctx, in, be32_to_cpu(ip->hdr->saddr), u.sport, u.dport,
	      u.payload, u.payload_len, now);
}

int inet_udp_sendto(struct inet *in, u16 sport, u32 dst, u16 dport,
		    const void *data, size_t len, u64 now)
{
	const struct ipv4_hdr *ip;
	struct udp_hdr *h;
	struct frame *f;

	if (!in->ip || !sport || !dport || !dst || len > INET_UDP_MAX)
		return -1;
	f = inet_frame(in, ETH_P_IPV4);
	if (!f)
		return -1;
	ip = (const void *)(frame_data(f) + ETH_HLEN);
	h = (void *)(frame_data(f) + L4_OFF);
	h->sport = cpu_to_be16(sport);
	h->dport = cpu_to_be16(dport);
	h->len = cpu_to_be16((u16)(UDP_HLEN + len));
	memcpy(h + 1, data, len);
	ip_build(in, f, dst, IPPROTO_UDP, (u16)(UDP_HLEN + len));
	h->csum = net_udp_csum(ip, h, (u16)(UDP_HLEN + len));
	if (ip_send(in, f, now))
		return -1;
	in->stats.udp_tx++;
	return 0;
}

/*
 * RFC 862: whatever arrives goes back to where it came from. Sources on
 * well-known ports (another echo or chargen service) get nothing, so two
 * services cannot be made to bounce datagrams forever.
 */
static void echo_fn(void *ctx, struct inet *in, u32 src, u16 sport, u16 dport,
		    const u8 *data, u16 len, u64 now)
{
	if (sport >= 1024)
		inet_udp_sendto(in, dport, src, sport, data, len, now);
}

int inet_udp_echo_start(struct inet *in, u16 port)
{
	return inet_udp_bind(in, port, echo_fn, NULL);
}

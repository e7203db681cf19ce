// SPDX-License-Identifier: GPL-2.0
/*
 * What the monitor prints about networking: the switch's MAC table and
 * port counters, and the node stack's counters and ARP cache. Only
 * non-zero drop reasons are listed, by name.
 */
#include <pv/inet.h>
#include <pv/vswitch.h>
#include <pv/printk.h>

#define ULL(x) ((unsigned long long)(x))

static void print_drops(const u64 *drops)
{
	for (unsigned int r = 1; r < NET_DROP_MAX; r++)
		if (drops[r])
			kprint(" %s=%llu", net_drop_name(r), ULL(drops[r]));
}

static void fdb_line(void *ctx, const u8 *m, u16 vid, unsigned int port,
		     u64 age)
{
	kprint("  %02x:%02x:%02x:%02x:%02x:%02x %4u %4u %6llu\n", m[0], m[1],
	       m[2], m[3], m[4], m[5], vid, port, ULL(age / 1000000000ull));
}

void vswitch_print_fdb(const struct vswitch *sw, u64 now)
{
	unsigned int n;

	kprint("  mac               vlan port  age/s\n");
	n = vswitch_fdb_walk(sw, now, fdb_line, NULL);
	kprint("  %u entries\n", n);
}

static const char *const kind_names[] = {
	[VSWITCH_PORT_GUEST] = "guest",
	[VSWITCH_PORT_UPLINK] = "uplink",
	[VSWITCH_PORT_INTERNAL] = "internal",
};

void vswitch_print_ports(const struct vswitch *sw)
{
	for (unsigned int i = 0; i < VSWITCH_MAX_PORTS; i++) {
		const struct vswitch_port *p = &sw->ports[i];
		const struct vswitch_port_stats *s = &p->stats;

		if (!p->used)
			continue;
		kprint("  port %u %s %s pvid %u mtu %u: rx %llu/%lluB tx %llu/%lluB drops:",
		       i, kind_names[p->cfg.kind],
		       p->cfg.mode == VSWITCH_TRUNK ? "trunk" : "access",
		       p->cfg.pvid, p->cfg.mtu, ULL(s->rx_frames),
		       ULL(s->rx_bytes), ULL(s->tx_frames), ULL(s->tx_bytes));
		print_drops(s->drops);
		kprint("\n");
	}
}

static void print_ip(u32 a)
{
	kprint("%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff,
	       a & 0xff);
}

void inet_print_stats(const struct inet *in)
{
	const struct inet_stats *s = &in->stats;

	kprint("  node ");
	print_ip(in->ip);
	kprint(" mask ");
	print_ip(in->mask);
	kprint(" gw ");
	print_ip(in->gw);
	kprint("\n  rx %llu tx %llu arp rx %llu req %llu rep %llu\n",
	       ULL(s->rx_frames), ULL(s->tx_frames), ULL(s->arp_rx),
	       ULL(s->arp_requests_tx), ULL(s->arp_replies_tx));
	kprint("  icmp echo rx %llu reply tx %llu reply rx %llu unreach tx %llu udp rx %llu tx %llu\n",
	       ULL(s->icmp_echo_rx), ULL(s->icmp_echo_reply_tx),
	       ULL(s->icmp_echo_reply_rx), ULL(s->icmp_unreach_tx),
	       ULL(s->udp_rx), ULL(s->udp_tx));
	kprint("  drops:");
	print_drops(s->drops);
	kprint("\n");
}

void inet_print_arp(const struct inet *in, u64 now)
{
	for (unsigned int i = 0; i < INET_ARP_SLOTS; i++) {
		const struct inet_arp_entry *e = &in->arp[i];
		const u8 *m = e->mac;

		if (e->state == INET_ARP_FREE)
			continue;
		kprint("  ");
		print_ip(e->ip);
		if (e->state == INET_ARP_INCOMPLETE) {
			kprint(" incomplete, %u queued\n", e->qlen);
			continue;
		}
		kprint(" %02x:%02x:%02x:%02x:%02x:%02x %s\n", m[0], m[1], m[2],
		       m[3], m[4], m[5], now < e->expires ? "" : "(expired)");
	}
}

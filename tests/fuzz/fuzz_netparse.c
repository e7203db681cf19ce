// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for net/: random bytes go through every parser (in an
 * exactly-sized heap copy, so ASan sees any over-read) and, as a frame,
 * through a switch with access, trunk and isolated ports. Accepted parses
 * must describe memory inside the input; broken invariants abort().
 */
#include <stdlib.h>
#include <string.h>
#include <pv/vswitch.h>

#define INSIDE(p, n, base, len) \
	((const u8 *)(p) >= (base) && (const u8 *)(p) + (n) <= (base) + (len))

static void parse_all(const u8 *p, size_t len)
{
	struct net_eth e;
	struct net_ipv4 ip;
	struct net_arp a;
	struct net_icmp ic;
	struct net_udp u;
	const u8 *l3;

	if (net_parse_eth(p, len, &e))
		return;
	if (e.l3_off + e.l3_len != len || (e.tagged && e.l3_off != 18))
		abort();
	l3 = p + e.l3_off;
	if (e.type == ETH_P_ARP && !net_parse_arp(l3, e.l3_len, &a))
		if (a.op != ARP_OP_REQUEST && a.op != ARP_OP_REPLY)
			abort();
	if (e.type != ETH_P_IPV4 || net_parse_ipv4(l3, e.l3_len, &ip))
		return;
	if (ip.hlen < 20 || ip.hlen + ip.payload_len != ip.tot_len ||
	    !INSIDE(ip.payload, ip.payload_len, l3, e.l3_len))
		abort();
	if (!net_parse_icmp(&ip, &ic) && ic.echo && ic.code)
		abort();
	if (!net_parse_udp(&ip, &u) &&
	    !INSIDE(u.payload, u.payload_len, ip.payload, ip.payload_len))
		abort();
}

static unsigned int sunk;

static unsigned int sink_tx(void *priv, struct frame *const frames[],
			    unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		const struct frame *f = frames[i];

		if (f->len < ETH_HLEN || f->off + f->len > sizeof(f->buf))
			abort();
		sunk += f->buf[f->off + f->len - 1];
	}
	return n;
}

static const struct vswitch_port_ops ops = { .tx = sink_tx };
static struct vswitch sw;
static struct frame frames[4];

/* Selector bit 2: make checksums valid so the fuzzer gets past them. */
static void fix_csums(u8 *p, size_t len)
{
	struct net_eth e;
	struct ipv4_hdr *ip;
	size_t hlen, tot;

	if (net_parse_eth(p, len, &e) || e.type != ETH_P_IPV4 || e.l3_len < 20)
		return;
	ip = (struct ipv4_hdr *)(p + e.l3_off);
	hlen = (ip->ver_ihl & 0xf) * 4u;
	tot = be16_to_cpu(ip->tot_len);
	if (hlen < 20 || hlen > e.l3_len)
		return;
	ip->csum = net_ipv4_csum(ip);
	if (tot < hlen + 8 || tot > e.l3_len)
		return;
	if (ip->proto == IPPROTO_UDP) {
		struct udp_hdr *u = (void *)((u8 *)ip + hlen);
		u16 ulen = be16_to_cpu(u->len);

		if (ulen >= 8 && ulen <= tot - hlen && u->csum)
			u->csum = net_udp_csum(ip, u, ulen);
	} else if (ip->proto == IPPROTO_ICMP) {
		struct icmp_hdr *ic = (void *)((u8 *)ip + hlen);

		ic->csum = 0;
		ic->csum = cpu_to_be16(
			net_csum_fold(net_csum_add(0, ic, tot - hlen)));
	}
}

static void switch_it(u8 sel, const u8 *p, size_t len)
{
	struct vswitch_port_cfg c;
	struct frame *v[4];

	if (!sw.ageing) {
		vswitch_init(&sw, 7);
		memset(&c, 0, sizeof(c));
		c.ops = &ops;
		c.mode = VSWITCH_ACCESS;
		c.pvid = 5;
		vswitch_port_add(&sw, &c);
		c.isolated = true;
		vswitch_port_add(&sw, &c);
		c.isolated = false;
		c.mode = VSWITCH_TRUNK;
		c.kind = VSWITCH_PORT_UPLINK;
		c.mtu = 1000;
		bitmap_fill(c.allowed, VLAN_N_VID);
		vswitch_port_add(&sw, &c);
		c.pvid = 0;
		vswitch_port_add(&sw, &c);
	}
	if (len > FRAME_DATA_MAX)
		return;
	/* Send the frame in several batch positions, sometimes trimmed. */
	for (unsigned int i = 0; i < 4; i++) {
		frame_set(&frames[i], p, len - ((i & 1) && len));
		v[i] = &frames[i];
	}
	vswitch_rx(&sw, sel & 3, v, 4, (u64)sel << 33);
	for (unsigned int q = 0; q < 4; q++) {
		const struct vswitch_port_stats *s = vswitch_port_stats(&sw, q);

		if (s->tx_bytes < s->tx_frames * ETH_HLEN)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u8 *copy;

	if (!size)
		return 0;
	copy = malloc(size - 1 ? size - 1 : 1);
	memcpy(copy, data + 1, size - 1);
	if (data[0] & 4)
		fix_csums(copy, size - 1);
	parse_all(copy, size - 1);
	switch_it(data[0], copy, size - 1);
	free(copy);
	return 0;
}

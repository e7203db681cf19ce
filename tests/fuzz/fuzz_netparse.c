// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for net/: random bytes go through every parser (in an
 * exactly-sized heap copy, so ASan sees any over-read) and, as a frame,
 * through a switch with access, trunk and isolated ports, and through the
 * node's own stack (ARP/IPv4/ICMP/UDP input, with an echo service, so
 * replies are built too). Accepted parses must describe memory inside the
 * input; every frame the stack sends must pass the strict parsers itself;
 * no stack frame may leak from its pool. Broken invariants abort().
 *
 * Selector byte: bits 0-1 ingress switch port, bit 2 fix checksums, bit 3
 * readdress the frame to the node (its MAC and IPv4 address), bits 4-7
 * advance the node's clock (ARP retries and expiry run); bit 4 also sends
 * the frame to the node through its switch-port queue.
 */
#include <stdlib.h>
#include <string.h>
#include <pv/vswitch.h>
#include <pv/inet.h>

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

#define NODE_IP INET_ADDR(10, 0, 2, 15)
static const u8 node_mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static struct inet node;
static struct frame node_frames[16];
static struct frame_pool node_pool;
static u64 node_now;

/* What the node sends must be well-formed by our own strict parsers. */
static bool node_tx(void *priv, struct frame *f)
{
	const u8 *p = frame_data(f);
	struct net_eth e;
	struct net_ipv4 ip;
	struct net_icmp ic;
	struct net_udp u;
	struct net_arp a;

	if (net_parse_eth(p, f->len, &e) || f->len < 60)
		abort();
	if (e.type == ETH_P_ARP) {
		if (net_parse_arp(p + e.l3_off, e.l3_len, &a))
			abort();
		return true;
	}
	if (e.type != ETH_P_IPV4 || net_parse_ipv4(p + e.l3_off, e.l3_len, &ip))
		abort();
	if (ip.proto == IPPROTO_ICMP && net_parse_icmp(&ip, &ic))
		abort();
	if (ip.proto == IPPROTO_UDP && net_parse_udp(&ip, &u))
		abort();
	return true;
}

static void node_udp(void *ctx, struct inet *in, u32 src, u16 sport, u16 dport,
		     const u8 *data, u16 len, u64 now)
{
	if (len && data[len - 1] == 0xa5) /* touch every byte we are given */
		sunk++;
}

static void readdress(u8 *p, size_t len)
{
	struct net_eth e;

	if (len < ETH_HLEN)
		return;
	memcpy(p, node_mac, ETH_ALEN);
	if (net_parse_eth(p, len, &e) || e.l3_len < 20)
		return;
	if (e.type == ETH_P_IPV4) {
		struct ipv4_hdr *ip = (void *)(p + e.l3_off);

		ip->daddr = cpu_to_be32(NODE_IP);
	} else if (e.type == ETH_P_ARP && e.l3_len >= sizeof(struct arp_hdr)) {
		struct arp_hdr *a = (void *)(p + e.l3_off);
		be32 v = cpu_to_be32(NODE_IP);

		memcpy(a->tpa, &v, 4);
	}
}

static void stack_it(u8 sel, const u8 *p, size_t len)
{
	unsigned int queued = 0;

	if (!node.pool) {
		frame_pool_init(&node_pool, node_frames, 16);
		inet_init(&node, node_mac, &node_pool, node_tx, NULL);
		if (inet_set_addr(&node, NODE_IP, 24, INET_ADDR(10, 0, 2, 2),
				  0) ||
		    inet_udp_echo_start(&node, 7) ||
		    inet_udp_bind(&node, 9, node_udp, NULL))
			abort();
	}
	node_now += (u64)(sel >> 4) << 28; /* up to ~4 s per input */
	if (sel & 0x10 && len <= FRAME_DATA_MAX) {
		/* As the switch's internal port: queued, handled by the poll. */
		struct frame *v[1] = { &frames[0] };

		frame_set(&frames[0], p, len);
		inet_port_tx(&node, v, 1);
	} else {
		inet_rx(&node, p, len, node_now);
	}
	inet_poll(&node, node_now);
	if (node.rxq_len)
		abort();
	for (unsigned int i = 0; i < INET_ARP_SLOTS; i++)
		queued += node.arp[i].qlen;
	if (node_pool.nr_free + queued != node_pool.total)
		abort();
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u8 *copy;

	if (!size)
		return 0;
	copy = malloc(size - 1 ? size - 1 : 1);
	memcpy(copy, data + 1, size - 1);
	if (data[0] & 8)
		readdress(copy, size - 1);
	if (data[0] & 4)
		fix_csums(copy, size - 1);
	parse_all(copy, size - 1);
	switch_it(data[0], copy, size - 1);
	stack_it(data[0], copy, size - 1);
	free(copy);
	return 0;
}

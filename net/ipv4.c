// SPDX-License-Identifier: GPL-2.0
/*
 * The node stack's core: Ethernet demultiplexing, strict IPv4 input (RFC
 * 791/1122 checks; options and fragments are refused, not processed),
 * routing to on-link hosts or the gateway, and the frame helpers the
 * protocol files build on.
 */
#include "inet_priv.h"

void inet_init(struct inet *in, const u8 *mac, struct frame_pool *pool,
	       inet_tx_fn tx, void *tx_priv)
{
	memset(in, 0, sizeof(*in));
	memcpy(in->mac, mac, ETH_ALEN);
	in->pool = pool;
	in->tx = tx;
	in->tx_priv = tx_priv;
	in->ip_id = 1;
}

static bool addr_martian(u32 a)
{
	/* 0/8 "this network", 127/8 loopback, 224/3 multicast and class E. */
	return (a >> 24) == 0 || (a >> 24) == 127 || (a >> 28) >= 14;
}

int inet_set_addr(struct inet *in, u32 ip, unsigned int prefix, u32 gw, u64 now)
{
	u32 mask;

	if (prefix < 1 || prefix > 32 || addr_martian(ip))
		return -1;
	mask = ~0u << (32 - prefix);
	/* The network and broadcast addresses of a subnet are not hosts. */
	if (prefix < 31 && ((ip & ~mask) == 0 || (ip & ~mask) == ~mask))
		return -1;
	if (gw && (addr_martian(gw) || (gw & mask) != (ip & mask) || gw == ip))
		return -1;
	/* Answers learnt for another subnet mean nothing now. */
	arp_flush_all(in);
	in->ip = ip;
	in->mask = mask;
	in->gw = gw;
	arp_announce(in);
	(void)now;
	return 0;
}

struct frame *inet_frame(struct inet *in, u16 type)
{
	struct frame *f = frame_alloc(in->pool);
	u8 *d;

	if (!f) {
		inet_drop(in, NET_DROP_NO_FRAME);
		return NULL;
	}
	d = frame_data(f);
	memcpy(d + ETH_ALEN, in->mac, ETH_ALEN);
	put_be16(d + 2 * ETH_ALEN, type);
	f->len = ETH_HLEN;
	return f;
}

void eth_send(struct inet *in, struct frame *f, const u8 *dst)
{
	u8 *d = frame_data(f);

	memcpy(d, dst, ETH_ALEN);
	if (f->len < ETH_ZLEN) {
		memset(d + f->len, 0, ETH_ZLEN - f->len);
		f->len = ETH_ZLEN;
	}
	if (in->tx(in->tx_priv, f))
		in->stats.tx_frames++;
	else
		inet_drop(in, NET_DROP_TX);
	frame_free(in->pool, f);
}

void ip_build(struct inet *in, struct frame *f, u32 dst, u8 proto, u16 l4_len)
{
	struct ipv4_hdr *ip = (void *)(frame_data(f) + ETH_HLEN);

	ip->ver_ihl = 0x45;
	ip->tos = 0;
	ip->tot_len = cpu_to_be16(IP_HLEN + l4_len);
	ip->id = cpu_to_be16(in->ip_id++);
	ip->frag_off = cpu_to_be16(IP_FLAG_DF); /* we never fragment */
	ip->ttl = INET_TTL;
	ip->proto = proto;
	ip->saddr = cpu_to_be32(in->ip);
	ip->daddr = cpu_to_be32(dst);
	ip->csum = net_ipv4_csum(ip);
	f->len = L4_OFF + l4_len;
}

int ip_send(struct inet *in, struct frame *f, u64 now)
{
	const struct ipv4_hdr *ip = (void *)(frame_data(f) + ETH_HLEN);
	u32 dst = be32_to_cpu(ip->daddr), hop;

	if (dst == INET_BCAST || dst == subnet_bcast(in)) {
		hop = INET_BCAST;
	} else if ((dst & in->mask) == (in->ip & in->mask)) {
		hop = dst;
	} else if (in->gw) {
		hop = in->gw;
	} else {
		inet_drop(in, NET_DROP_IP_NO_ROUTE);
		frame_free(in->pool, f);
		return -1;
	}
	return arp_output(in, f, hop, now);
}

/* Strict IPv4 input: anything we would have to interpret loosely dies. */
static void ip_rx(struct inet *in, const u8 *p, size_t len, u64 now)
{
	struct net_ipv4 ip;
	enum net_drop r;
	u32 src, dst;
	bool bcast;

	if (!in->ip) {
		inet_drop(in, NET_DROP_NO_ADDR);
		return;
	}
	r = net_parse_ipv4(p, len, &ip);
	if (r) {
		inet_drop(in, r);
		return;
	}
	if (ip.hlen != IP_HLEN) {
		inet_drop(in, NET_DROP_IP_OPTIONS);
		return;
	}
	if (ip.frag) {
		inet_drop(in, NET_DROP_IP_FRAGMENT);
		return;
	}
	src = be32_to_cpu(ip.hdr->saddr);
	dst = be32_to_cpu(ip.hdr->daddr);
	bcast = dst == INET_BCAST || dst == subnet_bcast(in);
	if (dst != in->ip && !bcast) {
		inet_drop(in, NET_DROP_IP_NOT_OURS);
		return;
	}
	/* RFC 1122 3.2.1.3: a source can never be a broadcast or group. */
	if (addr_martian(src) || src == INET_BCAST || src == in->ip ||
	    src == subnet_bcast(in)) {
		inet_drop(in, NET_DROP_IP_SRC);
		return;
	}
	if (ip.proto == IPPROTO_ICMP)
		icmp_rx(in, &ip, bcast, now);
	else if (ip.proto == IPPROTO_UDP)
		udp_rx(in, &ip, bcast, now);
	else
		inet_drop(in, NET_DROP_IP_PROTO);
}

void inet_rx(struct inet *in, const u8 *data, size_t len, u64 now)
{
	static const u8 bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct net_eth eth;
	enum net_drop r;

	in->stats.rx_frames++;
	r = net_parse_eth(data, len, &eth);
	if (r) {
		inet_drop(in, r);
		return;
	}
	if (!eth_addr_equal(eth.hdr->dst, in->mac) &&
	    !eth_addr_equal(eth.hdr->dst, bcast)) {
		inet_drop(in, NET_DROP_NOT_OURS);
		return;
	}
	if (eth.tagged || eth.llc) {
		inet_drop(in, NET_DROP_ETH_PROTO);
		return;
	}
	/* Nothing we answer may grow past the MTU we send with. */
	if (eth.l3_len > INET_MTU) {
		inet_drop(in, NET_DROP_MTU_RX);
		return;
	}
	if (eth.type == ETH_P_ARP)
		arp_rx(in, data + eth.l3_off, eth.l3_len, now);
	else if (eth.type == ETH_P_IPV4)
		ip_rx(in, data + eth.l3_off, eth.l3_len, now);
	else
		inet_drop(in, NET_DROP_ETH_PROTO);
}

unsigned int inet_port_tx(void *priv, struct frame *const frames[],
			  unsigned int n)
{
	struct inet *in = priv;
	unsigned int i;

	for (i = 0; i < n && in->rxq_len < INET_RXQ_MAX; i++) {
		struct frame *f = frame_alloc(in->pool);

		if (!f ||
		    !frame_set(f, frame_data(frames[i]), frames[i]->len)) {
			if (f)
				frame_free(in->pool, f);
			break;
		}
		if (in->rxq)
			in->rxq_tail->next = f;
		else
			in->rxq = f;
		in->rxq_tail = f;
		in->rxq_len++;
	}
	return i;
}

void inet_poll(struct inet *in, u64 now)
{
	while (in->rxq) {
		struct frame *f = in->rxq;

		in->rxq = f->next;
		in->rxq_len--;
		inet_rx(in, frame_data(f), f->len, now);
		frame_free(in->pool, f);
	}
	arp_poll(in, now);
}

/* One decimal number 0..max, advancing *s; -1 on junk. */
static int parse_num(const char **s, unsigned int max, unsigned int *out)
{
	unsigned int v = 0, digits = 0;

	while (**s >= '0' && **s <= '9' && digits < 4) {
		v = v * 10 + (unsigned int)(**s - '0');
		(*s)++;
		digits++;
	}
	if (!digits || digits > 3 || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_addr(const char **s, u32 *ip)
{
	u32 a = 0;

	for (int i = 0; i < 4; i++) {
		unsigned int b;

		if (i && *(*s)++ != '.')
			return -1;
		if (parse_num(s, 255, &b))
			return -1;
		a = a << 8 | b;
	}
	*ip = a;
	return 0;
}

/* Both leave *ip and *prefix alone unless the whole string is valid. */
int inet_parse_addr(const char *s, u32 *ip)
{
	u32 a;

	if (parse_addr(&s, &a) || *s)
		return -1;
	*ip = a;
	return 0;
}

int inet_parse_cidr(const char *s, u32 *ip, unsigned int *prefix)
{
	unsigned int len;
	u32 a;

	if (parse_addr(&s, &a) || *s++ != '/' || parse_num(&s, 32, &len) ||
	    *s || !len)
		return -1;
	*ip = a;
	*prefix = len;
	return 0;
}

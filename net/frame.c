// SPDX-License-Identifier: GPL-2.0
/*
 * Frame pool and strict parsers. Each parser checks every length before
 * it reads, so a fuzzer can throw arbitrary bytes at it.
 */
#include <pv/net.h>
#include <pv/string.h>

static const char *const drop_names[NET_DROP_MAX] = {
	[NET_OK] = "ok",
	[NET_DROP_ETH_SHORT] = "eth_short",
	[NET_DROP_ETH_SRC_MCAST] = "eth_src_mcast",
	[NET_DROP_ETH_SRC_ZERO] = "eth_src_zero",
	[NET_DROP_ETH_TYPE] = "eth_type",
	[NET_DROP_ETH_LLC_LEN] = "eth_llc_len",
	[NET_DROP_VLAN_SHORT] = "vlan_short",
	[NET_DROP_VLAN_QINQ] = "vlan_qinq",
	[NET_DROP_ARP_SHORT] = "arp_short",
	[NET_DROP_ARP_HTYPE] = "arp_htype",
	[NET_DROP_ARP_PTYPE] = "arp_ptype",
	[NET_DROP_ARP_ADDR_LEN] = "arp_addr_len",
	[NET_DROP_ARP_OP] = "arp_op",
	[NET_DROP_IP_SHORT] = "ip_short",
	[NET_DROP_IP_VERSION] = "ip_version",
	[NET_DROP_IP_IHL] = "ip_ihl",
	[NET_DROP_IP_TOTLEN] = "ip_totlen",
	[NET_DROP_IP_CSUM] = "ip_csum",
	[NET_DROP_IP_EVIL_BIT] = "ip_evil_bit",
	[NET_DROP_L4_FRAGMENT] = "l4_fragment",
	[NET_DROP_ICMP_SHORT] = "icmp_short",
	[NET_DROP_ICMP_CSUM] = "icmp_csum",
	[NET_DROP_ICMP_ECHO_CODE] = "icmp_echo_code",
	[NET_DROP_UDP_SHORT] = "udp_short",
	[NET_DROP_UDP_LEN] = "udp_len",
	[NET_DROP_UDP_CSUM] = "udp_csum",
	[NET_DROP_FRAME_LEN] = "frame_len",
	[NET_DROP_PORT_DOWN] = "port_down",
	[NET_DROP_MTU_RX] = "mtu_rx",
	[NET_DROP_MTU_TX] = "mtu_tx",
	[NET_DROP_SPOOF] = "spoof",
	[NET_DROP_VLAN_UNTAGGED] = "vlan_untagged",
	[NET_DROP_VLAN_TAGGED] = "vlan_tagged",
	[NET_DROP_VLAN_DENIED] = "vlan_denied",
	[NET_DROP_ISOLATED] = "isolated",
	[NET_DROP_HAIRPIN] = "hairpin",
	[NET_DROP_NO_DEST] = "no_dest",
	[NET_DROP_TX_FULL] = "tx_full",
	[NET_DROP_NOT_OURS] = "not_ours",
	[NET_DROP_ETH_PROTO] = "eth_proto",
	[NET_DROP_NO_ADDR] = "no_addr",
	[NET_DROP_ARP_NOT_OURS] = "arp_not_ours",
	[NET_DROP_ARP_SENDER] = "arp_sender",
	[NET_DROP_ARP_QUEUE_FULL] = "arp_queue_full",
	[NET_DROP_ARP_UNRESOLVED] = "arp_unresolved",
	[NET_DROP_IP_OPTIONS] = "ip_options",
	[NET_DROP_IP_FRAGMENT] = "ip_fragment",
	[NET_DROP_IP_NOT_OURS] = "ip_not_ours",
	[NET_DROP_IP_SRC] = "ip_src",
	[NET_DROP_IP_PROTO] = "ip_proto",
	[NET_DROP_IP_NO_ROUTE] = "ip_no_route",
	[NET_DROP_ICMP_TYPE] = "icmp_type",
	[NET_DROP_UDP_PORT] = "udp_port",
	[NET_DROP_NO_FRAME] = "no_frame",
	[NET_DROP_TX] = "tx",
};

const char *net_drop_name(enum net_drop r)
{
	if ((unsigned int)r >= NET_DROP_MAX || !drop_names[r])
		return "?";
	return drop_names[r];
}

void frame_pool_init(struct frame_pool *pool, struct frame *frames, u32 n)
{
	pool->free = NULL;
	pool->nr_free = 0;
	pool->total = n;
	for (u32 i = n; i-- > 0;)
		frame_free(pool, &frames[i]);
}

struct frame *frame_alloc(struct frame_pool *pool)
{
	struct frame *f = pool->free;

	if (!f)
		return NULL;
	pool->free = f->next;
	pool->nr_free--;
	f->next = NULL;
	f->off = FRAME_HEADROOM;
	f->len = 0;
	f->vid = 0;
	f->pcp = 0;
	return f;
}

void frame_free(struct frame_pool *pool, struct frame *f)
{
	f->next = pool->free;
	pool->free = f;
	pool->nr_free++;
}

bool frame_set(struct frame *f, const void *data, size_t len)
{
	if (len > FRAME_DATA_MAX)
		return false;
	f->off = FRAME_HEADROOM;
	f->len = (u16)len;
	memcpy(frame_data(f), data, len);
	return true;
}

u32 net_csum_add(u32 sum, const void *p, size_t len)
{
	const u8 *b = p;
	u64 acc = sum;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		acc += (u32)b[i] << 8 | b[i + 1];
	if (len & 1)
		acc += (u32)b[len - 1] << 8;
	while (acc >> 32)
		acc = (acc & 0xffffffff) + (acc >> 32);
	return (u32)acc;
}

u16 net_csum_fold(u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u16)~sum;
}

be16 net_ipv4_csum(const struct ipv4_hdr *ip)
{
	unsigned int hlen = (ip->ver_ihl & 0xf) * 4;
	const u8 *b = (const u8 *)ip;
	u32 sum;

	/* Everything but the checksum field (bytes 10-11). */
	sum = net_csum_add(0, b, 10);
	sum = net_csum_add(sum, b + 12, hlen - 12);
	return cpu_to_be16(net_csum_fold(sum));
}

static u32 pseudo_sum(const struct ipv4_hdr *ip, u8 proto, u16 len)
{
	u32 sum;

	sum = net_csum_add(0, &ip->saddr, 4);
	sum = net_csum_add(sum, &ip->daddr, 4);
	return sum + proto + len;
}

be16 net_udp_csum(const struct ipv4_hdr *ip, const void *udp, u16 len)
{
	const u8 *b = udp;
	u32 sum = pseudo_sum(ip, IPPROTO_UDP, len);
	u16 c;

	sum = net_csum_add(sum, b, 6);
	sum = net_csum_add(sum, b + 8, len - 8);
	c = net_csum_fold(sum);
	/* 0 means "no checksum" on the wire; RFC 768 sends 0xffff instead. */
	return cpu_to_be16(c ? c : 0xffff);
}

enum net_drop net_parse_eth(const u8 *p, size_t len, struct net_eth *out)
{
	const struct eth_hdr *eh = (const void *)p;
	size_t off = ETH_HLEN;
	u16 type;

	if (len < ETH_HLEN)
		return NET_DROP_ETH_SHORT;
	if (eth_addr_is_multicast(eh->src))
		return NET_DROP_ETH_SRC_MCAST;
	if (!(eh->src[0] | eh->src[1] | eh->src[2] | eh->src[3] | eh->src[4] |
	      eh->src[5]))
		return NET_DROP_ETH_SRC_ZERO;
	out->hdr = eh;
	out->tagged = false;
	out->tci = 0;
	out->vid = 0;
	type = be16_to_cpu(eh->type);
	if (type == ETH_P_8021Q) {
		const struct vlan_tag *tag = (const void *)(p + ETH_HLEN);

		if (len < ETH_HLEN + VLAN_HLEN)
			return NET_DROP_VLAN_SHORT;
		out->tagged = true;
		out->tci = be16_to_cpu(tag->tci);
		out->vid = out->tci & VLAN_VID_MASK;
		type = be16_to_cpu(tag->type);
		off += VLAN_HLEN;
		if (type == ETH_P_8021Q || type == ETH_P_8021AD)
			return NET_DROP_VLAN_QINQ;
	} else if (type == ETH_P_8021AD) {
		return NET_DROP_VLAN_QINQ;
	}
	out->llc = type <= ETH_P_802_3_MAX;
	if (!out->llc && type < ETH_P_MIN)
		return NET_DROP_ETH_TYPE;
	if (out->llc && type > len - off)
		return NET_DROP_ETH_LLC_LEN;
	out->type = type;
	out->l3_off = (u16)off;
	out->l3_len = (u16)(len - off);
	return NET_OK;
}

enum net_drop net_parse_arp(const u8 *p, size_t len, struct net_arp *out)
{
	const struct arp_hdr *a = (const void *)p;
	u16 op;

	if (len < sizeof(*a))
		return NET_DROP_ARP_SHORT;
	if (be16_to_cpu(a->htype) != 1)
		return NET_DROP_ARP_HTYPE;
	if (be16_to_cpu(a->ptype) != ETH_P_IPV4)
		return NET_DROP_ARP_PTYPE;
	if (a->hlen != ETH_ALEN || a->plen != 4)
		return NET_DROP_ARP_ADDR_LEN;
	op = be16_to_cpu(a->op);
	if (op != ARP_OP_REQUEST && op != ARP_OP_REPLY)
		return NET_DROP_ARP_OP;
	out->hdr = a;
	out->op = op;
	return NET_OK;
}

enum net_drop net_parse_ipv4(const u8 *p, size_t len, struct net_ipv4 *out)
{
	const struct ipv4_hdr *ip = (const void *)p;
	unsigned int hlen, tot;
	u16 frag;

	if (len < sizeof(*ip))
		return NET_DROP_IP_SHORT;
	if ((ip->ver_ihl >> 4) != 4)
		return NET_DROP_IP_VERSION;
	hlen = (ip->ver_ihl & 0xf) * 4u;
	if (hlen < sizeof(*ip) || hlen > len)
		return NET_DROP_IP_IHL;
	tot = be16_to_cpu(ip->tot_len);
	if (tot < hlen || tot > len)
		return NET_DROP_IP_TOTLEN;
	/* Summing the header with its checksum gives 0xffff when intact. */
	if (net_csum_fold(net_csum_add(0, p, hlen)) != 0)
		return NET_DROP_IP_CSUM;
	frag = be16_to_cpu(ip->frag_off);
	if (frag & IP_FLAG_RESERVED)
		return NET_DROP_IP_EVIL_BIT;
	out->hdr = ip;
	out->proto = ip->proto;
	out->frag = (frag & (IP_FLAG_MF | IP_OFFSET_MASK)) != 0;
	out->hlen = (u16)hlen;
	out->tot_len = (u16)tot;
	out->payload = p + hlen;
	out->payload_len = (u16)(tot - hlen);
	return NET_OK;
}

enum net_drop net_parse_icmp(const struct net_ipv4 *ip, struct net_icmp *out)
{
	const struct icmp_hdr *h = (const void *)ip->payload;

	/* A fragment's checksum covers bytes we do not have. */
	if (ip->frag)
		return NET_DROP_L4_FRAGMENT;
	if (ip->payload_len < sizeof(*h))
		return NET_DROP_ICMP_SHORT;
	if (net_csum_fold(net_csum_add(0, h, ip->payload_len)) != 0)
		return NET_DROP_ICMP_CSUM;
	out->hdr = h;
	out->type = h->type;
	out->code = h->code;
	out->echo = h->type == ICMP_ECHO_REQUEST || h->type == ICMP_ECHO_REPLY;
	if (out->echo && h->code != 0)
		return NET_DROP_ICMP_ECHO_CODE;
	return NET_OK;
}

enum net_drop net_parse_udp(const struct net_ipv4 *ip, struct net_udp *out)
{
	const struct udp_hdr *h = (const void *)ip->payload;
	u16 ulen;

	if (ip->frag)
		return NET_DROP_L4_FRAGMENT;
	if (ip->payload_len < sizeof(*h))
		return NET_DROP_UDP_SHORT;
	ulen = be16_to_cpu(h->len);
	if (ulen < sizeof(*h) || ulen > ip->payload_len)
		return NET_DROP_UDP_LEN;
	/* Zero means the sender did not checksum (allowed over IPv4). */
	if (h->csum) {
		u32 sum = pseudo_sum(ip->hdr, IPPROTO_UDP, ulen);

		if (net_csum_fold(net_csum_add(sum, h, ulen)) != 0)
			return NET_DROP_UDP_CSUM;
	}
	out->hdr = h;
	out->sport = be16_to_cpu(h->sport);
	out->dport = be16_to_cpu(h->dport);
	out->payload = (const u8 *)h + sizeof(*h);
	out->payload_len = ulen - sizeof(*h);
	return NET_OK;
}

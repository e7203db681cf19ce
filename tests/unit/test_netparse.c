// SPDX-License-Identifier: GPL-2.0
/* Host tests of net/frame.c: checksum vectors, parsers, frame pool. */
#include <string.h>
#include <pv/net.h>
#include "unit.h"

static const u8 mac_a[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const u8 mac_b[ETH_ALEN] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };

static void put16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* Slow reference: the RFC 1071 definition, word by word. */
static u16 ref_csum(const u8 *p, size_t len)
{
	u32 sum = 0;

	for (size_t i = 0; i < len; i += 2)
		sum += (u32)p[i] << 8 | (i + 1 < len ? p[i + 1] : 0);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u16)~sum;
}

/* IPv4 header at p: 20 bytes + opt_len option bytes, valid checksum. */
static size_t build_ip(u8 *p, u8 proto, size_t opt_len, size_t payload,
		       u16 frag)
{
	size_t hlen = 20 + opt_len;
	struct ipv4_hdr *ip = (void *)p;

	memset(p, 0, hlen);
	p[0] = 0x40 | (u8)(hlen / 4);
	put16(p + 2, (u16)(hlen + payload));
	put16(p + 4, 0x1234);
	put16(p + 6, frag);
	p[8] = 64;
	p[9] = proto;
	memcpy(p + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
	ip->csum = net_ipv4_csum(ip);
	return hlen;
}

UNIT_TEST(csum_rfc1071_vector)
{
	/* RFC 1071 section 3: the words sum to 0xddf2. */
	static const u8 v[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

	CHECK_EQ(net_csum_fold(net_csum_add(0, v, sizeof(v))), 0x220d);
	/* Split sums at an even offset give the same result. */
	CHECK_EQ(net_csum_fold(net_csum_add(net_csum_add(0, v, 4), v + 4, 4)),
		 0x220d);
	/* Odd tail is padded with a zero byte. */
	CHECK_EQ(net_csum_fold(net_csum_add(0, v, 7)), ref_csum(v, 7));
	CHECK_EQ(net_csum_fold(0), 0xffff);
}

UNIT_TEST(csum_matches_reference)
{
	u8 buf[1501];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (u8)(i * 131 + 7);
	for (size_t n = 0; n <= sizeof(buf); n += 37)
		CHECK_EQ(net_csum_fold(net_csum_add(0, buf, n)),
			 ref_csum(buf, n));
	memset(buf, 0xff, sizeof(buf));
	CHECK_EQ(net_csum_fold(net_csum_add(0, buf, sizeof(buf))),
		 ref_csum(buf, sizeof(buf)));
}

UNIT_TEST(ipv4_header_vector)
{
	/* A widely published header whose checksum is 0xb861. */
	u8 h[] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
		   0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
	u8 frame[0x73] = { 0 };
	struct net_ipv4 ip;

	CHECK_EQ(be16_to_cpu(net_ipv4_csum((void *)h)), 0xb861);
	memcpy(frame, h, sizeof(h));
	CHECK_EQ(net_parse_ipv4(frame, sizeof(frame), &ip), NET_OK);
	CHECK_EQ(ip.proto, IPPROTO_UDP);
	CHECK(!ip.frag); /* DF only */
	CHECK_EQ(ip.payload_len, 0x73 - 20);
	frame[11] ^= 1;
	CHECK_EQ(net_parse_ipv4(frame, sizeof(frame), &ip), NET_DROP_IP_CSUM);
}

static size_t build_eth(u8 *p, u16 type)
{
	memcpy(p, mac_b, ETH_ALEN);
	memcpy(p + 6, mac_a, ETH_ALEN);
	put16(p + 12, type);
	return ETH_HLEN;
}

UNIT_TEST(eth_good_and_tagged)
{
	u8 f[64] = { 0 };
	struct net_eth e;

	build_eth(f, ETH_P_IPV4);
	CHECK_EQ(net_parse_eth(f, 60, &e), NET_OK);
	CHECK(!e.tagged);
	CHECK(!e.llc);
	CHECK_EQ(e.type, ETH_P_IPV4);
	CHECK_EQ(e.l3_off, 14);
	CHECK_EQ(e.l3_len, 46);
	CHECK(e.hdr == (const void *)f);

	build_eth(f, ETH_P_8021Q);
	put16(f + 14, 0xa000 | 42); /* PCP 5, VID 42 */
	put16(f + 16, ETH_P_ARP);
	CHECK_EQ(net_parse_eth(f, 60, &e), NET_OK);
	CHECK(e.tagged);
	CHECK_EQ(e.vid, 42);
	CHECK_EQ(e.tci, 0xa000 | 42);
	CHECK_EQ(e.type, ETH_P_ARP);
	CHECK_EQ(e.l3_off, 18);
	CHECK_EQ(e.l3_len, 42);
}

UNIT_TEST(eth_malformed)
{
	u8 f[64] = { 0 };
	struct net_eth e;

	build_eth(f, ETH_P_IPV4);
	CHECK_EQ(net_parse_eth(f, 13, &e), NET_DROP_ETH_SHORT);
	CHECK_EQ(net_parse_eth(f, 0, &e), NET_DROP_ETH_SHORT);
	CHECK_EQ(net_parse_eth(f, 14, &e), NET_OK); /* header-only is legal */

	f[6] |= 1;
	CHECK_EQ(net_parse_eth(f, 60, &e), NET_DROP_ETH_SRC_MCAST);
	memset(f + 6, 0, ETH_ALEN);
	CHECK_EQ(net_parse_eth(f, 60, &e), NET_DROP_ETH_SRC_ZERO);

	build_eth(f, 0x05dd); /* 1501: neither length nor type */
	CHECK_EQ(net_parse_eth(f, 60, &e), NET_DROP_ETH_TYPE);
	build_eth(f, 46); /* 802.3 length exactly the payload */
	CHECK_EQ(net_parse_eth(f, 60, &e), NET_OK);
	CHECK(e.llc);
	build_eth(f, 47);
	CHECK_EQ(net_parse_eth(f, 60, &e), NET_DROP_ETH_LLC_LEN);

	build_eth(f, ETH_P_8021Q);
	CHECK_EQ(net_parse_eth(f, 17, &e), NET_DROP_VLAN_SHORT);
	put16(f + 14, 7);
	put16(f + 16, ETH_P_8021Q);
	CHECK_EQ(net_parse_eth(f, 60, &e), NET_DROP_VLAN_QINQ);
	put16(f + 16, ETH_P_8021AD);
	CHECK_EQ(net_parse_eth(f, 60, &e), NET_DROP_VLAN_QINQ);
	build_eth(f, ETH_P_8021AD);
	CHECK_EQ(net_parse_eth(f, 60, &e), NET_DROP_VLAN_QINQ);
}

static void build_arp(u8 *p, u16 op)
{
	put16(p, 1);
	put16(p + 2, ETH_P_IPV4);
	p[4] = 6;
	p[5] = 4;
	put16(p + 6, op);
	memcpy(p + 8, mac_a, 6);
	memcpy(p + 14, "\x0a\x00\x00\x01", 4);
	memset(p + 18, 0, 6);
	memcpy(p + 24, "\x0a\x00\x00\x02", 4);
}

UNIT_TEST(arp_parse)
{
	u8 a[28];
	struct net_arp r;

	build_arp(a, ARP_OP_REQUEST);
	CHECK_EQ(net_parse_arp(a, 28, &r), NET_OK);
	CHECK_EQ(r.op, ARP_OP_REQUEST);
	CHECK(eth_addr_equal(r.hdr->sha, mac_a));
	build_arp(a, ARP_OP_REPLY);
	CHECK_EQ(net_parse_arp(a, 28, &r), NET_OK);
	CHECK_EQ(r.op, ARP_OP_REPLY);

	CHECK_EQ(net_parse_arp(a, 27, &r), NET_DROP_ARP_SHORT);
	put16(a, 6); /* IEEE 802 */
	CHECK_EQ(net_parse_arp(a, 28, &r), NET_DROP_ARP_HTYPE);
	build_arp(a, 1);
	put16(a + 2, 0x86dd);
	CHECK_EQ(net_parse_arp(a, 28, &r), NET_DROP_ARP_PTYPE);
	build_arp(a, 1);
	a[4] = 8;
	CHECK_EQ(net_parse_arp(a, 28, &r), NET_DROP_ARP_ADDR_LEN);
	build_arp(a, 1);
	a[5] = 16;
	CHECK_EQ(net_parse_arp(a, 28, &r), NET_DROP_ARP_ADDR_LEN);
	build_arp(a, 3); /* RARP request */
	CHECK_EQ(net_parse_arp(a, 28, &r), NET_DROP_ARP_OP);
	build_arp(a, 0);
	CHECK_EQ(net_parse_arp(a, 28, &r), NET_DROP_ARP_OP);
}

UNIT_TEST(ipv4_parse)
{
	u8 p[128];
	struct net_ipv4 ip;
	size_t h;

	h = build_ip(p, IPPROTO_ICMP, 0, 8, 0);
	CHECK_EQ(net_parse_ipv4(p, h + 8, &ip), NET_OK);
	CHECK_EQ(ip.hlen, 20);
	CHECK_EQ(ip.tot_len, 28);
	CHECK(ip.payload == p + 20);
	/* Ethernet padding after tot_len is not payload. */
	CHECK_EQ(net_parse_ipv4(p, 46, &ip), NET_OK);
	CHECK_EQ(ip.payload_len, 8);

	h = build_ip(p, IPPROTO_UDP, 8, 10, 0); /* with options */
	CHECK_EQ(net_parse_ipv4(p, h + 10, &ip), NET_OK);
	CHECK_EQ(ip.hlen, 28);
	CHECK(ip.payload == p + 28);

	h = build_ip(p, IPPROTO_UDP, 0, 10, 0);
	CHECK_EQ(net_parse_ipv4(p, 19, &ip), NET_DROP_IP_SHORT);
	p[0] = 0x65;
	CHECK_EQ(net_parse_ipv4(p, 30, &ip), NET_DROP_IP_VERSION);
	p[0] = 0x44;
	CHECK_EQ(net_parse_ipv4(p, 30, &ip), NET_DROP_IP_IHL);
	p[0] = 0x4f; /* 60-byte header in a 30-byte packet */
	CHECK_EQ(net_parse_ipv4(p, 30, &ip), NET_DROP_IP_IHL);

	build_ip(p, IPPROTO_UDP, 0, 10, 0);
	CHECK_EQ(net_parse_ipv4(p, 29, &ip), NET_DROP_IP_TOTLEN); /* > frame */
	put16(p + 2, 19);
	((struct ipv4_hdr *)p)->csum = net_ipv4_csum((void *)p);
	CHECK_EQ(net_parse_ipv4(p, 30, &ip), NET_DROP_IP_TOTLEN); /* < hdr */

	build_ip(p, IPPROTO_UDP, 0, 10, 0);
	p[8]--; /* TTL changed, checksum not updated */
	CHECK_EQ(net_parse_ipv4(p, 30, &ip), NET_DROP_IP_CSUM);

	build_ip(p, IPPROTO_UDP, 0, 10, IP_FLAG_RESERVED);
	CHECK_EQ(net_parse_ipv4(p, 30, &ip), NET_DROP_IP_EVIL_BIT);

	build_ip(p, IPPROTO_UDP, 0, 10, IP_FLAG_DF);
	CHECK_EQ(net_parse_ipv4(p, 30, &ip), NET_OK);
	CHECK(!ip.frag);
	build_ip(p, IPPROTO_UDP, 0, 10, IP_FLAG_MF);
	CHECK_EQ(net_parse_ipv4(p, 30, &ip), NET_OK);
	CHECK(ip.frag);
	build_ip(p, IPPROTO_UDP, 0, 10, 185); /* last fragment, offset 1480 */
	CHECK_EQ(net_parse_ipv4(p, 30, &ip), NET_OK);
	CHECK(ip.frag);
}

static size_t build_icmp(u8 *p, u8 type, u8 code, size_t data)
{
	struct icmp_hdr *ic = (void *)(p + 20);
	size_t len = sizeof(*ic) + data;

	build_ip(p, IPPROTO_ICMP, 0, len, 0);
	ic->type = type;
	ic->code = code;
	ic->csum = 0;
	ic->id = cpu_to_be16(0x4242);
	ic->seq = cpu_to_be16(1);
	for (size_t i = 0; i < data; i++)
		p[28 + i] = (u8)i;
	ic->csum = cpu_to_be16(net_csum_fold(net_csum_add(0, ic, len)));
	return 20 + len;
}

UNIT_TEST(icmp_parse)
{
	u8 p[128];
	struct net_ipv4 ip;
	struct net_icmp ic;
	size_t n;

	n = build_icmp(p, ICMP_ECHO_REQUEST, 0, 33); /* odd length */
	CHECK_EQ(net_parse_ipv4(p, n, &ip), NET_OK);
	CHECK_EQ(net_parse_icmp(&ip, &ic), NET_OK);
	CHECK(ic.echo);
	CHECK_EQ(ic.type, ICMP_ECHO_REQUEST);
	CHECK_EQ(be16_to_cpu(ic.hdr->id), 0x4242);

	n = build_icmp(p, ICMP_ECHO_REPLY, 0, 0);
	CHECK_EQ(net_parse_ipv4(p, n, &ip), NET_OK);
	CHECK_EQ(net_parse_icmp(&ip, &ic), NET_OK);
	CHECK(ic.echo);

	n = build_icmp(p, 3, 1, 28); /* host unreachable: not an echo */
	CHECK_EQ(net_parse_ipv4(p, n, &ip), NET_OK);
	CHECK_EQ(net_parse_icmp(&ip, &ic), NET_OK);
	CHECK(!ic.echo);

	n = build_icmp(p, ICMP_ECHO_REQUEST, 1, 4);
	CHECK_EQ(net_parse_ipv4(p, n, &ip), NET_OK);
	CHECK_EQ(net_parse_icmp(&ip, &ic), NET_DROP_ICMP_ECHO_CODE);

	n = build_icmp(p, ICMP_ECHO_REQUEST, 0, 4);
	p[n - 1] ^= 0x80;
	CHECK_EQ(net_parse_ipv4(p, n, &ip), NET_OK);
	CHECK_EQ(net_parse_icmp(&ip, &ic), NET_DROP_ICMP_CSUM);

	build_ip(p, IPPROTO_ICMP, 0, 7, 0);
	CHECK_EQ(net_parse_ipv4(p, 27, &ip), NET_OK);
	CHECK_EQ(net_parse_icmp(&ip, &ic), NET_DROP_ICMP_SHORT);

	n = build_icmp(p, ICMP_ECHO_REQUEST, 0, 4);
	build_ip(p, IPPROTO_ICMP, 0, n - 20, IP_FLAG_MF);
	CHECK_EQ(net_parse_ipv4(p, n, &ip), NET_OK);
	CHECK_EQ(net_parse_icmp(&ip, &ic), NET_DROP_L4_FRAGMENT);
}

static size_t build_udp(u8 *p, size_t data, bool csum)
{
	struct udp_hdr *u = (void *)(p + 20);
	u16 len = (u16)(sizeof(*u) + data);

	build_ip(p, IPPROTO_UDP, 0, len, 0);
	u->sport = cpu_to_be16(68);
	u->dport = cpu_to_be16(67);
	u->len = cpu_to_be16(len);
	u->csum = 0;
	for (size_t i = 0; i < data; i++)
		p[28 + i] = (u8)(0xa5 ^ i);
	if (csum)
		u->csum = net_udp_csum((void *)p, u, len);
	return 20 + len;
}

/* Pseudo-header sum done independently: one buffer, reference checksum. */
static u16 ref_udp_csum(const u8 *p, size_t ulen)
{
	u8 buf[12 + 256];

	memcpy(buf, p + 12, 8);
	buf[8] = 0;
	buf[9] = IPPROTO_UDP;
	put16(buf + 10, (u16)ulen);
	memcpy(buf + 12, p + 20, ulen);
	buf[12 + 6] = buf[12 + 7] = 0;
	return ref_csum(buf, 12 + ulen);
}

UNIT_TEST(udp_parse)
{
	u8 p[256];
	struct net_ipv4 ip;
	struct net_udp u;
	size_t n;

	n = build_udp(p, 13, true);
	CHECK_EQ(be16_to_cpu(((struct udp_hdr *)(p + 20))->csum),
		 ref_udp_csum(p, 21));
	CHECK_EQ(net_parse_ipv4(p, n, &ip), NET_OK);
	CHECK_EQ(net_parse_udp(&ip, &u), NET_OK);
	CHECK_EQ(u.sport, 68);
	CHECK_EQ(u.dport, 67);
	CHECK_EQ(u.payload_len, 13);
	CHECK(u.payload == p + 28);

	n = build_udp(p, 13, false); /* zero checksum: not checked */
	CHECK_EQ(net_parse_ipv4(p, n, &ip), NET_OK);
	CHECK_EQ(net_parse_udp(&ip, &u), NET_OK);

	n = build_udp(p, 13, true);
	p[n - 1] ^= 1;
	CHECK_EQ(net_parse_ipv4(p, n, &ip), NET_OK);
	CHECK_EQ(net_parse_udp(&ip, &u), NET_DROP_UDP_CSUM);

	/* The pseudo-header is covered: change the destination address. */
	n = build_udp(p, 13, true);
	p[19] ^= 1;
	((struct ipv4_hdr *)p)->csum = net_ipv4_csum((void *)p);
	CHECK_EQ(net_parse_ipv4(p, n, &ip), NET_OK);
	CHECK_EQ(net_parse_udp(&ip, &u), NET_DROP_UDP_CSUM);

	n = build_udp(p, 13, false);
	put16(p + 24, 7);
	CHECK_EQ(net_parse_ipv4(p, n, &ip), NET_OK);
	CHECK_EQ(net_parse_udp(&ip, &u), NET_DROP_UDP_LEN);
	put16(p + 24, 22); /* one past the IP payload */
	CHECK_EQ(net_parse_udp(&ip, &u), NET_DROP_UDP_LEN);
	put16(p + 24, 8); /* shorter than the IP payload: trailer ignored */
	CHECK_EQ(net_parse_udp(&ip, &u), NET_OK);
	CHECK_EQ(u.payload_len, 0);

	build_ip(p, IPPROTO_UDP, 0, 7, 0);
	CHECK_EQ(net_parse_ipv4(p, 27, &ip), NET_OK);
	CHECK_EQ(net_parse_udp(&ip, &u), NET_DROP_UDP_SHORT);

	n = build_udp(p, 4, true);
	build_ip(p, IPPROTO_UDP, 0, n - 20, 1);
	CHECK_EQ(net_parse_ipv4(p, n, &ip), NET_OK);
	CHECK_EQ(net_parse_udp(&ip, &u), NET_DROP_L4_FRAGMENT);
}

UNIT_TEST(udp_csum_zero_sent_as_ffff)
{
	u8 p[64];
	struct udp_hdr *u = (void *)(p + 20);
	struct net_ipv4 ip;
	struct net_udp r;

	/* Pick 2 payload bytes that make the sum come out as 0. */
	build_udp(p, 2, false);
	p[28] = p[29] = 0;
	u16 c = ref_udp_csum(p, 10);
	put16(p + 28, c); /* S + ~S = 0xffff, whose complement is 0 */
	CHECK_EQ(ref_udp_csum(p, 10), 0);
	CHECK_EQ(be16_to_cpu(net_udp_csum((void *)p, u, 10)), 0xffff);
	u->csum = net_udp_csum((void *)p, u, 10);
	CHECK_EQ(net_parse_ipv4(p, 30, &ip), NET_OK);
	CHECK_EQ(net_parse_udp(&ip, &r), NET_OK);
}

UNIT_TEST(frame_pool)
{
	static struct frame frames[4];
	struct frame_pool pool;
	struct frame *got[5];
	u8 big[FRAME_DATA_MAX + 1] = { 0 };

	frame_pool_init(&pool, frames, 4);
	CHECK_EQ(pool.nr_free, 4);
	for (int i = 0; i < 4; i++) {
		got[i] = frame_alloc(&pool);
		CHECK(got[i] != NULL);
		CHECK_EQ(got[i]->off, FRAME_HEADROOM);
		CHECK_EQ(got[i]->len, 0);
	}
	CHECK(frame_alloc(&pool) == NULL);
	CHECK(got[0] != got[1] && got[1] != got[2] && got[2] != got[3]);
	CHECK(frame_set(got[0], big, FRAME_DATA_MAX));
	CHECK_EQ(got[0]->len, FRAME_DATA_MAX);
	CHECK(!frame_set(got[0], big, sizeof(big)));
	frame_free(&pool, got[2]);
	CHECK_EQ(pool.nr_free, 1);
	CHECK(frame_alloc(&pool) == got[2]);
	for (int i = 0; i < 4; i++)
		frame_free(&pool, got[i]);
	CHECK_EQ(pool.nr_free, 4);
}

UNIT_TEST(drop_names_distinct)
{
	for (int i = 0; i < NET_DROP_MAX; i++) {
		CHECK(strcmp(net_drop_name(i), "?") != 0);
		for (int j = 0; j < i; j++)
			CHECK(strcmp(net_drop_name(i), net_drop_name(j)) != 0);
	}
	CHECK_STR(net_drop_name(NET_DROP_MAX), "?");
}

UNIT_MAIN();

// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the node stack (net/arp.c, ipv4.c, icmp.c, udp.c): frames
 * from a peer are built here byte by byte, what the stack sends is
 * recorded by its tx callback and taken apart with the strict parsers.
 */
#include <string.h>
#include <pv/inet.h>
#include <pv/vswitch.h>
#include "unit.h"

#define SEC 1000000000ull
#define NSENT 16

static struct frame frames[32];
static struct frame_pool pool;
static struct inet st;
static unsigned int nsent;
static u8 sent[NSENT][FRAME_DATA_MAX];
static u16 sent_len[NSENT];
static bool tx_ok;

static const u8 our_mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const u8 peer_mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc };
static const u8 bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
#define OUR_IP INET_ADDR(10, 0, 2, 15)
#define PEER_IP INET_ADDR(10, 0, 2, 2)
#define OTHER_IP INET_ADDR(10, 0, 2, 3)

static bool rec_tx(void *priv, struct frame *f)
{
	if (nsent < NSENT) {
		memcpy(sent[nsent], frame_data(f), f->len);
		sent_len[nsent] = f->len;
	}
	nsent++;
	return tx_ok;
}

static void setup_unconfigured(void)
{
	frame_pool_init(&pool, frames, 32);
	inet_init(&st, our_mac, &pool, rec_tx, NULL);
	nsent = 0;
	tx_ok = true;
}

static void setup(void)
{
	setup_unconfigured();
	CHECK_EQ(inet_set_addr(&st, OUR_IP, 24, PEER_IP, 0), 0);
	nsent = 0; /* the announcement */
}

static u64 drops(enum net_drop r)
{
	return st.stats.drops[r];
}

static void put16(u8 *p, u16 v)
{
	p[0] = (u8)(v >> 8);
	p[1] = (u8)v;
}

static void put32(u8 *p, u32 v)
{
	put16(p, (u16)(v >> 16));
	put16(p + 2, (u16)v);
}

static u32 get32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static u8 pkt[FRAME_DATA_MAX];

static size_t eth(u8 *p, const u8 *dst, const u8 *src, u16 type)
{
	memcpy(p, dst, ETH_ALEN);
	memcpy(p + 6, src, ETH_ALEN);
	put16(p + 12, type);
	return ETH_HLEN;
}

static size_t arp(u8 *p, u16 op, const u8 *sha, u32 spa, const u8 *tha, u32 tpa)
{
	static const u8 zero[ETH_ALEN];

	put16(p, 1);
	put16(p + 2, ETH_P_IPV4);
	p[4] = 6;
	p[5] = 4;
	put16(p + 6, op);
	memcpy(p + 8, sha, ETH_ALEN);
	put32(p + 14, spa);
	memcpy(p + 18, tha ? tha : zero, ETH_ALEN);
	put32(p + 24, tpa);
	return 28;
}

static void feed_arp(u16 op, const u8 *sha, u32 spa, const u8 *tha, u32 tpa,
		     u64 now)
{
	size_t n = eth(pkt, op == ARP_OP_REQUEST ? bcast : our_mac, sha,
		       ETH_P_ARP);

	n += arp(pkt + n, op, sha, spa, tha, tpa);
	inet_rx(&st, pkt, n, now);
}

/* IPv4 header at p for l4 bytes of proto; checksum filled. */
static size_t ip(u8 *p, u32 src, u32 dst, u8 proto, size_t l4)
{
	struct ipv4_hdr *h = (void *)p;

	memset(h, 0, sizeof(*h));
	h->ver_ihl = 0x45;
	h->tot_len = cpu_to_be16((u16)(20 + l4));
	h->ttl = 64;
	h->proto = proto;
	h->saddr = cpu_to_be32(src);
	h->daddr = cpu_to_be32(dst);
	h->csum = net_ipv4_csum(h);
	return 20;
}

static void icmp_fix(u8 *p, size_t len)
{
	p[2] = p[3] = 0;
	put16(p + 2, net_csum_fold(net_csum_add(0, p, len)));
}

/* Echo request of dlen data bytes from the peer; returns frame length. */
static size_t echo_req(u32 dst, u16 id, u16 seq, size_t dlen)
{
	size_t n = eth(pkt, our_mac, peer_mac, ETH_P_IPV4);
	u8 *ic;

	n += ip(pkt + n, PEER_IP, dst, IPPROTO_ICMP, 8 + dlen);
	ic = pkt + n;
	ic[0] = ICMP_ECHO_REQUEST;
	ic[1] = 0;
	put16(ic + 4, id);
	put16(ic + 6, seq);
	for (size_t i = 0; i < dlen; i++)
		ic[8 + i] = (u8)(i * 7 + 1);
	icmp_fix(ic, 8 + dlen);
	return n + 8 + dlen;
}

/* UDP datagram from the peer; csum: 1 valid, 0 none. */
static size_t udp(u32 dst, u16 sport, u16 dport, const char *data, int csum)
{
	size_t n = eth(pkt, our_mac, peer_mac, ETH_P_IPV4), len = strlen(data);
	struct ipv4_hdr *h = (void *)(pkt + n);
	u8 *u;

	n += ip(pkt + n, PEER_IP, dst, IPPROTO_UDP, 8 + len);
	u = pkt + n;
	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, (u16)(8 + len));
	put16(u + 6, 0);
	memcpy(u + 8, data, len);
	if (csum)
		memcpy(u + 6, &(be16){ net_udp_csum(h, u, (u16)(8 + len)) }, 2);
	return n + 8 + len;
}

/* Learn the peer the way it happens on the wire: it ARPs for us. */
static void peer_arps(u64 now)
{
	feed_arp(ARP_OP_REQUEST, peer_mac, PEER_IP, NULL, OUR_IP, now);
	CHECK_EQ(nsent, 1);
	nsent = 0;
}

/* Parse sent frame i down to IPv4; returns the parse. */
static struct net_ipv4 sent_ip(unsigned int i)
{
	struct net_eth e;
	struct net_ipv4 v;

	memset(&v, 0, sizeof(v));
	CHECK_EQ(net_parse_eth(sent[i], sent_len[i], &e), NET_OK);
	CHECK_EQ(e.type, ETH_P_IPV4);
	CHECK_EQ(net_parse_ipv4(sent[i] + e.l3_off, e.l3_len, &v), NET_OK);
	return v;
}

UNIT_TEST(set_addr_announces)
{
	struct net_eth e;
	struct net_arp a;

	setup_unconfigured();
	CHECK_EQ(inet_set_addr(&st, OUR_IP, 0, 0, 0), -1);
	CHECK_EQ(inet_set_addr(&st, OUR_IP, 33, 0, 0), -1);
	CHECK_EQ(inet_set_addr(&st, INET_ADDR(10, 0, 2, 0), 24, 0, 0), -1);
	CHECK_EQ(inet_set_addr(&st, INET_ADDR(10, 0, 2, 255), 24, 0, 0), -1);
	CHECK_EQ(inet_set_addr(&st, INET_ADDR(127, 0, 0, 1), 8, 0, 0), -1);
	CHECK_EQ(inet_set_addr(&st, OUR_IP, 24, INET_ADDR(10, 0, 3, 1), 0), -1);
	CHECK_EQ(nsent, 0);
	CHECK_EQ(inet_set_addr(&st, OUR_IP, 24, PEER_IP, 0), 0);
	CHECK_EQ(st.mask, 0xffffff00);
	/* Gratuitous ARP: a broadcast request for our own address. */
	CHECK_EQ(nsent, 1);
	CHECK_EQ(sent_len[0], 60);
	CHECK_EQ(net_parse_eth(sent[0], sent_len[0], &e), NET_OK);
	CHECK(!memcmp(sent[0], bcast, 6));
	CHECK(!memcmp(sent[0] + 6, our_mac, 6));
	CHECK_EQ(e.type, ETH_P_ARP);
	CHECK_EQ(net_parse_arp(sent[0] + 14, e.l3_len, &a), NET_OK);
	CHECK_EQ(a.op, ARP_OP_REQUEST);
	CHECK(!memcmp(a.hdr->sha, our_mac, 6));
	CHECK_EQ(get32(a.hdr->spa), OUR_IP);
	CHECK_EQ(get32(a.hdr->tpa), OUR_IP);
}

UNIT_TEST(arp_request_for_us)
{
	struct net_arp a;

	setup();
	feed_arp(ARP_OP_REQUEST, peer_mac, PEER_IP, NULL, OUR_IP, SEC);
	CHECK_EQ(nsent, 1);
	CHECK(!memcmp(sent[0], peer_mac, 6)); /* unicast back */
	CHECK(!memcmp(sent[0] + 6, our_mac, 6));
	CHECK_EQ(net_parse_arp(sent[0] + 14, sent_len[0] - 14, &a), NET_OK);
	CHECK_EQ(a.op, ARP_OP_REPLY);
	CHECK(!memcmp(a.hdr->sha, our_mac, 6));
	CHECK_EQ(get32(a.hdr->spa), OUR_IP);
	CHECK(!memcmp(a.hdr->tha, peer_mac, 6));
	CHECK_EQ(get32(a.hdr->tpa), PEER_IP);
	CHECK_EQ(st.stats.arp_replies_tx, 1);
	/* The asker is learnt (RFC 826: the target adds the sender). */
	CHECK(inet_arp_lookup(&st, PEER_IP, SEC) != NULL);
	CHECK(!memcmp(inet_arp_lookup(&st, PEER_IP, SEC), peer_mac, 6));
}

UNIT_TEST(arp_for_other_ip_ignored)
{
	setup();
	feed_arp(ARP_OP_REQUEST, peer_mac, PEER_IP, NULL, OTHER_IP, 0);
	CHECK_EQ(nsent, 0);
	CHECK_EQ(drops(NET_DROP_ARP_NOT_OURS), 1);
	CHECK(inet_arp_lookup(&st, PEER_IP, 0) == NULL);
	/* A sender claiming our address, or a group MAC, is refused. */
	feed_arp(ARP_OP_REQUEST, peer_mac, OUR_IP, NULL, OUR_IP, 0);
	feed_arp(ARP_OP_REQUEST, peer_mac, PEER_IP, NULL, OTHER_IP, 0);
	pkt[14 + 8] = 0x01; /* sender hardware address: a group */
	pkt[14 + 27] = 15; /* target: us */
	inet_rx(&st, pkt, 42, 0);
	CHECK_EQ(drops(NET_DROP_ARP_SENDER), 2);
	CHECK_EQ(nsent, 0);
	/* Malformed ARP is dropped by the parser's reason. */
	feed_arp(ARP_OP_REQUEST, peer_mac, PEER_IP, NULL, OUR_IP, 0);
	nsent = 0;
	pkt[14 + 7] = 9; /* op 9 */
	inet_rx(&st, pkt, 42, 0);
	CHECK_EQ(drops(NET_DROP_ARP_OP), 1);
	inet_rx(&st, pkt, 14 + 27, 0);
	CHECK_EQ(drops(NET_DROP_ARP_SHORT), 1);
	CHECK_EQ(nsent, 0);
}

UNIT_TEST(arp_pending_queue_flushes_in_order)
{
	char msg[2];
	struct net_udp u;
	struct net_ipv4 v;
	struct net_arp a;

	setup();
	for (int i = 0; i < INET_ARP_PENDING + 1; i++) {
		msg[0] = 'm';
		msg[1] = (char)('0' + i);
		CHECK_EQ(inet_udp_sendto(&st, 5000, OTHER_IP, 6000, msg, 2,
					 SEC),
			 i < INET_ARP_PENDING ? 0 : -1);
	}
	/* One request while waiting, no data yet, the extra frame dropped. */
	CHECK_EQ(nsent, 1);
	CHECK_EQ(net_parse_arp(sent[0] + 14, sent_len[0] - 14, &a), NET_OK);
	CHECK_EQ(a.op, ARP_OP_REQUEST);
	CHECK_EQ(get32(a.hdr->tpa), OTHER_IP);
	CHECK(!memcmp(sent[0], bcast, 6));
	CHECK_EQ(drops(NET_DROP_ARP_QUEUE_FULL), 1);
	CHECK_EQ(pool.nr_free, 32 - INET_ARP_PENDING);

	/* The answer releases the queue, oldest first, to its MAC. */
	nsent = 0;
	feed_arp(ARP_OP_REPLY, peer_mac, OTHER_IP, our_mac, OUR_IP, 2 * SEC);
	CHECK_EQ(nsent, INET_ARP_PENDING);
	for (unsigned int i = 0; i < INET_ARP_PENDING && i < nsent; i++) {
		CHECK(!memcmp(sent[i], peer_mac, 6));
		v = sent_ip(i);
		CHECK_EQ(net_parse_udp(&v, &u), NET_OK);
		CHECK_EQ(u.payload[1], '0' + i);
	}
	CHECK_EQ(pool.nr_free, 32);
	CHECK(inet_arp_lookup(&st, OTHER_IP, 2 * SEC) != NULL);
	/* Now known: the next datagram goes straight out. */
	nsent = 0;
	CHECK_EQ(inet_udp_sendto(&st, 5000, OTHER_IP, 6000, "x", 1, 3 * SEC),
		 0);
	CHECK_EQ(nsent, 1);
}

UNIT_TEST(arp_retries_then_gives_up)
{
	setup();
	CHECK_EQ(inet_udp_sendto(&st, 5000, OTHER_IP, 6000, "x", 1, 0), 0);
	CHECK_EQ(nsent, 1);
	inet_poll(&st, SEC - 1);
	CHECK_EQ(nsent, 1);
	inet_poll(&st, SEC);
	CHECK_EQ(nsent, 2);
	inet_poll(&st, 2 * SEC);
	CHECK_EQ(nsent, 3);
	CHECK_EQ(st.stats.arp_requests_tx, 1 + INET_ARP_TRIES); /* + announce */
	CHECK_EQ(drops(NET_DROP_ARP_UNRESOLVED), 0);
	inet_poll(&st, 3 * SEC);
	CHECK_EQ(nsent, 3);
	CHECK_EQ(drops(NET_DROP_ARP_UNRESOLVED), 1);
	CHECK_EQ(pool.nr_free, 32);
	/* A late answer is not for us to trust: nothing is waiting. */
	feed_arp(ARP_OP_REPLY, peer_mac, OTHER_IP, our_mac, OUR_IP, 4 * SEC);
	CHECK_EQ(nsent, 3);
}

UNIT_TEST(arp_cache_expiry)
{
	setup();
	peer_arps(10 * SEC);
	CHECK(inet_arp_lookup(&st, PEER_IP, 10 * SEC + INET_ARP_TTL - 1));
	CHECK(!inet_arp_lookup(&st, PEER_IP, 10 * SEC + INET_ARP_TTL));
	/* Sending after expiry asks again instead of using the old MAC. */
	CHECK_EQ(inet_udp_sendto(&st, 5000, PEER_IP, 6000, "x", 1,
				 10 * SEC + INET_ARP_TTL),
		 0);
	CHECK_EQ(nsent, 1);
	CHECK_EQ(sent[0][12], 0x08);
	CHECK_EQ(sent[0][13], 0x06);
	/* Any ARP from the peer refreshes (RFC 826 merge), even not to us. */
	feed_arp(ARP_OP_REQUEST, peer_mac, PEER_IP, NULL, OTHER_IP,
		 11 * SEC + INET_ARP_TTL);
	CHECK_EQ(nsent, 2); /* the waiting datagram */
	CHECK(inet_arp_lookup(&st, PEER_IP, 11 * SEC + 2 * INET_ARP_TTL - 1));
	/* inet_poll frees expired answers. */
	inet_poll(&st, 11 * SEC + 2 * INET_ARP_TTL);
	CHECK_EQ(st.arp[0].state + st.arp[1].state, INET_ARP_FREE);
}

UNIT_TEST(icmp_echo_reply)
{
	struct net_ipv4 v;
	struct net_icmp ic;
	size_t n;

	setup();
	peer_arps(0);
	n = echo_req(OUR_IP, 0x1234, 7, 56);
	inet_rx(&st, pkt, n, SEC);
	CHECK_EQ(nsent, 1);
	CHECK(!memcmp(sent[0], peer_mac, 6));
	v = sent_ip(0);
	CHECK_EQ(be32_to_cpu(v.hdr->saddr), OUR_IP);
	CHECK_EQ(be32_to_cpu(v.hdr->daddr), PEER_IP);
	CHECK_EQ(v.proto, IPPROTO_ICMP);
	CHECK_EQ(v.hdr->ttl, INET_TTL);
	CHECK_EQ(net_parse_icmp(&v, &ic), NET_OK); /* checksum valid */
	CHECK_EQ(ic.type, ICMP_ECHO_REPLY);
	CHECK_EQ(ic.code, 0);
	CHECK_EQ(be16_to_cpu(ic.hdr->id), 0x1234);
	CHECK_EQ(be16_to_cpu(ic.hdr->seq), 7);
	CHECK_EQ(v.payload_len, 64);
	CHECK(!memcmp(v.payload + 8, pkt + 14 + 20 + 8, 56));
	CHECK_EQ(st.stats.icmp_echo_reply_tx, 1);
	/* An odd-length payload keeps its checksum right too. */
	n = echo_req(OUR_IP, 1, 2, 3);
	inet_rx(&st, pkt, n, SEC);
	CHECK_EQ(nsent, 2);
	v = sent_ip(1);
	CHECK_EQ(net_parse_icmp(&v, &ic), NET_OK);
	CHECK_EQ(v.payload_len, 11);
	CHECK_EQ(pool.nr_free, 32);
}

UNIT_TEST(icmp_echo_waits_for_arp)
{
	size_t n;

	setup();
	n = echo_req(OUR_IP, 9, 9, 8);
	inet_rx(&st, pkt, n, 0);
	CHECK_EQ(nsent, 1); /* an ARP request for the asker */
	CHECK_EQ(sent[0][13], 0x06);
	feed_arp(ARP_OP_REPLY, peer_mac, PEER_IP, our_mac, OUR_IP, 0);
	CHECK_EQ(nsent, 2);
	CHECK_EQ(sent[1][13], 0x00);
	CHECK(!memcmp(sent[1], peer_mac, 6));
}

UNIT_TEST(malformed_dropped_by_reason)
{
	struct ipv4_hdr *h = (void *)(pkt + 14);
	size_t n;

	setup();
	peer_arps(0);

	n = echo_req(OUR_IP, 1, 1, 16);
	h->csum ^= cpu_to_be16(1);
	inet_rx(&st, pkt, n, 0);
	CHECK_EQ(drops(NET_DROP_IP_CSUM), 1);

	n = echo_req(OUR_IP, 1, 1, 16);
	pkt[n - 1] ^= 0x40;
	inet_rx(&st, pkt, n, 0);
	CHECK_EQ(drops(NET_DROP_ICMP_CSUM), 1);

	n = echo_req(OUR_IP, 1, 1, 16); /* truncated: tot_len says more */
	inet_rx(&st, pkt, n - 1, 0);
	CHECK_EQ(drops(NET_DROP_IP_TOTLEN), 1);
	inet_rx(&st, pkt, 14 + 19, 0);
	CHECK_EQ(drops(NET_DROP_IP_SHORT), 1);
	inet_rx(&st, pkt, 13, 0);
	CHECK_EQ(drops(NET_DROP_ETH_SHORT), 1);

	/* Options: IHL 6 with a NOP word, checksum valid. */
	n = echo_req(OUR_IP, 1, 1, 16);
	memmove(pkt + 38, pkt + 34, n - 34);
	memset(pkt + 34, 1, 4);
	h->ver_ihl = 0x46;
	h->tot_len = cpu_to_be16((u16)(n + 4 - 14));
	h->csum = net_ipv4_csum(h);
	inet_rx(&st, pkt, n + 4, 0);
	CHECK_EQ(drops(NET_DROP_IP_OPTIONS), 1);

	/* Fragments: more-fragments set, or an offset. */
	n = echo_req(OUR_IP, 1, 1, 16);
	h->frag_off = cpu_to_be16(IP_FLAG_MF);
	h->csum = net_ipv4_csum(h);
	inet_rx(&st, pkt, n, 0);
	h->frag_off = cpu_to_be16(3);
	h->csum = net_ipv4_csum(h);
	inet_rx(&st, pkt, n, 0);
	CHECK_EQ(drops(NET_DROP_IP_FRAGMENT), 2);

	n = echo_req(OTHER_IP, 1, 1, 16);
	inet_rx(&st, pkt, n, 0);
	CHECK_EQ(drops(NET_DROP_IP_NOT_OURS), 1);

	n = echo_req(OUR_IP, 1, 1, 16);
	h->saddr = cpu_to_be32(INET_ADDR(224, 0, 0, 1));
	h->csum = net_ipv4_csum(h);
	inet_rx(&st, pkt, n, 0);
	CHECK_EQ(drops(NET_DROP_IP_SRC), 1);

	n = echo_req(OUR_IP, 1, 1, 16);
	h->proto = 6;
	h->csum = net_ipv4_csum(h);
	inet_rx(&st, pkt, n, 0);
	CHECK_EQ(drops(NET_DROP_IP_PROTO), 1);

	n = echo_req(OUR_IP, 1, 1, 16); /* another station's MAC */
	pkt[5] ^= 1;
	inet_rx(&st, pkt, n, 0);
	CHECK_EQ(drops(NET_DROP_NOT_OURS), 1);

	/* Above the MTU (the reply could not be sent). */
	n = echo_req(OUR_IP, 1, 1, 1500 - 28 + 1);
	inet_rx(&st, pkt, n, 0);
	CHECK_EQ(drops(NET_DROP_MTU_RX), 1);

	/* Broadcast pings are not answered. */
	n = echo_req(INET_ADDR(10, 0, 2, 255), 1, 1, 16);
	memcpy(pkt, bcast, 6);
	inet_rx(&st, pkt, n, 0);
	CHECK_EQ(drops(NET_DROP_ICMP_TYPE), 1);

	CHECK_EQ(nsent, 0);
	CHECK_EQ(st.stats.icmp_echo_rx, 0);
	/* And the stack still answers good ones, up to the full MTU. */
	n = echo_req(OUR_IP, 1, 1, 16);
	inet_rx(&st, pkt, n, 0);
	CHECK_EQ(nsent, 1);
	n = echo_req(OUR_IP, 1, 1, 1500 - 28);
	inet_rx(&st, pkt, n, 0);
	CHECK_EQ(nsent, 2);
	CHECK_EQ(sent_len[1], 1514);
}

static unsigned int ncalls;
static u32 got_src;
static u16 got_sport, got_dport, got_len;
static char got[64];

static void udp_cb(void *ctx, struct inet *in, u32 src, u16 sport, u16 dport,
		   const u8 *data, u16 len, u64 now)
{
	ncalls++;
	got_src = src;
	got_sport = sport;
	got_dport = dport;
	got_len = len;
	memcpy(got, data, MIN(len, sizeof(got)));
	CHECK_EQ(*(int *)ctx, 42);
}

UNIT_TEST(udp_bound_port)
{
	static int ctx = 42;
	size_t n;

	setup();
	ncalls = 0;
	CHECK_EQ(inet_udp_bind(&st, 0, udp_cb, &ctx), -1);
	CHECK_EQ(inet_udp_bind(&st, 9999, udp_cb, &ctx), 0);
	CHECK_EQ(inet_udp_bind(&st, 9999, udp_cb, &ctx), -1);
	n = udp(OUR_IP, 40000, 9999, "hello", 1);
	inet_rx(&st, pkt, n, 0);
	CHECK_EQ(ncalls, 1);
	CHECK_EQ(got_src, PEER_IP);
	CHECK_EQ(got_sport, 40000);
	CHECK_EQ(got_dport, 9999);
	CHECK_EQ(got_len, 5);
	CHECK(!memcmp(got, "hello", 5));
	/* Checksum 0 means "none": accepted. */
	n = udp(OUR_IP, 40000, 9999, "nocsum", 0);
	inet_rx(&st, pkt, n, 0);
	CHECK_EQ(ncalls, 2);
	CHECK_EQ(got_len, 6);
	/* A wrong checksum is not. */
	n = udp(OUR_IP, 40000, 9999, "bad", 1);
	pkt[n - 1] ^= 1;
	inet_rx(&st, pkt, n, 0);
	CHECK_EQ(ncalls, 2);
	CHECK_EQ(drops(NET_DROP_UDP_CSUM), 1);
	/* A length field beyond the datagram. */
	n = udp(OUR_IP, 40000, 9999, "len", 0);
	pkt[14 + 20 + 5] = 12;
	inet_rx(&st, pkt, n, 0);
	CHECK_EQ(drops(NET_DROP_UDP_LEN), 1);
	/* Broadcast datagrams reach the socket too. */
	n = udp(INET_BCAST, 40000, 9999, "all", 1);
	memcpy(pkt, bcast, 6);
	inet_rx(&st, pkt, n, 0);
	CHECK_EQ(ncalls, 3);
	CHECK_EQ(nsent, 0);
	CHECK_EQ(st.stats.udp_rx, 3);
	inet_udp_unbind(&st, 9999);
	n = udp(OUR_IP, 40000, 9999, "hello", 1);
	inet_rx(&st, pkt, n, 0);
	CHECK_EQ(ncalls, 3);
}

UNIT_TEST(udp_unbound_port_unreachable)
{
	struct net_ipv4 v;
	struct net_icmp ic;
	size_t n;

	setup();
	peer_arps(0);
	n = udp(OUR_IP, 40000, 4444, "knock", 1);
	inet_rx(&st, pkt, n, 0);
	CHECK_EQ(drops(NET_DROP_UDP_PORT), 1);
	CHECK_EQ(nsent, 1);
	v = sent_ip(0);
	CHECK_EQ(net_parse_icmp(&v, &ic), NET_OK);
	CHECK_EQ(ic.type, 3);
	CHECK_EQ(ic.code, 3);
	/* It quotes the offending header and 8 bytes of the datagram. */
	CHECK_EQ(v.payload_len, 8 + 20 + 8);
	CHECK(!memcmp(v.payload + 8, pkt + 14, 28));
	/* Not for broadcasts. */
	n = udp(INET_BCAST, 40000, 4444, "knock", 1);
	memcpy(pkt, bcast, 6);
	inet_rx(&st, pkt, n, 0);
	CHECK_EQ(drops(NET_DROP_UDP_PORT), 2);
	CHECK_EQ(nsent, 1);
}

UNIT_TEST(udp_sendto_builds_valid_frames)
{
	struct net_ipv4 v;
	struct net_udp u;
	char big[INET_UDP_MAX + 1];

	setup();
	peer_arps(0);
	CHECK_EQ(inet_udp_sendto(&st, 1234, PEER_IP, 5678, "payload!", 8, 0),
		 0);
	CHECK_EQ(nsent, 1);
	CHECK(!memcmp(sent[0], peer_mac, 6));
	CHECK(!memcmp(sent[0] + 6, our_mac, 6));
	CHECK_EQ(sent_len[0], 60); /* padded to the minimum frame */
	v = sent_ip(0);
	CHECK_EQ(be16_to_cpu(v.hdr->frag_off), IP_FLAG_DF);
	CHECK_EQ(v.tot_len, 36);
	CHECK_EQ(net_parse_udp(&v, &u), NET_OK);
	CHECK(u.hdr->csum != 0);
	CHECK_EQ(u.sport, 1234);
	CHECK_EQ(u.dport, 5678);
	CHECK_EQ(u.payload_len, 8);
	CHECK(!memcmp(u.payload, "payload!", 8));
	CHECK_EQ(st.stats.udp_tx, 1);

	/* Off-link goes to the gateway's MAC (here the peer is the gw). */
	CHECK_EQ(inet_udp_sendto(&st, 1234, INET_ADDR(8, 8, 8, 8), 53, "q", 1,
				 0),
		 0);
	CHECK_EQ(nsent, 2);
	CHECK(!memcmp(sent[1], peer_mac, 6));
	v = sent_ip(1);
	CHECK_EQ(be32_to_cpu(v.hdr->daddr), INET_ADDR(8, 8, 8, 8));

	/* Full-size datagrams fit, one byte more does not. */
	memset(big, 'z', sizeof(big));
	CHECK_EQ(inet_udp_sendto(&st, 1, PEER_IP, 2, big, INET_UDP_MAX, 0), 0);
	CHECK_EQ(sent_len[2], 1514);
	v = sent_ip(2);
	CHECK_EQ(net_parse_udp(&v, &u), NET_OK);
	CHECK_EQ(inet_udp_sendto(&st, 1, PEER_IP, 2, big, sizeof(big), 0), -1);
	CHECK_EQ(inet_udp_sendto(&st, 0, PEER_IP, 2, big, 1, 0), -1);

	/* Without a gateway, off-link is unroutable. */
	CHECK_EQ(inet_set_addr(&st, OUR_IP, 24, 0, 0), 0);
	CHECK_EQ(inet_udp_sendto(&st, 1, INET_ADDR(8, 8, 8, 8), 2, "q", 1, 0),
		 -1);
	CHECK_EQ(drops(NET_DROP_IP_NO_ROUTE), 1);
	/* The tx callback refusing is counted. */
	tx_ok = false;
	nsent = 0;
	CHECK_EQ(inet_udp_sendto(&st, 1, INET_BCAST, 2, "q", 1, 0), 0);
	CHECK_EQ(nsent, 1);
	CHECK_EQ(drops(NET_DROP_TX), 1);
	CHECK_EQ(pool.nr_free, 32);
}

UNIT_TEST(udp_echo_service)
{
	struct net_ipv4 v;
	struct net_udp u;
	size_t n;

	setup();
	peer_arps(0);
	CHECK_EQ(inet_udp_echo_start(&st, 7), 0);
	n = udp(OUR_IP, 40000, 7, "echo me", 1);
	inet_rx(&st, pkt, n, 0);
	CHECK_EQ(nsent, 1);
	v = sent_ip(0);
	CHECK_EQ(be32_to_cpu(v.hdr->daddr), PEER_IP);
	CHECK_EQ(net_parse_udp(&v, &u), NET_OK);
	CHECK_EQ(u.sport, 7);
	CHECK_EQ(u.dport, 40000);
	CHECK_EQ(u.payload_len, 7);
	CHECK(!memcmp(u.payload, "echo me", 7));
	/* No echo to well-known source ports (no service ping-pong). */
	n = udp(OUR_IP, 19, 7, "chargen", 1);
	inet_rx(&st, pkt, n, 0);
	CHECK_EQ(nsent, 1);
}

UNIT_TEST(ping_send_and_collect)
{
	struct inet_echo e;
	struct net_ipv4 v;
	struct net_icmp ic;
	size_t n;

	setup();
	peer_arps(0);
	CHECK(!inet_ping_reply(&st, &e));
	CHECK_EQ(inet_ping(&st, PEER_IP, 0x77, 3, "abcd", 4, 0), 0);
	CHECK_EQ(nsent, 1);
	v = sent_ip(0);
	CHECK_EQ(net_parse_icmp(&v, &ic), NET_OK);
	CHECK_EQ(ic.type, ICMP_ECHO_REQUEST);
	CHECK_EQ(be16_to_cpu(ic.hdr->id), 0x77);
	CHECK_EQ(be16_to_cpu(ic.hdr->seq), 3);
	CHECK(!memcmp(v.payload + 8, "abcd", 4));

	/* The peer answers: the reply is collected with its arrival time. */
	n = echo_req(OUR_IP, 0x77, 3, 4);
	pkt[34] = ICMP_ECHO_REPLY;
	icmp_fix(pkt + 34, 12);
	inet_rx(&st, pkt, n, 5 * SEC);
	CHECK_EQ(nsent, 1);
	CHECK(inet_ping_reply(&st, &e));
	CHECK_EQ(e.from, PEER_IP);
	CHECK_EQ(e.id, 0x77);
	CHECK_EQ(e.seq, 3);
	CHECK_EQ(e.len, 4);
	CHECK_EQ(e.at, 5 * SEC);
	CHECK(!inet_ping_reply(&st, &e));
	/* The ring keeps the newest INET_PING_RING replies. */
	for (int i = 0; i < INET_PING_RING + 2; i++) {
		n = echo_req(OUR_IP, 1, (u16)i, 0);
		pkt[34] = ICMP_ECHO_REPLY;
		icmp_fix(pkt + 34, 8);
		inet_rx(&st, pkt, n, 0);
	}
	CHECK(inet_ping_reply(&st, &e));
	CHECK_EQ(e.seq, 2);
}

UNIT_TEST(unconfigured_and_pool_dry)
{
	struct frame *held[32];
	size_t n;

	setup_unconfigured();
	n = echo_req(OUR_IP, 1, 1, 8);
	inet_rx(&st, pkt, n, 0);
	CHECK_EQ(drops(NET_DROP_NO_ADDR), 1);
	CHECK_EQ(inet_udp_sendto(&st, 1, PEER_IP, 2, "x", 1, 0), -1);
	CHECK_EQ(nsent, 0);
	/* Non-IP, non-ARP and tagged frames. */
	n = echo_req(OUR_IP, 1, 1, 8);
	pkt[12] = 0x86;
	pkt[13] = 0xdd;
	inet_rx(&st, pkt, n, 0);
	CHECK_EQ(drops(NET_DROP_ETH_PROTO), 1);

	setup();
	peer_arps(0);
	for (int i = 0; i < 32; i++)
		held[i] = frame_alloc(&pool);
	n = echo_req(OUR_IP, 1, 1, 8);
	inet_rx(&st, pkt, n, 0);
	CHECK_EQ(drops(NET_DROP_NO_FRAME), 1);
	CHECK_EQ(nsent, 0);
	for (int i = 0; i < 32; i++)
		frame_free(&pool, held[i]);
}

UNIT_TEST(parse_addresses)
{
	u32 a;
	unsigned int p;

	CHECK_EQ(inet_parse_addr("10.0.2.15", &a), 0);
	CHECK_EQ(a, OUR_IP);
	CHECK_EQ(inet_parse_addr("255.255.255.255", &a), 0);
	CHECK_EQ(a, INET_BCAST);
	CHECK_EQ(inet_parse_cidr("10.0.2.15/24", &a, &p), 0);
	CHECK_EQ(a, OUR_IP);
	CHECK_EQ(p, 24);
	CHECK_EQ(inet_parse_cidr("1.2.3.4/32", &a, &p), 0);
	CHECK_EQ(p, 32);
	CHECK_EQ(inet_parse_addr("10.0.2", &a), -1);
	CHECK_EQ(inet_parse_addr("10.0.2.256", &a), -1);
	CHECK_EQ(inet_parse_addr("10.0.2.1.", &a), -1);
	CHECK_EQ(inet_parse_addr("10..2.1", &a), -1);
	CHECK_EQ(inet_parse_addr("1000.0.2.1", &a), -1);
	CHECK_EQ(inet_parse_addr("10.0.2.1 ", &a), -1);
	CHECK_EQ(inet_parse_addr("", &a), -1);
	CHECK_EQ(inet_parse_cidr("10.0.2.15", &a, &p), -1);
	CHECK_EQ(inet_parse_cidr("10.0.2.15/0", &a, &p), -1);
	CHECK_EQ(inet_parse_cidr("10.0.2.15/33", &a, &p), -1);
	CHECK_EQ(inet_parse_cidr("10.0.2.15/", &a, &p), -1);
	CHECK_EQ(inet_parse_cidr("10.0.2.15/24x", &a, &p), -1);
	/* A rejected value leaves the last good one (1.2.3.4/32) alone. */
	CHECK_EQ(a, INET_ADDR(1, 2, 3, 4));
	CHECK_EQ(p, 32);
	CHECK_EQ(inet_parse_addr("10.0.2.16 ", &a), -1);
	CHECK_EQ(a, INET_ADDR(1, 2, 3, 4));
}

/*
 * The wiring the kernel does: the stack as the switch's internal port
 * (inet_port_tx defers input to inet_poll), its tx feeding vswitch_rx on
 * that port, and a guest port whose sink records what it gets.
 */
static struct vswitch sw;
static int internal_port, guest_port;
static u64 sw_now;
static unsigned int guest_got;
static u8 guest_frame[4][FRAME_DATA_MAX];
static u16 guest_len[4];

static bool to_switch(void *priv, struct frame *f)
{
	struct frame *v[1] = { f };

	return vswitch_rx(&sw, (unsigned int)internal_port, v, 1, sw_now) == 1;
}

static unsigned int guest_sink(void *priv, struct frame *const fr[],
			       unsigned int n)
{
	for (unsigned int i = 0; i < n; i++, guest_got++) {
		if (guest_got < 4) {
			memcpy(guest_frame[guest_got], frame_data(fr[i]),
			       fr[i]->len);
			guest_len[guest_got] = fr[i]->len;
		}
	}
	return n;
}

static void guest_sends(const u8 *p, size_t n)
{
	struct frame f, *v[1] = { &f };

	frame_set(&f, p, n);
	vswitch_rx(&sw, (unsigned int)guest_port, v, 1, sw_now);
}

UNIT_TEST(as_switch_internal_port)
{
	static const struct vswitch_port_ops internal_ops = {
		.tx = inet_port_tx
	};
	static const struct vswitch_port_ops guest_ops = { .tx = guest_sink };
	struct vswitch_port_cfg c;
	struct net_eth e;
	struct net_ipv4 v;
	struct net_icmp ic;
	struct net_arp a;
	size_t n;

	frame_pool_init(&pool, frames, 32);
	inet_init(&st, our_mac, &pool, to_switch, NULL);
	vswitch_init(&sw, 1);
	memset(&c, 0, sizeof(c));
	c.kind = VSWITCH_PORT_INTERNAL;
	c.mode = VSWITCH_ACCESS;
	c.pvid = 1;
	c.ops = &internal_ops;
	c.priv = &st;
	internal_port = vswitch_port_add(&sw, &c);
	c.kind = VSWITCH_PORT_GUEST;
	c.ops = &guest_ops;
	c.priv = NULL;
	guest_port = vswitch_port_add(&sw, &c);
	CHECK(internal_port >= 0 && guest_port >= 0);
	guest_got = 0;

	/* The announcement reaches the guest. */
	CHECK_EQ(inet_set_addr(&st, OUR_IP, 24, 0, 0), 0);
	CHECK_EQ(guest_got, 1);

	/* The guest asks for us: nothing until the stack is polled. */
	n = eth(pkt, bcast, peer_mac, ETH_P_ARP);
	n += arp(pkt + n, ARP_OP_REQUEST, peer_mac, PEER_IP, NULL, OUR_IP);
	guest_sends(pkt, n);
	CHECK_EQ(guest_got, 1);
	CHECK_EQ(st.rxq_len, 1);
	inet_poll(&st, 0);
	CHECK_EQ(guest_got, 2);
	CHECK_EQ(net_parse_eth(guest_frame[1], guest_len[1], &e), NET_OK);
	CHECK_EQ(net_parse_arp(guest_frame[1] + 14, e.l3_len, &a), NET_OK);
	CHECK_EQ(a.op, ARP_OP_REPLY);
	CHECK(!memcmp(guest_frame[1], peer_mac, 6));

	/* Then pings it: the reply comes back through the switch. */
	n = echo_req(OUR_IP, 5, 6, 32);
	guest_sends(pkt, n);
	inet_poll(&st, 0);
	CHECK_EQ(guest_got, 3);
	CHECK_EQ(net_parse_eth(guest_frame[2], guest_len[2], &e), NET_OK);
	CHECK_EQ(net_parse_ipv4(guest_frame[2] + 14, e.l3_len, &v), NET_OK);
	CHECK_EQ(net_parse_icmp(&v, &ic), NET_OK);
	CHECK_EQ(ic.type, ICMP_ECHO_REPLY);
	CHECK_EQ(vswitch_port_stats(&sw, internal_port)->tx_frames, 2);
	CHECK_EQ(vswitch_port_stats(&sw, internal_port)->rx_frames, 3);
	CHECK_EQ(pool.nr_free, 32);

	/* A burst beyond the deferred queue is refused, counted by the switch. */
	for (int i = 0; i < INET_RXQ_MAX + 2; i++)
		guest_sends(pkt, n);
	CHECK_EQ(st.rxq_len, INET_RXQ_MAX);
	CHECK_EQ(
		vswitch_port_stats(&sw, internal_port)->drops[NET_DROP_TX_FULL],
		2);
	inet_poll(&st, 0);
	CHECK_EQ(guest_got, 3 + INET_RXQ_MAX);
	CHECK_EQ(pool.nr_free, 32);
}

UNIT_MAIN();

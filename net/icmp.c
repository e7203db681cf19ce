// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP for the node stack (RFC 792, RFC 1122 3.2.2): echo requests are
 * answered with the same identifier, sequence and data; echo replies are
 * kept for inet_ping_reply(); port unreachable is sent for UDP nobody
 * listens to. Requests to a broadcast address are not answered (RFC 1122
 * 3.2.2.6 leaves it to us; silence avoids amplification).
 */
#include "inet_priv.h"

#define ICMP_DEST_UNREACH 3
#define ICMP_PORT_UNREACH 3
#define ICMP_HLEN 8

static void icmp_csum(struct icmp_hdr *h, u16 len)
{
	h->csum = 0;
	h->csum = cpu_to_be16(net_csum_fold(net_csum_add(0, h, len)));
}

/* Fill the ICMP header of f, checksum it and send it to dst. */
static int icmp_send(struct inet *in, struct frame *f, u32 dst, u8 type,
		     u8 code, u16 len, u64 now)
{
	struct icmp_hdr *h = (void *)(frame_data(f) + L4_OFF);

	h->type = type;
	h->code = code;
	icmp_csum(h, len);
	ip_build(in, f, dst, IPPROTO_ICMP, len);
	return ip_send(in, f, now);
}

static void echo_reply(struct inet *in, const struct net_ipv4 *ip, u64 now)
{
	struct frame *f;

	in->stats.icmp_echo_rx++;
	/* Our reply carries no options, so it always fits the MTU. */
	f = inet_frame(in, ETH_P_IPV4);
	if (!f)
		return;
	/* Identifier, sequence and data come back unchanged. */
	memcpy(frame_data(f) + L4_OFF, ip->payload, ip->payload_len);
	if (!icmp_send(in, f, be32_to_cpu(ip->hdr->saddr), ICMP_ECHO_REPLY, 0,
		       ip->payload_len, now))
		in->stats.icmp_echo_reply_tx++;
}

static void echo_record(struct inet *in, const struct net_ipv4 *ip,
			const struct net_icmp *ic, u64 now)
{
	struct inet_echo *e;
	unsigned int slot;

	in->stats.icmp_echo_reply_rx++;
	slot = (in->echo_head + in->echo_count) % INET_PING_RING;
	if (in->echo_count == INET_PING_RING) /* full: forget the oldest */
		in->echo_head = (in->echo_head + 1) % INET_PING_RING;
	else
		in->echo_count++;
	e = &in->echo[slot];
	e->from = be32_to_cpu(ip->hdr->saddr);
	e->id = be16_to_cpu(ic->hdr->id);
	e->seq = be16_to_cpu(ic->hdr->seq);
	e->len = ip->payload_len - ICMP_HLEN;
	e->at = now;
}

void icmp_rx(struct inet *in, const struct net_ipv4 *ip, bool bcast, u64 now)
{
	struct net_icmp ic;
	enum net_drop r;

	r = net_parse_icmp(ip, &ic);
	if (r) {
		inet_drop(in, r);
		return;
	}
	if (ic.type == ICMP_ECHO_REQUEST && !bcast)
		echo_reply(in, ip, now);
	else if (ic.type == ICMP_ECHO_REPLY && !bcast)
		echo_record(in, ip, &ic, now);
	else
		inet_drop(in, NET_DROP_ICMP_TYPE);
}

void icmp_port_unreach(struct inet *in, const struct net_ipv4 *ip, u64 now)
{
	/* RFC 792: the offending header and the first 8 bytes of its data. */
	u16 quote = ip->hlen + MIN(ip->payload_len, 8);
	struct frame *f = inet_frame(in, ETH_P_IPV4);
	u8 *d;

	if (!f)
		return;
	d = frame_data(f) + L4_OFF;
	memset(d + 4, 0, 4); /* unused */
	memcpy(d + ICMP_HLEN, ip->hdr, quote);
	if (!icmp_send(in, f, be32_to_cpu(ip->hdr->saddr), ICMP_DEST_UNREACH,
		       ICMP_PORT_UNREACH, ICMP_HLEN + quote, now))
		in->stats.icmp_unreach_tx++;
}

int inet_ping(struct inet *in, u32 dst, u16 id, u16 seq, const void *data,
	      size_t len, u64 now)
{
	struct icmp_hdr *h;
	struct frame *f;

	if (!in->ip || !dst || len > INET_MTU - IP_HLEN - ICMP_HLEN)
		return -1;
	f = inet_frame(in, ETH_P_IPV4);
	if (!f)
		return -1;
	h = (void *)(frame_data(f) + L4_OFF);
	h->id = cpu_to_be16(id);
	h->seq = cpu_to_be16(seq);
	memcpy(h + 1, data, len);
	return icmp_send(in, f, dst, ICMP_ECHO_REQUEST, 0,
			 (u16)(ICMP_HLEN + len), now);
}

bool inet_ping_reply(struct inet *in, struct inet_echo *out)
{
	if (!in->echo_count)
		return false;
	*out = in->echo[in->echo_head];
	in->echo_head = (in->echo_head + 1) % INET_PING_RING;
	in->echo_count--;
	return true;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * ARP for the node stack (RFC 826, with RFC 1122 2.3.2 cache rules): a
 * small cache whose answers expire after INET_ARP_TTL, a short queue of
 * frames per address being resolved (flushed in order on the answer,
 * dropped and counted when INET_ARP_TRIES requests go unanswered), and a
 * gratuitous announcement when the address is set.
 */
#include "inet_priv.h"

static const u8 bcast_mac[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static struct inet_arp_entry *arp_find(struct inet *in, u32 ip)
{
	for (unsigned int i = 0; i < INET_ARP_SLOTS; i++)
		if (in->arp[i].state != INET_ARP_FREE && in->arp[i].ip == ip)
			return &in->arp[i];
	return NULL;
}

static void arp_drop_queue(struct inet *in, struct inet_arp_entry *e)
{
	while (e->q) {
		struct frame *f = e->q;

		e->q = f->next;
		inet_drop(in, NET_DROP_ARP_UNRESOLVED);
		frame_free(in->pool, f);
	}
	e->qlen = 0;
}

static void arp_free(struct inet *in, struct inet_arp_entry *e)
{
	arp_drop_queue(in, e);
	e->state = INET_ARP_FREE;
}

void arp_flush_all(struct inet *in)
{
	for (unsigned int i = 0; i < INET_ARP_SLOTS; i++)
		if (in->arp[i].state != INET_ARP_FREE)
			arp_free(in, &in->arp[i]);
}

/*
 * A slot for a new address: a free one, else the answer closest to
 * expiry. Addresses still being resolved are not evicted (their queues
 * would be lost); NULL when all are.
 */
static struct inet_arp_entry *arp_alloc(struct inet *in, u32 ip)
{
	struct inet_arp_entry *victim = NULL;

	for (unsigned int i = 0; i < INET_ARP_SLOTS; i++) {
		struct inet_arp_entry *e = &in->arp[i];

		if (e->state == INET_ARP_FREE) {
			victim = e;
			break;
		}
		if (e->state == INET_ARP_REACHABLE &&
		    (!victim || e->expires < victim->expires))
			victim = e;
	}
	if (!victim)
		return NULL;
	arp_free(in, victim);
	memset(victim, 0, sizeof(*victim));
	victim->ip = ip;
	return victim;
}

/* An ARP packet of op from us, in a fresh frame to eth_dst. */
static void arp_send(struct inet *in, u16 op, const u8 *eth_dst, const u8 *tha,
		     u32 tpa)
{
	struct frame *f = inet_frame(in, ETH_P_ARP);
	struct arp_hdr *a;

	if (!f)
		return;
	a = (void *)(frame_data(f) + ETH_HLEN);
	a->htype = cpu_to_be16(1);
	a->ptype = cpu_to_be16(ETH_P_IPV4);
	a->hlen = ETH_ALEN;
	a->plen = 4;
	a->op = cpu_to_be16(op);
	memcpy(a->sha, in->mac, ETH_ALEN);
	put_be32(a->spa, in->ip);
	memcpy(a->tha, tha, ETH_ALEN);
	put_be32(a->tpa, tpa);
	f->len = ETH_HLEN + sizeof(*a);
	if (op == ARP_OP_REQUEST)
		in->stats.arp_requests_tx++;
	else
		in->stats.arp_replies_tx++;
	eth_send(in, f, eth_dst);
}

static void arp_request(struct inet *in, u32 ip)
{
	static const u8 zero[ETH_ALEN];

	arp_send(in, ARP_OP_REQUEST, bcast_mac, zero, ip);
}

/* RFC 5227 announcement: a request for our own address, to everyone. */
void arp_announce(struct inet *in)
{
	arp_request(in, in->ip);
}

/* A valid answer for e: remember it and release the waiting frames. */
static void arp_resolved(struct inet *in, struct inet_arp_entry *e,
			 const u8 *mac, u64 now)
{
	memcpy(e->mac, mac, ETH_ALEN);
	e->state = INET_ARP_REACHABLE;
	e->expires = now + INET_ARP_TTL;
	e->tries = 0;
	while (e->q) {
		struct frame *f = e->q;

		e->q = f->next;
		f->next = NULL;
		e->qlen--;
		eth_send(in, f, e->mac);
	}
}

void arp_rx(struct inet *in, const u8 *p, size_t len, u64 now)
{
	struct inet_arp_entry *e;
	struct net_arp arp;
	enum net_drop r;
	u32 spa, tpa;
	const u8 *sha;

	in->stats.arp_rx++;
	r = net_parse_arp(p, len, &arp);
	if (r) {
		inet_drop(in, r);
		return;
	}
	if (!in->ip) {
		inet_drop(in, NET_DROP_NO_ADDR);
		return;
	}
	sha = arp.hdr->sha;
	spa = get_be32(arp.hdr->spa);
	tpa = get_be32(arp.hdr->tpa);
	/* A sender that is a group, nobody, or claims our own address. */
	if (eth_addr_is_multicast(sha) ||
	    !(sha[0] | sha[1] | sha[2] | sha[3] | sha[4] | sha[5]) ||
	    spa == in->ip || spa == INET_BCAST) {
		inet_drop(in, NET_DROP_ARP_SENDER);
		return;
	}
	/* RFC 826 merge: refresh what we already know about the sender. */
	e = spa ? arp_find(in, spa) : NULL;
	if (e)
		arp_resolved(in, e, sha, now);
	if (tpa != in->ip) {
		inet_drop(in, NET_DROP_ARP_NOT_OURS);
		return;
	}
	/* We are the target: the sender will talk to us, so learn it. */
	if (!e && spa && (spa & in->mask) == (in->ip & in->mask)) {
		e = arp_alloc(in, spa);
		if (e)
			arp_resolved(in, e, sha, now);
	}
	if (arp.op == ARP_OP_REQUEST)
		arp_send(in, ARP_OP_REPLY, sha, sha, spa);
}

int arp_output(struct inet *in, struct frame *f, u32 ip, u64 now)
{
	struct inet_arp_entry *e;

	if (ip == INET_BCAST) {
		eth_send(in, f, bcast_mac);
		return 0;
	}
	e = arp_find(in, ip);
	if (e && e->state == INET_ARP_REACHABLE && now < e->expires) {
		eth_send(in, f, e->mac);
		return 0;
	}
	if (e && e->state == INET_ARP_REACHABLE) {
		/* Expired: ask again, keeping the slot. */
		e->state = INET_ARP_INCOMPLETE;
		e->tries = 0;
	} else if (!e) {
		e = arp_alloc(in, ip);
		if (!e) {
			inet_drop(in, NET_DROP_ARP_QUEUE_FULL);
			frame_free(in->pool, f);
			return -1;
		}
		e->state = INET_ARP_INCOMPLETE;
	}
	if (e->qlen >= INET_ARP_PENDING) {
		inet_drop(in, NET_DROP_ARP_QUEUE_FULL);
		frame_free(in->pool, f);
		return -1;
	}
	/* Append: frames leave in the order they were sent. */
	f->next = NULL;
	if (!e->q) {
		e->q = f;
	} else {
		struct frame *t = e->q;

		while (t->next)
			t = t->next;
		t->next = f;
	}
	e->qlen++;
	if (!e->tries) {
		arp_request(in, ip);
		e->tries = 1;
		e->expires = now + INET_ARP_RETRY;
	}
	return 0;
}

void arp_poll(struct inet *in, u64 now)
{
	for (unsigned int i = 0; i < INET_ARP_SLOTS; i++) {
		struct inet_arp_entry *e = &in->arp[i];

		if (e->state == INET_ARP_FREE || now < e->expires)
			continue;
		if (e->state == INET_ARP_REACHABLE ||
		    e->tries >= INET_ARP_TRIES) {
			arp_free(in, e);
			continue;
		}
		arp_request(in, e->ip);
		e->tries++;
		e->expires = now + INET_ARP_RETRY;
	}
}

const u8 *inet_arp_lookup(const struct inet *in, u32 ip, u64 now)
{
	for (unsigned int i = 0; i < INET_ARP_SLOTS; i++) {
		const struct inet_arp_entry *e = &in->arp[i];

		if (e->state == INET_ARP_REACHABLE && e->ip == ip &&
		    now < e->expires)
			return e->mac;
	}
	return NULL;
}

/* SPDX-License-Identifier: GPL-2.0 */
/* What the node stack's files (arp.c, ipv4.c, icmp.c, udp.c) share. */
#ifndef NET_INET_PRIV_H
#define NET_INET_PRIV_H

#include <pv/inet.h>
#include <pv/string.h>

#define ETH_ZLEN 60 /* shortest frame on the wire, FCS excluded */
#define IP_HLEN 20 /* the only header size the stack sends or takes */
#define L4_OFF (ETH_HLEN + IP_HLEN) /* transport header in our frames */

static inline void inet_drop(struct inet *in, enum net_drop r)
{
	in->stats.drops[r]++;
}

static inline u32 get_be32(const void *p)
{
	be32 v;

	memcpy(&v, p, 4);
	return be32_to_cpu(v);
}

static inline void put_be32(void *p, u32 x)
{
	be32 v = cpu_to_be32(x);

	memcpy(p, &v, 4);
}

static inline void put_be16(void *p, u16 x)
{
	be16 v = cpu_to_be16(x);

	memcpy(p, &v, 2);
}

static inline u32 subnet_bcast(const struct inet *in)
{
	return in->ip | ~in->mask;
}

/* ipv4.c */
/* A frame with our source MAC and type written, or NULL (counted). */
struct frame *inet_frame(struct inet *in, u16 type);
/* Fill the IPv4 header of f for l4_len transport bytes at L4_OFF. */
void ip_build(struct inet *in, struct frame *f, u32 dst, u8 proto, u16 l4_len);
/* Route f (built by ip_build) and send it or queue it for ARP. */
int ip_send(struct inet *in, struct frame *f, u64 now);
/* Pad, set the destination MAC, hand f to tx and free it. */
void eth_send(struct inet *in, struct frame *f, const u8 *dst);

/* arp.c */
void arp_rx(struct inet *in, const u8 *p, size_t len, u64 now);
/* Send f to next hop ip (INET_BCAST: broadcast), waiting for ARP. */
int arp_output(struct inet *in, struct frame *f, u32 ip, u64 now);
void arp_announce(struct inet *in);
void arp_poll(struct inet *in, u64 now);
void arp_flush_all(struct inet *in);

/* icmp.c */
void icmp_rx(struct inet *in, const struct net_ipv4 *ip, bool bcast, u64 now);
void icmp_port_unreach(struct inet *in, const struct net_ipv4 *ip, u64 now);

/* udp.c */
void udp_rx(struct inet *in, const struct net_ipv4 *ip, bool bcast, u64 now);

#endif

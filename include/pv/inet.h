/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The node's own small IPv4 presence: ARP (cache with timeouts, pending
 * queue while resolving, gratuitous announce), strict IPv4 (no options,
 * no reassembly), ICMP echo (answering, and sending for a `ping`), and
 * UDP sockets. It knows nothing of drivers or the switch: frames leave
 * through the tx callback and arrive through inet_rx().
 *
 * Addresses are u32 in CPU order (10.0.2.15 is 0x0a00020f); ports are
 * CPU order too. Time is the caller's `now` in nanoseconds: the stack
 * never reads a clock. Frames come from the caller's frame pool, never
 * from an allocator. The caller serialises all calls on one stack.
 *
 * tx ownership: tx(priv, f) borrows f (it must copy it out, or hand it
 * to something that does, before returning, as vswitch_rx() does) and
 * returns whether it was sent; the stack frees f afterwards either way.
 */
#ifndef PV_INET_H
#define PV_INET_H

#include <pv/net.h>

#define INET_ADDR(a, b, c, d) \
	((u32)(a) << 24 | (u32)(b) << 16 | (u32)(c) << 8 | (u32)(d))
#define INET_BCAST 0xffffffffu

#define INET_ARP_SLOTS 16
#define INET_ARP_PENDING 4 /* frames held per address being resolved */
#define INET_ARP_TTL (60ull * 1000000000ull) /* an answer is trusted */
#define INET_ARP_RETRY (1000000000ull) /* between requests */
#define INET_ARP_TRIES 3 /* requests before giving up */
#define INET_UDP_SOCKS 8
#define INET_PING_RING 16 /* echo replies kept for inet_ping_reply() */
#define INET_RXQ_MAX 8 /* frames inet_port_tx() holds for inet_poll() */
#define INET_TTL 64
#define INET_MTU 1500
#define INET_UDP_MAX (INET_MTU - 20 - 8) /* largest datagram payload */

struct inet;

typedef bool (*inet_tx_fn)(void *priv, struct frame *f);
/* A datagram for a bound port; data is only valid during the call. */
typedef void (*inet_udp_fn)(void *ctx, struct inet *in, u32 src, u16 sport,
			    u16 dport, const u8 *data, u16 len, u64 now);

enum inet_arp_state {
	INET_ARP_FREE,
	INET_ARP_INCOMPLETE, /* request sent, frames may wait in q */
	INET_ARP_REACHABLE, /* mac valid until expires */
};

struct inet_arp_entry {
	u32 ip;
	u8 mac[ETH_ALEN];
	u8 state;
	u8 tries; /* requests sent while incomplete */
	u8 qlen;
	u64 expires; /* reachable: end of life; incomplete: next retry */
	struct frame *q; /* waiting frames, oldest first (frame->next) */
};

struct inet_udp_sock {
	u16 port; /* 0: free */
	inet_udp_fn fn;
	void *ctx;
};

/* One echo reply seen by the node (for a monitor's ping). */
struct inet_echo {
	u32 from;
	u16 id, seq;
	u16 len; /* ICMP payload bytes after id/seq */
	u64 at; /* now when it arrived */
};

struct inet_stats {
	u64 rx_frames, tx_frames;
	u64 arp_rx, arp_requests_tx, arp_replies_tx;
	u64 icmp_echo_rx, icmp_echo_reply_tx, icmp_echo_reply_rx;
	u64 icmp_unreach_tx;
	u64 udp_rx, udp_tx;
	u64 drops[NET_DROP_MAX];
};

struct inet {
	u8 mac[ETH_ALEN];
	u32 ip, mask, gw; /* ip 0: unconfigured (all IPv4 input dropped) */
	u16 ip_id;
	struct frame_pool *pool;
	inet_tx_fn tx;
	void *tx_priv;
	struct inet_arp_entry arp[INET_ARP_SLOTS];
	struct inet_udp_sock udp[INET_UDP_SOCKS];
	struct inet_echo echo[INET_PING_RING];
	unsigned int echo_head, echo_count;
	struct frame *rxq, *rxq_tail; /* deferred input, oldest first */
	unsigned int rxq_len;
	struct inet_stats stats;
};

void inet_init(struct inet *in, const u8 *mac, struct frame_pool *pool,
	       inet_tx_fn tx, void *tx_priv);
/*
 * Configure the address (prefix 1..32; gw 0: no default route) and
 * announce it with a gratuitous ARP. Returns 0, or -1 if invalid.
 */
int inet_set_addr(struct inet *in, u32 ip, unsigned int prefix, u32 gw,
		  u64 now);
/*
 * A frame from the wire (Ethernet header first); data stays the caller's.
 * Answers go out through tx before it returns, so call it only where tx
 * may be called (a NIC's rx handler may: netdev_xmit() is allowed there).
 */
void inet_rx(struct inet *in, const u8 *data, size_t len, u64 now);
/*
 * The node as a switch port: a vswitch_port_ops.tx (priv = the inet).
 * It copies up to INET_RXQ_MAX frames into the stack's pool and returns
 * how many it took; inet_poll() handles them. Deferring keeps the switch
 * from being re-entered by our replies while it is still forwarding.
 */
unsigned int inet_port_tx(void *priv, struct frame *const frames[],
			  unsigned int n);
/* Deferred input, then timers (ARP retries, giving up, expiry). Call it
 * often (every pass of the idle loop, or at least every ~100 ms). */
void inet_poll(struct inet *in, u64 now);

/* MAC cached for ip, or NULL (unknown, still resolving or expired). */
const u8 *inet_arp_lookup(const struct inet *in, u32 ip, u64 now);

/* Bind port (1..65535) to fn; 0, or -1 if taken, invalid or full. */
int inet_udp_bind(struct inet *in, u16 port, inet_udp_fn fn, void *ctx);
void inet_udp_unbind(struct inet *in, u16 port);
/*
 * Send len bytes from sport to dst:dport (checksummed). Returns 0 when
 * sent or queued for ARP, -1 on a bad argument or a counted drop.
 */
int inet_udp_sendto(struct inet *in, u16 sport, u32 dst, u16 dport,
		    const void *data, size_t len, u64 now);
/* Answer every datagram on port with the same payload (RFC 862). */
int inet_udp_echo_start(struct inet *in, u16 port);

/* Send an echo request; 0, or -1 as for sendto. */
int inet_ping(struct inet *in, u32 dst, u16 id, u16 seq, const void *data,
	      size_t len, u64 now);
/* Pop the oldest echo reply seen; false when none. */
bool inet_ping_reply(struct inet *in, struct inet_echo *out);

/* "a.b.c.d" and "a.b.c.d/len" (len 1..32); 0, or -1 on junk. */
int inet_parse_addr(const char *s, u32 *ip);
int inet_parse_cidr(const char *s, u32 *ip, unsigned int *prefix);

/* Boot options net.ip=A/len, net.gw=A, net.udp_echo=PORT (kernel only). */
struct inet_boot_cfg {
	u32 ip, gw;
	unsigned int prefix;
	u16 udp_echo; /* 0: no echo service */
};
extern struct inet_boot_cfg inet_boot_cfg;
/* Apply inet_boot_cfg to a stack: address (if any) and echo service. */
int inet_boot_apply(struct inet *in, u64 now);

/* Monitor helpers (kernel only, print with kprint). */
void inet_print_stats(const struct inet *in);
void inet_print_arp(const struct inet *in, u64 now);

#endif

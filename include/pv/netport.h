/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A network port: the point where a frame source/sink (a guest's virtual
 * NIC, a host NIC driver, the hypervisor's own stack) meets the network (a
 * peer port back to back, or a virtual switch).
 *
 * Two directions, each a callback:
 *  - owner side, rx: the network hands a frame to the port's owner. The
 *    frame is borrowed: the owner copies it before returning. Returns true
 *    if it was taken (false: dropped, the owner counts why). Any context,
 *    concurrently with the owner's own transmits; the owner must not call
 *    back into the network from rx.
 *  - network side, xmit: where the owner's frames go (netport_tx). Set by
 *    netport_link() for a back-to-back pair; a switch attachment sets its
 *    own xmit and net_priv (e.g. wrapping the frame for vswitch_rx()).
 *
 * Owners never hold their own locks while calling netport_tx(), so a
 * network may deliver to any port (even the sender's) synchronously.
 */
#ifndef PV_NETPORT_H
#define PV_NETPORT_H

#include <pv/types.h>

#define NETPORT_ALEN 6

struct netport;

typedef bool (*netport_fn)(struct netport *p, const void *frame, size_t len);

struct netport_stats {
	u64 tx_frames, tx_bytes, tx_dropped; /* through netport_tx */
};

struct netport {
	const char *name;
	u8 mac[NETPORT_ALEN];
	netport_fn rx; /* owner side */
	void *priv; /* the owner's */
	netport_fn xmit; /* network side; NULL: not connected */
	void *net_priv; /* the network's (the peer port, a switch port) */
	struct netport_stats stats;
};

/* The owner sends a frame (borrowed: the network copies it out). */
static inline bool netport_tx(struct netport *p, const void *frame, size_t len)
{
	netport_fn xmit = READ_ONCE(p->xmit);
	bool ok = xmit && xmit(p, frame, len);

	if (ok) {
		__atomic_add_fetch(&p->stats.tx_frames, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&p->stats.tx_bytes, len, __ATOMIC_RELAXED);
	} else {
		__atomic_add_fetch(&p->stats.tx_dropped, 1, __ATOMIC_RELAXED);
	}
	return ok;
}

/* Back-to-back: whatever one port sends, the other's owner receives. */
static inline bool netport_peer_xmit(struct netport *p, const void *frame,
				     size_t len)
{
	struct netport *peer = READ_ONCE(p->net_priv);
	netport_fn rx = peer ? READ_ONCE(peer->rx) : NULL;

	return rx && rx(peer, frame, len);
}

static inline void netport_link(struct netport *a, struct netport *b)
{
	WRITE_ONCE(a->net_priv, b);
	WRITE_ONCE(b->net_priv, a);
	barrier();
	WRITE_ONCE(a->xmit, netport_peer_xmit);
	WRITE_ONCE(b->xmit, netport_peer_xmit);
}

#endif

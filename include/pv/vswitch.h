/* SPDX-License-Identifier: GPL-2.0 */
/*
 * In-hypervisor virtual switch: learning L2 bridge with 802.1Q access and
 * trunk ports, port isolation, MAC-spoof checks and per-port MTU. It knows
 * nothing of drivers: each port transmits through its ops->tx.
 *
 * Ownership: vswitch_rx() borrows the caller's frames and hands them to
 * ops->tx, which must copy out (or queue for its own completion) before
 * returning; afterwards the frames belong to the caller again, possibly
 * re-tagged in place. Time is passed in by the caller (nanoseconds), so
 * ageing is testable. The caller serialises calls on one switch, and
 * ops->tx must not call vswitch_rx() on the same switch (it is not
 * re-entrant: its egress scratch is shared); the node stack's port
 * (inet_port_tx) defers its input for this reason. struct vswitch holds
 * pointers into itself: initialise it in place, never copy it.
 */
#ifndef PV_VSWITCH_H
#define PV_VSWITCH_H

#include <pv/net.h>
#include <pv/bitmap.h>

#define VSWITCH_MAX_PORTS 64
#define VSWITCH_BATCH 64 /* frames handled per internal round */
#define VSWITCH_FDB_BUCKETS 256
#define VSWITCH_FDB_WAYS 4
#define VSWITCH_AGEING_DEFAULT (300ull * 1000000000ull)
#define VSWITCH_MTU_DEFAULT 1500
#define VSWITCH_MTU_MAX (FRAME_DATA_MAX - ETH_HLEN - VLAN_HLEN)

struct vswitch;

enum vswitch_port_kind {
	VSWITCH_PORT_GUEST, /* a VM's virtual NIC */
	VSWITCH_PORT_UPLINK, /* a host NIC */
	VSWITCH_PORT_INTERNAL, /* the hypervisor's own endpoint */
};

enum vswitch_vlan_mode {
	VSWITCH_ACCESS, /* untagged, member of pvid only */
	VSWITCH_TRUNK, /* tagged for allowed VLANs, pvid = native (0: none) */
};

struct vswitch_port_ops {
	/* Send frames[0..n-1]; returns how many were taken (rest dropped). */
	unsigned int (*tx)(void *priv, struct frame *const frames[],
			   unsigned int n);
};

struct vswitch_port_cfg {
	enum vswitch_port_kind kind;
	enum vswitch_vlan_mode mode;
	u16 pvid; /* 1..4094; on a trunk 0 means untagged frames are dropped */
	u16 mtu; /* L2 payload bytes, tag excluded; 0: default */
	bool isolated; /* may only exchange frames with uplinks */
	bool spoof_check; /* guest ports: source MAC must equal mac */
	u8 mac[ETH_ALEN];
	DECLARE_BITMAP(allowed, VLAN_N_VID); /* trunk VLANs */
	const struct vswitch_port_ops *ops;
	void *priv;
};

struct vswitch_port_stats {
	u64 rx_frames, rx_bytes; /* accepted at ingress */
	u64 tx_frames, tx_bytes; /* taken by ops->tx */
	u64 drops[NET_DROP_MAX]; /* ingress reasons and egress reasons */
};

struct vswitch_fdb_entry {
	u64 key; /* MAC as a little-endian 48-bit number | vid << 48 */
	u64 seen; /* last time the MAC was a source */
	u8 port;
};

struct vswitch_port {
	bool used;
	struct vswitch_port_cfg cfg;
	struct vswitch_port_stats stats;
	/* Fast-path state derived from cfg by vswitch_port_add(). */
	u64 mac_key; /* cfg.mac as a key without VLAN */
	struct vswitch_fdb_entry *learn_hint; /* slot of the last source */
};

struct vswitch {
	u64 ageing; /* ns; entries older than this are ignored and reused */
	u32 hash_seed;
	u16 min_mtu; /* smallest MTU of the used ports */
	u64 used_ports, trunk_ports, uplink_ports, isolated_ports;
	u64 vlan_ports[VLAN_N_VID]; /* member ports of each VLAN */
	struct vswitch_port ports[VSWITCH_MAX_PORTS];
	struct vswitch_fdb_entry fdb[VSWITCH_FDB_BUCKETS][VSWITCH_FDB_WAYS];
	/* Egress scratch: frames grouped by port, and each port's cursor. */
	struct frame *txq[VSWITCH_BATCH * 4];
	u16 txpos[VSWITCH_MAX_PORTS];
};

void vswitch_init(struct vswitch *sw, u32 hash_seed);
/* Port number, or -1 if the switch is full or cfg is invalid. */
int vswitch_port_add(struct vswitch *sw, const struct vswitch_port_cfg *cfg);
/* Remove a port and forget every MAC learnt on it. */
void vswitch_port_del(struct vswitch *sw, unsigned int port);

/*
 * Switch frames[0..n-1] received on port at time now. Returns how many
 * were delivered to at least one port; the rest are counted as drops on
 * the ingress (or egress) port.
 */
unsigned int vswitch_rx(struct vswitch *sw, unsigned int port,
			struct frame *const frames[], unsigned int n, u64 now);

/* Port a MAC is learnt on in vid, or -1 if unknown or aged out. */
int vswitch_fdb_lookup(const struct vswitch *sw, const u8 *mac, u16 vid,
		       u64 now);
/* Number of live (not aged out) entries. */
unsigned int vswitch_fdb_count(const struct vswitch *sw, u64 now);
/* Drop aged-out entries; returns how many were removed. */
unsigned int vswitch_fdb_age(struct vswitch *sw, u64 now);

/* Visit every live entry (for the monitor); age is now - last seen. */
typedef void (*vswitch_fdb_fn)(void *ctx, const u8 *mac, u16 vid,
			       unsigned int port, u64 age);
unsigned int vswitch_fdb_walk(const struct vswitch *sw, u64 now,
			      vswitch_fdb_fn fn, void *ctx);

/* Monitor helpers (kernel only, print with kprint). */
void vswitch_print_fdb(const struct vswitch *sw, u64 now);
void vswitch_print_ports(const struct vswitch *sw);

static inline const struct vswitch_port_stats *
vswitch_port_stats(const struct vswitch *sw, unsigned int port)
{
	return &sw->ports[port].stats;
}

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual switch fast path. Frames are handled in rounds of up to
 * VSWITCH_BATCH: ingress checks and learning per frame, then one ops->tx
 * call per egress port for every frame it gets untagged, then tags are
 * pushed in place and one call per port for every frame it gets tagged.
 * A flooded frame therefore needs no copy: ops->tx copies out before the
 * frame's header is rewritten for the next group of ports.
 *
 * Cost per frame is kept low by: parsing only the Ethernet header (MACs
 * as 48-bit integers, so compares and hashing are a few instructions),
 * per-VLAN port masks instead of per-port membership tests, a per-round
 * flow cache (a frame with the source and destination of the previous one
 * reuses its learning and forwarding decision: nothing could have changed
 * them in between), a per-port hint at the slot of the last learnt source,
 * and handing the caller's array straight to ops->tx when every frame of
 * the round goes to the same ports.
 */
#include <pv/vswitch.h>
#include <pv/bitops.h>
#include <pv/string.h>

BUILD_BUG_ON(VSWITCH_MAX_PORTS > 64); /* port sets are u64 masks */
BUILD_BUG_ON(VSWITCH_FDB_BUCKETS &(VSWITCH_FDB_BUCKETS - 1));

#define FDB_HASH_SHIFT (64 - 8)
BUILD_BUG_ON((1u << (64 - FDB_HASH_SHIFT)) != VSWITCH_FDB_BUCKETS);

#define KEY_VID_SHIFT 48

/* The 6 bytes at m as a number: byte 0 is the low byte (group bit = 1). */
static inline u64 mac_key(const u8 *m)
{
	u32 lo;
	u16 hi;

	__builtin_memcpy(&lo, m, 4);
	__builtin_memcpy(&hi, m + 4, 2);
	return (u64)lo | (u64)hi << 32;
}

static void key_to_mac(u64 key, u8 *m)
{
	for (unsigned int i = 0; i < ETH_ALEN; i++)
		m[i] = (u8)(key >> (8 * i));
}

static void port_masks(struct vswitch *sw)
{
	sw->used_ports = sw->trunk_ports = 0;
	sw->uplink_ports = sw->isolated_ports = 0;
	sw->min_mtu = VSWITCH_MTU_MAX;
	for (unsigned int i = 0; i < VSWITCH_MAX_PORTS; i++) {
		const struct vswitch_port *p = &sw->ports[i];

		if (!p->used)
			continue;
		sw->used_ports |= BIT(i);
		if (p->cfg.mode == VSWITCH_TRUNK)
			sw->trunk_ports |= BIT(i);
		if (p->cfg.kind == VSWITCH_PORT_UPLINK)
			sw->uplink_ports |= BIT(i);
		if (p->cfg.isolated)
			sw->isolated_ports |= BIT(i);
		sw->min_mtu = MIN(sw->min_mtu, p->cfg.mtu);
	}
}

void vswitch_init(struct vswitch *sw, u32 hash_seed)
{
	memset(sw, 0, sizeof(*sw));
	sw->ageing = VSWITCH_AGEING_DEFAULT;
	sw->hash_seed = hash_seed;
	port_masks(sw);
}

static bool vlan_member(const struct vswitch_port *p, u16 vid)
{
	if (p->cfg.mode == VSWITCH_ACCESS)
		return p->cfg.pvid == vid;
	return p->cfg.pvid == vid || bitmap_test_bit(p->cfg.allowed, vid);
}

int vswitch_port_add(struct vswitch *sw, const struct vswitch_port_cfg *cfg)
{
	unsigned int i;

	if (!cfg->ops || !cfg->ops->tx || cfg->pvid >= VLAN_N_VID - 1 ||
	    cfg->mtu > VSWITCH_MTU_MAX)
		return -1;
	if (cfg->mode == VSWITCH_ACCESS && cfg->pvid == 0)
		return -1;
	if (cfg->mode != VSWITCH_ACCESS && cfg->mode != VSWITCH_TRUNK)
		return -1;
	for (i = 0; i < VSWITCH_MAX_PORTS; i++) {
		struct vswitch_port *p = &sw->ports[i];

		if (p->used)
			continue;
		memset(p, 0, sizeof(*p));
		p->cfg = *cfg;
		if (!p->cfg.mtu)
			p->cfg.mtu = VSWITCH_MTU_DEFAULT;
		/* VID 0 (priority tag) and 4095 are never VLANs to forward. */
		bitmap_clear_bit(p->cfg.allowed, 0);
		bitmap_clear_bit(p->cfg.allowed, VLAN_N_VID - 1);
		p->mac_key = mac_key(cfg->mac);
		p->learn_hint = &sw->fdb[0][0];
		p->used = true;
		for (unsigned int v = 1; v < VLAN_N_VID - 1; v++)
			if (vlan_member(p, (u16)v))
				sw->vlan_ports[v] |= BIT(i);
		port_masks(sw);
		return (int)i;
	}
	return -1;
}

void vswitch_port_del(struct vswitch *sw, unsigned int port)
{
	if (port >= VSWITCH_MAX_PORTS)
		return;
	sw->ports[port].used = false;
	for (unsigned int v = 0; v < VLAN_N_VID; v++)
		sw->vlan_ports[v] &= ~BIT(port);
	port_masks(sw);
	for (unsigned int b = 0; b < VSWITCH_FDB_BUCKETS; b++)
		for (unsigned int w = 0; w < VSWITCH_FDB_WAYS; w++)
			if (sw->fdb[b][w].port == port)
				sw->fdb[b][w].key = 0;
}

static inline struct vswitch_fdb_entry *fdb_bucket(const struct vswitch *sw,
						   u64 key)
{
	u64 h = (key ^ sw->hash_seed) * 0x9e3779b97f4a7c15ull;

	return (struct vswitch_fdb_entry *)sw->fdb[h >> FDB_HASH_SHIFT];
}

/* The slot holding key (live or not), or NULL. Keys are unique. */
static inline struct vswitch_fdb_entry *fdb_find(const struct vswitch *sw,
						 u64 key)
{
	struct vswitch_fdb_entry *e = fdb_bucket(sw, key);

	for (unsigned int w = 0; w < VSWITCH_FDB_WAYS; w++, e++)
		if (e->key == key)
			return e;
	return NULL;
}

/* VLAN 0 is never learnt, so a key without one marks an empty slot. */
static inline bool fdb_live(const struct vswitch *sw,
			    const struct vswitch_fdb_entry *e, u64 now)
{
	return (e->key >> KEY_VID_SHIFT) &&
	       (now - e->seen < sw->ageing || now < e->seen);
}

int vswitch_fdb_lookup(const struct vswitch *sw, const u8 *mac, u16 vid,
		       u64 now)
{
	const struct vswitch_fdb_entry *e;

	e = fdb_find(sw, mac_key(mac) | (u64)vid << KEY_VID_SHIFT);
	return e && fdb_live(sw, e, now) ? e->port : -1;
}

/* Update or insert; a full bucket reuses a dead slot, else the oldest. */
static struct vswitch_fdb_entry *fdb_learn(struct vswitch *sw, u64 key,
					   unsigned int port, u64 now)
{
	struct vswitch_fdb_entry *e = fdb_bucket(sw, key), *victim = e;

	for (unsigned int w = 0; w < VSWITCH_FDB_WAYS; w++, e++) {
		if (e->key == key) {
			victim = e;
			break;
		}
		if (!fdb_live(sw, victim, now))
			continue;
		if (!fdb_live(sw, e, now) || e->seen < victim->seen)
			victim = e;
	}
	victim->key = key;
	victim->port = (u8)port;
	victim->seen = now;
	return victim;
}

unsigned int vswitch_fdb_count(const struct vswitch *sw, u64 now)
{
	unsigned int n = 0;

	for (unsigned int b = 0; b < VSWITCH_FDB_BUCKETS; b++)
		for (unsigned int w = 0; w < VSWITCH_FDB_WAYS; w++)
			n += fdb_live(sw, &sw->fdb[b][w], now);
	return n;
}

unsigned int vswitch_fdb_age(struct vswitch *sw, u64 now)
{
	unsigned int n = 0;

	for (unsigned int b = 0; b < VSWITCH_FDB_BUCKETS; b++) {
		for (unsigned int w = 0; w < VSWITCH_FDB_WAYS; w++) {
			struct vswitch_fdb_entry *e = &sw->fdb[b][w];

			if (e->key && !fdb_live(sw, e, now)) {
				e->key = 0;
				n++;
			}
		}
	}
	return n;
}

unsigned int vswitch_fdb_walk(const struct vswitch *sw, u64 now,
			      vswitch_fdb_fn fn, void *ctx)
{
	unsigned int n = 0;
	u8 mac[ETH_ALEN];

	for (unsigned int b = 0; b < VSWITCH_FDB_BUCKETS; b++) {
		for (unsigned int w = 0; w < VSWITCH_FDB_WAYS; w++) {
			const struct vswitch_fdb_entry *e = &sw->fdb[b][w];

			if (!fdb_live(sw, e, now))
				continue;
			key_to_mac(e->key, mac);
			fn(ctx, mac, (u16)(e->key >> KEY_VID_SHIFT), e->port,
			   now - e->seen);
			n++;
		}
	}
	return n;
}

/* Isolated ports talk to uplinks only, in both directions. */
static u64 talk_mask(const struct vswitch *sw, const struct vswitch_port *p)
{
	if (p->cfg.isolated)
		return sw->uplink_ports;
	if (p->cfg.kind == VSWITCH_PORT_UPLINK)
		return ~0ull;
	return ~sw->isolated_ports;
}

/*
 * Tagged (or odd-typed) frames: the full parser, then the VLAN rules.
 * Returns the drop reason; on NET_OK the tag is stripped, f->vid/pcp set.
 */
static enum net_drop ingress_slow(const struct vswitch_port *p, struct frame *f,
				  unsigned int *payload, u64 *src)
{
	struct net_eth eth;
	enum net_drop r;
	u16 vid;

	if (f->off < VLAN_HLEN || f->len > FRAME_DATA_MAX ||
	    f->off + f->len > sizeof(f->buf))
		return NET_DROP_FRAME_LEN;
	r = net_parse_eth(frame_data(f), f->len, &eth);
	if (r)
		return r;
	*payload = eth.l3_len;
	*src = mac_key(eth.hdr->src);
	if (eth.l3_len > p->cfg.mtu)
		return NET_DROP_MTU_RX;
	if (p->cfg.spoof_check && *src != p->mac_key)
		return NET_DROP_SPOOF;
	if (!eth.tagged || !eth.vid) {
		if (!p->cfg.pvid)
			return NET_DROP_VLAN_UNTAGGED;
		vid = p->cfg.pvid;
	} else if (p->cfg.mode == VSWITCH_ACCESS) {
		if (eth.vid != p->cfg.pvid)
			return NET_DROP_VLAN_TAGGED;
		vid = eth.vid;
	} else {
		if (!vlan_member(p, eth.vid))
			return NET_DROP_VLAN_DENIED;
		vid = eth.vid;
	}
	f->vid = vid;
	f->pcp = eth.tci >> 13;
	if (eth.tagged) {
		u8 *d = frame_data(f);

		memmove(d + VLAN_HLEN, d, 2 * ETH_ALEN);
		f->off += VLAN_HLEN;
		f->len -= VLAN_HLEN;
	}
	return NET_OK;
}

/* What one round of frames from one port shares. */
struct round {
	const struct vswitch_port *p;
	u64 talk; /* ports the ingress port may talk to */
	u64 trunks; /* ports that may tag on egress */
	u64 mac_key; /* the port's MAC, for the spoof check */
	u32 min_type; /* ethertypes below take the slow path */
	u16 mtu, min_mtu, pvid; /* ingress MTU, smallest MTU, pvid */
	bool spoof_check;
};

/*
 * Ingress checks up to the VLAN. The common frame (sane buffer, untagged,
 * a real ethertype, on a port with a pvid) is handled inline; anything
 * else, drops included, by ingress_slow(), which checks in the documented
 * order. *src is the source MAC key on NET_OK.
 */
static inline enum net_drop ingress(const struct round *rd, struct frame *f,
				    unsigned int *payload, u64 *src)
{
	unsigned int off = f->off, len = f->len;
	const u8 *d = f->buf + off;
	u16 type;

	/* len - ETH_HLEN wraps for runts, so one compare bounds both ends. */
	if (unlikely(len - ETH_HLEN > FRAME_DATA_MAX - ETH_HLEN ||
		     off < VLAN_HLEN || off + len > sizeof(f->buf)))
		return ingress_slow(rd->p, f, payload, src);
	__builtin_memcpy(&type, d + 2 * ETH_ALEN, 2);
	type = swab16(type);
	if (unlikely(type < rd->min_type || type == ETH_P_8021Q ||
		     type == ETH_P_8021AD))
		return ingress_slow(rd->p, f, payload, src);
	*src = mac_key(d + ETH_ALEN);
	if (unlikely(*src & 1))
		return NET_DROP_ETH_SRC_MCAST;
	if (unlikely(!*src))
		return NET_DROP_ETH_SRC_ZERO;
	*payload = len - ETH_HLEN;
	if (unlikely(*payload > rd->mtu))
		return NET_DROP_MTU_RX;
	if (rd->spoof_check && *src != rd->mac_key)
		return NET_DROP_SPOOF;
	f->vid = rd->pvid;
	f->pcp = 0;
	return NET_OK;
}

/* Where a frame from in goes: the learnt port, or a flood of its VLAN. */
static enum net_drop forward(const struct vswitch *sw, unsigned int in,
			     u64 talk, u64 dkey, u16 vid, u64 now, u64 *set)
{
	u64 members = sw->vlan_ports[vid];

	*set = 0;
	if (!(dkey & 1)) {
		const struct vswitch_fdb_entry *e = fdb_find(sw, dkey);

		if (e && fdb_live(sw, e, now)) {
			unsigned int q = e->port;

			if (q == in)
				return NET_DROP_HAIRPIN;
			if (!(talk & BIT(q)))
				return NET_DROP_ISOLATED;
			*set = members & BIT(q);
		}
	}
	if (!*set) {
		/* Unknown unicast, broadcast, multicast: flood the VLAN. */
		*set = members & talk & ~BIT(in);
		if (!*set)
			return NET_DROP_NO_DEST;
	}
	return NET_OK;
}

static void push_tag(struct frame *f)
{
	u8 *d;
	be16 v;

	f->off -= VLAN_HLEN;
	f->len += VLAN_HLEN;
	d = frame_data(f);
	memmove(d, d + VLAN_HLEN, 2 * ETH_ALEN);
	v = cpu_to_be16(ETH_P_8021Q);
	memcpy(d + 2 * ETH_ALEN, &v, 2);
	v = cpu_to_be16((u16)(f->pcp << 13 | f->vid));
	memcpy(d + 2 * ETH_ALEN + 2, &v, 2);
}

/* Hand k frames to a port; bytes is their length sum, or -1: unknown. */
static void port_tx(struct vswitch_port *p, struct frame *const frames[],
		    unsigned int k, u64 bytes)
{
	unsigned int taken = p->cfg.ops->tx(p->cfg.priv, frames, k);

	if (taken > k)
		taken = k;
	p->stats.tx_frames += taken;
	if (taken < k || bytes == ~0ull) {
		bytes = 0;
		for (unsigned int i = 0; i < taken; i++)
			bytes += frames[i]->len;
	}
	p->stats.tx_bytes += bytes;
	p->stats.drops[NET_DROP_TX_FULL] += k - taken;
}

/*
 * One ops->tx call per port in ports, each with its frames of dst[] in
 * arrival order. A counting sort groups them by port in one pass over
 * the (frame, port) pairs; when a round floods so much that the pairs do
 * not fit the scratch queue, each port scans the round instead.
 */
static void egress(struct vswitch *sw, struct frame *const frames[],
		   const u64 *dst, unsigned int n, u64 ports)
{
	u16 *pos = sw->txpos;
	unsigned int pairs = 0, start;

	for (u64 m = ports; m; m &= m - 1)
		pos[__ffs64(m)] = 0;
	for (unsigned int i = 0; i < n; i++)
		for (u64 m = dst[i]; m; m &= m - 1, pairs++)
			pos[__ffs64(m)]++;
	if (pairs > ARRAY_SIZE(sw->txq)) {
		for (; ports; ports &= ports - 1) {
			unsigned int q = __ffs64(ports), k = 0;

			for (unsigned int i = 0; i < n; i++)
				if (dst[i] & BIT(q))
					sw->txq[k++] = frames[i];
			port_tx(&sw->ports[q], sw->txq, k, ~0ull);
		}
		return;
	}
	/* Counts become each port's next free slot in txq. */
	start = 0;
	for (u64 m = ports; m; m &= m - 1) {
		unsigned int q = __ffs64(m), c = pos[q];

		pos[q] = (u16)start;
		start += c;
	}
	for (unsigned int i = 0; i < n; i++)
		for (u64 m = dst[i]; m; m &= m - 1)
			sw->txq[pos[__ffs64(m)]++] = frames[i];
	/* Each port's slots end at pos[q] and start where the last ended. */
	start = 0;
	for (; ports; ports &= ports - 1) {
		unsigned int q = __ffs64(ports);

		port_tx(&sw->ports[q], sw->txq + start, pos[q] - start, ~0ull);
		start = pos[q];
	}
}

static unsigned int rx_round(struct vswitch *sw, unsigned int in,
			     struct frame *const frames[], unsigned int n,
			     u64 now)
{
	struct vswitch_port *p = &sw->ports[in];
	const struct round rd = {
		.p = p,
		.talk = talk_mask(sw, p),
		.trunks = sw->trunk_ports,
		.mtu = p->cfg.mtu,
		.min_mtu = sw->min_mtu,
		.pvid = p->cfg.pvid,
		/* Without a pvid untagged frames die: let the slow path say so. */
		.min_type = p->cfg.pvid ? ETH_P_MIN : 0x10000,
		.spoof_check = p->cfg.spoof_check,
		.mac_key = p->mac_key,
	};
	u64 plain[VSWITCH_BATCH], tagged[VSWITCH_BATCH];
	u64 all_plain = 0, every_plain = ~0ull, all_tagged = 0;
	u64 rx_bytes = 0, out_bytes = 0;
	/* Flow cache: keys and verdict of the previous frame (0: none). */
	u64 prev_skey = 0, prev_dkey = 0, prev_set = 0;
	enum net_drop prev_r = NET_OK;
	unsigned int delivered = 0, dropped = 0, i;

	if (!n) /* also tells the compiler plain[0] gets written */
		return 0;
	for (i = 0; i < n; i++) {
		struct frame *f = frames[i];
		unsigned int rx_len = f->len, payload;
		u64 set, t = 0, skey, dkey, vkey;
		enum net_drop r;

		r = ingress(&rd, f, &payload, &skey);
		if (unlikely(r))
			goto drop;
		vkey = (u64)f->vid << KEY_VID_SHIFT;
		skey |= vkey;
		dkey = mac_key(frame_data(f)) | vkey;
		if (skey != prev_skey || dkey != prev_dkey) {
			struct vswitch_fdb_entry *e = p->learn_hint;

			if (e->key == skey) {
				e->port = (u8)in;
				e->seen = now;
			} else {
				p->learn_hint = fdb_learn(sw, skey, in, now);
			}
			prev_r = forward(sw, in, rd.talk, dkey, f->vid, now,
					 &prev_set);
			prev_skey = skey;
			prev_dkey = dkey;
		}
		r = prev_r;
		if (unlikely(r))
			goto drop;
		set = prev_set;
		rx_bytes += rx_len;
		out_bytes += f->len;
		if (unlikely(payload > rd.min_mtu)) {
			for (u64 m = set; m; m &= m - 1) {
				unsigned int q = __ffs64(m);

				if (payload > sw->ports[q].cfg.mtu) {
					sw->ports[q]
						.stats.drops[NET_DROP_MTU_TX]++;
					set &= ~BIT(q);
				}
			}
		}
		delivered += set != 0;
		for (u64 m = set & rd.trunks; m; m &= m - 1) {
			unsigned int q = __ffs64(m);

			if (sw->ports[q].cfg.pvid != f->vid)
				t |= BIT(q);
		}
		plain[i] = set & ~t;
		tagged[i] = t;
		all_plain |= set & ~t;
		every_plain &= set & ~t;
		all_tagged |= t;
		continue;
	drop:
		p->stats.drops[r]++;
		plain[i] = tagged[i] = 0;
		dropped++;
	}
	p->stats.rx_frames += n - dropped;
	p->stats.rx_bytes += rx_bytes;
	if (delivered == n && !all_tagged && every_plain == all_plain) {
		/* Every frame to the same ports: no per-port regrouping. */
		for (u64 m = all_plain; m; m &= m - 1)
			port_tx(&sw->ports[__ffs64(m)], frames, n, out_bytes);
		return delivered;
	}
	egress(sw, frames, plain, n, all_plain);
	if (!all_tagged)
		return delivered;
	for (i = 0; i < n; i++)
		if (tagged[i])
			push_tag(frames[i]);
	egress(sw, frames, tagged, n, all_tagged);
	return delivered;
}

unsigned int vswitch_rx(struct vswitch *sw, unsigned int port,
			struct frame *const frames[], unsigned int n, u64 now)
{
	unsigned int delivered = 0;

	if (port >= VSWITCH_MAX_PORTS)
		return 0;
	if (!sw->ports[port].used) {
		sw->ports[port].stats.drops[NET_DROP_PORT_DOWN] += n;
		return 0;
	}
	while (n) {
		unsigned int k = MIN(n, (unsigned int)VSWITCH_BATCH);

		delivered += rx_round(sw, port, frames, k, now);
		frames += k;
		n -= k;
	}
	return delivered;
}

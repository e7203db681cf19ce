// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual switch fast path. Frames are handled in rounds of up to
 * VSWITCH_BATCH: ingress checks and learning per frame, then one ops->tx
 * call per egress port for every frame it gets untagged, then tags are
 * pushed in place and one call per port for every frame it gets tagged.
 * A flooded frame therefore needs no copy: ops->tx copies out before the
 * frame's header is rewritten for the next group of ports.
 */
#include <pv/vswitch.h>
#include <pv/bitops.h>
#include <pv/string.h>

BUILD_BUG_ON(VSWITCH_MAX_PORTS > 64); /* port sets are u64 masks */
BUILD_BUG_ON(VSWITCH_FDB_BUCKETS &(VSWITCH_FDB_BUCKETS - 1));

#define FDB_HASH_SHIFT (64 - 8)
BUILD_BUG_ON((1u << (64 - FDB_HASH_SHIFT)) != VSWITCH_FDB_BUCKETS);

void vswitch_init(struct vswitch *sw, u32 hash_seed)
{
	memset(sw, 0, sizeof(*sw));
	sw->ageing = VSWITCH_AGEING_DEFAULT;
	sw->hash_seed = hash_seed;
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
		p->used = true;
		if (cfg->mode == VSWITCH_TRUNK)
			sw->trunk_ports |= BIT(i);
		return (int)i;
	}
	return -1;
}

void vswitch_port_del(struct vswitch *sw, unsigned int port)
{
	if (port >= VSWITCH_MAX_PORTS)
		return;
	sw->ports[port].used = false;
	sw->trunk_ports &= ~BIT(port);
	for (unsigned int b = 0; b < VSWITCH_FDB_BUCKETS; b++)
		for (unsigned int w = 0; w < VSWITCH_FDB_WAYS; w++)
			if (sw->fdb[b][w].vid && sw->fdb[b][w].port == port)
				sw->fdb[b][w].vid = 0;
}

static struct vswitch_fdb_entry *fdb_bucket(const struct vswitch *sw,
					    const u8 *mac, u16 vid)
{
	u64 k = (u64)mac[0] | (u64)mac[1] << 8 | (u64)mac[2] << 16 |
		(u64)mac[3] << 24 | (u64)mac[4] << 32 | (u64)mac[5] << 40 |
		(u64)vid << 48;

	k = (k ^ sw->hash_seed) * 0x9e3779b97f4a7c15ull;
	return (struct vswitch_fdb_entry *)sw->fdb[k >> FDB_HASH_SHIFT];
}

static bool fdb_live(const struct vswitch *sw,
		     const struct vswitch_fdb_entry *e, u64 now)
{
	return e->vid && (now < e->seen || now - e->seen < sw->ageing);
}

int vswitch_fdb_lookup(const struct vswitch *sw, const u8 *mac, u16 vid,
		       u64 now)
{
	const struct vswitch_fdb_entry *e = fdb_bucket(sw, mac, vid);

	for (unsigned int w = 0; w < VSWITCH_FDB_WAYS; w++, e++)
		if (e->vid == vid && eth_addr_equal(e->mac, mac) &&
		    fdb_live(sw, e, now))
			return e->port;
	return -1;
}

/* Update or insert; a full bucket reuses a dead slot, else the oldest. */
static void fdb_learn(struct vswitch *sw, const u8 *mac, u16 vid,
		      unsigned int port, u64 now)
{
	struct vswitch_fdb_entry *e = fdb_bucket(sw, mac, vid), *victim = e;

	for (unsigned int w = 0; w < VSWITCH_FDB_WAYS; w++, e++) {
		if (e->vid == vid && eth_addr_equal(e->mac, mac)) {
			victim = e;
			break;
		}
		if (!fdb_live(sw, victim, now))
			continue;
		if (!fdb_live(sw, e, now) || e->seen < victim->seen)
			victim = e;
	}
	memcpy(victim->mac, mac, ETH_ALEN);
	victim->vid = vid;
	victim->port = (u8)port;
	victim->seen = now;
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

			if (e->vid && !fdb_live(sw, e, now)) {
				e->vid = 0;
				n++;
			}
		}
	}
	return n;
}

static bool vlan_member(const struct vswitch_port *p, u16 vid)
{
	if (p->cfg.mode == VSWITCH_ACCESS)
		return p->cfg.pvid == vid;
	return p->cfg.pvid == vid || bitmap_test_bit(p->cfg.allowed, vid);
}

/* Frames leave untagged on access ports and on a trunk's native VLAN. */
static bool egress_tagged(const struct vswitch_port *p, u16 vid)
{
	return p->cfg.mode == VSWITCH_TRUNK && p->cfg.pvid != vid;
}

/* Isolated ports talk to uplinks only, in both directions. */
static bool may_talk(const struct vswitch_port *a, const struct vswitch_port *b)
{
	if (a->cfg.isolated)
		return b->cfg.kind == VSWITCH_PORT_UPLINK;
	if (b->cfg.isolated)
		return a->cfg.kind == VSWITCH_PORT_UPLINK;
	return true;
}

static bool may_egress(const struct vswitch *sw, unsigned int in,
		       unsigned int q, u16 vid)
{
	const struct vswitch_port *p = &sw->ports[q];

	return q != in && p->used && vlan_member(p, vid) &&
	       may_talk(&sw->ports[in], p);
}

/* Classify a tagged or untagged frame into its VLAN and strip the tag. */
static enum net_drop ingress_vlan(const struct vswitch_port *p, struct frame *f,
				  const struct net_eth *eth)
{
	bool vlan_tag = eth->tagged && eth->vid;
	u16 vid;

	if (!vlan_tag) {
		if (!p->cfg.pvid)
			return NET_DROP_VLAN_UNTAGGED;
		vid = p->cfg.pvid;
	} else if (p->cfg.mode == VSWITCH_ACCESS) {
		if (eth->vid != p->cfg.pvid)
			return NET_DROP_VLAN_TAGGED;
		vid = eth->vid;
	} else {
		if (!vlan_member(p, eth->vid))
			return NET_DROP_VLAN_DENIED;
		vid = eth->vid;
	}
	f->vid = vid;
	f->pcp = eth->tci >> 13;
	if (eth->tagged) {
		u8 *d = frame_data(f);

		memmove(d + VLAN_HLEN, d, 2 * ETH_ALEN);
		f->off += VLAN_HLEN;
		f->len -= VLAN_HLEN;
	}
	return NET_OK;
}

/*
 * Ingress checks, learning and the egress port set. On NET_OK *dst holds
 * the ports to send to (possibly none, when MTU drops took them all).
 */
static enum net_drop ingress(struct vswitch *sw, unsigned int in,
			     struct frame *f, u64 now, u64 *dst)
{
	struct vswitch_port *p = &sw->ports[in];
	struct net_eth eth;
	unsigned int payload, rx_len = f->len, q;
	const struct eth_hdr *eh;
	enum net_drop r;
	int learnt;
	u64 set = 0;

	*dst = 0;
	if (f->off < VLAN_HLEN || f->len > FRAME_DATA_MAX ||
	    f->off + f->len > sizeof(f->buf))
		return NET_DROP_FRAME_LEN;
	r = net_parse_eth(frame_data(f), f->len, &eth);
	if (r)
		return r;
	payload = eth.l3_len;
	if (payload > p->cfg.mtu)
		return NET_DROP_MTU_RX;
	if (p->cfg.spoof_check && !eth_addr_equal(eth.hdr->src, p->cfg.mac))
		return NET_DROP_SPOOF;
	r = ingress_vlan(p, f, &eth);
	if (r)
		return r;
	eh = (const void *)frame_data(f);
	fdb_learn(sw, eh->src, f->vid, in, now);

	learnt = eth_addr_is_multicast(eh->dst)
			 ? -1
			 : vswitch_fdb_lookup(sw, eh->dst, f->vid, now);
	if (learnt >= 0) {
		q = (unsigned int)learnt;
		if (q == in)
			return NET_DROP_HAIRPIN;
		if (!may_talk(p, &sw->ports[q]))
			return NET_DROP_ISOLATED;
		if (may_egress(sw, in, q, f->vid))
			set = BIT(q);
	}
	if (!set) {
		/* Unknown unicast, broadcast, multicast: flood the VLAN. */
		for (q = 0; q < VSWITCH_MAX_PORTS; q++)
			if (may_egress(sw, in, q, f->vid))
				set |= BIT(q);
		if (!set)
			return NET_DROP_NO_DEST;
	}
	p->stats.rx_frames++;
	p->stats.rx_bytes += rx_len;

	for (u64 m = set; m; m &= m - 1) {
		q = __ffs64(m);
		if (payload > sw->ports[q].cfg.mtu) {
			sw->ports[q].stats.drops[NET_DROP_MTU_TX]++;
			set &= ~BIT(q);
		}
	}
	*dst = set;
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

/* One ops->tx call per port in ports, each with its frames of dst[]. */
static void egress(struct vswitch *sw, struct frame *const frames[],
		   const u64 *dst, unsigned int n, u64 ports)
{
	for (; ports; ports &= ports - 1) {
		unsigned int q = __ffs64(ports), k = 0, taken;
		struct vswitch_port *p = &sw->ports[q];

		for (unsigned int i = 0; i < n; i++)
			if (dst[i] & BIT(q))
				sw->txq[k++] = frames[i];
		taken = p->cfg.ops->tx(p->cfg.priv, sw->txq, k);
		if (taken > k)
			taken = k;
		p->stats.tx_frames += taken;
		for (unsigned int i = 0; i < taken; i++)
			p->stats.tx_bytes += sw->txq[i]->len;
		p->stats.drops[NET_DROP_TX_FULL] += k - taken;
	}
}

static unsigned int rx_round(struct vswitch *sw, unsigned int in,
			     struct frame *const frames[], unsigned int n,
			     u64 now)
{
	u64 plain[VSWITCH_BATCH], tagged[VSWITCH_BATCH];
	u64 all_plain = 0, all_tagged = 0;
	unsigned int delivered = 0, i;

	if (!n) /* also tells the compiler plain[0] gets written */
		return 0;
	for (i = 0; i < n; i++) {
		struct frame *f = frames[i];
		enum net_drop r;
		u64 set, t = 0;

		r = ingress(sw, in, f, now, &set);
		if (r) {
			sw->ports[in].stats.drops[r]++;
			plain[i] = tagged[i] = 0;
			continue;
		}
		delivered += set != 0;
		for (u64 m = set & sw->trunk_ports; m; m &= m - 1)
			if (egress_tagged(&sw->ports[__ffs64(m)], f->vid))
				t |= BIT(__ffs64(m));
		plain[i] = set & ~t;
		tagged[i] = t;
		all_plain |= plain[i];
		all_tagged |= t;
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

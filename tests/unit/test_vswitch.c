// SPDX-License-Identifier: GPL-2.0
/* Host tests of net/vswitch.c through recording port sinks. */
#include <string.h>
#include <pv/vswitch.h>
#include "unit.h"

#define SEC 1000000000ull
#define NSINK 8
#define KEEP 8

/* What a port was handed by ops->tx: copies of the first KEEP frames. */
struct sink {
	unsigned int frames, calls, limit;
	u16 len[KEEP];
	u8 data[KEEP][FRAME_DATA_MAX + VLAN_HLEN];
};

static struct sink sinks[NSINK];
static struct vswitch sw;
static struct frame fbuf[160];

static unsigned int sink_tx(void *priv, struct frame *const frames[],
			    unsigned int n)
{
	struct sink *s = priv;
	unsigned int take = MIN(n, s->limit);

	s->calls++;
	for (unsigned int i = 0; i < take; i++, s->frames++) {
		if (s->frames < KEEP) {
			s->len[s->frames] = frames[i]->len;
			memcpy(s->data[s->frames], frame_data(frames[i]),
			       frames[i]->len);
		}
	}
	return take;
}

static const struct vswitch_port_ops sink_ops = { .tx = sink_tx };

static u8 mac[8][ETH_ALEN];
static const u8 bcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const u8 mcast[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };

static void setup(void)
{
	memset(sinks, 0, sizeof(sinks));
	for (int i = 0; i < NSINK; i++)
		sinks[i].limit = ~0u;
	for (int i = 0; i < 8; i++) {
		static const u8 base[] = { 0x52, 0x54, 0x00, 0, 0, 0 };

		memcpy(mac[i], base, ETH_ALEN);
		mac[i][5] = (u8)(i + 1);
	}
	vswitch_init(&sw, 0x1234);
}

static struct vswitch_port_cfg cfg_access(u16 vid, int sink)
{
	struct vswitch_port_cfg c;

	memset(&c, 0, sizeof(c));
	c.kind = VSWITCH_PORT_GUEST;
	c.mode = VSWITCH_ACCESS;
	c.pvid = vid;
	c.ops = &sink_ops;
	c.priv = &sinks[sink];
	return c;
}

static struct vswitch_port_cfg cfg_trunk(u16 native, int sink)
{
	struct vswitch_port_cfg c = cfg_access(native, sink);

	c.kind = VSWITCH_PORT_UPLINK;
	c.mode = VSWITCH_TRUNK;
	return c;
}

static int add(struct vswitch_port_cfg c)
{
	int p = vswitch_port_add(&sw, &c);

	CHECK(p >= 0);
	return p;
}

/* Frame from src to dst; vid 0 = untagged; payload bytes after the header. */
static struct frame *mk(int idx, const u8 *dst, const u8 *src, int vid,
			unsigned int payload)
{
	struct frame *f = &fbuf[idx];
	u8 *d;
	unsigned int h = vid >= 0 ? 18 : 14;

	f->off = FRAME_HEADROOM;
	f->len = (u16)(h + payload);
	d = frame_data(f);
	memcpy(d, dst, ETH_ALEN);
	memcpy(d + 6, src, ETH_ALEN);
	if (vid >= 0) {
		d[12] = 0x81;
		d[13] = 0x00;
		d[14] = (u8)(vid >> 8);
		d[15] = (u8)vid;
	}
	d[h - 2] = 0x08;
	d[h - 1] = 0x00;
	for (unsigned int i = 0; i < payload; i++)
		d[h + i] = (u8)(i ^ idx);
	return f;
}

#define UNTAGGED (-1)

static unsigned int rx1(int port, struct frame *f, u64 now)
{
	struct frame *v[1] = { f };

	return vswitch_rx(&sw, (unsigned int)port, v, 1, now);
}

static u64 drops(int port, enum net_drop r)
{
	return vswitch_port_stats(&sw, (unsigned int)port)->drops[r];
}

UNIT_TEST(learning_and_unicast)
{
	int a, b, c;

	setup();
	a = add(cfg_access(10, 0));
	b = add(cfg_access(10, 1));
	c = add(cfg_access(10, 2));

	/* Unknown destination: flooded to b and c, never back to a. */
	CHECK_EQ(rx1(a, mk(0, mac[1], mac[0], UNTAGGED, 46), 0), 1);
	CHECK_EQ(sinks[0].frames, 0);
	CHECK_EQ(sinks[1].frames, 1);
	CHECK_EQ(sinks[2].frames, 1);
	CHECK_EQ(vswitch_fdb_lookup(&sw, mac[0], 10, 0), a);
	CHECK_EQ(vswitch_fdb_lookup(&sw, mac[0], 20, 0), -1);

	/* b answers: a is known, only a gets it; then a->b is unicast. */
	CHECK_EQ(rx1(b, mk(0, mac[0], mac[1], UNTAGGED, 46), SEC), 1);
	CHECK_EQ(sinks[0].frames, 1);
	CHECK_EQ(sinks[2].frames, 1);
	CHECK_EQ(rx1(a, mk(0, mac[1], mac[0], UNTAGGED, 46), 2 * SEC), 1);
	CHECK_EQ(sinks[1].frames, 2);
	CHECK_EQ(sinks[2].frames, 1);
	CHECK_EQ(sinks[1].len[1], 60);
	CHECK(!memcmp(sinks[1].data[1], frame_data(&fbuf[0]), 60));
	CHECK_EQ(vswitch_fdb_count(&sw, 2 * SEC), 2);

	/* A station that moves is relearnt on its new port. */
	CHECK_EQ(rx1(c, mk(0, bcast, mac[0], UNTAGGED, 46), 3 * SEC), 1);
	CHECK_EQ(vswitch_fdb_lookup(&sw, mac[0], 10, 3 * SEC), c);

	CHECK_EQ(vswitch_port_stats(&sw, a)->rx_frames, 2);
	CHECK_EQ(vswitch_port_stats(&sw, a)->rx_bytes, 120);
	CHECK_EQ(vswitch_port_stats(&sw, b)->tx_frames, 3);
	CHECK_EQ(vswitch_port_stats(&sw, b)->tx_bytes, 180);
	CHECK_EQ(vswitch_port_stats(&sw, c)->tx_frames, 1);
}

UNIT_TEST(ageing_300s)
{
	int a, b, c;

	setup();
	CHECK_EQ(sw.ageing, 300 * SEC);
	a = add(cfg_access(10, 0));
	b = add(cfg_access(10, 1));
	c = add(cfg_access(10, 2));
	rx1(a, mk(0, bcast, mac[0], UNTAGGED, 46), 100 * SEC);
	CHECK_EQ(vswitch_fdb_lookup(&sw, mac[0], 10, 400 * SEC - 1), a);
	CHECK_EQ(vswitch_fdb_lookup(&sw, mac[0], 10, 400 * SEC), -1);

	/* Before expiry b->a is unicast; at expiry it floods again. */
	sinks[2].frames = 0;
	rx1(b, mk(0, mac[0], mac[1], UNTAGGED, 46), 399 * SEC);
	CHECK_EQ(sinks[0].frames, 1);
	CHECK_EQ(sinks[2].frames, 0);
	rx1(b, mk(0, mac[0], mac[1], UNTAGGED, 46), 400 * SEC);
	CHECK_EQ(sinks[0].frames, 2);
	CHECK_EQ(sinks[2].frames, 1);

	/* Sending refreshes: a seen again at 450 s lives until 750 s. */
	rx1(a, mk(0, bcast, mac[0], UNTAGGED, 46), 450 * SEC);
	CHECK_EQ(vswitch_fdb_lookup(&sw, mac[0], 10, 749 * SEC), a);
	CHECK_EQ(vswitch_fdb_count(&sw, 749 * SEC), 1); /* b (399 s) gone */
	CHECK_EQ(vswitch_fdb_age(&sw, 749 * SEC), 1);
	CHECK_EQ(vswitch_fdb_age(&sw, 750 * SEC), 1);
	CHECK_EQ(vswitch_fdb_count(&sw, 0), 0);

	/* The ageing time is the switch's to change. */
	sw.ageing = 10 * SEC;
	rx1(a, mk(0, bcast, mac[0], UNTAGGED, 46), 0);
	CHECK_EQ(vswitch_fdb_lookup(&sw, mac[0], 10, 10 * SEC), -1);
	(void)c;
}

UNIT_TEST(flood_stays_in_vlan)
{
	int a, b, c, d;

	setup();
	a = add(cfg_access(10, 0));
	b = add(cfg_access(10, 1));
	c = add(cfg_access(20, 2));
	d = add(cfg_access(10, 3));
	CHECK_EQ(rx1(a, mk(0, bcast, mac[0], UNTAGGED, 46), 0), 1);
	CHECK_EQ(rx1(a, mk(0, mcast, mac[0], UNTAGGED, 46), 0), 1);
	CHECK_EQ(sinks[1].frames, 2);
	CHECK_EQ(sinks[2].frames, 0);
	CHECK_EQ(sinks[3].frames, 2);
	/* Multicast never teaches the table a destination. */
	CHECK_EQ(vswitch_fdb_count(&sw, 0), 1);
	/* Alone in VLAN 20: nowhere to go. */
	CHECK_EQ(rx1(c, mk(0, bcast, mac[2], UNTAGGED, 46), 0), 0);
	CHECK_EQ(drops(c, NET_DROP_NO_DEST), 1);
	CHECK_EQ(vswitch_port_stats(&sw, c)->rx_frames, 0);
	(void)b;
	(void)d;
}

UNIT_TEST(vlan_access_trunk_tagging)
{
	int a, t, u, t2;
	u8 want[64];

	setup();
	a = add(cfg_access(10, 0));
	struct vswitch_port_cfg tc = cfg_trunk(0, 1);

	bitmap_set_bit(tc.allowed, 10);
	bitmap_set_bit(tc.allowed, 20);
	t = add(tc);
	tc.priv = &sinks[3];
	t2 = add(tc);
	u = add(cfg_access(20, 2));

	/* access -> trunk: the tag is pushed with VID 10, payload intact. */
	mk(0, bcast, mac[0], UNTAGGED, 46);
	memcpy(want, frame_data(&fbuf[0]), 60);
	CHECK_EQ(rx1(a, &fbuf[0], 0), 1);
	CHECK_EQ(sinks[1].frames, 1);
	CHECK_EQ(sinks[1].len[0], 64);
	CHECK(!memcmp(sinks[1].data[0], want, 12));
	CHECK_EQ(sinks[1].data[0][12], 0x81);
	CHECK_EQ(sinks[1].data[0][13], 0x00);
	CHECK_EQ(sinks[1].data[0][14], 0x00);
	CHECK_EQ(sinks[1].data[0][15], 10);
	CHECK(!memcmp(sinks[1].data[0] + 16, want + 12, 48));
	CHECK_EQ(sinks[2].frames, 0); /* VLAN 20 access port */

	/* trunk -> access: VID 10 tag removed, a learnt destination. */
	mk(1, mac[0], mac[5], 10, 46);
	CHECK_EQ(rx1(t, &fbuf[1], 0), 1);
	CHECK_EQ(sinks[0].frames, 1);
	CHECK_EQ(sinks[0].len[0], 60);
	CHECK(!memcmp(sinks[0].data[0], mac[0], 6));
	CHECK_EQ(sinks[0].data[0][12], 0x08);
	CHECK_EQ(sinks[3].frames, 1); /* got the first broadcast only */

	/* trunk -> trunk keeps the tag and its priority bits. */
	mk(2, bcast, mac[5], 20, 46);
	frame_data(&fbuf[2])[14] |= 0xa0; /* PCP 5 */
	CHECK_EQ(rx1(t, &fbuf[2], 0), 1);
	CHECK_EQ(sinks[3].frames, 2);
	CHECK_EQ(sinks[3].len[1], 64);
	CHECK_EQ(sinks[3].data[1][14], 0xa0);
	CHECK_EQ(sinks[3].data[1][15], 20);
	CHECK_EQ(sinks[2].frames, 1); /* and VLAN 20 access untagged */
	CHECK_EQ(sinks[2].len[0], 60);
	CHECK_EQ(vswitch_fdb_lookup(&sw, mac[5], 20, 0), t);
	CHECK_EQ(vswitch_fdb_lookup(&sw, mac[5], 10, 0), t);
	(void)u;
	(void)t2;
}

UNIT_TEST(vlan_filtering)
{
	int a, t, n;

	setup();
	a = add(cfg_access(10, 0));
	struct vswitch_port_cfg tc = cfg_trunk(0, 1);

	bitmap_set_bit(tc.allowed, 10);
	t = add(tc);
	tc = cfg_trunk(1, 2); /* native VLAN 1 */
	bitmap_set_bit(tc.allowed, 10);
	n = add(tc);
	add(cfg_access(1, 3));
	add(cfg_access(20, 4));

	CHECK_EQ(rx1(t, mk(0, bcast, mac[5], 20, 46), 0), 0);
	CHECK_EQ(drops(t, NET_DROP_VLAN_DENIED), 1);
	CHECK_EQ(rx1(t, mk(0, bcast, mac[5], 4095, 46), 0), 0);
	CHECK_EQ(drops(t, NET_DROP_VLAN_DENIED), 2);
	CHECK_EQ(rx1(t, mk(0, bcast, mac[5], UNTAGGED, 46), 0), 0);
	CHECK_EQ(drops(t, NET_DROP_VLAN_UNTAGGED), 1);
	CHECK_EQ(sinks[4].frames, 0);

	/* Access ports accept their own VLAN tagged, or priority-tagged. */
	CHECK_EQ(rx1(a, mk(0, bcast, mac[0], 20, 46), 0), 0);
	CHECK_EQ(drops(a, NET_DROP_VLAN_TAGGED), 1);
	CHECK_EQ(rx1(a, mk(0, bcast, mac[0], 10, 46), 0), 1);
	CHECK_EQ(rx1(a, mk(0, bcast, mac[0], 0, 46), 0), 1);
	CHECK_EQ(sinks[1].frames, 2);
	CHECK_EQ(sinks[2].frames, 2);
	CHECK_EQ(sinks[2].data[1][15], 10); /* tagged: 10 is not native */

	/* Native VLAN: untagged in and out of the trunk. */
	CHECK_EQ(rx1(n, mk(0, bcast, mac[6], UNTAGGED, 46), 0), 1);
	CHECK_EQ(sinks[3].frames, 1);
	CHECK_EQ(sinks[3].len[0], 60);
	CHECK_EQ(sinks[1].frames, 2); /* trunk t does not carry VLAN 1 */
	CHECK_EQ(rx1(3, mk(0, bcast, mac[3], UNTAGGED, 46), 0), 1);
	CHECK_EQ(sinks[2].frames, 3);
	CHECK_EQ(sinks[2].len[2], 60);
	CHECK_EQ(sinks[2].data[2][12], 0x08);
	/* Native VLAN arriving tagged is accepted too. */
	CHECK_EQ(rx1(n, mk(0, bcast, mac[6], 1, 46), 0), 1);
	CHECK_EQ(sinks[3].frames, 2);
}

UNIT_TEST(isolation)
{
	int g1, g2, g3, up;
	struct vswitch_port_cfg c;

	setup();
	c = cfg_access(10, 0);
	c.isolated = true;
	g1 = add(c);
	c.priv = &sinks[1];
	g2 = add(c);
	g3 = add(cfg_access(10, 2));
	c = cfg_access(10, 3);
	c.kind = VSWITCH_PORT_UPLINK;
	up = add(c);

	CHECK_EQ(rx1(g1, mk(0, bcast, mac[0], UNTAGGED, 46), 0), 1);
	CHECK_EQ(sinks[1].frames + sinks[2].frames, 0);
	CHECK_EQ(sinks[3].frames, 1);
	CHECK_EQ(rx1(g3, mk(0, bcast, mac[2], UNTAGGED, 46), 0), 1);
	CHECK_EQ(sinks[0].frames + sinks[1].frames, 0);
	CHECK_EQ(sinks[3].frames, 2);
	CHECK_EQ(rx1(up, mk(0, bcast, mac[3], UNTAGGED, 46), 0), 1);
	CHECK_EQ(sinks[0].frames, 1);
	CHECK_EQ(sinks[1].frames, 1);
	CHECK_EQ(sinks[2].frames, 1);

	/* g2 is learnt, yet g1 may not reach it, nor g3 reach g1. */
	CHECK_EQ(rx1(g2, mk(0, mac[3], mac[1], UNTAGGED, 46), 0), 1);
	CHECK_EQ(rx1(g1, mk(0, mac[1], mac[0], UNTAGGED, 46), 0), 0);
	CHECK_EQ(drops(g1, NET_DROP_ISOLATED), 1);
	CHECK_EQ(rx1(g3, mk(0, mac[0], mac[2], UNTAGGED, 46), 0), 0);
	CHECK_EQ(drops(g3, NET_DROP_ISOLATED), 1);
	CHECK_EQ(sinks[1].frames, 1);
	CHECK_EQ(sinks[0].frames, 1);
	/* The uplink reaches isolated ports by unicast. */
	CHECK_EQ(rx1(up, mk(0, mac[0], mac[3], UNTAGGED, 46), 0), 1);
	CHECK_EQ(sinks[0].frames, 2);
}

UNIT_TEST(spoof_protection)
{
	int g, o;
	struct vswitch_port_cfg c;

	setup();
	c = cfg_access(10, 0);
	c.spoof_check = true;
	memcpy(c.mac, mac[0], ETH_ALEN);
	g = add(c);
	o = add(cfg_access(10, 1));

	CHECK_EQ(rx1(g, mk(0, bcast, mac[4], UNTAGGED, 46), 0), 0);
	CHECK_EQ(drops(g, NET_DROP_SPOOF), 1);
	CHECK_EQ(vswitch_fdb_lookup(&sw, mac[4], 10, 0), -1);
	CHECK_EQ(sinks[1].frames, 0);
	CHECK_EQ(rx1(g, mk(0, bcast, mac[0], UNTAGGED, 46), 0), 1);
	CHECK_EQ(sinks[1].frames, 1);
	/* Without the check any unicast source is fine. */
	CHECK_EQ(rx1(o, mk(0, bcast, mac[4], UNTAGGED, 46), 0), 1);
	CHECK_EQ(rx1(o, mk(0, bcast, mac[5], UNTAGGED, 46), 0), 1);
	CHECK_EQ(sinks[0].frames, 2);
	CHECK_EQ(drops(o, NET_DROP_SPOOF), 0);
}

UNIT_TEST(mtu_drops)
{
	int a, b, c;
	struct vswitch_port_cfg cf;

	setup();
	a = add(cfg_access(10, 0));
	cf = cfg_access(10, 1);
	cf.mtu = 1000;
	b = add(cf);
	cf = cfg_trunk(0, 2);
	bitmap_set_bit(cf.allowed, 10);
	c = add(cf);

	CHECK_EQ(rx1(a, mk(0, bcast, mac[0], UNTAGGED, 1500), 0), 1);
	CHECK_EQ(sinks[1].frames, 0);
	CHECK_EQ(drops(b, NET_DROP_MTU_TX), 1);
	CHECK_EQ(sinks[2].frames, 1);
	CHECK_EQ(sinks[2].len[0], 1518); /* the tag does not count */
	CHECK_EQ(rx1(a, mk(0, bcast, mac[0], UNTAGGED, 1000), 0), 1);
	CHECK_EQ(sinks[1].frames, 1);
	CHECK_EQ(rx1(a, mk(0, bcast, mac[0], UNTAGGED, 1501), 0), 0);
	CHECK_EQ(drops(a, NET_DROP_MTU_RX), 1);
	CHECK_EQ(rx1(c, mk(0, bcast, mac[5], 10, 1500), 0), 1);
	CHECK_EQ(rx1(c, mk(0, bcast, mac[5], 10, 1501), 0), 0);
	CHECK_EQ(drops(c, NET_DROP_MTU_RX), 1);
	CHECK_EQ(drops(b, NET_DROP_MTU_TX), 2);
	/* A unicast whose only egress is too small is not delivered. */
	rx1(b, mk(0, bcast, mac[1], UNTAGGED, 46), 0);
	CHECK_EQ(rx1(a, mk(0, mac[1], mac[0], UNTAGGED, 1200), 0), 0);
	CHECK_EQ(drops(b, NET_DROP_MTU_TX), 3);
}

UNIT_TEST(counters_and_tx_full)
{
	int a, b, c;

	setup();
	a = add(cfg_access(10, 0));
	b = add(cfg_access(10, 1));
	c = add(cfg_access(10, 2));
	sinks[1].limit = 0;
	CHECK_EQ(rx1(a, mk(0, bcast, mac[0], UNTAGGED, 100), 0), 1);
	CHECK_EQ(drops(b, NET_DROP_TX_FULL), 1);
	CHECK_EQ(vswitch_port_stats(&sw, b)->tx_frames, 0);
	CHECK_EQ(vswitch_port_stats(&sw, c)->tx_frames, 1);
	CHECK_EQ(vswitch_port_stats(&sw, c)->tx_bytes, 114);

	/* Malformed and hairpin frames count on the ingress port. */
	mk(0, bcast, mac[0], UNTAGGED, 0);
	fbuf[0].len = 13;
	CHECK_EQ(rx1(a, &fbuf[0], 0), 0);
	CHECK_EQ(drops(a, NET_DROP_ETH_SHORT), 1);
	CHECK_EQ(rx1(a, mk(0, bcast, bcast, UNTAGGED, 46), 0), 0);
	CHECK_EQ(drops(a, NET_DROP_ETH_SRC_MCAST), 1);
	/* mac[0] was learnt on a: sending it back there is a hairpin. */
	CHECK_EQ(rx1(a, mk(0, mac[0], mac[3], UNTAGGED, 46), 0), 0);
	CHECK_EQ(drops(a, NET_DROP_HAIRPIN), 1);
	CHECK_EQ(vswitch_port_stats(&sw, a)->rx_frames, 1);
	CHECK_EQ(vswitch_port_stats(&sw, a)->rx_bytes, 114);

	fbuf[0].len = FRAME_DATA_MAX + 1;
	CHECK_EQ(rx1(a, &fbuf[0], 0), 0);
	CHECK_EQ(drops(a, NET_DROP_FRAME_LEN), 1);
	vswitch_port_del(&sw, c);
	CHECK_EQ(rx1(c, mk(0, bcast, mac[2], UNTAGGED, 46), 0), 0);
	CHECK_EQ(drops(c, NET_DROP_PORT_DOWN), 1);
}

UNIT_TEST(batches)
{
	struct frame *v[150];
	int a, b;

	setup();
	a = add(cfg_access(10, 0));
	b = add(cfg_access(10, 1));
	rx1(b, mk(0, bcast, mac[1], UNTAGGED, 46), 0);
	sinks[0].calls = sinks[0].frames = 0;
	for (int i = 0; i < 150; i++)
		v[i] = mk(i, mac[1], mac[0], UNTAGGED, 46);
	fbuf[7].len = 5; /* one bad frame in the middle */
	CHECK_EQ(vswitch_rx(&sw, a, v, 150, 0), 149);
	CHECK_EQ(sinks[1].frames, 149);
	/* One tx call per VSWITCH_BATCH-sized round, not per frame. */
	CHECK_EQ(sinks[1].calls, 3);
	CHECK_EQ(sinks[1].len[6], 60);
	CHECK(!memcmp(sinks[1].data[6], frame_data(&fbuf[6]), 60));
	CHECK_EQ(sinks[1].data[7][15], 8 ^ 1); /* frame 8 followed frame 6 */
	CHECK_EQ(drops(a, NET_DROP_ETH_SHORT), 1);
	CHECK_EQ(vswitch_port_stats(&sw, a)->rx_frames, 149);
}

UNIT_TEST(fdb_bounded)
{
	u8 m[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0 };
	int a;

	setup();
	a = add(cfg_access(10, 0));
	add(cfg_access(10, 1));
	for (unsigned int i = 0; i < 5000; i++) {
		m[3] = (u8)(i >> 16);
		m[4] = (u8)(i >> 8);
		m[5] = (u8)i;
		rx1(a, mk(0, bcast, m, UNTAGGED, 46), i);
	}
	CHECK(vswitch_fdb_count(&sw, 5000) <=
	      VSWITCH_FDB_BUCKETS * VSWITCH_FDB_WAYS);
	CHECK(vswitch_fdb_count(&sw, 5000) > VSWITCH_FDB_BUCKETS);
	/* The newest entry always wins a slot. */
	CHECK_EQ(vswitch_fdb_lookup(&sw, m, 10, 5000), a);
	vswitch_port_del(&sw, a);
	CHECK_EQ(vswitch_fdb_count(&sw, 5000), 0);
}

UNIT_TEST(port_add_checks)
{
	struct vswitch_port_cfg c;

	setup();
	c = cfg_access(0, 0);
	CHECK_EQ(vswitch_port_add(&sw, &c), -1);
	c = cfg_access(4095, 0);
	CHECK_EQ(vswitch_port_add(&sw, &c), -1);
	c = cfg_access(1, 0);
	c.mtu = VSWITCH_MTU_MAX + 1;
	CHECK_EQ(vswitch_port_add(&sw, &c), -1);
	c = cfg_access(1, 0);
	c.ops = NULL;
	CHECK_EQ(vswitch_port_add(&sw, &c), -1);
	c = cfg_access(1, 0);
	for (int i = 0; i < VSWITCH_MAX_PORTS; i++)
		CHECK_EQ(vswitch_port_add(&sw, &c), i);
	CHECK_EQ(vswitch_port_add(&sw, &c), -1);
	vswitch_port_del(&sw, 5);
	CHECK_EQ(vswitch_port_add(&sw, &c), 5);
	CHECK_EQ(sw.ports[5].cfg.mtu, VSWITCH_MTU_DEFAULT);
}

/* The per-round flow cache must not outlive a change of flow. */
UNIT_TEST(flow_cache_follows_learning)
{
	struct frame *v[4];
	int a, b;

	setup();
	a = add(cfg_access(10, 0));
	b = add(cfg_access(10, 1));
	v[0] = mk(0, mac[1], mac[0], UNTAGGED, 46); /* unknown: flood to b */
	v[1] = mk(1, mac[0], mac[1], UNTAGGED, 46); /* teaches mac[1] on a */
	v[2] = mk(2, mac[1], mac[0], UNTAGGED, 46); /* now a hairpin */
	v[3] = mk(3, mac[1], mac[0], UNTAGGED, 46); /* same flow: hairpin */
	CHECK_EQ(vswitch_rx(&sw, a, v, 4, 0), 1);
	CHECK_EQ(sinks[1].frames, 1);
	CHECK_EQ(drops(a, NET_DROP_HAIRPIN), 3);
	CHECK_EQ(vswitch_fdb_lookup(&sw, mac[1], 10, 0), a);
	/* A repeated flow still refreshes its source's age. */
	rx1(b, mk(0, bcast, mac[2], UNTAGGED, 46), 0);
	v[0] = mk(0, mac[2], mac[0], UNTAGGED, 46);
	v[1] = mk(1, mac[2], mac[0], UNTAGGED, 46);
	CHECK_EQ(vswitch_rx(&sw, a, v, 2, 250 * SEC), 2);
	CHECK_EQ(vswitch_fdb_lookup(&sw, mac[0], 10, 500 * SEC), a);
	CHECK_EQ(vswitch_fdb_lookup(&sw, mac[2], 10, 500 * SEC), -1);
}

/* Frames of one round to many ports: one call each, arrival order kept. */
UNIT_TEST(egress_grouping)
{
	struct frame *v[64];
	int p[8];

	setup();
	for (int i = 0; i < 8; i++)
		p[i] = add(cfg_access(10, i));
	for (int i = 1; i < 8; i++)
		rx1(p[i], mk(0, bcast, mac[i], UNTAGGED, 46), 0);
	for (int i = 0; i < 8; i++)
		sw.ports[p[i]].stats.tx_bytes = 0;
	memset(sinks, 0, sizeof(sinks));
	for (int i = 0; i < NSINK; i++)
		sinks[i].limit = ~0u;
	/* Frame i goes to port 1 + i % 7; frame 20 is a broadcast. */
	for (int i = 0; i < 30; i++)
		v[i] = mk(i, i == 20 ? bcast : mac[1 + i % 7], mac[0], UNTAGGED,
			  46);
	CHECK_EQ(vswitch_rx(&sw, p[0], v, 30, 0), 30);
	for (int q = 1; q < 8; q++) {
		int want = 0;

		for (int i = 0; i < 30; i++)
			want += i == 20 || (i != 20 && 1 + i % 7 == q);
		CHECK_EQ(sinks[q].calls, 1);
		CHECK_EQ(sinks[q].frames, want);
		CHECK_EQ(vswitch_port_stats(&sw, p[q])->tx_bytes, want * 60u);
	}
	/* Port 1 got frames 0, 7, 14, 20 (broadcast), 21, 28 in order. */
	CHECK_EQ(sinks[1].data[0][15], 0 ^ 1);
	CHECK_EQ(sinks[1].data[1][15], 7 ^ 1);
	CHECK_EQ(sinks[1].data[2][15], 14 ^ 1);
	CHECK_EQ(sinks[1].data[3][15], 20 ^ 1);
	CHECK_EQ(sinks[1].data[4][15], 21 ^ 1);
	CHECK_EQ(sinks[0].frames, 0);

	/* A round of broadcasts overflows the grouping scratch: same result. */
	memset(sinks, 0, sizeof(sinks));
	for (int i = 0; i < NSINK; i++)
		sinks[i].limit = ~0u;
	for (int i = 0; i < 64; i++)
		v[i] = mk(i, bcast, mac[0], UNTAGGED, 46);
	v[63] = mk(63, mac[3], mac[0], UNTAGGED, 46);
	sw.ports[p[3]].stats.tx_bytes = 0;
	CHECK_EQ(vswitch_rx(&sw, p[0], v, 64, 0), 64);
	for (int q = 1; q < 8; q++) {
		CHECK_EQ(sinks[q].calls, 1);
		CHECK_EQ(sinks[q].frames, q == 3 ? 64 : 63);
		CHECK_EQ(sinks[q].data[5][15], 5 ^ 1);
	}
	CHECK_EQ(vswitch_port_stats(&sw, p[3])->tx_bytes, 64 * 60u);
}

/* A runt at the very end of its buffer: nothing past it may be read. */
UNIT_TEST(runt_at_buffer_end)
{
	struct frame *f = &fbuf[ARRAY_SIZE(fbuf) - 1]; /* redzone follows */
	int a;

	setup();
	a = add(cfg_access(10, 0));
	add(cfg_access(10, 1));
	f->off = sizeof(f->buf) - 2;
	f->len = 2;
	CHECK_EQ(rx1(a, f, 0), 0);
	CHECK_EQ(drops(a, NET_DROP_ETH_SHORT), 1);
	f->off = 2; /* no headroom for a tag */
	f->len = 60;
	CHECK_EQ(rx1(a, f, 0), 0);
	CHECK_EQ(drops(a, NET_DROP_FRAME_LEN), 1);
}

static unsigned int walked, walked_port;
static u8 walked_mac[ETH_ALEN];
static u64 walked_age;

static void walk_fn(void *ctx, const u8 *m, u16 vid, unsigned int port, u64 age)
{
	walked++;
	if (vid == 20) {
		memcpy(walked_mac, m, ETH_ALEN);
		walked_port = port;
		walked_age = age;
	}
}

UNIT_TEST(fdb_walk)
{
	int a, t;
	struct vswitch_port_cfg tc;

	setup();
	a = add(cfg_access(10, 0));
	tc = cfg_trunk(0, 1);
	bitmap_set_bit(tc.allowed, 10);
	bitmap_set_bit(tc.allowed, 20);
	t = add(tc);
	add(cfg_access(20, 2));
	rx1(a, mk(0, bcast, mac[0], UNTAGGED, 46), SEC);
	rx1(t, mk(0, bcast, mac[4], 20, 46), 2 * SEC);
	walked = 0;
	CHECK_EQ(vswitch_fdb_walk(&sw, 7 * SEC, walk_fn, &t), 2);
	CHECK_EQ(walked, 2);
	CHECK(!memcmp(walked_mac, mac[4], ETH_ALEN));
	CHECK_EQ(walked_port, t);
	CHECK_EQ(walked_age, 5 * SEC);
	/* Aged-out entries are not visited. */
	CHECK_EQ(vswitch_fdb_walk(&sw, 301 * SEC, walk_fn, &t), 1);
}

UNIT_MAIN();

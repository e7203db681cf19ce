// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net (two devices linked back to back) and virtio-console over
 * the modern PCI transport: frames with their virtio_net_hdr, drops when
 * no receive buffer is posted or a frame is too big, malformed chains,
 * two CPUs transmitting to each other at once, console output and input.
 */
#include <pthread.h>
#include "virtio_harness.h"

#define RINGS_A 0x10000ull
#define RINGS_B 0x30000ull
#define TXBUF_A 0x100000ull
#define TXBUF_B 0x140000ull
#define RXBUF_A 0x200000ull /* second chunk */
#define RXBUF_B 0x300000ull
#define RXSZ 2048
#define HLEN 12

static const u8 mac_a[6] = { 0x52, 0x54, 0, 0, 0, 0xA };
static const u8 mac_b[6] = { 0x52, 0x54, 0, 0, 0, 0xB };
static struct netport *pa, *pb;
static struct virtio_dev *da, *db;
static struct tdrv ta, tb;

static void net_setup(void)
{
	ram_setup();
	irq_reset_all();
	pa = virtio_net_create(&tvm, NULL, mac_a);
	pb = virtio_net_create(&tvm, NULL, mac_b);
	CHECK(pa && pb);
	da = virtio_net_dev(pa);
	db = virtio_net_dev(pb);
	netport_link(pa, pb);
	drv_init(&ta, da, RINGS_A, ~0ull);
	drv_init(&tb, db, RINGS_B, ~0ull);
}

static void post_rx(struct tdrv *t, u64 base, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		drv_add(t, 0, &(struct tseg){ base + i * RXSZ, RXSZ, true }, 1);
	drv_kick(t, 0);
}

/* A frame of len bytes (dst, src, type, pattern) at gpa, after a header. */
static void make_frame(u64 gpa, const u8 *dst, const u8 *src, u32 len, u8 seed)
{
	u8 f[2048] = { 0 };

	memcpy(f + HLEN, dst, 6);
	memcpy(f + HLEN + 6, src, 6);
	f[HLEN + 12] = 0x08;
	for (u32 i = 14; i < len; i++)
		f[HLEN + i] = (u8)(seed + i);
	CHECK(!vm_write_phys(&tvm, gpa, f, HLEN + len));
}

static void send(struct tdrv *t, u64 gpa, u32 len)
{
	/* Header and frame in one buffer, as Linux does with VERSION_1. */
	drv_add(t, 1, &(struct tseg){ gpa, HLEN + len, false }, 1);
	drv_kick(t, 1);
}

UNIT_TEST(config_mac_and_link)
{
	u8 mac[6];

	net_setup();
	CHECK_EQ(da->pci.device, 0x1041);
	CHECK(ta.features & VIRTIO_BIT(5)); /* MAC */
	CHECK(ta.features & VIRTIO_BIT(16)); /* STATUS */
	CHECK_EQ(common_rd(&ta, COFF(num_queues), 2), 2);
	for (int i = 0; i < 6; i++)
		mac[i] = (u8)bar_rd(&tb, tb.device + i, 1);
	CHECK(!memcmp(mac, mac_b, 6));
	CHECK_EQ(bar_rd(&ta, ta.device + 6, 2), 1); /* link up */
	CHECK(!memcmp(pa->mac, mac_a, 6));
	ram_teardown();
}

UNIT_TEST(frame_crosses_to_peer_with_header)
{
	u8 got[2048], want[2048];
	u32 id, len;

	net_setup();
	irq_of(&db->pci)->msix_on = true;
	post_rx(&tb, RXBUF_B, 4);
	make_frame(TXBUF_A, mac_b, mac_a, 60, 1);
	send(&ta, TXBUF_A, 60);
	/* A's TX buffer came back. */
	CHECK(drv_used(&ta, 1, &id, &len));
	CHECK_EQ(id, 0);
	/* B received it: header (num_buffers 1) then the frame. */
	CHECK(drv_used(&tb, 0, &id, &len));
	CHECK_EQ(id, 0);
	CHECK_EQ(len, HLEN + 60);
	CHECK(!vm_read_phys(&tvm, RXBUF_B, got, HLEN + 60));
	CHECK(!vm_read_phys(&tvm, TXBUF_A, want, HLEN + 60));
	CHECK(!memcmp(got + HLEN, want + HLEN, 60));
	CHECK_EQ(got[10], 1); /* num_buffers */
	CHECK_EQ(got[11], 0);
	CHECK_EQ(got[0], 0); /* flags */
	CHECK_EQ(irq_of(&db->pci)->msix[1], 1); /* RX queue 0, vector 1 */
	CHECK_EQ(virtio_net_stats(pa)->tx_frames, 1);
	CHECK_EQ(virtio_net_stats(pb)->rx_frames, 1);
	CHECK_EQ(pa->stats.tx_frames, 1);
	/* A full-size frame split over three descriptors, header apart. */
	make_frame(TXBUF_A, mac_b, mac_a, 1514, 9);
	drv_add(&ta, 1,
		(struct tseg[]){ { TXBUF_A, HLEN, false },
				 { TXBUF_A + HLEN, 700, false },
				 { TXBUF_A + HLEN + 700, 814, false } },
		3);
	drv_kick(&ta, 1);
	CHECK(drv_used(&tb, 0, &id, &len));
	CHECK_EQ(len, HLEN + 1514);
	CHECK(!vm_read_phys(&tvm, RXBUF_B + RXSZ, got, HLEN + 1514));
	CHECK(!vm_read_phys(&tvm, TXBUF_A, want, HLEN + 1514));
	CHECK(!memcmp(got + HLEN, want + HLEN, 1514));
	CHECK_EQ(bad_access, 0);
	ram_teardown();
}

UNIT_TEST(no_rx_buffer_drops_and_counts)
{
	u32 id, len;

	net_setup();
	make_frame(TXBUF_A, mac_b, mac_a, 100, 3);
	send(&ta, TXBUF_A, 100);
	CHECK(drv_used(&ta, 1, &id, &len)); /* never blocks the sender */
	CHECK_EQ(virtio_net_stats(pb)->rx_no_buffer, 1);
	CHECK_EQ(virtio_net_stats(pa)->tx_dropped, 1);
	CHECK_EQ(pa->stats.tx_dropped, 1);
	CHECK(!drv_used(&tb, 0, &id, &len));
	/* A posted buffer then takes the next frame. */
	post_rx(&tb, RXBUF_B, 1);
	send(&ta, TXBUF_A, 100);
	CHECK(drv_used(&tb, 0, &id, &len));
	CHECK_EQ(len, HLEN + 100);
	ram_teardown();
}

UNIT_TEST(oversize_and_short_frames_dropped)
{
	u32 id, len;

	net_setup();
	post_rx(&tb, RXBUF_B, 2);
	make_frame(TXBUF_A, mac_b, mac_a, 1519, 3);
	send(&ta, TXBUF_A, 1519);
	CHECK(drv_used(&ta, 1, &id, &len));
	CHECK_EQ(virtio_net_stats(pa)->tx_oversize, 1);
	send(&ta, TXBUF_A, 4); /* not even an Ethernet header */
	CHECK(drv_used(&ta, 1, &id, &len));
	CHECK_EQ(virtio_net_stats(pa)->tx_short, 1);
	CHECK(!drv_used(&tb, 0, &id, &len));
	/* A tagged full-size frame (1518) passes. */
	send(&ta, TXBUF_A, 1518);
	CHECK(drv_used(&tb, 0, &id, &len));
	CHECK_EQ(len, HLEN + 1518);
	/* Frames handed in from the network are checked too. */
	CHECK(!pb->rx(pb, (u8[2000]){ 0 }, 1600));
	CHECK_EQ(virtio_net_stats(pb)->rx_oversize, 1);
	CHECK_EQ(da->stats.errors + db->stats.errors, 0);
	ram_teardown();
}

UNIT_TEST(small_rx_buffer_returned_empty)
{
	u32 id, len;

	net_setup();
	drv_add(&tb, 0, &(struct tseg){ RXBUF_B, 64, true }, 1);
	drv_kick(&tb, 0);
	make_frame(TXBUF_A, mac_b, mac_a, 100, 3);
	send(&ta, TXBUF_A, 100);
	CHECK(drv_used(&tb, 0, &id, &len));
	CHECK_EQ(len, 0);
	CHECK_EQ(virtio_net_stats(pb)->rx_short_buffer, 1);
	ram_teardown();
}

UNIT_TEST(hostile_readable_rx_buffer_needs_reset)
{
	net_setup();
	irq_of(&db->pci)->msix_on = true;
	drv_add(&tb, 0, &(struct tseg){ RXBUF_B, RXSZ, false }, 1);
	drv_kick(&tb, 0);
	make_frame(TXBUF_A, mac_b, mac_a, 100, 3);
	send(&ta, TXBUF_A, 100);
	CHECK(status_rd(&tb) & VIRTIO_STATUS_NEEDS_RESET);
	CHECK_EQ(db->stats.resets, 1);
	CHECK_EQ(irq_of(&db->pci)->msix[0], 1);
	/* The sender is unaffected. */
	CHECK(!(status_rd(&ta) & VIRTIO_STATUS_NEEDS_RESET));
	ram_teardown();
}

UNIT_TEST(hostile_tx_loop_and_writable_tx)
{
	u32 id, len;

	net_setup();
	g_desc(ta.q[1].desc, 0, TXBUF_A, 64, VIRTQ_DESC_F_NEXT, 0);
	drv_publish(&ta, 1, 0);
	drv_kick(&ta, 1);
	CHECK(status_rd(&ta) & VIRTIO_STATUS_NEEDS_RESET);
	CHECK(!drv_used(&ta, 1, &id, &len));
	CHECK_EQ(virtio_net_stats(pa)->tx_frames, 0);
	/* After a reset, a writable descriptor in TX fails it again. */
	drv_init(&ta, da, RINGS_A, ~0ull);
	drv_add(&ta, 1, &(struct tseg){ TXBUF_A, 100, true }, 1);
	drv_kick(&ta, 1);
	CHECK(status_rd(&ta) & VIRTIO_STATUS_NEEDS_RESET);
	CHECK_EQ(da->stats.resets, 2);
	CHECK_EQ(bad_access, 0);
	ram_teardown();
}

/* Two CPUs: each transmits to the other while the other transmits. */
struct pump {
	struct tdrv *t;
	u64 txbuf;
	unsigned int n;
};

static void *pump_fn(void *arg)
{
	struct pump *p = arg;
	u32 id, len;

	for (unsigned int i = 0; i < p->n; i++) {
		send(p->t, p->txbuf + (i % 8) * RXSZ, 200);
		while (!drv_used(p->t, 1, &id, &len))
			;
	}
	return NULL;
}

UNIT_TEST(both_directions_at_once)
{
	struct pump a = { &ta, TXBUF_A, 200 }, b = { &tb, TXBUF_B, 200 };
	pthread_t x, y;
	u32 id, len;
	unsigned int na = 0, nb = 0;

	net_setup();
	for (int i = 0; i < 8; i++) {
		make_frame(TXBUF_A + i * RXSZ, mac_b, mac_a, 200, 1);
		make_frame(TXBUF_B + i * RXSZ, mac_a, mac_b, 200, 2);
	}
	post_rx(&ta, RXBUF_A, 250);
	post_rx(&tb, RXBUF_B, 250);
	pthread_create(&x, NULL, pump_fn, &a);
	pthread_create(&y, NULL, pump_fn, &b);
	pthread_join(x, NULL);
	pthread_join(y, NULL);
	while (drv_used(&ta, 0, &id, &len))
		na += len == HLEN + 200;
	while (drv_used(&tb, 0, &id, &len))
		nb += len == HLEN + 200;
	CHECK_EQ(na, 200);
	CHECK_EQ(nb, 200);
	CHECK_EQ(virtio_net_stats(pa)->tx_frames, 200);
	CHECK_EQ(virtio_net_stats(pb)->rx_frames, 200);
	CHECK_EQ(da->stats.errors + db->stats.errors, 0);
	ram_teardown();
}

/* A port of the network side that checks, when a frame reaches it, that
 * the sending device does not hold its transmit queue lock. */
static unsigned int probe_frames, probe_locked;

static bool probe_rx(struct netport *p, const void *frame, size_t len)
{
	probe_frames++;
	if (spin_is_locked(&da->vq[1].lock))
		probe_locked++;
	/* Answer at once, as a switch or the host stack may. */
	return netport_tx(p, frame, len);
}

UNIT_TEST(no_tx_lock_held_while_the_network_delivers)
{
	struct netport probe = { .name = "probe", .rx = probe_rx };
	u32 id, len;

	net_setup();
	netport_link(pa, &probe);
	post_rx(&ta, RXBUF_A, 2);
	make_frame(TXBUF_A, mac_b, mac_a, 80, 4);
	send(&ta, TXBUF_A, 80);
	CHECK_EQ(probe_frames, 1);
	CHECK_EQ(probe_locked, 0);
	/* The echo came back into A's receive queue. */
	CHECK(drv_used(&ta, 0, &id, &len));
	CHECK_EQ(len, HLEN + 80);
	CHECK(drv_used(&ta, 1, &id, &len));
	ram_teardown();
}

/* ---- console ------------------------------------------------------------ */

UNIT_TEST(console_output_and_input)
{
	struct virtio_dev *c;
	struct tdrv t;
	u8 got[16];
	u32 id, len;

	ram_setup();
	irq_reset_all();
	c = virtio_console_create(&tvm, NULL);
	CHECK(c != NULL);
	CHECK_EQ(c->pci.device, 0x1043);
	/* Input before the driver exists waits in the FIFO. */
	CHECK_EQ(virtio_console_input(c, "abc", 3), 3);
	drv_init(&t, c, RINGS_A, ~0ull);
	CHECK_EQ(t.q[0].size, 64);
	/* Output: split over two buffers, one crossing a chunk. */
	vm_write_phys(&tvm, GMEM_CHUNK_SIZE - 3, "hello\n", 6);
	drv_add(&t, 1,
		(struct tseg[]){ { GMEM_CHUNK_SIZE - 3, 4, false },
				 { GMEM_CHUNK_SIZE + 1, 2, false } },
		2);
	drv_kick(&t, 1);
	CHECK_STR(console_out, "hello\n");
	CHECK(drv_used(&t, 1, &id, &len));
	CHECK_EQ(virtio_console_stats(c)->tx_bytes, 6);
	/* Posting a receive buffer delivers what was waiting. */
	drv_add(&t, 0, &(struct tseg){ RXBUF_A, 2, true }, 1);
	drv_kick(&t, 0);
	CHECK(drv_used(&t, 0, &id, &len));
	CHECK_EQ(len, 2);
	vm_read_phys(&tvm, RXBUF_A, got, 2);
	CHECK(!memcmp(got, "ab", 2));
	drv_add(&t, 0, &(struct tseg){ RXBUF_A + 64, 16, true }, 1);
	drv_kick(&t, 0);
	CHECK(drv_used(&t, 0, &id, &len));
	CHECK_EQ(len, 1);
	CHECK_EQ(virtio_console_input(c, "xyz", 3), 3);
	/* The FIFO delivered "c"; no buffer for xyz yet. */
	drv_add(&t, 0, &(struct tseg){ RXBUF_A + 128, 16, true }, 1);
	drv_kick(&t, 0);
	CHECK(drv_used(&t, 0, &id, &len));
	CHECK_EQ(len, 3);
	vm_read_phys(&tvm, RXBUF_A + 128, got, 3);
	CHECK(!memcmp(got, "xyz", 3));
	/* Overflow is dropped and counted. */
	for (int i = 0; i < 600; i++)
		virtio_console_input(c, "q", 1);
	CHECK_EQ(virtio_console_stats(c)->rx_dropped, 600 - 512);
	CHECK_EQ(c->stats.errors, 0);
	CHECK_EQ(bad_access, 0);
	ram_teardown();
}

UNIT_MAIN();

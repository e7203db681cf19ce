// SPDX-License-Identifier: GPL-2.0
/*
 * Split virtqueues (virt/dev/virtqueue.c) driven directly: chains,
 * indirect tables, EVENT_IDX and NO_INTERRUPT, and every validation rule,
 * with guest RAM made of separate 2 MiB chunks so a buffer crossing a
 * chunk boundary or lying outside RAM is caught.
 */
#include "virtio_harness.h"

#define QDESC 0x10000ull
#define QAVAIL 0x11000ull
#define QUSED 0x12000ull
#define BUF 0x100000ull
#define TABLE 0x40000ull

static struct virtq vq;
static struct vq_chain ch;
static u16 avail_idx;

static void vq_setup(u16 size, bool event_idx, bool indirect)
{
	ram_setup();
	vq_init(&vq, &tvm, 0, 256);
	vq.size = size;
	vq.desc = QDESC;
	vq.driver = QAVAIL;
	vq.device = QUSED;
	avail_idx = 0;
	CHECK_EQ(vq_enable(&vq, event_idx, indirect), 0);
}

static void publish(u16 head)
{
	g_wr16(QAVAIL + 4 + 2 * (avail_idx % vq.size), head);
	avail_idx++;
	g_wr16(QAVAIL + 2, avail_idx);
}

/* Pop must fail with the queue broken; no access outside RAM. */
static void expect_bad(const char *why)
{
	CHECK_EQ(vq_pop(&vq, &ch), -1);
	CHECK(vq.broken);
	CHECK(vq.error && strstr(vq.error, why));
	if (vq.error && !strstr(vq.error, why))
		fprintf(stderr, "  error was: %s\n", vq.error);
	CHECK_EQ(bad_access, 0);
	/* A broken queue stays stopped. */
	CHECK_EQ(vq_pop(&vq, &ch), 0);
}

UNIT_TEST(simple_chain_pop_push)
{
	vq_setup(8, false, false);
	g_desc(QDESC, 3, BUF, 16, VIRTQ_DESC_F_NEXT, 5);
	g_desc(QDESC, 5, BUF + 0x1000, 100, VIRTQ_DESC_F_NEXT, 1);
	g_desc(QDESC, 1, BUF + 0x2000, 1, VIRTQ_DESC_F_WRITE, 0);
	CHECK_EQ(vq_pop(&vq, &ch), 0);
	publish(3);
	CHECK_EQ(vq_pop(&vq, &ch), 1);
	CHECK_EQ(ch.head, 3);
	CHECK_EQ(ch.nsegs, 3);
	CHECK_EQ(ch.nread, 2);
	CHECK_EQ(ch.read_len, 116);
	CHECK_EQ(ch.write_len, 1);
	CHECK_EQ(ch.seg[1].addr, BUF + 0x1000);
	CHECK_EQ(vq_pop(&vq, &ch), 0);
	vq_push(&vq, 3, 1);
	CHECK_EQ(g_rd16(QUSED + 2), 1);
	CHECK_EQ(g_rd32(QUSED + 4), 3);
	CHECK_EQ(g_rd32(QUSED + 8), 1);
	/* Without EVENT_IDX the driver gets an interrupt unless it set
	 * NO_INTERRUPT. */
	CHECK(vq_need_notify(&vq, 0));
	g_wr16(QAVAIL, VRING_AVAIL_F_NO_INTERRUPT);
	CHECK(!vq_need_notify(&vq, 0));
	CHECK(!vq_need_notify(&vq, 1)); /* nothing new */
	CHECK_EQ(bad_access, 0);
	ram_teardown();
}

UNIT_TEST(ring_wraps_at_size)
{
	vq_setup(4, false, false);
	for (int i = 0; i < 10; i++) {
		g_desc(QDESC, (u16)(i % 4), BUF, 8, 0, 0);
		publish((u16)(i % 4));
		CHECK_EQ(vq_pop(&vq, &ch), 1);
		CHECK_EQ(ch.head, i % 4);
		vq_push(&vq, ch.head, 0);
	}
	CHECK_EQ(g_rd16(QUSED + 2), 10);
	CHECK_EQ(g_rd32(QUSED + 4 + 8 * (9 % 4)), 1);
	ram_teardown();
}

UNIT_TEST(copies_cross_chunk_boundaries)
{
	u8 out[300], in[300];
	u64 edge = GMEM_CHUNK_SIZE - 100; /* 100 bytes before, 200 after */

	vq_setup(8, false, false);
	for (int i = 0; i < 300; i++)
		out[i] = (u8)(i * 7 + 1);
	/* Readable: 50 bytes elsewhere, then 300 across the boundary. */
	g_desc(QDESC, 0, BUF, 50, VIRTQ_DESC_F_NEXT, 1);
	g_desc(QDESC, 1, edge, 300, VIRTQ_DESC_F_NEXT, 2);
	g_desc(QDESC, 2, 2 * GMEM_CHUNK_SIZE - 10, 300, VIRTQ_DESC_F_WRITE, 0);
	CHECK(!vm_write_phys(&tvm, edge, out, 300));
	publish(0);
	CHECK_EQ(vq_pop(&vq, &ch), 1);
	memset(in, 0, sizeof(in));
	CHECK_EQ(vq_chain_read(&vq, &ch, 50, in, 300), 300);
	CHECK(!memcmp(in, out, 300));
	/* Short at the end of the readable part. */
	CHECK_EQ(vq_chain_read(&vq, &ch, 300, in, 300), 50);
	CHECK_EQ(vq_chain_write(&vq, &ch, 0, out, 300), 300);
	CHECK(!vm_read_phys(&tvm, 2 * GMEM_CHUNK_SIZE - 10, in, 300));
	CHECK(!memcmp(in, out, 300));
	CHECK_EQ(bad_access, 0);
	ram_teardown();
}

UNIT_TEST(indirect_table)
{
	vq_setup(8, false, true);
	g_desc(TABLE, 0, BUF, 16, VIRTQ_DESC_F_NEXT, 2);
	g_desc(TABLE, 2, BUF + 16, 512, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT,
	       1);
	g_desc(TABLE, 1, BUF + 600, 1, VIRTQ_DESC_F_WRITE, 0);
	g_desc(QDESC, 6, TABLE, 3 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	publish(6);
	CHECK_EQ(vq_pop(&vq, &ch), 1);
	CHECK_EQ(ch.head, 6);
	CHECK_EQ(ch.nsegs, 3);
	CHECK_EQ(ch.nread, 1);
	CHECK_EQ(ch.write_len, 513);
	CHECK_EQ(ch.seg[2].addr, BUF + 600);
	/* An indirect table may also follow direct descriptors. */
	g_desc(QDESC, 0, BUF, 16, VIRTQ_DESC_F_NEXT, 1);
	g_desc(QDESC, 1, TABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
	g_desc(TABLE, 0, BUF + 16, 1, VIRTQ_DESC_F_WRITE, 0);
	publish(0);
	CHECK_EQ(vq_pop(&vq, &ch), 1);
	CHECK_EQ(ch.nsegs, 2);
	CHECK_EQ(bad_access, 0);
	ram_teardown();
}

UNIT_TEST(event_idx_suppression)
{
	vq_setup(8, true, false);
	for (int i = 0; i < 3; i++)
		g_desc(QDESC, (u16)i, BUF, 8, 0, 0);
	publish(0);
	publish(1);
	publish(2);
	/* The driver wants an interrupt once used passes entry 1. */
	g_wr16(QAVAIL + 4 + 2 * 8, 1);
	CHECK_EQ(vq_pop(&vq, &ch), 1);
	vq_push(&vq, ch.head, 0);
	CHECK(!vq_need_notify(&vq, 0)); /* used 0 -> 1: event 1 not passed */
	CHECK_EQ(vq_pop(&vq, &ch), 1);
	vq_push(&vq, ch.head, 0);
	CHECK(vq_need_notify(&vq, 1)); /* 1 -> 2 crosses event 1 */
	CHECK_EQ(vq_pop(&vq, &ch), 1);
	vq_push(&vq, ch.head, 0);
	CHECK(!vq_need_notify(&vq, 2));
	/* NO_INTERRUPT is ignored with EVENT_IDX; used_event rules. */
	g_wr16(QAVAIL + 4 + 2 * 8, 2);
	CHECK(vq_need_notify(&vq, 2));
	/* Going idle publishes avail_event = next entry we will take. */
	CHECK(!vq_more(&vq));
	CHECK_EQ(g_rd16(QUSED + 4 + 8 * 8), 3);
	publish(0);
	CHECK(vq_more(&vq));
	ram_teardown();
}

UNIT_TEST(enable_checks)
{
	ram_setup();
	vq_init(&vq, &tvm, 0, 256);
	CHECK(vq_size_ok(&vq, 256));
	CHECK(vq_size_ok(&vq, 1));
	CHECK(!vq_size_ok(&vq, 0));
	CHECK(!vq_size_ok(&vq, 100));
	CHECK(!vq_size_ok(&vq, 512));
	vq.size = 256;
	vq.desc = QDESC + 8; /* descriptor table needs 16-byte alignment */
	vq.driver = QAVAIL;
	vq.device = QUSED;
	CHECK_EQ(vq_enable(&vq, false, false), -1);
	vq_reset(&vq);
	vq.desc = QDESC;
	vq.driver = QAVAIL;
	vq.device = RAM_SIZE - 100; /* used ring runs off the end */
	CHECK_EQ(vq_enable(&vq, false, false), -1);
	CHECK(!vq.enabled);
	vq_reset(&vq);
	vq.desc = ~0ull & ~15ull; /* wraps around */
	vq.driver = QAVAIL;
	vq.device = QUSED;
	CHECK_EQ(vq_enable(&vq, false, false), -1);
	CHECK_EQ(vq_pop(&vq, &ch), 0);
	CHECK_EQ(bad_access, 0);
	ram_teardown();
}

UNIT_TEST(hostile_descriptor_loop)
{
	vq_setup(8, false, false);
	g_desc(QDESC, 0, BUF, 8, VIRTQ_DESC_F_NEXT, 1);
	g_desc(QDESC, 1, BUF, 8, VIRTQ_DESC_F_NEXT, 0);
	publish(0);
	expect_bad("loop");
	ram_teardown();
}

UNIT_TEST(hostile_self_loop)
{
	vq_setup(256, false, false);
	g_desc(QDESC, 7, BUF, 8, VIRTQ_DESC_F_NEXT, 7);
	publish(7);
	expect_bad("loop");
	ram_teardown();
}

UNIT_TEST(hostile_chain_longer_than_queue)
{
	/* 4-entry queue, indirect table of 8 descriptors. */
	vq_setup(4, false, true);
	for (int i = 0; i < 8; i++)
		g_desc(TABLE, (u16)i, BUF, 8, i < 7 ? VIRTQ_DESC_F_NEXT : 0,
		       (u16)(i + 1));
	g_desc(QDESC, 0, TABLE, 8 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	publish(0);
	expect_bad("indirect table length");
	ram_teardown();
}

UNIT_TEST(hostile_chain_of_direct_and_indirect_too_long)
{
	/* 3 direct + a 4-entry table in a 4-entry queue: 7 > 4. */
	vq_setup(4, false, true);
	g_desc(QDESC, 0, BUF, 8, VIRTQ_DESC_F_NEXT, 1);
	g_desc(QDESC, 1, BUF, 8, VIRTQ_DESC_F_NEXT, 2);
	g_desc(QDESC, 2, BUF, 8, VIRTQ_DESC_F_NEXT, 3);
	g_desc(QDESC, 3, TABLE, 4 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	for (int i = 0; i < 4; i++)
		g_desc(TABLE, (u16)i, BUF, 8, i < 3 ? VIRTQ_DESC_F_NEXT : 0,
		       (u16)(i + 1));
	publish(0);
	expect_bad("longer than the queue");
	ram_teardown();
}

UNIT_TEST(hostile_address_beyond_ram)
{
	vq_setup(8, false, false);
	g_desc(QDESC, 0, RAM_SIZE, 1, 0, 0);
	publish(0);
	expect_bad("outside guest RAM");
	ram_teardown();
}

UNIT_TEST(hostile_buffer_runs_past_ram_end)
{
	vq_setup(8, false, false);
	g_desc(QDESC, 0, RAM_SIZE - 16, 17, VIRTQ_DESC_F_WRITE, 0);
	publish(0);
	expect_bad("outside guest RAM");
	ram_teardown();
}

UNIT_TEST(hostile_address_len_overflow)
{
	vq_setup(8, false, false);
	g_desc(QDESC, 0, ~0ull - 15, 32, 0, 0);
	publish(0);
	expect_bad("outside guest RAM");
	ram_teardown();
}

UNIT_TEST(hostile_huge_length)
{
	vq_setup(8, false, false);
	g_desc(QDESC, 0, 0, 0xFFFFFFFFu, 0, 0);
	publish(0);
	expect_bad("outside guest RAM");
	ram_teardown();
}

UNIT_TEST(hostile_chain_bytes_too_large)
{
	/* Each buffer is inside RAM, the sum is over 16 MiB. */
	vq_setup(8, false, false);
	for (int i = 0; i < 4; i++)
		g_desc(QDESC, (u16)i, 0, 5u << 20,
		       i < 3 ? VIRTQ_DESC_F_NEXT : 0, (u16)(i + 1));
	publish(0);
	expect_bad("too large");
	ram_teardown();
}

UNIT_TEST(hostile_next_out_of_range)
{
	vq_setup(8, false, false);
	g_desc(QDESC, 0, BUF, 8, VIRTQ_DESC_F_NEXT, 8);
	publish(0);
	expect_bad("next index");
	ram_teardown();
}

UNIT_TEST(hostile_head_out_of_range)
{
	vq_setup(8, false, false);
	publish(200);
	expect_bad("head index");
	ram_teardown();
}

UNIT_TEST(hostile_avail_index_jump)
{
	vq_setup(8, false, false);
	g_wr16(QAVAIL + 2, 9); /* 9 new entries in an 8-entry ring */
	expect_bad("available index");
	ram_teardown();
}

UNIT_TEST(hostile_readable_after_writable)
{
	vq_setup(8, false, false);
	g_desc(QDESC, 0, BUF, 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	g_desc(QDESC, 1, BUF, 8, 0, 0);
	publish(0);
	expect_bad("readable after writable");
	ram_teardown();
}

UNIT_TEST(hostile_indirect_bad_length)
{
	vq_setup(8, false, true);
	g_desc(QDESC, 0, TABLE, 24, VIRTQ_DESC_F_INDIRECT, 0);
	publish(0);
	expect_bad("indirect table length");
	ram_teardown();
	vq_setup(8, false, true);
	g_desc(QDESC, 0, TABLE, 0, VIRTQ_DESC_F_INDIRECT, 0);
	publish(0);
	expect_bad("indirect table length");
	ram_teardown();
}

UNIT_TEST(hostile_indirect_outside_ram)
{
	vq_setup(8, false, true);
	g_desc(QDESC, 0, RAM_SIZE - 16, 32, VIRTQ_DESC_F_INDIRECT, 0);
	publish(0);
	expect_bad("outside");
	ram_teardown();
}

UNIT_TEST(hostile_nested_indirect)
{
	vq_setup(8, false, true);
	g_desc(TABLE, 0, TABLE + 0x100, 16, VIRTQ_DESC_F_INDIRECT, 0);
	g_desc(TABLE + 0x100, 0, BUF, 8, 0, 0);
	g_desc(QDESC, 0, TABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
	publish(0);
	expect_bad("nested");
	ram_teardown();
}

UNIT_TEST(hostile_indirect_loop)
{
	vq_setup(8, false, true);
	g_desc(TABLE, 0, BUF, 8, VIRTQ_DESC_F_NEXT, 1);
	g_desc(TABLE, 1, BUF, 8, VIRTQ_DESC_F_NEXT, 0);
	g_desc(QDESC, 0, TABLE, 32, VIRTQ_DESC_F_INDIRECT, 0);
	publish(0);
	expect_bad("loop");
	ram_teardown();
}

UNIT_TEST(hostile_indirect_not_negotiated)
{
	vq_setup(8, false, false);
	g_desc(TABLE, 0, BUF, 8, 0, 0);
	g_desc(QDESC, 0, TABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
	publish(0);
	expect_bad("not negotiated");
	ram_teardown();
}

UNIT_TEST(hostile_indirect_with_next)
{
	vq_setup(8, false, true);
	g_desc(TABLE, 0, BUF, 8, 0, 0);
	g_desc(QDESC, 0, TABLE, 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT,
	       1);
	publish(0);
	expect_bad("indirect with next");
	ram_teardown();
}

UNIT_MAIN();

// SPDX-License-Identifier: GPL-2.0
/* MC146818: time in BCD/binary and 12/24 h, SET, register C, periodic
 * rate, alarm, update-ended interrupts on IRQ 8, CMOS memory fields. */
#include <string.h>
#include "fake_plat.h"
#include "unit.h"

#define EPOCH 5000000000ull
#define T0 1700000000ull /* 2023-11-14 22:13:20 UTC, a Tuesday */
#define SEC 1000000000ull

static struct vm vm;
static struct vtimer *timer;

static struct vrtc *setup(u64 ram)
{
	struct vrtc *r;

	fake_vm_init(&vm, ram);
	fake_now = EPOCH;
	r = vrtc_create(&vm, T0);
	timer = fake_timers[0];
	return r;
}

static u8 rd(u8 reg)
{
	out8(&vm, 0x70, reg);
	return in8(&vm, 0x71);
}

static void wr(u8 reg, u8 v)
{
	out8(&vm, 0x70, reg);
	out8(&vm, 0x71, v);
}

UNIT_TEST(time_bcd_24h_at_power_on)
{
	CHECK(setup(64 << 20) != NULL);
	CHECK_EQ(rd(0x0A), 0x26);
	CHECK_EQ(rd(0x0B), 0x02);
	CHECK_EQ(rd(0x0D), 0x80);
	CHECK_EQ(rd(0x00), 0x20);
	CHECK_EQ(rd(0x02), 0x13);
	CHECK_EQ(rd(0x04), 0x22);
	CHECK_EQ(rd(0x06), 0x03); /* Tuesday, Sunday = 1 */
	CHECK_EQ(rd(0x07), 0x14);
	CHECK_EQ(rd(0x08), 0x11);
	CHECK_EQ(rd(0x09), 0x23);
	CHECK_EQ(rd(0x32), 0x20);
	/* The index's NMI bit does not change the register. */
	out8(&vm, 0x70, 0x80 | 0x09);
	CHECK_EQ(in8(&vm, 0x71), 0x23);
	/* Time runs with vclock. */
	fake_now = EPOCH + 100 * SEC + SEC / 2;
	CHECK_EQ(rd(0x00), 0x00);
	CHECK_EQ(rd(0x02), 0x15);
	/* Over midnight into the next day. */
	fake_now = EPOCH + (1 * 3600 + 46 * 60 + 40) * SEC;
	CHECK_EQ(rd(0x04), 0x00);
	CHECK_EQ(rd(0x07), 0x15);
	CHECK_EQ(rd(0x06), 0x04);
	fake_free_all();
}

UNIT_TEST(binary_and_12h)
{
	setup(64 << 20);
	wr(0x0B, 0x04); /* binary, 12 h */
	CHECK_EQ(rd(0x00), 20);
	CHECK_EQ(rd(0x04), 0x80 | 10); /* 10 PM */
	CHECK_EQ(rd(0x09), 23);
	wr(0x0B, 0x00); /* BCD, 12 h */
	CHECK_EQ(rd(0x04), 0x90);
	/* 00:xx is 12 AM, 12:xx is 12 PM. */
	fake_now = EPOCH + (1 * 3600 + 47 * 60) * SEC;
	CHECK_EQ(rd(0x04), 0x12);
	fake_now += 12 * 3600 * SEC;
	CHECK_EQ(rd(0x04), 0x92);
	/* Writing an hour in 12 h mode: 3 PM. */
	wr(0x04, 0x83);
	wr(0x0B, 0x02);
	CHECK_EQ(rd(0x04), 0x15);
	fake_free_all();
}

UNIT_TEST(set_freezes_then_loads_time)
{
	setup(64 << 20);
	fake_now = EPOCH + SEC / 4;
	wr(0x0B, 0x92); /* SET with UIE: the chip drops UIE */
	CHECK_EQ(rd(0x0B), 0x82);
	fake_now += 5 * SEC;
	CHECK_EQ(rd(0x00), 0x20); /* frozen */
	CHECK_EQ(rd(0x0A) & 0x80, 0); /* no update in progress */
	wr(0x00, 0x07);
	wr(0x02, 0x06);
	wr(0x04, 0x05);
	wr(0x07, 0x01);
	wr(0x08, 0x01);
	wr(0x09, 0x24);
	fake_now += 3 * SEC;
	CHECK_EQ(rd(0x00), 0x07);
	wr(0x0B, 0x02); /* release */
	CHECK_EQ(rd(0x00), 0x07);
	CHECK_EQ(rd(0x06), 0x02); /* 2024-01-01 is a Monday */
	fake_now += 2 * SEC - 1;
	CHECK_EQ(rd(0x00), 0x08); /* one second has passed, not two */
	fake_now += 1;
	CHECK_EQ(rd(0x00), 0x09);
	CHECK_EQ(rd(0x09), 0x24);
	CHECK_EQ(rd(0x08), 0x01);
	/* Without SET a write takes effect at once. */
	wr(0x02, 0x59);
	CHECK_EQ(rd(0x02), 0x59);
	CHECK_EQ(rd(0x00), 0x09);
	fake_free_all();
}

UNIT_TEST(uip_before_update)
{
	setup(64 << 20);
	fake_now = EPOCH + SEC - 245000;
	CHECK_EQ(rd(0x0A), 0x26);
	fake_now = EPOCH + SEC - 244000;
	CHECK_EQ(rd(0x0A), 0xA6);
	fake_now = EPOCH + SEC;
	CHECK_EQ(rd(0x0A), 0x26);
	fake_free_all();
}

UNIT_TEST(periodic_interrupt_and_register_c)
{
	setup(64 << 20);
	/* PF is set with PIE off, but IRQF stays clear and IRQ 8 quiet. */
	fake_now = EPOCH + 2 * SEC;
	CHECK_EQ(rd(0x0C), 0x50); /* PF and UF happened */
	CHECK_EQ(rd(0x0C), 0x00); /* read clears */
	CHECK_EQ(fake_set_calls[8], 0);
	CHECK_EQ(timer->deadline, 0);

	wr(0x0A, 0x2F); /* 2 Hz */
	wr(0x0B, 0x42); /* PIE */
	CHECK_EQ(timer->deadline, EPOCH + 2 * SEC + SEC / 2);
	fake_advance(EPOCH + 2 * SEC + SEC / 2);
	CHECK_EQ(fake_level[8], 1);
	CHECK_EQ(timer->deadline, 0); /* IRQF high: nothing to raise */
	fake_now += SEC; /* more periods pass unread */
	CHECK_EQ(rd(0x0C), 0xD0); /* IRQF, PF, UF */
	CHECK_EQ(fake_level[8], 0);
	CHECK_EQ(rd(0x0C), 0x00);
	CHECK_EQ(timer->deadline, EPOCH + 4 * SEC);
	/* 1024 Hz: 32 ticks of 32.768 kHz, 976562.5 ns, on the grid. */
	wr(0x0A, 0x26);
	CHECK_EQ(timer->deadline, EPOCH + 3 * SEC + SEC / 2 + 976563);
	fake_advance(timer->deadline);
	CHECK_EQ(fake_level[8], 1);
	CHECK_EQ(fake_set_calls[8], 3);
	/* Enabling an interrupt whose flag is already set raises IRQ 8. */
	CHECK_EQ(rd(0x0C), 0xC0);
	wr(0x0B, 0x02);
	fake_now += SEC;
	wr(0x0B, 0x42);
	CHECK_EQ(fake_level[8], 1);
	fake_free_all();
}

UNIT_TEST(alarm_interrupt)
{
	setup(64 << 20);
	wr(0x0A, 0x20); /* no periodic flags */
	rd(0x0C);
	wr(0x01, 0x25); /* 22:13:25 */
	wr(0x03, 0x13);
	wr(0x05, 0x22);
	wr(0x0B, 0x22); /* AIE */
	CHECK_EQ(timer->deadline, EPOCH + 5 * SEC);
	fake_advance(EPOCH + 5 * SEC);
	CHECK_EQ(fake_level[8], 1);
	CHECK_EQ(rd(0x0C), 0xB0); /* IRQF, AF (and UF: not enabled) */
	CHECK_EQ(fake_level[8], 0);
	/* Next match is a day later. */
	CHECK_EQ(timer->deadline, EPOCH + (5 + 86400) * SEC);
	/* Don't-care hours and minutes: every minute at :30. */
	wr(0x03, 0xC0);
	wr(0x05, 0xFF);
	wr(0x01, 0x30);
	CHECK_EQ(timer->deadline, EPOCH + 10 * SEC);
	/* Binary mode reads the alarm bytes as binary. */
	wr(0x0B, 0x26);
	wr(0x01, 40);
	CHECK_EQ(timer->deadline, EPOCH + 20 * SEC);
	/* An impossible alarm never fires. */
	wr(0x01, 75);
	CHECK_EQ(timer->deadline, 0);
	fake_free_all();
}

UNIT_TEST(update_ended_interrupt)
{
	setup(64 << 20);
	fake_now = EPOCH + 3 * SEC + 1234;
	wr(0x0A, 0x20);
	rd(0x0C);
	wr(0x0B, 0x12); /* UIE */
	CHECK_EQ(timer->deadline, EPOCH + 4 * SEC);
	fake_advance(EPOCH + 4 * SEC);
	CHECK_EQ(fake_level[8], 1);
	CHECK_EQ(rd(0x0C), 0x90);
	CHECK_EQ(timer->deadline, EPOCH + 5 * SEC);
	CHECK_EQ(rd(0x00), 0x24);
	fake_free_all();
}

UNIT_TEST(cmos_memory_fields)
{
	unsigned int sum = 0;

	setup(256ull << 20);
	CHECK_EQ(rd(0x15), 0x80);
	CHECK_EQ(rd(0x16), 0x02); /* 640 KiB */
	CHECK_EQ(rd(0x17), 0xFF);
	CHECK_EQ(rd(0x18), 0xFF); /* capped at 64 MiB */
	CHECK_EQ(rd(0x30), 0xFF);
	CHECK_EQ(rd(0x31), 0xFF);
	CHECK_EQ(rd(0x34), 0x00);
	CHECK_EQ(rd(0x35), 0x0F); /* (256 - 16) MiB / 64 KiB = 0x0F00 */
	CHECK_EQ(rd(0x5B) | rd(0x5C) | rd(0x5D), 0);
	for (unsigned int i = 0x10; i <= 0x2D; i++)
		sum += rd(i);
	CHECK_EQ(rd(0x2E) << 8 | rd(0x2F), sum);
	wr(0x40, 0x5A); /* plain memory */
	CHECK_EQ(rd(0x40), 0x5A);
	wr(0x0D, 0x00); /* read-only */
	CHECK_EQ(rd(0x0D), 0x80);
	fake_free_all();

	setup(32ull << 20);
	CHECK_EQ(rd(0x17) | rd(0x18) << 8, 31 * 1024);
	CHECK_EQ(rd(0x34) | rd(0x35) << 8, 256);
	fake_free_all();
}

UNIT_MAIN();

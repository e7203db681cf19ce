// SPDX-License-Identifier: GPL-2.0
/* i8254: counts per mode and access mode at given times, latch and
 * read-back, channel 2 gate and OUT2 on port 0x61, IRQ 0 cadence. */
#include <string.h>
#include "fake_plat.h"
#include "unit.h"

#define EPOCH 1000000000ull

static struct vm vm;
static struct vtimer *timer;

/* The vclock time at which PIT tick k begins (rounded up). */
static u64 at(u64 k)
{
	return EPOCH +
	       (u64)(((unsigned __int128)k * 1000000000u + 1193181) / 1193182);
}

static struct vpit *setup(void)
{
	struct vpit *p;

	fake_vm_init(&vm, 64 << 20);
	fake_now = EPOCH;
	p = vpit_create(&vm);
	timer = fake_timers[0];
	return p;
}

static u16 read16(u16 port)
{
	u8 lo = in8(&vm, port);

	return (u16)(lo | in8(&vm, port) << 8);
}

static void write16(u16 port, u16 v)
{
	out8(&vm, port, (u8)v);
	out8(&vm, port, (u8)(v >> 8));
}

UNIT_TEST(mode2_counts_and_latch)
{
	CHECK(setup() != NULL);
	fake_now = at(100);
	out8(&vm, 0x43, 0x34); /* ch0, lohi, mode 2, binary */
	write16(0x40, 1000);
	fake_now = at(100);
	CHECK_EQ(read16(0x40), 1000);
	fake_now = at(101);
	CHECK_EQ(read16(0x40), 999);
	fake_now = at(100 + 999);
	CHECK_EQ(read16(0x40), 1);
	fake_now = at(100 + 1000);
	CHECK_EQ(read16(0x40), 1000); /* reloaded */
	fake_now = at(100 + 2500);
	CHECK_EQ(read16(0x40), 500);
	/* Counter latch: the value at the latch, read later. */
	fake_now = at(100 + 2510);
	out8(&vm, 0x43, 0x00);
	fake_now = at(100 + 2900);
	CHECK_EQ(read16(0x40), 490);
	CHECK_EQ(read16(0x40), 100); /* unlatched again */
	/* A second latch before reading does not move the first. */
	out8(&vm, 0x43, 0x00);
	fake_now = at(100 + 2950);
	out8(&vm, 0x43, 0x00);
	CHECK_EQ(read16(0x40), 100);
	fake_free_all();
}

UNIT_TEST(access_modes)
{
	setup();
	out8(&vm, 0x43, 0x50); /* ch1, lobyte, mode 0 */
	out8(&vm, 0x41, 0x80);
	fake_now = at(0x10);
	CHECK_EQ(in8(&vm, 0x41), 0x70);
	CHECK_EQ(in8(&vm, 0x41), 0x70); /* every read is the low byte */
	out8(&vm, 0x43, 0x60); /* ch1, hibyte, mode 0 */
	out8(&vm, 0x41, 0x02); /* N = 0x200 */
	fake_now = at(0x10 + 0x101);
	CHECK_EQ(in8(&vm, 0x41), 0x00); /* 0x0FF: high byte 0 */
	fake_now = at(0x10 + 0x100);
	CHECK_EQ(in8(&vm, 0x41), 0x01);
	/* lohi without latch: the two bytes are taken at their reads. */
	out8(&vm, 0x43, 0x70);
	write16(0x41, 0x1234);
	fake_now = at(0x110 + 0x34);
	CHECK_EQ(in8(&vm, 0x41), 0x00);
	fake_now = at(0x110 + 0x35);
	CHECK_EQ(in8(&vm, 0x41), 0x11);
	fake_free_all();
}

UNIT_TEST(mode0_wraps_and_bcd)
{
	setup();
	out8(&vm, 0x43, 0x30); /* ch0 mode 0 binary, count 0 = 65536 */
	write16(0x40, 0);
	fake_now = at(1);
	CHECK_EQ(read16(0x40), 0xFFFF);
	fake_now = at(65536 + 5);
	CHECK_EQ(read16(0x40), 0xFFFB); /* keeps counting after TC */
	out8(&vm, 0x43, 0x31); /* BCD */
	write16(0x40, 0x1000); /* 1000 decimal */
	fake_now = at(65536 + 5 + 1);
	CHECK_EQ(read16(0x40), 0x0999);
	fake_now = at(65536 + 5 + 1001);
	CHECK_EQ(read16(0x40), 0x9999); /* wraps in decimal */
	fake_free_all();
}

UNIT_TEST(mode3_square_wave)
{
	setup();
	out8(&vm, 0x43, 0xB6); /* ch2, lohi, mode 3 */
	out8(&vm, 0x61, 0x01); /* gate */
	write16(0x42, 10);
	fake_now = at(0);
	CHECK_EQ(read16(0x42), 10);
	CHECK(in8(&vm, 0x61) & 0x20);
	fake_now = at(2);
	CHECK_EQ(read16(0x42), 6);
	fake_now = at(4);
	CHECK_EQ(read16(0x42), 2);
	CHECK(in8(&vm, 0x61) & 0x20);
	fake_now = at(5);
	CHECK_EQ(read16(0x42), 10);
	CHECK(!(in8(&vm, 0x61) & 0x20)); /* low half */
	fake_now = at(10);
	CHECK(in8(&vm, 0x61) & 0x20);
	/* Odd N = 5: high for 3 ticks, low for 2. */
	write16(0x42, 5);
	out8(&vm, 0x43, 0xB6);
	write16(0x42, 5);
	fake_now = at(10 + 2);
	CHECK(in8(&vm, 0x61) & 0x20);
	CHECK_EQ(read16(0x42), 2);
	fake_now = at(10 + 3);
	CHECK(!(in8(&vm, 0x61) & 0x20));
	fake_now = at(10 + 5);
	CHECK(in8(&vm, 0x61) & 0x20);
	fake_free_all();
}

UNIT_TEST(channel2_gate_and_out2)
{
	setup();
	/* pit_calibrate_tsc: gate high, speaker off, mode 0, count. */
	out8(&vm, 0x61, (in8(&vm, 0x61) & ~0x02) | 0x01);
	CHECK_EQ(in8(&vm, 0x61) & 0x0F, 0x01);
	out8(&vm, 0x43, 0xB0);
	write16(0x42, 59659);
	CHECK(!(in8(&vm, 0x61) & 0x20)); /* OUT2 low while counting */
	fake_now = at(59658);
	CHECK(!(in8(&vm, 0x61) & 0x20));
	fake_now = at(59659);
	CHECK(in8(&vm, 0x61) & 0x20);

	/* quick_pit_calibrate: MSB of a 0xFFFF count falls every 256. */
	out8(&vm, 0x43, 0xB0);
	fake_now = at(70000);
	write16(0x42, 0xFFFF);
	fake_now = at(70000 + 255);
	CHECK_EQ(read16(0x42) >> 8, 0xFF);
	fake_now = at(70000 + 256);
	CHECK_EQ(read16(0x42) >> 8, 0xFE);

	/* Gate low holds the count (mode 0), gate high resumes it. */
	fake_now = at(70000 + 300);
	out8(&vm, 0x61, 0x00);
	fake_now = at(70000 + 5000);
	CHECK_EQ(read16(0x42), 0xFFFF - 300);
	out8(&vm, 0x61, 0x01);
	fake_now = at(70000 + 5010);
	CHECK_EQ(read16(0x42), 0xFFFF - 310);
	/* Mode 0 with the gate low from the start never counts. */
	out8(&vm, 0x61, 0x00);
	out8(&vm, 0x43, 0xB0);
	write16(0x42, 10);
	fake_now = at(90000);
	CHECK_EQ(read16(0x42), 10);
	CHECK(!(in8(&vm, 0x61) & 0x20));
	fake_free_all();
}

UNIT_TEST(mode1_triggered_by_gate)
{
	setup();
	out8(&vm, 0x61, 0x00);
	out8(&vm, 0x43, 0xB2); /* ch2, lohi, mode 1 */
	write16(0x42, 100);
	fake_now = at(50);
	CHECK(in8(&vm, 0x61) & 0x20); /* high until triggered */
	out8(&vm, 0x61, 0x01);
	CHECK(!(in8(&vm, 0x61) & 0x20));
	fake_now = at(50 + 99);
	CHECK_EQ(read16(0x42), 1);
	fake_now = at(50 + 100);
	CHECK(in8(&vm, 0x61) & 0x20);
	fake_free_all();
}

UNIT_TEST(read_back_count_and_status)
{
	setup();
	out8(&vm, 0x43, 0x34);
	CHECK_EQ(fake_timers[0]->deadline, 0);
	out8(&vm, 0x43, 0xE2); /* read-back status of ch0 */
	CHECK_EQ(in8(&vm, 0x40), 0xF4); /* OUT high, null count, lohi, mode 2 */
	write16(0x40, 1000);
	fake_now = at(10);
	out8(&vm, 0x43, 0xC2); /* count and status of ch0 */
	fake_now = at(20);
	CHECK_EQ(in8(&vm, 0x40), 0xB4); /* OUT high, lohi, mode 2 */
	CHECK_EQ(read16(0x40), 990);
	CHECK_EQ(read16(0x40), 980); /* latches consumed */
	/* Status of ch2 in mode 0 at TC: OUT set. */
	out8(&vm, 0x61, 0x01);
	out8(&vm, 0x43, 0xB0);
	write16(0x42, 5);
	fake_now = at(25);
	out8(&vm, 0x43, 0xE8);
	CHECK_EQ(in8(&vm, 0x42), 0xB0);
	fake_free_all();
}

UNIT_TEST(reset_stops_irq0_until_programmed)
{
	struct vpit *p = setup();

	out8(&vm, 0x43, 0x34); /* channel 0, lo/hi, mode 2 */
	write16(0x40, 1193);
	CHECK(timer->deadline != 0);
	vpit_reset(p);
	CHECK_EQ(timer->deadline, 0);
	CHECK_EQ(in8(&vm, 0x61) & 0x0F, 0);
	/* Programmed again, it ticks again. */
	out8(&vm, 0x43, 0x34);
	write16(0x40, 1193);
	CHECK(timer->deadline != 0);
	fake_free_all();
}

UNIT_TEST(irq0_periodic_cadence_and_late_fire)
{
	setup();
	fake_now = at(1000);
	out8(&vm, 0x43, 0x34);
	write16(0x40, 1193);
	CHECK_EQ(timer->deadline, at(1000 + 1193));
	fake_advance(at(1000 + 1193) - 1);
	CHECK_EQ(fake_pulses[0], 0);
	fake_advance(at(1000 + 1193));
	CHECK_EQ(fake_pulses[0], 1);
	CHECK_EQ(timer->deadline, at(1000 + 2 * 1193));
	fake_advance(at(1000 + 2 * 1193));
	CHECK_EQ(fake_pulses[0], 2);
	/* Three periods late: one pulse, then back on the grid. */
	fake_advance(at(1000 + 5 * 1193 + 100));
	CHECK_EQ(fake_pulses[0], 3);
	CHECK_EQ(timer->deadline, at(1000 + 6 * 1193));
	fake_advance(at(1000 + 6 * 1193));
	CHECK_EQ(fake_pulses[0], 4);
	/* A new count while counting starts at the end of the period. */
	fake_now = at(1000 + 6 * 1193 + 10);
	write16(0x40, 500);
	CHECK_EQ(timer->deadline, at(1000 + 7 * 1193));
	fake_now = at(1000 + 7 * 1193 - 1);
	CHECK_EQ(read16(0x40), 1);
	fake_advance(at(1000 + 7 * 1193));
	CHECK_EQ(fake_pulses[0], 5);
	CHECK_EQ(timer->deadline, at(1000 + 7 * 1193 + 500));
	fake_now = at(1000 + 7 * 1193 + 1);
	CHECK_EQ(read16(0x40), 499);
	/* Control word: the channel stops until it has a count. */
	out8(&vm, 0x43, 0x34);
	CHECK_EQ(timer->deadline, 0);
	/* A tiny period: pulses no closer than ~100 us, on its grid. */
	fake_now = at(200000);
	write16(0x40, 10);
	CHECK_EQ(timer->deadline, at(200000 + 120));
	fake_now = at(200000 + 3);
	CHECK_EQ(read16(0x40), 7); /* the count itself is exact */
	fake_advance(at(200000 + 120));
	CHECK_EQ(fake_pulses[0], 6);
	CHECK_EQ(timer->deadline, at(200000 + 240));
	fake_free_all();
}

UNIT_TEST(irq0_oneshot_modes)
{
	setup();
	/* Mode 0: one pulse at terminal count, then nothing. */
	out8(&vm, 0x43, 0x30);
	write16(0x40, 300);
	CHECK_EQ(timer->deadline, at(300));
	fake_advance(at(300));
	CHECK_EQ(fake_pulses[0], 1);
	CHECK_EQ(timer->deadline, 0);
	fake_advance(at(70000));
	CHECK_EQ(fake_pulses[0], 1);
	/* Mode 4 (Linux's oneshot clockevent): the strobe ends a tick
	 * after terminal count. */
	fake_now = at(80000);
	out8(&vm, 0x43, 0x38);
	write16(0x40, 200);
	CHECK_EQ(timer->deadline, at(80000 + 201));
	fake_advance(at(80000 + 201));
	CHECK_EQ(fake_pulses[0], 2);
	CHECK_EQ(timer->deadline, 0);
	/* Reprogrammed before it fired: only the new deadline counts. */
	fake_now = at(90000);
	write16(0x40, 1000);
	fake_now = at(90100);
	write16(0x40, 50);
	CHECK_EQ(timer->deadline, at(90100 + 51));
	fake_advance(at(90100 + 51));
	CHECK_EQ(fake_pulses[0], 3);
	fake_free_all();
}

UNIT_MAIN();

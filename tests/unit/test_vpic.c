// SPDX-License-Identifier: GPL-2.0
/* i8259 pair: init, priorities, EOI kinds, cascade, ELCR, AEOI, poll,
 * rotation, special mask mode, spurious vectors, INTR kicks. */
#include <string.h>
#include "fake_plat.h"
#include "unit.h"

static struct vm vm;

/* Linux's init_8259A: vectors 0x30 / 0x38, IR2 cascade. */
static struct vpic *setup(u8 icw4)
{
	struct vpic *p;

	fake_vm_init(&vm, 64 << 20);
	p = vpic_create(&vm);
	out8(&vm, 0x20, 0x11);
	out8(&vm, 0x21, 0x30);
	out8(&vm, 0x21, 0x04);
	out8(&vm, 0x21, icw4);
	out8(&vm, 0xA0, 0x11);
	out8(&vm, 0xA1, 0x38);
	out8(&vm, 0xA1, 0x02);
	out8(&vm, 0xA1, icw4);
	out8(&vm, 0x21, 0x00);
	out8(&vm, 0xA1, 0x00);
	return p;
}

static void pulse(struct vpic *p, unsigned int irq)
{
	vpic_set_irq(p, irq, 1);
	vpic_set_irq(p, irq, 0);
}

static u8 isr(u16 cmd)
{
	out8(&vm, cmd, 0x0B);
	return in8(&vm, cmd);
}

static u8 irr(u16 cmd)
{
	out8(&vm, cmd, 0x0A);
	return in8(&vm, cmd);
}

UNIT_TEST(power_on_masked_then_init)
{
	struct vpic *p;

	fake_vm_init(&vm, 64 << 20);
	p = vpic_create(&vm);
	CHECK(p != NULL);
	CHECK_EQ(in8(&vm, 0x21), 0xFF);
	CHECK_EQ(in8(&vm, 0xA1), 0xFF);
	pulse(p, 1);
	CHECK(!vpic_has_intr(p));
	fake_free_all();

	p = setup(0x01);
	CHECK_EQ(in8(&vm, 0x21), 0x00); /* OCW1 after ICW4 is the mask */
	out8(&vm, 0x21, 0xA5);
	CHECK_EQ(in8(&vm, 0x21), 0xA5);
	out8(&vm, 0x21, 0x00);
	CHECK(!vpic_has_intr(p));
	CHECK_EQ(fake_kicks, 0);
	pulse(p, 1);
	CHECK(vpic_has_intr(p));
	CHECK_EQ(fake_kicks, 1);
	CHECK_EQ(irr(0x20), 0x02);
	CHECK_EQ(vpic_ack(p), 0x31);
	CHECK_EQ(isr(0x20), 0x02);
	CHECK_EQ(irr(0x20), 0x00);
	CHECK(!vpic_has_intr(p));
	out8(&vm, 0x20, 0x20); /* non-specific EOI */
	CHECK_EQ(isr(0x20), 0x00);
	fake_free_all();
}

UNIT_TEST(reset_back_to_power_on)
{
	struct vpic *p = setup(0x01);

	pulse(p, 3);
	CHECK(vpic_has_intr(p));
	CHECK_EQ(vpic_ack(p), 0x33);
	vpic_reset(p);
	/* Masked and uninitialised: nothing reaches the CPU, ISR empty. */
	CHECK_EQ(in8(&vm, 0x21), 0xFF);
	CHECK_EQ(in8(&vm, 0xA1), 0xFF);
	CHECK_EQ(isr(0x20), 0x00);
	pulse(p, 3);
	CHECK(!vpic_has_intr(p));
	fake_free_all();
	/* The guest's init sequence works again from there. */
	p = setup(0x01);
	pulse(p, 3);
	CHECK_EQ(vpic_ack(p), 0x33);
	fake_free_all();
}

UNIT_TEST(priority_nesting_and_eoi_kinds)
{
	struct vpic *p = setup(0x01);

	pulse(p, 3);
	pulse(p, 1);
	CHECK_EQ(vpic_ack(p), 0x31); /* 1 before 3 */
	CHECK(!vpic_has_intr(p)); /* 3 waits for 1's EOI */
	pulse(p, 0);
	CHECK(vpic_has_intr(p)); /* 0 preempts 1 */
	CHECK_EQ(vpic_ack(p), 0x30);
	CHECK_EQ(isr(0x20), 0x03);
	out8(&vm, 0x20, 0x20); /* non-specific: the highest, IRQ 0 */
	CHECK_EQ(isr(0x20), 0x02);
	CHECK(!vpic_has_intr(p));
	out8(&vm, 0x20, 0x61); /* specific EOI for IRQ 1 */
	CHECK_EQ(isr(0x20), 0x00);
	CHECK(vpic_has_intr(p));
	CHECK_EQ(vpic_ack(p), 0x33);
	/* A specific EOI for a level not in service changes nothing. */
	out8(&vm, 0x20, 0x65);
	CHECK_EQ(isr(0x20), 0x08);
	out8(&vm, 0x20, 0x63);
	CHECK_EQ(isr(0x20), 0x00);
	fake_free_all();
}

UNIT_TEST(mask_holds_request)
{
	struct vpic *p = setup(0x01);

	out8(&vm, 0x21, 0x10);
	pulse(p, 4);
	CHECK(!vpic_has_intr(p));
	CHECK_EQ(irr(0x20), 0x10); /* latched while masked */
	out8(&vm, 0x21, 0x00);
	CHECK(vpic_has_intr(p));
	CHECK_EQ(vpic_ack(p), 0x34);
	fake_free_all();
}

UNIT_TEST(cascade_through_slave)
{
	struct vpic *p = setup(0x01);

	pulse(p, 12);
	CHECK(vpic_has_intr(p));
	CHECK_EQ(irr(0x20), 0x04); /* the slave's output on IR2 */
	CHECK_EQ(vpic_ack(p), 0x3C);
	CHECK_EQ(isr(0x20), 0x04);
	CHECK_EQ(isr(0xA0), 0x10);
	/* IRQ 9 outranks 12 on the slave, but the master has IR2 in
	 * service (no special fully nested mode). */
	pulse(p, 9);
	CHECK(!vpic_has_intr(p));
	/* IRQ 1 outranks the cascade on the master. */
	pulse(p, 1);
	CHECK_EQ(vpic_ack(p), 0x31);
	out8(&vm, 0x20, 0x61);
	out8(&vm, 0xA0, 0x64); /* Linux: slave EOI, then master */
	out8(&vm, 0x20, 0x62);
	CHECK_EQ(vpic_ack(p), 0x39);
	CHECK_EQ(isr(0xA0), 0x02);
	out8(&vm, 0xA0, 0x20);
	out8(&vm, 0x20, 0x20);
	CHECK(!vpic_has_intr(p));
	/* Slave IRQ 8 (via IR2) beats master IRQ 3. */
	pulse(p, 3);
	pulse(p, 8);
	CHECK_EQ(vpic_ack(p), 0x38);
	/* A masked slave input does not reach the master. */
	out8(&vm, 0xA0, 0x20);
	out8(&vm, 0x20, 0x20);
	CHECK_EQ(vpic_ack(p), 0x33);
	out8(&vm, 0x20, 0x20);
	out8(&vm, 0xA1, 0x40);
	pulse(p, 14);
	CHECK(!vpic_has_intr(p));
	CHECK_EQ(irr(0x20) & 0x04, 0);
	fake_free_all();
}

UNIT_TEST(special_fully_nested_lets_slave_preempt)
{
	struct vpic *p =
		setup(0x11); /* SFNM on both; only the master's counts */

	pulse(p, 12);
	CHECK_EQ(vpic_ack(p), 0x3C);
	pulse(p, 9);
	CHECK(vpic_has_intr(p));
	CHECK_EQ(vpic_ack(p), 0x39);
	fake_free_all();
}

UNIT_TEST(elcr_level_vs_edge)
{
	struct vpic *p = setup(0x01);

	/* IRQ 0, 1, 2, 8 and 13 are always edge. */
	out8(&vm, 0x4D0, 0xFF);
	out8(&vm, 0x4D1, 0xFF);
	CHECK_EQ(in8(&vm, 0x4D0), 0xF8);
	CHECK_EQ(in8(&vm, 0x4D1), 0xDE);
	CHECK_EQ(io_bus_read(&vm.pio, 0x4D0, 2), 0xDEF8);
	io_bus_write(&vm.pio, 0x4D0, 0x0200, 2); /* IRQ 9 level only */
	CHECK_EQ(in8(&vm, 0x4D0), 0x00);
	CHECK_EQ(in8(&vm, 0x4D1), 0x02);

	/* Level: redelivered after EOI while the line stays high. */
	vpic_set_irq(p, 9, 1);
	CHECK_EQ(vpic_ack(p), 0x39);
	CHECK(!vpic_has_intr(p));
	out8(&vm, 0xA0, 0x20);
	out8(&vm, 0x20, 0x20);
	CHECK(vpic_has_intr(p));
	CHECK_EQ(vpic_ack(p), 0x39);
	/* The handler quiets the device before its EOIs. */
	vpic_set_irq(p, 9, 0);
	CHECK_EQ(irr(0xA0), 0x00);
	out8(&vm, 0xA0, 0x20);
	out8(&vm, 0x20, 0x20);
	CHECK(!vpic_has_intr(p));

	/* Edge: one request per rising edge, however long it stays high. */
	vpic_set_irq(p, 3, 1);
	CHECK_EQ(vpic_ack(p), 0x33);
	out8(&vm, 0x20, 0x20);
	CHECK(!vpic_has_intr(p));
	vpic_set_irq(p, 3, 1);
	CHECK(!vpic_has_intr(p));
	vpic_set_irq(p, 3, 0);
	CHECK(!vpic_has_intr(p));
	vpic_set_irq(p, 3, 1);
	CHECK_EQ(vpic_ack(p), 0x33);
	fake_free_all();
}

UNIT_TEST(spurious_when_request_vanishes)
{
	struct vpic *p = setup(0x01);

	out8(&vm, 0x4D0, 0x20); /* IRQ 5 level */
	vpic_set_irq(p, 5, 1);
	CHECK(vpic_has_intr(p));
	vpic_set_irq(p, 5, 0);
	CHECK_EQ(vpic_ack(p), 0x37); /* spurious IRQ 7 */
	CHECK_EQ(isr(0x20), 0x00); /* not put in service */
	/* A vanished slave request: the master latched the cascade edge,
	 * so it acknowledges IR2 and the slave answers spurious IRQ 15. */
	out8(&vm, 0x4D1, 0x08); /* IRQ 11 level */
	vpic_set_irq(p, 11, 1);
	CHECK(vpic_has_intr(p));
	vpic_set_irq(p, 11, 0);
	CHECK(vpic_has_intr(p));
	CHECK_EQ(vpic_ack(p), 0x3F);
	CHECK_EQ(isr(0x20), 0x04); /* Linux EOIs the cascade for it */
	CHECK_EQ(isr(0xA0), 0x00);
	CHECK(!vpic_has_intr(p));
	out8(&vm, 0x20, 0x62);
	CHECK(!vpic_has_intr(p));
	/* Masked on the slave after it was latched: the same. */
	vpic_set_irq(p, 11, 1);
	out8(&vm, 0xA1, 0x08);
	CHECK_EQ(vpic_ack(p), 0x3F);
	out8(&vm, 0x20, 0x62);
	out8(&vm, 0xA1, 0x00);
	/* Now unmasked with the line still high: a real request. */
	CHECK_EQ(vpic_ack(p), 0x3B);
	fake_free_all();
}

UNIT_TEST(auto_eoi)
{
	struct vpic *p = setup(0x03);

	pulse(p, 4);
	CHECK_EQ(vpic_ack(p), 0x34);
	CHECK_EQ(isr(0x20), 0x00);
	pulse(p, 6);
	CHECK_EQ(vpic_ack(p), 0x36); /* nothing in service blocks it */
	fake_free_all();
}

UNIT_TEST(poll_command)
{
	struct vpic *p = setup(0x01);

	out8(&vm, 0x20, 0x0C);
	CHECK_EQ(in8(&vm, 0x20), 0x00); /* no request */
	pulse(p, 6);
	out8(&vm, 0x20, 0x0C);
	CHECK_EQ(in8(&vm, 0x20), 0x86);
	CHECK_EQ(isr(0x20), 0x40); /* the poll acknowledged it */
	CHECK(!vpic_has_intr(p));
	fake_free_all();
}

UNIT_TEST(rotation)
{
	struct vpic *p = setup(0x01);

	pulse(p, 1);
	CHECK_EQ(vpic_ack(p), 0x31);
	out8(&vm, 0x20, 0xA0); /* rotate on non-specific EOI: 1 lowest */
	CHECK_EQ(isr(0x20), 0x00);
	pulse(p, 0);
	pulse(p, 3);
	CHECK_EQ(vpic_ack(p), 0x33); /* order is now 2..7, 0, 1 */
	out8(&vm, 0x20, 0xE3); /* rotate on specific EOI 3: 4 highest */
	CHECK_EQ(vpic_ack(p), 0x30);
	out8(&vm, 0x20, 0x20);
	out8(&vm, 0x20, 0xC7); /* set priority: 7 lowest, 0 highest */
	pulse(p, 7);
	pulse(p, 2 + 3); /* IRQ 5 */
	CHECK_EQ(vpic_ack(p), 0x35);
	fake_free_all();
}

UNIT_TEST(special_mask_mode)
{
	struct vpic *p = setup(0x01);

	pulse(p, 1);
	CHECK_EQ(vpic_ack(p), 0x31);
	pulse(p, 4);
	CHECK(!vpic_has_intr(p));
	out8(&vm, 0x21, 0x02); /* mask the level in service */
	out8(&vm, 0x20, 0x68); /* set special mask mode */
	CHECK(vpic_has_intr(p));
	CHECK_EQ(vpic_ack(p), 0x34);
	out8(&vm, 0x20, 0x48); /* reset it */
	pulse(p, 5);
	CHECK(!vpic_has_intr(p)); /* 4 (and the masked 1) in service */
	fake_free_all();
}

UNIT_TEST(kick_only_on_rising_intr)
{
	struct vpic *p = setup(0x01);

	pulse(p, 3);
	CHECK_EQ(fake_kicks, 1);
	pulse(p, 4); /* INTR already high */
	CHECK_EQ(fake_kicks, 1);
	CHECK_EQ(vpic_ack(p), 0x33);
	out8(&vm, 0x20, 0x20); /* EOI: IRQ 4 raises INTR again */
	CHECK_EQ(fake_kicks, 2);
	fake_free_all();
}

UNIT_TEST(reinit_resets_state)
{
	struct vpic *p = setup(0x01);

	pulse(p, 3);
	CHECK_EQ(vpic_ack(p), 0x33);
	pulse(p, 5);
	out8(&vm, 0x20, 0x11); /* ICW1 */
	out8(&vm, 0x21, 0x20);
	out8(&vm, 0x21, 0x04);
	out8(&vm, 0x21, 0x01);
	CHECK_EQ(isr(0x20), 0x00);
	CHECK_EQ(irr(0x20), 0x00);
	CHECK_EQ(in8(&vm, 0x21), 0x00);
	pulse(p, 2 + 4);
	CHECK_EQ(vpic_ack(p), 0x26); /* new base */
	fake_free_all();
}

UNIT_MAIN();

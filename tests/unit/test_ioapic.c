// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the IOAPIC (virt/dev/ioapic.c): registers through the
 * MMIO ops it registered, and the messages it puts on the APIC bus
 * (recorded by a stand-in apic_bus_deliver) for edge, level, Remote
 * IRR, masking and polarity.
 */
#include <string.h>
#include "../../virt/dev/platform.h"
#include "unit.h"

static struct vm vm;
static struct vplat plat;
static struct vioapic *io;
static const struct io_ops *ops;
static void *dev;
static void *mem;
static struct apic_msg msgs[16];
static unsigned int nmsg;

void apic_bus_deliver(struct vm *v, const struct apic_msg *m, struct vcpu *src)
{
	CHECK(v == &vm);
	CHECK(src == NULL);
	if (nmsg < 16)
		msgs[nmsg] = *m;
	nmsg++;
}

void *vm_dev_zalloc(struct vm *v, size_t size)
{
	CHECK(v == &vm);
	CHECK(!mem);
	mem = calloc(1, size);
	return mem;
}

int io_bus_register(struct io_bus *bus, u64 base, u64 len,
		    const struct io_ops *o, void *d, const char *name)
{
	CHECK(bus == &vm.mmio);
	CHECK_EQ(base, PLAT_IOAPIC_BASE);
	CHECK(len >= 0x100);
	ops = o;
	dev = d;
	return 0;
}

static void setup(void)
{
	free(mem);
	mem = NULL;
	memset(&vm, 0, sizeof(vm));
	memset(&plat, 0, sizeof(plat));
	vm.plat = &plat;
	vm.nr_vcpus = 2;
	nmsg = 0;
	io = vioapic_create(&vm);
	CHECK(io != NULL);
	CHECK(dev == io);
}

static u32 reg_rd(u32 reg)
{
	ops->write(dev, 0x00, reg, 4);
	return (u32)ops->read(dev, 0x10, 4);
}

static void reg_wr(u32 reg, u32 val)
{
	ops->write(dev, 0x00, reg, 4);
	ops->write(dev, 0x10, val, 4);
}

static void rte(unsigned int pin, u32 lo, u8 dest)
{
	reg_wr(0x11 + 2 * pin, (u32)dest << 24);
	reg_wr(0x10 + 2 * pin, lo);
}

#define LEVEL 0x8000u
#define LOW 0x2000u
#define MASK 0x10000u
#define RIRR 0x4000u

UNIT_TEST(registers)
{
	setup();
	CHECK_EQ(reg_rd(0x01), 0x00170011);
	CHECK_EQ(reg_rd(0x00), 0x02000000); /* as the MADT says: ncpus */
	CHECK_EQ(reg_rd(0x02), 0x02000000);
	reg_wr(0x00, 0xFFFFFFFF);
	CHECK_EQ(reg_rd(0x00), 0x0F000000);
	CHECK_EQ(reg_rd(0x02), 0x0F000000);
	reg_wr(0x01, 0);
	CHECK_EQ(reg_rd(0x01), 0x00170011);
	for (unsigned int pin = 0; pin < PLAT_IOAPIC_PINS; pin++) {
		CHECK_EQ(reg_rd(0x10 + 2 * pin), MASK);
		CHECK_EQ(reg_rd(0x11 + 2 * pin), 0);
	}
	/* Delivery status and Remote IRR are read-only. */
	reg_wr(0x10 + 2 * 5, 0xFFFFFFFF);
	CHECK_EQ(reg_rd(0x10 + 2 * 5), 0x0001AFFF);
	reg_wr(0x11 + 2 * 5, 0xFFFFFFFF);
	CHECK_EQ(reg_rd(0x11 + 2 * 5), 0xFF000000);
	CHECK_EQ(reg_rd(0x10 + 2 * 24), 0); /* past the last pin */
	/* IOREGSEL reads back; byte reads of IOWIN. */
	ops->write(dev, 0x00, 0x01, 4);
	CHECK_EQ(ops->read(dev, 0x00, 4), 0x01);
	CHECK_EQ(ops->read(dev, 0x12, 1), 0x17);
	CHECK_EQ(nmsg, 0);
}

UNIT_TEST(edge_pins)
{
	setup();
	rte(4, 0x0934, 3); /* lowest priority, logical, vector 0x34 */
	vioapic_set_pin(io, 4, 1);
	CHECK_EQ(nmsg, 1);
	CHECK_EQ(msgs[0].vector, 0x34);
	CHECK_EQ(msgs[0].dest, 3);
	CHECK(msgs[0].logical);
	CHECK_EQ(msgs[0].delivery, MSG_DM_LOWEST);
	CHECK(!msgs[0].level);
	CHECK(msgs[0].assert);
	CHECK_EQ(msgs[0].shorthand, MSG_SH_NONE);
	CHECK(!msgs[0].x2apic);
	vioapic_set_pin(io, 4, 1); /* no new edge */
	vioapic_set_pin(io, 4, 0);
	CHECK_EQ(nmsg, 1);
	vioapic_set_pin(io, 4, 1);
	CHECK_EQ(nmsg, 2);
	CHECK_EQ(reg_rd(0x10 + 2 * 4) & RIRR, 0); /* edge: no Remote IRR */
	vioapic_eoi(io, 0x34);
	CHECK_EQ(nmsg, 2);
	vioapic_set_pin(io, 24, 1); /* no such pin */
	CHECK_EQ(nmsg, 2);
}

UNIT_TEST(reset_masks_every_pin_and_keeps_lines)
{
	setup();
	rte(7, LEVEL | 0x41, 0); /* level, unmasked */
	vioapic_set_pin(io, 7, 1);
	CHECK_EQ(nmsg, 1);
	CHECK(reg_rd(0x10 + 2 * 7) & RIRR);
	vioapic_reset(io);
	CHECK_EQ(reg_rd(0x10 + 2 * 7), MASK); /* masked, Remote IRR clear */
	/* The line is still high: unmasking as level delivers at once. */
	rte(7, LEVEL | 0x42, 0);
	CHECK_EQ(nmsg, 2);
	CHECK_EQ(msgs[1].vector, 0x42);
}

UNIT_TEST(edge_while_masked_is_lost)
{
	setup();
	rte(2, MASK | 0x30, 0);
	vioapic_set_pin(io, 2, 1);
	vioapic_set_pin(io, 2, 0);
	vioapic_set_pin(io, 2, 1);
	CHECK_EQ(nmsg, 0);
	rte(2, 0x30, 0); /* unmasked with the line high: still nothing */
	CHECK_EQ(nmsg, 0);
	vioapic_set_pin(io, 2, 0);
	vioapic_set_pin(io, 2, 1);
	CHECK_EQ(nmsg, 1);
	CHECK_EQ(msgs[0].vector, 0x30);
}

UNIT_TEST(level_remote_irr)
{
	setup();
	rte(16, LEVEL | 0x50, 1);
	vioapic_set_pin(io, 16, 1);
	CHECK_EQ(nmsg, 1);
	CHECK(msgs[0].level);
	CHECK_EQ(msgs[0].dest, 1);
	CHECK(!msgs[0].logical);
	CHECK(reg_rd(0x10 + 2 * 16) & RIRR);
	vioapic_set_pin(io, 16, 1); /* Remote IRR set: nothing more */
	CHECK_EQ(nmsg, 1);
	vioapic_eoi(io, 0x51); /* another vector */
	CHECK_EQ(nmsg, 1);
	CHECK(reg_rd(0x10 + 2 * 16) & RIRR);
	vioapic_eoi(io, 0x50); /* still high: sent again */
	CHECK_EQ(nmsg, 2);
	CHECK(reg_rd(0x10 + 2 * 16) & RIRR);
	vioapic_set_pin(io, 16, 0);
	vioapic_eoi(io, 0x50); /* line low: Remote IRR clears, no resend */
	CHECK_EQ(nmsg, 2);
	CHECK_EQ(reg_rd(0x10 + 2 * 16) & RIRR, 0);
	vioapic_set_pin(io, 16, 1);
	CHECK_EQ(nmsg, 3);
	/* Two pins sharing the vector: one EOI serves both. */
	rte(17, LEVEL | 0x50, 2);
	vioapic_set_pin(io, 17, 1);
	CHECK_EQ(nmsg, 4);
	vioapic_set_pin(io, 16, 0);
	vioapic_set_pin(io, 17, 0);
	vioapic_eoi(io, 0x50);
	CHECK_EQ(reg_rd(0x10 + 2 * 16) & RIRR, 0);
	CHECK_EQ(reg_rd(0x10 + 2 * 17) & RIRR, 0);
	CHECK_EQ(nmsg, 4);
}

UNIT_TEST(level_masked_then_unmasked)
{
	setup();
	rte(9, MASK | LEVEL | 0x59, 0);
	vioapic_set_pin(io, 9, 1);
	CHECK_EQ(nmsg, 0);
	CHECK_EQ(reg_rd(0x10 + 2 * 9) & RIRR, 0);
	rte(9, LEVEL | 0x59, 0); /* unmask while high: sent now */
	CHECK_EQ(nmsg, 1);
	CHECK(reg_rd(0x10 + 2 * 9) & RIRR);
	/* Masked with Remote IRR set: the EOI clears it, no resend while
	 * masked, but unmasking later resends. */
	rte(9, MASK | LEVEL | 0x59, 0);
	vioapic_eoi(io, 0x59);
	CHECK_EQ(nmsg, 1);
	CHECK_EQ(reg_rd(0x10 + 2 * 9) & RIRR, 0);
	rte(9, LEVEL | 0x59, 0);
	CHECK_EQ(nmsg, 2);
	/* Switching to edge clears Remote IRR (Linux's way to clear a
	 * stuck one on a version 0x11 IOAPIC). */
	rte(9, MASK | 0x59, 0);
	CHECK_EQ(reg_rd(0x10 + 2 * 9) & RIRR, 0);
}

UNIT_TEST(polarity)
{
	setup();
	/* Active-low level (like an ACPI SCI): a low line is asserted. */
	rte(20, LEVEL | LOW | 0x60, 0);
	CHECK_EQ(nmsg, 1); /* line is low: asserted at unmask */
	vioapic_set_pin(io, 20, 1); /* released */
	vioapic_eoi(io, 0x60);
	CHECK_EQ(nmsg, 1);
	vioapic_set_pin(io, 20, 0);
	CHECK_EQ(nmsg, 2);
	/* Active-low edge: the falling edge sends. */
	vioapic_set_pin(io, 21, 1);
	rte(21, LOW | 0x61, 0);
	CHECK_EQ(nmsg, 2);
	vioapic_set_pin(io, 21, 0);
	CHECK_EQ(nmsg, 3);
	CHECK_EQ(msgs[2].vector, 0x61);
	vioapic_set_pin(io, 21, 1);
	CHECK_EQ(nmsg, 3);
	/* Active-high edge: the rising edge sends, the falling does not. */
	rte(21, 0x62, 0);
	vioapic_set_pin(io, 21, 0);
	CHECK_EQ(nmsg, 3);
	vioapic_set_pin(io, 21, 1);
	CHECK_EQ(nmsg, 4);
	CHECK_EQ(msgs[3].vector, 0x62);
}

UNIT_MAIN()

// SPDX-License-Identifier: GPL-2.0
/*
 * The I/O APIC (82093AA-style, version 0x11: no EOI register) with 24
 * pins at PLAT_IOAPIC_BASE: IOREGSEL at 0x00, IOWIN at 0x10; registers
 * ID (0x00), VER (0x01), ARB (0x02) and the redirection table (0x10 +
 * 2 * pin: low dword, then high dword with the destination in 31:24).
 *
 * A pin's line is what its source drives; an active-low pin (polarity
 * bit) is asserted while the line is low. Edge pins send a message on
 * each assertion while unmasked (an edge seen while masked is lost).
 * Level pins send while asserted with Remote IRR clear, then set Remote
 * IRR until a LAPIC EOIs the vector; the message is sent again if the
 * line is still asserted then, or when the pin is unmasked.
 */
#include <pv/virt.h>
#include "platform.h"

#define IOAPIC_VERSION 0x00170011u /* 24 entries (max index 23), 0x11 */
#define IOAPIC_MMIO_SIZE 0x1000

#define RTE_VECTOR 0xFFu
#define RTE_LOGICAL (1u << 11)
#define RTE_POLARITY (1u << 13) /* active low */
#define RTE_RIRR (1u << 14)
#define RTE_LEVEL (1u << 15)
#define RTE_MASKED (1u << 16)
#define RTE_WRITABLE 0x0001AFFFu /* vector..dest mode, polarity, trig, mask */
#define RTE_DEST_SHIFT 56

struct vioapic {
	spinlock_t lock;
	struct vm *vm;
	u32 id; /* bits 27:24 */
	u32 sel; /* IOREGSEL */
	u32 line; /* raw line level per pin */
	u64 rte[PLAT_IOAPIC_PINS];
};

static u64 lock(struct vioapic *io)
{
	return spin_lock_irqsave(&io->lock);
}

static void unlock(struct vioapic *io, u64 flags)
{
	spin_unlock_irqrestore(&io->lock, flags);
}

static bool asserted(const struct vioapic *io, unsigned int pin)
{
	bool high = io->line & (1u << pin);

	return (io->rte[pin] & RTE_POLARITY) ? !high : high;
}

/* Should pin send now? If so fill *m (and, for level, set Remote IRR).
 * Edge pins are only asked on an assertion. */
static bool service(struct vioapic *io, unsigned int pin, struct apic_msg *m)
{
	u64 e = io->rte[pin];

	if ((e & RTE_MASKED) || !asserted(io, pin))
		return false;
	if (e & RTE_LEVEL) {
		if (e & RTE_RIRR)
			return false;
		io->rte[pin] |= RTE_RIRR;
	}
	m->dest = (u32)(e >> RTE_DEST_SHIFT);
	m->logical = e & RTE_LOGICAL;
	m->delivery = (e >> 8) & 7;
	m->vector = e & RTE_VECTOR;
	m->level = e & RTE_LEVEL;
	m->assert = true;
	m->shorthand = MSG_SH_NONE;
	m->x2apic = false;
	return true;
}

void vioapic_set_pin(struct vioapic *io, unsigned int pin, int level)
{
	struct apic_msg m;
	bool was, send = false;
	u64 flags;

	if (pin >= PLAT_IOAPIC_PINS)
		return;
	flags = lock(io);
	was = asserted(io, pin);
	if (level)
		io->line |= 1u << pin;
	else
		io->line &= ~(1u << pin);
	if ((io->rte[pin] & RTE_LEVEL) || !was)
		send = service(io, pin, &m);
	unlock(io, flags);
	if (send)
		apic_bus_deliver(io->vm, &m, NULL);
}

void vioapic_eoi(struct vioapic *io, u8 vector)
{
	struct apic_msg m[PLAT_IOAPIC_PINS];
	unsigned int n = 0;
	u64 flags = lock(io);

	for (unsigned int pin = 0; pin < PLAT_IOAPIC_PINS; pin++) {
		u64 e = io->rte[pin];

		if ((e & RTE_VECTOR) != vector || !(e & RTE_LEVEL) ||
		    !(e & RTE_RIRR))
			continue;
		io->rte[pin] &= ~(u64)RTE_RIRR;
		if (service(io, pin, &m[n]))
			n++;
	}
	unlock(io, flags);
	for (unsigned int i = 0; i < n; i++)
		apic_bus_deliver(io->vm, &m[i], NULL);
}

static u32 reg_read(struct vioapic *io, u32 reg)
{
	unsigned int pin = (reg - 0x10) / 2;

	switch (reg) {
	case 0x00: return io->id;
	case 0x01: return IOAPIC_VERSION;
	case 0x02: return io->id; /* arbitration ID = APIC ID */
	}
	if (reg < 0x10 || pin >= PLAT_IOAPIC_PINS)
		return 0;
	return (reg & 1) ? (u32)(io->rte[pin] >> 32) : (u32)io->rte[pin];
}

/* Returns true (and fills *m) if the write makes a level pin send:
 * unmasked while asserted, or its polarity flipped to asserted. */
static bool reg_write(struct vioapic *io, u32 reg, u32 val, struct apic_msg *m)
{
	unsigned int pin = (reg - 0x10) / 2;
	u64 e;

	if (reg == 0x00) {
		io->id = val & 0x0F000000;
		return false;
	}
	if (reg < 0x10 || pin >= PLAT_IOAPIC_PINS)
		return false; /* VER, ARB are read-only */
	e = io->rte[pin];
	if (reg & 1) {
		io->rte[pin] =
			(e & 0xFFFFFFFFull) | ((u64)(val & 0xFF000000u) << 32);
		return false;
	}
	e = (e & ~0xFFFFFFFFull) | (val & RTE_WRITABLE) | (e & RTE_RIRR);
	if (!(e & RTE_LEVEL))
		e &= ~(u64)RTE_RIRR; /* edge mode has no Remote IRR */
	io->rte[pin] = e;
	return (e & RTE_LEVEL) && service(io, pin, m);
}

static u64 mmio_read(void *dev, u64 off, unsigned int size)
{
	struct vioapic *io = dev;
	u64 flags = lock(io), val = 0;

	if (off < 4)
		val = io->sel >> (off * 8);
	else if (off >= 0x10 && off < 0x14)
		val = reg_read(io, io->sel) >> ((off - 0x10) * 8);
	unlock(io, flags);
	return size >= 4 ? (u32)val : val & ((1u << (size * 8)) - 1);
}

static void mmio_write(void *dev, u64 off, u64 val, unsigned int size)
{
	struct vioapic *io = dev;
	struct apic_msg m;
	bool send = false;
	u64 flags = lock(io);

	if (off == 0x00)
		io->sel = val & 0xFF;
	else if (off == 0x10 && size >= 4)
		send = reg_write(io, io->sel, (u32)val, &m);
	unlock(io, flags);
	if (send)
		apic_bus_deliver(io->vm, &m, NULL);
}

static const struct io_ops vioapic_ops = {
	.read = mmio_read,
	.write = mmio_write,
};

void vioapic_reset(struct vioapic *io)
{
	u64 f = lock(io);

	/* Every pin masked, Remote IRR clear; the lines keep the levels
	 * their devices drive (idle PCI INTx lines are high). */
	io->sel = 0;
	for (unsigned int pin = 0; pin < PLAT_IOAPIC_PINS; pin++)
		io->rte[pin] = RTE_MASKED;
	unlock(io, f);
}

struct vioapic *vioapic_create(struct vm *vm)
{
	struct vioapic *io = vm_dev_zalloc(vm, sizeof(*io));

	if (!io)
		return NULL;
	io->vm = vm;
	/* The MADT (acpi.c) numbers the IOAPIC after the LAPICs. */
	io->id = (vm->nr_vcpus & 0xF) << 24;
	for (unsigned int pin = 0; pin < PLAT_IOAPIC_PINS; pin++)
		io->rte[pin] = RTE_MASKED;
	if (io_bus_register(&vm->mmio, PLAT_IOAPIC_BASE, IOAPIC_MMIO_SIZE,
			    &vioapic_ops, io, "ioapic"))
		return NULL;
	return io;
}

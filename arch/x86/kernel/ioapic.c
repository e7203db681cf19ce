// SPDX-License-Identifier: GPL-2.0
/* I/O APIC driver: masks everything at boot, routes GSIs on request. */
#include <pv/printk.h>
#include <asm/acpi.h>
#include <asm/io.h>
#include <asm/ioapic.h>
#include <asm/layout.h>
#include <asm/paging.h>
#include <asm/spinlock.h>

#define IOREGSEL 0x00
#define IOWIN 0x10
#define IOAPIC_VER 0x01
#define IOAPIC_REDIR(n) (0x10 + 2 * (n))

#define REDIR_LEVEL (1u << 15)
#define REDIR_ACTIVE_LOW (1u << 13)
#define REDIR_MASKED (1u << 16)

struct ioapic {
	u8 __iomem *regs;
	u32 gsi_base;
	unsigned int nr_pins;
};

static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static unsigned int nr_ioapics;
static spinlock_t ioapic_lock = SPINLOCK_INIT;

static u32 io_read(struct ioapic *io, u32 reg)
{
	mmio_write32(io->regs + IOREGSEL, reg);
	return mmio_read32(io->regs + IOWIN);
}

static void io_write(struct ioapic *io, u32 reg, u32 v)
{
	mmio_write32(io->regs + IOREGSEL, reg);
	mmio_write32(io->regs + IOWIN, v);
}

static struct ioapic *find_gsi(u32 gsi, unsigned int *pin)
{
	for (unsigned int i = 0; i < nr_ioapics; i++) {
		struct ioapic *io = &ioapics[i];

		if (gsi >= io->gsi_base && gsi - io->gsi_base < io->nr_pins) {
			*pin = gsi - io->gsi_base;
			return io;
		}
	}
	return NULL;
}

unsigned int ioapic_nr_pins(void)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < nr_ioapics; i++)
		n += ioapics[i].nr_pins;
	return n;
}

int ioapic_init(void)
{
	for (unsigned int i = 0; i < acpi_madt.nr_ioapics; i++) {
		const struct acpi_ioapic *a = &acpi_madt.ioapics[i];
		struct ioapic *io = &ioapics[nr_ioapics];

		io->regs = ioremap(a->phys, PAGE_SIZE);
		if (!io->regs) {
			pr_err("ioapic: cannot map IOAPIC %u at %#x\n", a->id,
			       a->phys);
			continue;
		}
		io->gsi_base = a->gsi_base;
		io->nr_pins = ((io_read(io, IOAPIC_VER) >> 16) & 0xFF) + 1;
		for (unsigned int pin = 0; pin < io->nr_pins; pin++) {
			io_write(io, IOAPIC_REDIR(pin), REDIR_MASKED);
			io_write(io, IOAPIC_REDIR(pin) + 1, 0);
		}
		pr_info("ioapic: id %u: GSIs %u-%u, all masked\n", a->id,
			io->gsi_base, io->gsi_base + io->nr_pins - 1);
		nr_ioapics++;
	}
	if (!nr_ioapics) {
		pr_warn("ioapic: none described by the MADT\n");
		return -1;
	}
	return 0;
}

static const struct acpi_override *find_override(unsigned int irq)
{
	for (unsigned int i = 0; i < acpi_madt.nr_overrides; i++)
		if (acpi_madt.overrides[i].irq == irq)
			return &acpi_madt.overrides[i];
	return NULL;
}

u32 isa_irq_to_gsi(unsigned int irq)
{
	const struct acpi_override *o = find_override(irq);

	return o ? o->gsi : irq;
}

int ioapic_route_gsi(u32 gsi, u8 vector, u32 apic_id, bool level,
		     bool active_low)
{
	unsigned int pin;
	struct ioapic *io = find_gsi(gsi, &pin);
	u32 lo = vector;
	u64 flags;

	if (!io)
		return -1;
	if (level)
		lo |= REDIR_LEVEL;
	if (active_low)
		lo |= REDIR_ACTIVE_LOW;
	flags = spin_lock_irqsave(&ioapic_lock);
	/* Mask while the two halves disagree. */
	io_write(io, IOAPIC_REDIR(pin), REDIR_MASKED);
	io_write(io, IOAPIC_REDIR(pin) + 1, apic_id << 24);
	io_write(io, IOAPIC_REDIR(pin), lo);
	spin_unlock_irqrestore(&ioapic_lock, flags);
	return 0;
}

int ioapic_route_isa_irq(unsigned int irq, u8 vector, u32 apic_id)
{
	const struct acpi_override *o = find_override(irq);
	/* ISA defaults: edge-triggered, active high. */
	bool level = false, low = false;

	if (o) {
		level = (o->flags & ACPI_TRIG_MASK) == ACPI_TRIG_LEVEL;
		low = (o->flags & ACPI_POL_MASK) == ACPI_POL_LOW;
	}
	return ioapic_route_gsi(isa_irq_to_gsi(irq), vector, apic_id, level,
				low);
}

int ioapic_mask_gsi(u32 gsi, bool masked)
{
	unsigned int pin;
	struct ioapic *io = find_gsi(gsi, &pin);
	u64 flags;
	u32 lo;

	if (!io)
		return -1;
	flags = spin_lock_irqsave(&ioapic_lock);
	lo = io_read(io, IOAPIC_REDIR(pin));
	lo = masked ? lo | REDIR_MASKED : lo & ~REDIR_MASKED;
	io_write(io, IOAPIC_REDIR(pin), lo);
	spin_unlock_irqrestore(&ioapic_lock, flags);
	return 0;
}

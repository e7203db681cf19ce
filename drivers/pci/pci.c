// SPDX-License-Identifier: GPL-2.0
/*
 * Host PCI bus: configuration mechanism #1, a recursive scan from bus 0
 * through PCI-PCI bridges, BAR sizing, capability walks, MSI-X/MSI/INTx
 * and a vendor/device driver registry.
 *
 * Nothing read from configuration space is trusted blindly: capability
 * walks are bounded (a looping list ends after 48 steps), BARs that
 * decode to nothing or overflow are reported as absent, and the bridge
 * scan never visits a bus twice.
 */
#include <pv/pci.h>
#include <pv/printk.h>
#include <pv/string.h>
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/ioapic.h>
#include <asm/paging.h>
#include <asm/spinlock.h>

#define CFG_ADDR 0xcf8
#define CFG_DATA 0xcfc
#define CFG_ENABLE 0x80000000u

#define MSI_ADDR_BASE 0xfee00000u
#define MSI_CTRL_ENABLE (1u << 0)
#define MSI_CTRL_64BIT (1u << 7)
#define MSI_CTRL_MME_MASK (7u << 4)
#define MSIX_CTRL_ENABLE (1u << 15)
#define MSIX_CTRL_FMASK (1u << 14)
#define MSIX_CTRL_SIZE_MASK 0x7ffu
#define MSIX_ENTRY_SIZE 16
#define MSIX_VEC_MASKED 1u

/* Shared INTx lines: one vector per GSI, every device on it is asked. */
#define INTX_LINES 8
#define INTX_SHARERS 4

struct intx_line {
	u32 gsi;
	int vector; /* 0: slot free */
	struct pci_dev *devs[INTX_SHARERS];
};

static spinlock_t cfg_lock = SPINLOCK_INIT;
static struct pci_dev devs[PCI_MAX_DEVS];
static unsigned int nr_devs;
static const struct pci_driver *drivers[PCI_MAX_DRIVERS];
static unsigned int nr_drivers;
static struct intx_line intx_lines[INTX_LINES];
static bool bus_seen[256];

static u32 cfg_addr(u8 bus, u8 slot, u8 fn, u16 off)
{
	return CFG_ENABLE | (u32)bus << 16 | (u32)slot << 11 | (u32)fn << 8 |
	       (off & 0xfc);
}

static u32 cfg_read(u8 bus, u8 slot, u8 fn, u16 off)
{
	u64 flags = spin_lock_irqsave(&cfg_lock);
	u32 v;

	outl(CFG_ADDR, cfg_addr(bus, slot, fn, off));
	v = inl(CFG_DATA);
	spin_unlock_irqrestore(&cfg_lock, flags);
	return v;
}

static void cfg_write(u8 bus, u8 slot, u8 fn, u16 off, u32 v)
{
	u64 flags = spin_lock_irqsave(&cfg_lock);

	outl(CFG_ADDR, cfg_addr(bus, slot, fn, off));
	outl(CFG_DATA, v);
	spin_unlock_irqrestore(&cfg_lock, flags);
}

u32 pci_read32(const struct pci_dev *d, u16 off)
{
	return cfg_read(d->bus, d->slot, d->fn, off);
}

u16 pci_read16(const struct pci_dev *d, u16 off)
{
	return (u16)(pci_read32(d, off) >> ((off & 2) * 8));
}

u8 pci_read8(const struct pci_dev *d, u16 off)
{
	return (u8)(pci_read32(d, off) >> ((off & 3) * 8));
}

/*
 * Sub-dword writes go through the 32-bit window with a read-modify-write;
 * the dword's other bytes are written back unchanged. Callers never use
 * this on registers where that has a side effect (status RW1C bits sit
 * in the upper half of the command dword: we mask them out).
 */
static void write_part(const struct pci_dev *d, u16 off, u32 v, u32 mask)
{
	unsigned int shift = (off & 3) * 8;
	u32 old = pci_read32(d, off);

	if ((off & ~3u) == PCI_COMMAND)
		old &= 0xffff; /* never write 1s back into status */
	pci_write32(d, off, (old & ~(mask << shift)) | (v & mask) << shift);
}

void pci_write32(const struct pci_dev *d, u16 off, u32 v)
{
	cfg_write(d->bus, d->slot, d->fn, off, v);
}

void pci_write16(const struct pci_dev *d, u16 off, u16 v)
{
	write_part(d, off, v, 0xffff);
}

void pci_write8(const struct pci_dev *d, u16 off, u8 v)
{
	write_part(d, off, v, 0xff);
}

unsigned int pci_nr_devs(void)
{
	return nr_devs;
}

struct pci_dev *pci_dev_at(unsigned int i)
{
	return i < nr_devs ? &devs[i] : NULL;
}

struct pci_dev *pci_find(u16 vendor, u16 device, struct pci_dev *from)
{
	unsigned int i = from ? (unsigned int)(from - devs) + 1 : 0;

	for (; i < nr_devs; i++)
		if (devs[i].vendor == vendor &&
		    (device == 0xffff || devs[i].device == device))
			return &devs[i];
	return NULL;
}

u8 pci_find_cap(const struct pci_dev *d, u8 id, u8 start)
{
	u8 pos;

	if (!(pci_read16(d, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	pos = start ? pci_read8(d, start + 1) : pci_read8(d, PCI_CAP_PTR);
	for (int steps = 0; steps < 48; steps++) {
		pos &= 0xfc;
		if (pos < 0x40)
			return 0;
		if (pci_read8(d, pos) == id)
			return pos;
		pos = pci_read8(d, pos + 1);
	}
	return 0;
}

void pci_enable(const struct pci_dev *d, u16 cmd_bits)
{
	pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) | cmd_bits);
}

void __iomem *pci_iomap(const struct pci_dev *d, unsigned int bar, u64 off,
			u64 len)
{
	const struct pci_bar *b;

	if (bar >= PCI_MAX_BARS)
		return NULL;
	b = &d->bar[bar];
	if (b->io || !b->size || !b->base || off > b->size ||
	    len > b->size - off || !len)
		return NULL;
	return ioremap(b->base + off, len);
}

/*
 * Size BAR i by writing all ones with decoding off (so the probe value
 * never decodes), then restore. Returns the number of BAR slots used.
 */
static unsigned int size_bar(struct pci_dev *d, unsigned int i)
{
	u16 off = PCI_BAR0 + 4 * i;
	u32 lo = pci_read32(d, off), hi = 0, szlo, szhi = 0xffffffff;
	struct pci_bar *b = &d->bar[i];
	u64 mask;

	pci_write32(d, off, 0xffffffff);
	szlo = pci_read32(d, off);
	pci_write32(d, off, lo);
	if (!szlo || szlo == 0xffffffff) /* unimplemented (or no device) */
		return 1;
	if (lo & 1) {
		b->io = true;
		mask = (szlo & ~3u) | 0xffff0000u;
		b->base = lo & ~3u;
		b->size = (u32)(~mask + 1);
		if (b->size > 0x10000)
			b->size = 0;
		return 1;
	}
	b->prefetch = lo & 8;
	if (((lo >> 1) & 3) == 2) {
		if (i + 1 >= PCI_MAX_BARS)
			return 1; /* a 64-bit BAR cannot start in slot 5 */
		b->mem64 = true;
		hi = pci_read32(d, off + 4);
		pci_write32(d, off + 4, 0xffffffff);
		szhi = pci_read32(d, off + 4);
		pci_write32(d, off + 4, hi);
	}
	mask = (u64)szhi << 32 | (szlo & ~0xfu);
	b->base = ((u64)hi << 32 | (lo & ~0xfu));
	b->size = ~mask + 1;
	/* A size that is not a power of two is a broken device. */
	if (b->size & (b->size - 1))
		b->size = 0;
	return b->mem64 ? 2 : 1;
}

static void read_bars(struct pci_dev *d)
{
	unsigned int nr = d->header_type == 0 ? 6 : d->header_type == 1 ? 2 : 0;
	u16 cmd = pci_read16(d, PCI_COMMAND);

	pci_write16(d, PCI_COMMAND, cmd & ~(PCI_CMD_IO | PCI_CMD_MEM));
	for (unsigned int i = 0; i < nr;)
		i += size_bar(d, i);
	pci_write16(d, PCI_COMMAND, cmd);
}

static void scan_bus(u8 bus);

static void add_function(u8 bus, u8 slot, u8 fn, u32 id)
{
	struct pci_dev *d;
	u32 class;

	if (nr_devs >= PCI_MAX_DEVS) {
		pr_warn("pci: more than %u functions, ignoring %02x:%02x.%u\n",
			PCI_MAX_DEVS, bus, slot, fn);
		return;
	}
	d = &devs[nr_devs++];
	memset(d, 0, sizeof(*d));
	d->bus = bus;
	d->slot = slot;
	d->fn = fn;
	d->vendor = (u16)id;
	d->device = (u16)(id >> 16);
	d->vector = -1;
	class = pci_read32(d, PCI_REVISION);
	d->revision = (u8) class;
	d->prog_if = (u8)(class >> 8);
	d->subclass = (u8)(class >> 16);
	d->class = (u8)(class >> 24);
	d->header_type = pci_read8(d, PCI_HEADER_TYPE) & 0x7f;
	d->irq_line = pci_read8(d, PCI_INTERRUPT_LINE);
	d->irq_pin = pci_read8(d, PCI_INTERRUPT_PIN);
	read_bars(d);
	d->msi_cap = pci_find_cap(d, PCI_CAP_ID_MSI, 0);
	d->msix_cap = pci_find_cap(d, PCI_CAP_ID_MSIX, 0);
	pr_info("pci: %02x:%02x.%u %04x:%04x class %02x%02x%02x%s%s\n", bus,
		slot, fn, d->vendor, d->device, d->class, d->subclass,
		d->prog_if, d->msix_cap ? " msi-x" : "",
		d->msi_cap ? " msi" : "");
	/* PCI-PCI bridge: descend into its secondary bus. */
	if (d->header_type == 1 && d->class == 0x06 && d->subclass == 0x04)
		scan_bus(pci_read8(d, PCI_SECONDARY_BUS));
}

static void scan_bus(u8 bus)
{
	if (bus_seen[bus])
		return;
	bus_seen[bus] = true;
	for (u8 slot = 0; slot < 32; slot++) {
		u32 id = cfg_read(bus, slot, 0, PCI_VENDOR_ID), hdr;
		u8 nfn;

		if ((u16)id == 0xffff)
			continue;
		/* Header type bit 7: a multi-function device. */
		hdr = cfg_read(bus, slot, 0, PCI_HEADER_TYPE & ~3u) >> 16;
		nfn = (hdr & 0x80) ? 8 : 1;
		for (u8 fn = 0; fn < nfn; fn++) {
			if (fn)
				id = cfg_read(bus, slot, fn, PCI_VENDOR_ID);
			if ((u16)id != 0xffff)
				add_function(bus, slot, fn, id);
		}
	}
}

static bool id_match(const struct pci_driver *drv, const struct pci_dev *d)
{
	for (const struct pci_device_id *id = drv->ids; id->vendor; id++)
		if (id->vendor == d->vendor &&
		    (id->device == 0xffff || id->device == d->device))
			return true;
	return false;
}

static int bind(const struct pci_driver *drv)
{
	int n = 0;

	for (unsigned int i = 0; i < nr_devs; i++) {
		struct pci_dev *d = &devs[i];

		if (d->driver || !id_match(drv, d))
			continue;
		d->driver = drv;
		if (drv->probe(d)) {
			d->driver = NULL;
			pr_warn("pci: %s: probe of %02x:%02x.%u failed\n",
				drv->name, d->bus, d->slot, d->fn);
			continue;
		}
		n++;
	}
	return n;
}

int pci_register_driver(const struct pci_driver *drv)
{
	if (nr_drivers >= PCI_MAX_DRIVERS)
		return -1;
	drivers[nr_drivers++] = drv;
	return bind(drv);
}

unsigned int pci_init(void)
{
	static bool done;

	if (done)
		return nr_devs;
	done = true;
	/* Mechanism #1 is there if the address latch keeps what we write. */
	outl(CFG_ADDR, CFG_ENABLE);
	if (inl(CFG_ADDR) != CFG_ENABLE) {
		pr_warn("pci: no configuration mechanism #1\n");
		return 0;
	}
	scan_bus(0);
	pr_info("pci: %u functions\n", nr_devs);
	for (unsigned int i = 0; i < nr_drivers; i++)
		bind(drivers[i]);
	return nr_devs;
}

/* ------------------------------------------------------------ interrupts */

unsigned int pci_msix_entries(const struct pci_dev *d)
{
	if (!d->msix_cap)
		return 0;
	return (pci_read16(d, d->msix_cap + 2) & MSIX_CTRL_SIZE_MASK) + 1;
}

static bool msi_target(u32 *addr)
{
	u32 id = lapic_id();

	if (id > 0xff) /* no interrupt remapping: 8-bit destination */
		return false;
	*addr = MSI_ADDR_BASE | id << 12;
	return true;
}

static int setup_msix(struct pci_dev *d, u8 vector)
{
	u16 ctrl = pci_read16(d, d->msix_cap + 2);
	u32 tbl = pci_read32(d, d->msix_cap + 4);
	unsigned int n = (ctrl & MSIX_CTRL_SIZE_MASK) + 1, bir = tbl & 7;
	volatile u8 __iomem *t;
	u32 addr;

	if (!msi_target(&addr) || bir >= PCI_MAX_BARS)
		return -1;
	t = pci_iomap(d, bir, tbl & ~7u, (u64)n * MSIX_ENTRY_SIZE);
	if (!t)
		return -1;
	d->msix_table = t;
	/* Function-masked while the table is written. */
	pci_write16(d, d->msix_cap + 2,
		    ctrl | MSIX_CTRL_ENABLE | MSIX_CTRL_FMASK);
	for (unsigned int i = 0; i < n; i++)
		mmio_write32(t + i * MSIX_ENTRY_SIZE + 12, MSIX_VEC_MASKED);
	mmio_write32(t + 0, addr);
	mmio_write32(t + 4, 0);
	mmio_write32(t + 8, vector);
	mmio_write32(t + 12, 0);
	pci_write16(d, d->msix_cap + 2,
		    (ctrl | MSIX_CTRL_ENABLE) & ~MSIX_CTRL_FMASK);
	return 0;
}

static int setup_msi(struct pci_dev *d, u8 vector)
{
	u8 c = d->msi_cap;
	u16 ctrl = pci_read16(d, c + 2);
	u32 addr;

	if (!msi_target(&addr))
		return -1;
	pci_write32(d, c + 4, addr);
	if (ctrl & MSI_CTRL_64BIT) {
		pci_write32(d, c + 8, 0);
		pci_write16(d, c + 12, vector);
	} else {
		pci_write16(d, c + 8, vector);
	}
	/* One message (MME = 0), then enable. */
	pci_write16(d, c + 2, (ctrl & ~MSI_CTRL_MME_MASK) | MSI_CTRL_ENABLE);
	return 0;
}

static void intx_dispatch(struct trap_frame *tf, void *data)
{
	struct intx_line *l = data;

	for (unsigned int i = 0; i < INTX_SHARERS; i++) {
		struct pci_dev *d = READ_ONCE(l->devs[i]);

		if (d && d->irq_fn)
			d->irq_fn(tf, d->irq_data);
	}
}

static const struct acpi_override *find_override(unsigned int irq)
{
	for (unsigned int i = 0; i < acpi_madt.nr_overrides; i++)
		if (acpi_madt.overrides[i].irq == irq)
			return &acpi_madt.overrides[i];
	return NULL;
}

/*
 * Firmware leaves the ISA IRQ the pin is routed to in the interrupt line
 * register (PIIX/ICH PIRQ routing). The MADT's source override says how
 * it is wired to the IOAPIC; without one PCI's level/active-low holds.
 */
static int setup_intx(struct pci_dev *d)
{
	struct intx_line *l = NULL, *free = NULL;
	u32 gsi;

	if (!d->irq_pin || d->irq_line == 0 || d->irq_line >= 0xff)
		return -1;
	gsi = isa_irq_to_gsi(d->irq_line);
	for (unsigned int i = 0; i < INTX_LINES; i++) {
		if (intx_lines[i].vector && intx_lines[i].gsi == gsi)
			l = &intx_lines[i];
		else if (!intx_lines[i].vector && !free)
			free = &intx_lines[i];
	}
	if (!l) {
		const struct acpi_override *o = find_override(d->irq_line);
		int v;

		if (!free)
			return -1;
		v = irq_alloc_vector();
		if (v < 0 || irq_register((unsigned int)v, intx_dispatch, free))
			return -1;
		if (o ? ioapic_route_isa_irq(d->irq_line, (u8)v, lapic_id())
		      : ioapic_route_gsi(gsi, (u8)v, lapic_id(), true, true)) {
			irq_unregister((unsigned int)v);
			return -1; /* no IOAPIC serves the GSI */
		}
		free->gsi = gsi;
		free->vector = v;
		l = free;
	}
	for (unsigned int i = 0; i < INTX_SHARERS; i++) {
		if (!l->devs[i]) {
			WRITE_ONCE(l->devs[i], d);
			d->gsi = gsi;
			d->vector = l->vector;
			return 0;
		}
	}
	return -1;
}

int pci_irq_setup(struct pci_dev *d, unsigned int allow, irq_handler_t fn,
		  void *data)
{
	u16 cmd = pci_read16(d, PCI_COMMAND);
	int v;

	if (d->irq_mode != PCI_IRQ_NONE)
		return -1;
	d->irq_fn = fn;
	d->irq_data = data;
	if ((allow & (PCI_IRQ_ALLOW_MSIX | PCI_IRQ_ALLOW_MSI)) &&
	    (d->msix_cap || d->msi_cap)) {
		v = irq_alloc_vector();
		if (v >= 0 && !irq_register((unsigned int)v, fn, data)) {
			if ((allow & PCI_IRQ_ALLOW_MSIX) && d->msix_cap &&
			    !setup_msix(d, (u8)v))
				d->irq_mode = PCI_IRQ_MSIX;
			else if ((allow & PCI_IRQ_ALLOW_MSI) && d->msi_cap &&
				 !setup_msi(d, (u8)v))
				d->irq_mode = PCI_IRQ_MSI;
			if (d->irq_mode != PCI_IRQ_NONE) {
				d->vector = v;
				pci_write16(d, PCI_COMMAND,
					    cmd | PCI_CMD_INTX_DISABLE);
				return 0;
			}
			irq_unregister((unsigned int)v);
		}
	}
	if ((allow & PCI_IRQ_ALLOW_INTX) && !setup_intx(d)) {
		d->irq_mode = PCI_IRQ_INTX;
		pci_write16(d, PCI_COMMAND, cmd & ~PCI_CMD_INTX_DISABLE);
		return 0;
	}
	d->irq_fn = NULL;
	return -1;
}

void pci_irq_teardown(struct pci_dev *d)
{
	switch (d->irq_mode) {
	case PCI_IRQ_MSIX:
		pci_write16(d, d->msix_cap + 2,
			    pci_read16(d, d->msix_cap + 2) & ~MSIX_CTRL_ENABLE);
		irq_unregister((unsigned int)d->vector);
		break;
	case PCI_IRQ_MSI:
		pci_write16(d, d->msi_cap + 2,
			    pci_read16(d, d->msi_cap + 2) & ~MSI_CTRL_ENABLE);
		irq_unregister((unsigned int)d->vector);
		break;
	case PCI_IRQ_INTX:
		pci_write16(d, PCI_COMMAND,
			    pci_read16(d, PCI_COMMAND) | PCI_CMD_INTX_DISABLE);
		for (unsigned int i = 0; i < INTX_LINES; i++)
			for (unsigned int j = 0; j < INTX_SHARERS; j++)
				if (intx_lines[i].devs[j] == d)
					WRITE_ONCE(intx_lines[i].devs[j], NULL);
		break;
	case PCI_IRQ_NONE: break;
	}
	d->irq_mode = PCI_IRQ_NONE;
	d->vector = -1;
	d->irq_fn = NULL;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The guest PCI host bridge (virt/dev/pci.c) through the guest's eyes:
 * configuration mechanism #1 on the real port bus, BAR sizing and
 * placement, dispatch of BAR accesses, the capability list, MSI-X (table,
 * PBA, masking and pending delivery) and INTx routing. Stand-ins record
 * the MSIs and interrupt lines the bridge sends.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <string.h>
#include "../../virt/dev/platform.h"
#include "unit.h"

/* ---- stand-ins for the platform ------------------------------------- */

#define MAX_MSI 64
static struct {
	u64 addr;
	u32 data;
} msis[MAX_MSI];
static unsigned int nmsi;
static int irq_level[24];
static unsigned int irq_calls[24];
static void *allocs[64];
static unsigned int nallocs;

void plat_msi(struct vm *vm, u64 addr, u32 data)
{
	if (nmsi < MAX_MSI) {
		msis[nmsi].addr = addr;
		msis[nmsi].data = data;
	}
	nmsi++;
}

void plat_set_irq(struct vm *vm, unsigned int irq, int level)
{
	if (irq < 24) {
		irq_level[irq] = level;
		irq_calls[irq]++;
	}
}

void *vm_dev_zalloc(struct vm *vm, size_t size)
{
	void *p = calloc(1, size);

	if (nallocs < 64)
		allocs[nallocs++] = p;
	return p;
}

void printk(int level, const char *fmt, ...)
{
}

/* ---- a fake device ---------------------------------------------------- */

struct fdev {
	struct vpci_dev d;
	unsigned int reads, writes, cfg_reads, cfg_writes, resets;
	unsigned int last_bar, last_size, last_cfg_off;
	u64 last_off, last_val;
};

static u64 f_read(struct vpci_dev *d, unsigned int bar, u64 off,
		  unsigned int size)
{
	struct fdev *f = (struct fdev *)d;

	f->reads++;
	f->last_bar = bar;
	f->last_off = off;
	f->last_size = size;
	return 0x5A000000u | bar << 16 | (u32)off;
}

static void f_write(struct vpci_dev *d, unsigned int bar, u64 off, u64 val,
		    unsigned int size)
{
	struct fdev *f = (struct fdev *)d;

	f->writes++;
	f->last_bar = bar;
	f->last_off = off;
	f->last_val = val;
	f->last_size = size;
}

static u32 f_cfg_read(struct vpci_dev *d, unsigned int off, unsigned int size)
{
	struct fdev *f = (struct fdev *)d;

	f->cfg_reads++;
	f->last_cfg_off = off;
	return 0xC0DE0000u | off;
}

static void f_cfg_write(struct vpci_dev *d, unsigned int off, u32 val,
			unsigned int size)
{
	struct fdev *f = (struct fdev *)d;

	f->cfg_writes++;
	f->last_cfg_off = off;
	f->last_val = val;
}

static void f_reset(struct vpci_dev *d)
{
	((struct fdev *)d)->resets++;
}

static const struct vpci_bar_ops f_ops = { f_read, f_write };

/* io BAR 0 (32 bytes), mem32 BAR 1 (4 KiB), mem64 BAR 2-3 (16 KiB). */
static void fdev_init(struct fdev *f)
{
	memset(f, 0, sizeof(*f));
	f->d.name = "fake";
	f->d.vendor = 0x1AF4;
	f->d.device = 0x1041;
	f->d.subsys_vendor = 0x1AF4;
	f->d.subsys = 0x0001;
	f->d.class_rev = 0x02000001;
	f->d.bar[0].size = 32;
	f->d.bar[0].io = true;
	f->d.bar[1].size = 4096;
	f->d.bar[2].size = 16384;
	f->d.bar[2].mem64 = true;
	f->d.ops = &f_ops;
	f->d.cfg_read = f_cfg_read;
	f->d.cfg_write = f_cfg_write;
	f->d.reset = f_reset;
}

static struct vm vm;
static struct vpci_host *host;

static void setup(void)
{
	for (unsigned int i = 0; i < nallocs; i++)
		free(allocs[i]);
	nallocs = 0;
	memset(&vm, 0, sizeof(vm));
	strcpy(vm.name, "t");
	nmsi = 0;
	memset(msis, 0, sizeof(msis));
	memset(irq_level, 0, sizeof(irq_level));
	memset(irq_calls, 0, sizeof(irq_calls));
	host = vpci_create(&vm);
}

static u32 addr_of(unsigned int bus, unsigned int slot, unsigned int fn,
		   unsigned int off)
{
	return 0x80000000u | bus << 16 | slot << 11 | fn << 8 | (off & 0xFC);
}

static u64 cfg_rd(unsigned int slot, unsigned int off, unsigned int size)
{
	io_bus_write(&vm.pio, 0xCF8, addr_of(0, slot, 0, off), 4);
	return io_bus_read(&vm.pio, 0xCFC + (off & 3), size);
}

static void cfg_wr(unsigned int slot, unsigned int off, u32 val,
		   unsigned int size)
{
	io_bus_write(&vm.pio, 0xCF8, addr_of(0, slot, 0, off), 4);
	io_bus_write(&vm.pio, 0xCFC + (off & 3), val, size);
}

static u64 mrd(u64 addr, unsigned int size)
{
	return io_bus_read(&vm.mmio, addr, size);
}

static void mwr(u64 addr, u64 val, unsigned int size)
{
	io_bus_write(&vm.mmio, addr, val, size);
}

/* ---- configuration mechanism #1 -------------------------------------- */

UNIT_TEST(conf1_address_register_and_bridge)
{
	setup();
	CHECK(host != NULL);
	io_bus_write(&vm.pio, 0xCF8, 0x80001237, 4);
	CHECK_EQ(io_bus_read(&vm.pio, 0xCF8, 4), 0x80001234);
	/* Byte and word accesses at 0xCF8-0xCFB are not the address
	 * register. */
	io_bus_write(&vm.pio, 0xCF8, 0x00, 1);
	io_bus_write(&vm.pio, 0xCFA, 0x0000, 2);
	CHECK_EQ(io_bus_read(&vm.pio, 0xCF8, 4), 0x80001234);
	CHECK_EQ(io_bus_read(&vm.pio, 0xCF9, 1), 0xFF);
	CHECK_EQ(io_bus_read(&vm.pio, 0xCF8, 2), 0xFFFF);

	CHECK_EQ(cfg_rd(0, 0, 4), 0x12378086);
	CHECK_EQ(cfg_rd(0, 0, 2), 0x8086);
	CHECK_EQ(cfg_rd(0, 2, 2), 0x1237);
	CHECK_EQ(cfg_rd(0, 1, 1), 0x80);
	CHECK_EQ(cfg_rd(0, 3, 1), 0x12);
	CHECK_EQ(cfg_rd(0, 8, 4), 0x06000002);
	CHECK_EQ(cfg_rd(0, 0x0B, 1), 0x06);
	CHECK_EQ(cfg_rd(0, 0x0A, 2), 0x0600);
	CHECK_EQ(cfg_rd(0, 0x0E, 1), 0); /* header type 0, one function */
	CHECK_EQ(cfg_rd(0, 0x3D, 1), 0); /* no interrupt pin */
	CHECK_EQ(cfg_rd(0, 0x34, 1), 0); /* no capabilities */
	/* The data port at an offset uses that byte of the register. */
	io_bus_write(&vm.pio, 0xCF8, addr_of(0, 0, 0, 0), 4);
	CHECK_EQ(io_bus_read(&vm.pio, 0xCFE, 2), 0x1237);
	CHECK_EQ(io_bus_read(&vm.pio, 0xCFD, 1), 0x80);
}

UNIT_TEST(conf1_absent_functions_read_ones)
{
	setup();
	CHECK_EQ(cfg_rd(7, 0, 4), 0xFFFFFFFF);
	CHECK_EQ(cfg_rd(31, 0, 2), 0xFFFF);
	io_bus_write(&vm.pio, 0xCF8, addr_of(0, 0, 1, 0), 4);
	CHECK_EQ(io_bus_read(&vm.pio, 0xCFC, 4), 0xFFFFFFFF);
	io_bus_write(&vm.pio, 0xCF8, addr_of(1, 0, 0, 0), 4);
	CHECK_EQ(io_bus_read(&vm.pio, 0xCFC, 4), 0xFFFFFFFF);
	/* Enable bit clear: no configuration cycle. */
	io_bus_write(&vm.pio, 0xCF8, 0x00000000, 4);
	CHECK_EQ(io_bus_read(&vm.pio, 0xCFC, 4), 0xFFFFFFFF);
	io_bus_write(&vm.pio, 0xCFC, 0x12345678, 4);
	cfg_wr(9, 4, 0xFFFF, 2);
	CHECK_EQ(cfg_rd(9, 4, 4), 0xFFFFFFFF);
}

/* ---- registration and the header -------------------------------------- */

UNIT_TEST(register_validates_layout_and_slots)
{
	static struct fdev f[33];
	struct fdev bad;

	setup();
	fdev_init(&bad);
	bad.d.bar[1].size = 3000; /* not a power of two */
	CHECK_EQ(vpci_register(host, &bad.d, -1), -1);
	fdev_init(&bad);
	bad.d.bar[1].size = 2048; /* MMIO below 4 KiB */
	CHECK_EQ(vpci_register(host, &bad.d, -1), -1);
	fdev_init(&bad);
	bad.d.bar[0].size = 8; /* I/O below 16 bytes */
	CHECK_EQ(vpci_register(host, &bad.d, -1), -1);
	fdev_init(&bad);
	bad.d.bar[3].size = 4096; /* the upper half of the 64-bit BAR */
	CHECK_EQ(vpci_register(host, &bad.d, -1), -1);
	fdev_init(&bad);
	bad.d.bar[5].size = 4096;
	bad.d.bar[5].mem64 = true; /* no slot for its upper half */
	CHECK_EQ(vpci_register(host, &bad.d, -1), -1);

	fdev_init(&f[0]);
	CHECK_EQ(vpci_register(host, &f[0].d, 0), -1); /* the host bridge */
	CHECK_EQ(vpci_register(host, &f[0].d, 5), 5);
	fdev_init(&f[1]);
	CHECK_EQ(vpci_register(host, &f[1].d, 5), -1);
	CHECK_EQ(vpci_register(host, &f[1].d, -1), 1);
	for (unsigned int i = 2; i < 31; i++) {
		fdev_init(&f[i]);
		CHECK(vpci_register(host, &f[i].d, -1) > 1);
	}
	fdev_init(&f[31]);
	CHECK_EQ(vpci_register(host, &f[31].d, -1), -1); /* bus full */
	CHECK_EQ(f[1].d.slot, 1);
	CHECK_EQ(f[2].d.slot, 2);
	CHECK_EQ(f[4].d.slot, 4);
	CHECK_EQ(f[5].d.slot, 6); /* 5 was taken */
}

UNIT_TEST(header_fields_and_writable_bits)
{
	struct fdev f;

	setup();
	fdev_init(&f);
	CHECK_EQ(vpci_register(host, &f.d, 3), 3);
	CHECK_EQ(cfg_rd(3, 0, 4), 0x10411AF4);
	CHECK_EQ(cfg_rd(3, 8, 4), 0x02000001);
	CHECK_EQ(cfg_rd(3, 0x2C, 4), 0x00011AF4);
	CHECK_EQ(cfg_rd(3, 0x3D, 1), 1); /* INTA */
	CHECK_EQ(cfg_rd(3, 0x06, 2), 0); /* status: no caps, no INTx */
	CHECK_EQ(cfg_rd(3, 0x34, 1), 0);
	/* IDs and class are read-only. */
	cfg_wr(3, 0, 0xFFFFFFFF, 4);
	cfg_wr(3, 8, 0, 4);
	CHECK_EQ(cfg_rd(3, 0, 4), 0x10411AF4);
	CHECK_EQ(cfg_rd(3, 8, 4), 0x02000001);
	/* Command: only I/O, memory, bus master and INTx disable. */
	cfg_wr(3, 4, 0xFFFF, 2);
	CHECK_EQ(cfg_rd(3, 4, 2), 0x0407);
	cfg_wr(3, 5, 0x00, 1); /* the high byte alone */
	CHECK_EQ(cfg_rd(3, 4, 2), 0x0007);
	/* Interrupt line, cache line size and latency are scratch. */
	cfg_wr(3, 0x3C, 0xFF0B, 2);
	CHECK_EQ(cfg_rd(3, 0x3C, 2), 0x010B);
	cfg_wr(3, 0x0C, 0x12345610, 4);
	CHECK_EQ(cfg_rd(3, 0x0C, 4), 0x5610);
	/* No expansion ROM. */
	cfg_wr(3, 0x30, 0xFFFFFFFF, 4);
	CHECK_EQ(cfg_rd(3, 0x30, 4), 0);
}

UNIT_TEST(bar_sizing_and_placement)
{
	struct fdev f;

	setup();
	fdev_init(&f);
	CHECK_EQ(vpci_register(host, &f.d, 2), 2);
	for (unsigned int i = 0; i < 6; i++)
		cfg_wr(2, 0x10 + 4 * i, 0xFFFFFFFF, 4);
	CHECK_EQ(cfg_rd(2, 0x10, 4), 0xFFFFFFE1); /* I/O, 32 bytes */
	CHECK_EQ(cfg_rd(2, 0x14, 4), 0xFFFFF000); /* mem32, 4 KiB */
	CHECK_EQ(cfg_rd(2, 0x18, 4), 0xFFFFC004); /* mem64, 16 KiB */
	CHECK_EQ(cfg_rd(2, 0x1C, 4), 0xFFFFFFFF);
	CHECK_EQ(cfg_rd(2, 0x20, 4), 0); /* unused */
	CHECK_EQ(cfg_rd(2, 0x24, 4), 0);

	cfg_wr(2, 0x10, 0xC041, 4); /* low bits are ignored */
	cfg_wr(2, 0x14, 0xC0001234, 4);
	cfg_wr(2, 0x18, 0xC0104000, 4);
	cfg_wr(2, 0x1C, 0, 4);
	CHECK_EQ(cfg_rd(2, 0x10, 4), 0xC041); /* 0xC040, I/O bit */
	CHECK_EQ(cfg_rd(2, 0x14, 4), 0xC0001000);
	CHECK_EQ(cfg_rd(2, 0x18, 4), 0xC0104004);
	CHECK_EQ(cfg_rd(2, 0x1C, 4), 0);
	CHECK_EQ(f.d.bar[0].addr, 0xC040);
	CHECK_EQ(f.d.bar[1].addr, 0xC0001000);
	CHECK_EQ(f.d.bar[2].addr, 0xC0104000);
	/* A word write updates half of a BAR. */
	cfg_wr(2, 0x16, 0xC002, 2);
	CHECK_EQ(f.d.bar[1].addr, 0xC0021000);
	/* The upper dword of a 64-bit BAR. */
	cfg_wr(2, 0x1C, 0x1, 4);
	CHECK_EQ(f.d.bar[2].addr, 0x1C0104000ull);
}

UNIT_TEST(bars_placed_at_plug_like_firmware)
{
	struct fdev a, b;

	setup();
	fdev_init(&a);
	fdev_init(&b);
	b.d.bar[4].size = 1 << 20;
	CHECK_EQ(vpci_register(host, &a.d, 1), 1);
	CHECK_EQ(vpci_register(host, &b.d, 2), 2);
	/* Size-aligned, in the windows, one after the other. */
	CHECK_EQ(a.d.bar[0].addr, PLAT_PCI_PIO_BASE);
	CHECK_EQ(b.d.bar[0].addr, PLAT_PCI_PIO_BASE + 32);
	CHECK_EQ(a.d.bar[1].addr, PLAT_PCI_MMIO_BASE);
	CHECK_EQ(a.d.bar[2].addr, PLAT_PCI_MMIO_BASE + 0x4000);
	CHECK_EQ(b.d.bar[1].addr, PLAT_PCI_MMIO_BASE + 0x8000);
	CHECK_EQ(b.d.bar[2].addr, PLAT_PCI_MMIO_BASE + 0xC000);
	CHECK_EQ(b.d.bar[4].addr, PLAT_PCI_MMIO_BASE + 0x100000);
	CHECK_EQ(cfg_rd(2, 0x20, 4), PLAT_PCI_MMIO_BASE + 0x100000);
	CHECK_EQ(cfg_rd(2, 0x10, 4), (PLAT_PCI_PIO_BASE + 32) | 1);
	/* Decoding stays off until the guest turns it on. */
	CHECK_EQ(cfg_rd(2, 4, 2), 0);
	CHECK_EQ(mrd(PLAT_PCI_MMIO_BASE + 0x100000, 4), 0xFFFFFFFF);
	cfg_wr(2, 4, 0x2, 2);
	CHECK_EQ(mrd(PLAT_PCI_MMIO_BASE + 0x100004, 4), 0x5A040004);
}

/* ---- BAR dispatch ------------------------------------------------------ */

static void place(unsigned int slot, u16 io, u32 m32, u32 m64)
{
	cfg_wr(slot, 0x10, io, 4);
	cfg_wr(slot, 0x14, m32, 4);
	cfg_wr(slot, 0x18, m64, 4);
	cfg_wr(slot, 0x1C, 0, 4);
}

UNIT_TEST(bar_dispatch_needs_decode_and_finds_device)
{
	struct fdev a, b;

	setup();
	fdev_init(&a);
	fdev_init(&b);
	CHECK_EQ(vpci_register(host, &a.d, 1), 1);
	CHECK_EQ(vpci_register(host, &b.d, 2), 2);
	place(1, 0xC000, 0xC0000000, 0xC0010000);
	place(2, 0xC020, 0xC0001000, 0xC0014000);

	/* Decode off: nothing reaches the devices. */
	CHECK_EQ(mrd(0xC0000010, 4), 0xFFFFFFFF);
	mwr(0xC0000010, 1, 4);
	CHECK_EQ(io_bus_read(&vm.pio, 0xC004, 2), 0xFFFF);
	CHECK_EQ(a.reads + a.writes, 0);

	cfg_wr(1, 4, 0x2, 2); /* memory only */
	CHECK_EQ(mrd(0xC0000010, 4), 0x5A010010);
	CHECK_EQ(a.last_bar, 1);
	CHECK_EQ(a.last_off, 0x10);
	CHECK_EQ(a.last_size, 4);
	CHECK_EQ(io_bus_read(&vm.pio, 0xC004, 2), 0xFFFF); /* I/O still off */
	mwr(0xC0012008, 0x1122334455667788ull, 8);
	CHECK_EQ(a.writes, 1);
	CHECK_EQ(a.last_bar, 2);
	CHECK_EQ(a.last_off, 0x2008);
	CHECK_EQ(a.last_val, 0x1122334455667788ull);
	CHECK_EQ(a.last_size, 8);

	cfg_wr(1, 4, 0x3, 2);
	CHECK_EQ(io_bus_read(&vm.pio, 0xC01E, 2), 0x001E);
	CHECK_EQ(a.last_bar, 0);
	CHECK_EQ(a.last_off, 0x1E);
	/* b's BARs answer only once b decodes. */
	CHECK_EQ(io_bus_read(&vm.pio, 0xC024, 1), 0xFF);
	cfg_wr(2, 4, 0x3, 2);
	io_bus_write(&vm.pio, 0xC024, 0x77, 1);
	CHECK_EQ(b.writes, 1);
	CHECK_EQ(b.last_bar, 0);
	CHECK_EQ(b.last_off, 4);
	CHECK_EQ(b.last_val, 0x77);
	CHECK_EQ(mrd(0xC0001FFC, 4), 0x5A010FFC);
	CHECK_EQ(b.last_bar, 1);
	/* Nothing there, or an access past a BAR's end. */
	CHECK_EQ(mrd(0xC0100000, 4), 0xFFFFFFFF);
	CHECK_EQ(mrd(0xC0000FFE, 4), 0xFFFFFFFF);
	CHECK_EQ(io_bus_read(&vm.pio, 0xD000, 4), 0xFFFFFFFF);
	CHECK_EQ(a.writes, 1);
	/* A BAR left at 0 is not placed. */
	cfg_wr(2, 0x14, 0, 4);
	CHECK_EQ(b.d.bar[1].addr, 0);
}

/* ---- capabilities and device config space ----------------------------- */

UNIT_TEST(capability_chain_and_device_space)
{
	struct fdev f;
	u8 vcap[16] = { 0x09, 0xEE, 16, 1, 2, 3 };
	unsigned int p, n = 0;
	u8 ids[4];

	setup();
	fdev_init(&f);
	CHECK_EQ(vpci_add_cap(&f.d, vcap, sizeof(vcap)), 0x40);
	CHECK_EQ(vpci_register(host, &f.d, 4), 4);
	CHECK_EQ(vpci_add_cap(&f.d, vcap, 5), 0x50);
	CHECK_EQ(vpci_msix_init(&f.d, 4, 1, 0x800), 0);
	CHECK_EQ(f.d.msix_cap, 0x58);
	CHECK_EQ(cfg_rd(4, 6, 2) & 0x10, 0x10);
	for (p = cfg_rd(4, 0x34, 1); p && n < 4; p = cfg_rd(4, p + 1, 1))
		ids[n++] = (u8)cfg_rd(4, p, 1);
	CHECK_EQ(n, 3);
	CHECK_EQ(ids[0], 0x09);
	CHECK_EQ(ids[1], 0x09);
	CHECK_EQ(ids[2], 0x11);
	CHECK_EQ(cfg_rd(4, 0x42, 2), 0x0110); /* the bytes as given */
	cfg_wr(4, 0x44, 0xFFFFFFFF, 4); /* capability bytes are RO */
	CHECK_EQ(cfg_rd(4, 0x44, 1), 2);
	CHECK_EQ(f.cfg_writes, 0);
	/* Above the capabilities: the device's own space. */
	CHECK_EQ(f.d.cap_next, 0x64);
	CHECK_EQ(cfg_rd(4, 0x64, 4), 0xC0DE0064);
	CHECK_EQ(cfg_rd(4, 0x66, 2), 0xC0DE0066 & 0xFFFF);
	CHECK_EQ(f.last_cfg_off, 0x66);
	cfg_wr(4, 0x80, 0xABCD, 2);
	CHECK_EQ(f.cfg_writes, 1);
	CHECK_EQ(f.last_cfg_off, 0x80);
	CHECK_EQ(f.last_val, 0xABCD);
	CHECK_EQ(f.cfg_reads, 2);
	/* No room: the last dword is never a capability. */
	CHECK_EQ(vpci_add_cap(&f.d, vcap, 0xFC - 0x64 + 1), 0);
}

/* ---- MSI-X --------------------------------------------------------------- */

#define TBL 0xC0000800ull /* BAR 1 at 0xC0000000, table at 0x800 */
#define PBA (TBL + 4 * 16)

static void msix_dev(struct fdev *f, unsigned int slot)
{
	fdev_init(f);
	CHECK_EQ(vpci_register(host, &f->d, (int)slot), (int)slot);
	CHECK_EQ(vpci_msix_init(&f->d, 4, 1, 0x800), 0);
	place(slot, 0xC000, 0xC0000000, 0xC0010000);
	cfg_wr(slot, 4, 0x6, 2); /* memory, bus master */
}

static void msix_ctrl_wr(unsigned int slot, const struct fdev *f, u16 v)
{
	cfg_wr(slot, f->d.msix_cap + 2, v, 2);
}

UNIT_TEST(msix_capability_and_table_interception)
{
	struct fdev f;
	u8 c;

	setup();
	msix_dev(&f, 3);
	c = f.d.msix_cap;
	CHECK_EQ(cfg_rd(3, c, 1), 0x11);
	CHECK_EQ(cfg_rd(3, c + 2, 2), 3); /* table size N - 1 */
	CHECK_EQ(cfg_rd(3, c + 4, 4), 0x800 | 1); /* offset | BIR */
	CHECK_EQ(cfg_rd(3, c + 8, 4), 0x840 | 1);
	/* Only enable and function mask are writable. */
	msix_ctrl_wr(3, &f, 0xFFFF);
	CHECK_EQ(cfg_rd(3, c + 2, 2), 0xC003);
	CHECK(vpci_msix_enabled(&f.d));
	msix_ctrl_wr(3, &f, 0);
	CHECK(!vpci_msix_enabled(&f.d));

	/* Entries start masked; the device never sees table or PBA. */
	for (unsigned int v = 0; v < 4; v++)
		CHECK_EQ(mrd(TBL + v * 16 + 12, 4), 1);
	mwr(TBL + 16, 0xFEE01000, 4);
	mwr(TBL + 20, 0, 4);
	mwr(TBL + 24, 0x4041, 4);
	CHECK_EQ(mrd(TBL + 16, 8), 0xFEE01000);
	CHECK_EQ(mrd(TBL + 24, 4), 0x4041);
	mwr(TBL + 28, 0xFFFFFFFF, 4); /* only the mask bit sticks */
	CHECK_EQ(mrd(TBL + 28, 4), 1);
	mwr(TBL + 32, 0x00000000FEE02000ull, 8);
	CHECK_EQ(mrd(TBL + 32, 4), 0xFEE02000);
	CHECK_EQ(mrd(PBA, 8), 0);
	mwr(PBA, ~0ull, 8); /* read-only */
	CHECK_EQ(mrd(PBA, 8), 0);
	CHECK_EQ(f.reads + f.writes, 0);
	/* Beside the table: the device's registers. */
	CHECK_EQ(mrd(0xC00007FC, 4), 0x5A0107FC);
	CHECK_EQ(mrd(PBA + 8, 4), 0x5A010848);
	CHECK_EQ(f.reads, 2);
}

static void program_entry(unsigned int v, u32 addr, u32 data, bool masked)
{
	mwr(TBL + v * 16, addr, 4);
	mwr(TBL + v * 16 + 4, 0, 4);
	mwr(TBL + v * 16 + 8, data, 4);
	mwr(TBL + v * 16 + 12, masked, 4);
}

UNIT_TEST(msix_notify_mask_and_pending)
{
	struct fdev f;

	setup();
	msix_dev(&f, 3);
	program_entry(0, 0xFEE00000, 0x30, false);
	program_entry(2, 0xFEE01000, 0x32, true);

	/* MSI-X off: notify is silent (the device uses INTx). */
	vpci_msix_notify(&f.d, 0);
	CHECK_EQ(nmsi, 0);
	CHECK_EQ(mrd(PBA, 8), 0);

	msix_ctrl_wr(3, &f, 0x8000);
	vpci_msix_notify(&f.d, 0);
	CHECK_EQ(nmsi, 1);
	CHECK_EQ(msis[0].addr, 0xFEE00000);
	CHECK_EQ(msis[0].data, 0x30);
	CHECK_EQ(mrd(PBA, 8), 0);

	/* A masked entry: pending, sent once unmasked. */
	vpci_msix_notify(&f.d, 2);
	vpci_msix_notify(&f.d, 2);
	CHECK_EQ(nmsi, 1);
	CHECK_EQ(mrd(PBA, 8), 1 << 2);
	mwr(TBL + 2 * 16 + 12, 0, 4);
	CHECK_EQ(nmsi, 2);
	CHECK_EQ(msis[1].addr, 0xFEE01000);
	CHECK_EQ(msis[1].data, 0x32);
	CHECK_EQ(mrd(PBA, 8), 0);
	mwr(TBL + 2 * 16 + 12, 0, 4); /* nothing pending any more */
	CHECK_EQ(nmsi, 2);

	/* Function mask: everything pends, sent when it is cleared. */
	msix_ctrl_wr(3, &f, 0xC000);
	vpci_msix_notify(&f.d, 0);
	vpci_msix_notify(&f.d, 2);
	CHECK_EQ(nmsi, 2);
	CHECK_EQ(mrd(PBA, 4), 0x5);
	mwr(TBL + 12, 1, 4); /* entry 0 masked too */
	msix_ctrl_wr(3, &f, 0x8000);
	CHECK_EQ(nmsi, 3);
	CHECK_EQ(msis[2].data, 0x32);
	CHECK_EQ(mrd(PBA, 4), 0x1);
	mwr(TBL + 12, 0, 4);
	CHECK_EQ(nmsi, 4);
	CHECK_EQ(msis[3].data, 0x30);

	/* Vectors that do not exist are dropped. */
	vpci_msix_notify(&f.d, 4);
	vpci_msix_notify(&f.d, 63);
	CHECK_EQ(nmsi, 4);
}

UNIT_TEST(msix_init_before_register_and_validation)
{
	struct fdev f;

	setup();
	fdev_init(&f);
	CHECK_EQ(vpci_msix_init(&f.d, 65, 1, 0), -1);
	CHECK_EQ(vpci_msix_init(&f.d, 4, 0, 0), -1); /* I/O BAR */
	CHECK_EQ(vpci_msix_init(&f.d, 4, 4, 0), -1); /* unused */
	CHECK_EQ(vpci_msix_init(&f.d, 4, 3, 0), -1); /* upper half */
	CHECK_EQ(vpci_msix_init(&f.d, 4, 1, 4), -1); /* misaligned */
	CHECK_EQ(vpci_msix_init(&f.d, 4, 1, 0xFC0), -1); /* PBA past end */
	CHECK_EQ(vpci_msix_init(&f.d, 64, 2, 0x3000), 0);
	CHECK(f.d.msix_table == NULL);
	CHECK_EQ(vpci_register(host, &f.d, 6), 6);
	CHECK(f.d.msix_table != NULL);
	CHECK_EQ(cfg_rd(6, f.d.msix_cap + 2, 2), 63);
	place(6, 0xC000, 0xC0000000, 0xC0010000);
	cfg_wr(6, 4, 0x2, 2);
	CHECK_EQ(mrd(0xC0013000 + 63 * 16 + 12, 4), 1);
	mwr(0xC0013000 + 63 * 16, 0xFEE00000, 4);
	mwr(0xC0013000 + 63 * 16 + 8, 0x99, 4);
	mwr(0xC0013000 + 63 * 16 + 12, 0, 4);
	cfg_wr(6, f.d.msix_cap + 2, 0x8000, 2);
	vpci_msix_notify(&f.d, 63);
	CHECK_EQ(nmsi, 1);
	CHECK_EQ(msis[0].data, 0x99);
	CHECK_EQ(vpci_msix_init(&f.d, 4, 1, 0), -1); /* only once */
}

/* Is GSI g asserted (the line low)? */
static int asserted(unsigned int g)
{
	return !irq_level[g];
}

/* ---- INTx ----------------------------------------------------------------- */

UNIT_TEST(intx_routing_disable_and_sharing)
{
	struct fdev a, b, c;

	setup();
	/* INTx# lines are active-low: idle means driven high. */
	for (unsigned int g = 16; g < 20; g++) {
		CHECK_EQ(irq_level[g], 1);
		CHECK_EQ(irq_calls[g], 1);
	}
	fdev_init(&a);
	fdev_init(&b);
	fdev_init(&c);
	CHECK_EQ(vpci_register(host, &a.d, 1), 1);
	CHECK_EQ(vpci_register(host, &b.d, 5), 5);
	CHECK_EQ(vpci_register(host, &c.d, 6), 6);

	vpci_set_intx(&c.d, 1); /* slot 6: GSI 18 */
	CHECK_EQ(asserted(18), 1);
	CHECK_EQ(cfg_rd(6, 6, 2) & 0x8, 0x8);
	vpci_set_intx(&c.d, 0);
	CHECK_EQ(asserted(18), 0);
	CHECK_EQ(cfg_rd(6, 6, 2) & 0x8, 0);
	CHECK_EQ(irq_calls[18], 3); /* idle at creation, then 2 */

	/* Slots 1 and 5 share GSI 17: the line is the OR. */
	vpci_set_intx(&a.d, 1);
	vpci_set_intx(&b.d, 1);
	CHECK_EQ(asserted(17), 1);
	CHECK_EQ(irq_calls[17], 2);
	vpci_set_intx(&a.d, 0);
	CHECK_EQ(asserted(17), 1);
	vpci_set_intx(&b.d, 0);
	CHECK_EQ(asserted(17), 0);
	CHECK_EQ(irq_calls[17], 3);

	/* INTx disable deasserts the line; status still shows it. */
	vpci_set_intx(&a.d, 1);
	cfg_wr(1, 4, 0x0400, 2);
	CHECK_EQ(asserted(17), 0);
	CHECK_EQ(cfg_rd(1, 6, 2) & 0x8, 0x8);
	vpci_set_intx(&a.d, 1);
	CHECK_EQ(asserted(17), 0);
	cfg_wr(1, 4, 0x0000, 2);
	CHECK_EQ(asserted(17), 1);
	/* So does MSI-X enable. */
	CHECK_EQ(vpci_msix_init(&a.d, 2, 1, 0), 0);
	cfg_wr(1, a.d.msix_cap + 2, 0x8000, 2);
	CHECK_EQ(asserted(17), 0);
	cfg_wr(1, a.d.msix_cap + 2, 0, 2);
	CHECK_EQ(asserted(17), 1);
	CHECK_EQ(asserted(16) + asserted(19), 0);
	CHECK_EQ(cfg_rd(1, 0x3C, 1), 17); /* the line, as firmware writes */
}

UNIT_TEST(bus_master_off_resets_device)
{
	struct fdev f;

	setup();
	fdev_init(&f);
	CHECK_EQ(vpci_register(host, &f.d, 2), 2);
	CHECK(!vpci_bus_master(&f.d));
	cfg_wr(2, 4, 0x0006, 2);
	CHECK(vpci_bus_master(&f.d));
	CHECK_EQ(f.resets, 0);
	cfg_wr(2, 4, 0x0006, 2);
	CHECK_EQ(f.resets, 0);
	cfg_wr(2, 4, 0x0002, 2);
	CHECK(!vpci_bus_master(&f.d));
	CHECK_EQ(f.resets, 1);
	cfg_wr(2, 4, 0x0000, 2);
	CHECK_EQ(f.resets, 1);
}

UNIT_TEST(platform_reset_restores_power_on_state)
{
	struct fdev f;

	setup();
	msix_dev(&f, 3); /* decoding on, BARs moved */
	program_entry(1, 0xFEE00000, 0x41, false);
	cfg_wr(3, f.d.msix_cap + 2, 0xC000, 2);
	vpci_msix_notify(&f.d, 1); /* pends: function masked */
	cfg_wr(3, 0x3C, 0x0B, 1);
	vpci_set_intx(&f.d, 1);
	io_bus_write(&vm.pio, 0xCF8, 0x80001800, 4);
	irq_calls[19] = 0;

	vpci_reset(host);
	CHECK_EQ(f.resets, 1);
	CHECK_EQ(io_bus_read(&vm.pio, 0xCF8, 4), 0);
	CHECK_EQ(cfg_rd(3, 4, 4), 0x00100000); /* caps, no INTx, no decode */
	CHECK_EQ(cfg_rd(3, 0x3C, 1), 19);
	CHECK_EQ(cfg_rd(3, f.d.msix_cap + 2, 2), 3);
	CHECK_EQ(f.d.bar[0].addr, PLAT_PCI_PIO_BASE);
	CHECK_EQ(f.d.bar[1].addr, PLAT_PCI_MMIO_BASE);
	CHECK_EQ(irq_level[19], 1); /* idle, driven again */
	CHECK_EQ(irq_calls[19], 1);
	cfg_wr(3, 4, 0x2, 2);
	CHECK_EQ(mrd(PLAT_PCI_MMIO_BASE + 0x800 + 16 + 12, 4), 1);
	CHECK_EQ(mrd(PLAT_PCI_MMIO_BASE + 0x800 + 16, 4), 0);
	CHECK_EQ(mrd(PLAT_PCI_MMIO_BASE + 0x840, 8), 0);
	cfg_wr(3, f.d.msix_cap + 2, 0x8000, 2);
	CHECK_EQ(nmsi, 0); /* the pending message did not survive */
}

UNIT_MAIN()

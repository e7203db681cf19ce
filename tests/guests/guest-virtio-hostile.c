// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile virtio driver: it finds the VM's virtio-blk function on the PCI
 * bus (configuration mechanism #1), maps nothing (paging is off, so a
 * guest-physical address is the linear one) and drives the modern
 * transport directly with malformed rings: descriptor loops, buffers
 * outside RAM, wrapping or beyond the hypervisor's reach, oversized
 * chains, bad queue sizes, stray doorbells, a runaway available index,
 * broken indirect tables, a write whose data lies outside RAM.
 *
 * Every broken request must end in DEVICE_NEEDS_RESET with nothing
 * completed and nothing written; after a reset the device must serve a
 * good request again. The disk is a boot module with a known pattern
 * (scripts/Makefile.guests: virtio-hostile.img). The hypervisor checks
 * its own image and the sentinel VM its RAM while this runs.
 */
#include "guest.h"

/* ---- the disk's pattern (must match scripts/Makefile.guests) ------- */
#define DISK_SECTORS 128
#define SECTOR 512

static u8 disk_byte(u32 sector, u32 i)
{
	return (u8)(sector * 31 + i * 7 + (i >> 8) + 0xA5);
}

/* ---- PCI configuration mechanism #1 -------------------------------- */
static u32 pci_addr(u32 bdf, u32 reg)
{
	return 0x80000000u | bdf << 8 | (reg & 0xFC);
}

static u32 pci_read32(u32 bdf, u32 reg)
{
	outl(pci_addr(bdf, reg), 0xCF8);
	return inl(0xCFC);
}

static u8 pci_read8(u32 bdf, u32 reg)
{
	outl(pci_addr(bdf, reg), 0xCF8);
	return inb(0xCFC + (reg & 3));
}

static void pci_write8(u32 bdf, u32 reg, u8 v)
{
	outl(pci_addr(bdf, reg), 0xCF8);
	outb(v, 0xCFC + (reg & 3));
}

static void pci_write32(u32 bdf, u32 reg, u32 v)
{
	outl(pci_addr(bdf, reg), 0xCF8);
	outl(v, 0xCFC);
}

static void pci_write16(u32 bdf, u32 reg, u16 v)
{
	outl(pci_addr(bdf, reg), 0xCF8);
	outw(v, 0xCFC + (reg & 2));
}

#define PCI_COMMAND 0x04
#define PCI_CMD_MEM 0x2
#define PCI_CMD_MASTER 0x4
#define PCI_STATUS_CAPS 0x10
#define PCI_CAP_PTR 0x34

/* ---- virtio 1.x modern PCI layout ---------------------------------- */
#define CAP_COMMON 1
#define CAP_NOTIFY 2
#define CAP_ISR 3
#define CAP_DEVICE 4
#define CAP_PCI_CFG 5

#define C_DFSEL 0x00
#define C_DF 0x04
#define C_GFSEL 0x08
#define C_GF 0x0C
#define C_MSIX_CONFIG 0x10
#define C_NUMQ 0x12
#define C_STATUS 0x14
#define C_QSEL 0x16
#define C_QSIZE 0x18
#define C_QMSIX 0x1A
#define C_QENABLE 0x1C
#define C_QNOTIFY_OFF 0x1E
#define C_QDESC 0x20
#define C_QDRIVER 0x28
#define C_QDEVICE 0x30

#define S_ACK 0x01
#define S_DRIVER 0x02
#define S_DRIVER_OK 0x04
#define S_FEATURES_OK 0x08
#define S_NEEDS_RESET 0x40

#define F_INDIRECT (1u << 28) /* low feature word */
#define F_VERSION_1 (1u << 0) /* high feature word (bit 32) */

#define D_NEXT 1
#define D_WRITE 2
#define D_INDIRECT 4

#define BLK_T_IN 0
#define BLK_T_OUT 1
#define BLK_S_OK 0

static u32 bdf; /* of the virtio-blk function */
static u32 common, isr, device_cfg, notify_base, notify_mult, bar0;
static u32 ram_end;
static u32 pcicfg_cap; /* config offset of the PCI cfg access capability */
static u32 msix_cap, msix_table; /* MSI-X capability, its table in BAR 0 */

static void cw8(u32 off, u8 v)
{
	*(volatile u8 *)(common + off) = v;
}

static void cw16(u32 off, u16 v)
{
	*(volatile u16 *)(common + off) = v;
}

static void cw32(u32 off, u32 v)
{
	*(volatile u32 *)(common + off) = v;
}

static void cw64(u32 off, u64 v)
{
	cw32(off, (u32)v);
	cw32(off + 4, (u32)(v >> 32));
}

static u8 cr8(u32 off)
{
	return *(volatile u8 *)(common + off);
}

static u16 cr16(u32 off)
{
	return *(volatile u16 *)(common + off);
}

static u32 cr32(u32 off)
{
	return *(volatile u32 *)(common + off);
}

static u8 status(void)
{
	return cr8(C_STATUS);
}

static void notify(u32 queue_notify_off)
{
	*(volatile u16 *)(notify_base + queue_notify_off * notify_mult) = 0;
}

/* ---- rings: room for the largest queue the device may impose -------- */
#define QMAX 256
#define QSZ 16

struct desc {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
};

struct avail {
	u16 flags, idx, ring[QMAX], used_event;
};

struct used {
	u16 flags, idx;
	struct {
		u32 id, len;
	} ring[QMAX];
	u16 avail_event;
};

struct blk_hdr {
	u32 type, ioprio;
	u64 sector;
};

static volatile struct desc dtab[QMAX] __attribute__((aligned(4096)));
static volatile struct avail avail __attribute__((aligned(4096)));
static volatile struct used used __attribute__((aligned(4096)));
static volatile struct desc itab[8] __attribute__((aligned(16)));
static volatile struct desc itab2[2] __attribute__((aligned(16)));
static struct blk_hdr hdr __attribute__((aligned(16)));
static u8 buf[4 * SECTOR] __attribute__((aligned(4096)));
static volatile u8 blk_status;
static u16 avail_idx;

static void barrier(void)
{
	__asm__ volatile("" ::: "memory");
}

/* ---- device bring-up ----------------------------------------------- */

/* Point the globals at the virtio function with this PCI device ID
 * (0x1042 block, 0x1041 network). */
static bool find_device(u16 devid)
{
	common = isr = device_cfg = notify_base = 0;
	pcicfg_cap = msix_cap = msix_table = 0;
	for (u32 slot = 0; slot < 32; slot++) {
		u32 id = pci_read32(slot << 3, 0);
		u8 cap;

		if (id != ((u32)devid << 16 | 0x1AF4))
			continue;
		bdf = slot << 3;
		bar0 = pci_read32(bdf, 0x10) & ~0xFu;
		pci_write16(bdf, PCI_COMMAND, PCI_CMD_MEM | PCI_CMD_MASTER);
		if (!(pci_read32(bdf, PCI_COMMAND) >> 16 & PCI_STATUS_CAPS))
			return false;
		for (cap = pci_read8(bdf, PCI_CAP_PTR); cap;
		     cap = pci_read8(bdf, cap + 1)) {
			u32 type, bar, off;

			if (pci_read8(bdf, cap) == 0x11) { /* MSI-X */
				msix_cap = cap;
				msix_table =
					bar0 + (pci_read32(bdf, cap + 4) & ~7u);
			}
			if (pci_read8(bdf, cap) != 0x09) /* vendor-specific */
				continue;
			type = pci_read8(bdf, cap + 3);
			bar = pci_read8(bdf, cap + 4);
			off = pci_read32(bdf, cap + 8);
			if (bar != 0)
				continue;
			if (type == CAP_COMMON)
				common = bar0 + off;
			else if (type == CAP_ISR)
				isr = bar0 + off;
			else if (type == CAP_DEVICE)
				device_cfg = bar0 + off;
			else if (type == CAP_PCI_CFG)
				pcicfg_cap = cap;
			else if (type == CAP_NOTIFY) {
				notify_base = bar0 + off;
				notify_mult = pci_read32(bdf, cap + 16);
			}
		}
		printf("# %04x at 00:%02x.0, BAR0 %#x\n", devid, slot, bar0);
		return bar0 && common && isr && device_cfg && notify_base;
	}
	return false;
}

/* Reset, ACKNOWLEDGE, DRIVER, VERSION_1 (+ low feature bits), FEATURES_OK. */
static bool dev_features(u32 features_lo)
{
	cw8(C_STATUS, 0);
	if (status() != 0)
		return false;
	(void)*(volatile u8 *)isr; /* drop a stale ISR */
	cw8(C_STATUS, S_ACK);
	cw8(C_STATUS, S_ACK | S_DRIVER);
	cw32(C_DFSEL, 1);
	if (!(cr32(C_DF) & F_VERSION_1))
		return false;
	cw32(C_GFSEL, 0);
	cw32(C_GF, features_lo);
	cw32(C_GFSEL, 1);
	cw32(C_GF, F_VERSION_1);
	cw8(C_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	return status() == (S_ACK | S_DRIVER | S_FEATURES_OK);
}

static void rings_clear(void)
{
	memset((void *)dtab, 0, sizeof(dtab));
	memset((void *)&avail, 0, sizeof(avail));
	memset((void *)&used, 0, sizeof(used));
	avail_idx = 0;
}

/* Queue 0 with the three areas at the given addresses, then DRIVER_OK. */
static void queue_setup_at(u64 desc, u64 drv, u64 dev)
{
	cw16(C_QSEL, 0);
	cw16(C_QSIZE, QSZ);
	cw64(C_QDESC, desc);
	cw64(C_QDRIVER, drv);
	cw64(C_QDEVICE, dev);
	cw16(C_QENABLE, 1);
	cw8(C_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
}

static bool dev_init(u32 features_lo)
{
	rings_clear();
	if (!dev_features(features_lo))
		return false;
	queue_setup_at((u32)dtab, (u32)&avail, (u32)&used);
	return status() == (S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
}

static void set_desc(unsigned int i, u64 addr, u32 len, u16 flags, u16 next)
{
	dtab[i].addr = addr;
	dtab[i].len = len;
	dtab[i].flags = flags;
	dtab[i].next = next;
}

/* Publish head and ring the doorbell; the device works in our exit. */
static void submit(u16 head)
{
	avail.ring[avail_idx % QSZ] = head;
	barrier();
	avail.idx = ++avail_idx;
	barrier();
	notify(cr16(C_QNOTIFY_OFF));
}

/* A block request as three descriptors from index first: header,
 * data (device-writable for a read), status. */
static void blk_chain(unsigned int first, u32 type, u64 sector, u64 data,
		      u32 len)
{
	hdr.type = type;
	hdr.ioprio = 0;
	hdr.sector = sector;
	blk_status = 0xEE;
	set_desc(first, (u32)&hdr, sizeof(hdr), D_NEXT, first + 1);
	set_desc(first + 1, data, len,
		 D_NEXT | (type == BLK_T_IN ? D_WRITE : 0), first + 2);
	set_desc(first + 2, (u32)&blk_status, 1, D_WRITE, 0);
}

/* Returns the request's status byte, 0xFF if it did not complete. */
static u8 blk_io(u32 type, u64 sector, u64 data, u32 len)
{
	u16 before = used.idx;

	blk_chain(0, type, sector, data, len);
	submit(0);
	for (int i = 0; i < 1000 && used.idx == before; i++)
		barrier();
	if (used.idx != (u16)(before + 1))
		return 0xFF;
	if (used.ring[before % QSZ].id != 0)
		return 0xFE;
	return blk_status;
}

static bool sector_ok(const u8 *p, u32 sector)
{
	for (u32 i = 0; i < SECTOR; i++)
		if (p[i] != disk_byte(sector, i)) {
			printf("# sector %u byte %u: %#x, want %#x\n", sector,
			       i, p[i], disk_byte(sector, i));
			return false;
		}
	return true;
}

/* After a reset the device must serve a good read again. */
static void good_read(u32 sector)
{
	EXPECT(dev_init(0));
	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(blk_io(BLK_T_IN, sector, (u32)buf, 2 * SECTOR), BLK_S_OK);
	EXPECT(sector_ok(buf, sector));
	EXPECT(sector_ok(buf + SECTOR, sector + 1));
	EXPECT_EQ(status() & S_NEEDS_RESET, 0);
}

/* What a broken request must leave: NEEDS_RESET, a configuration
 * interrupt (ISR bit 1), nothing completed. */
static void expect_broken(u16 used_before, const char *what)
{
	u8 st = status(), isr_v = *(volatile u8 *)isr;

	if (!(st & S_NEEDS_RESET))
		printf("# %s: status %#x, no NEEDS_RESET\n", what, st);
	EXPECT(st & S_NEEDS_RESET);
	EXPECT(isr_v & 2);
	EXPECT_EQ(used.idx, used_before);
}

/* A read whose data buffer is (addr, len): must break the device. */
static void bad_read(u64 addr, u32 len, const char *what)
{
	EXPECT(dev_init(0));
	blk_io(BLK_T_IN, 0, addr, len);
	expect_broken(0, what);
}

/* ---- cases ------------------------------------------------------------ */

static void device_found(void)
{
	EXPECT(find_device(0x1042));
	if (!common)
		guest_exit(1); /* nothing else can run */
	EXPECT(dev_features(0));
	EXPECT_EQ(cr16(C_NUMQ), 1);
	/* capacity (le64 at 0 of the device configuration) */
	EXPECT_EQ(*(volatile u32 *)device_cfg, DISK_SECTORS);
	EXPECT_EQ(*(volatile u32 *)(device_cfg + 4), 0);
	good_read(0);
	good_read(DISK_SECTORS - 2);
}

/* The driver can neither skip FEATURES_OK, nor omit VERSION_1, nor set
 * NEEDS_RESET itself. */
static void status_protocol(void)
{
	cw8(C_STATUS, 0);
	cw8(C_STATUS, S_ACK | S_DRIVER);
	cw8(C_STATUS, S_ACK | S_DRIVER | S_DRIVER_OK);
	EXPECT_EQ(status(), S_ACK | S_DRIVER);
	cw32(C_GFSEL, 1);
	cw32(C_GF, 0); /* no VERSION_1 */
	cw8(C_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	EXPECT_EQ(status(), S_ACK | S_DRIVER);
	cw8(C_STATUS, S_ACK | S_DRIVER | S_NEEDS_RESET);
	EXPECT_EQ(status() & S_NEEDS_RESET, 0);
	good_read(2);
}

static void descriptor_loop(void)
{
	EXPECT(dev_init(0));
	hdr.type = BLK_T_IN;
	hdr.sector = 0;
	set_desc(0, (u32)&hdr, sizeof(hdr), D_NEXT, 1);
	set_desc(1, (u32)buf, SECTOR, D_NEXT | D_WRITE, 2);
	set_desc(2, (u32)buf + SECTOR, SECTOR, D_NEXT | D_WRITE, 1);
	submit(0);
	expect_broken(0, "loop");
	/* A chain pointing at itself. */
	EXPECT(dev_init(0));
	set_desc(0, (u32)&hdr, sizeof(hdr), D_NEXT, 0);
	submit(0);
	expect_broken(0, "self loop");
	good_read(4);
}

static void buffer_outside_ram(void)
{
	bad_read(ram_end, SECTOR, "at the end of RAM");
	bad_read(ram_end - 256, SECTOR, "straddling the end of RAM");
	bad_read(0x7FFFFFFFull, SECTOR, "in the 32-bit hole");
	bad_read(1ull << 40, SECTOR, "at 1 TiB");
	bad_read(0xFFFFFFFFFFFFFE00ull, SECTOR, "at the top of 2^64");
	good_read(6);
}

static void buffer_wraps(void)
{
	bad_read(0xFFFFFFFFFFFFF000ull, 0x2000, "wrapping past 2^64");
	bad_read(0xFFFFFFFFFFFFFFFFull, 2, "one byte before 2^64");
	good_read(8);
}

/* GPA 0x200000 is where the hypervisor lives on the host: for us it is
 * plain RAM, and a DMA there lands in our RAM only. Above RAM, the
 * hypervisor's addresses mirrored above 4 GiB, the device's own BAR and
 * the APICs are no RAM at all. */
static void hypervisor_addresses(void)
{
	u8 *low = (u8 *)0x200000;

	memset(low, 0, 2 * SECTOR);
	EXPECT(dev_init(0));
	EXPECT_EQ(blk_io(BLK_T_IN, 10, 0x200000, 2 * SECTOR), BLK_S_OK);
	EXPECT(sector_ok(low, 10));
	EXPECT(sector_ok(low + SECTOR, 11));
	bad_read(0x100200000ull, SECTOR, "hypervisor above 4G");
	bad_read(0x200000ull + ram_end, SECTOR, "hypervisor past RAM");
	bad_read(bar0, SECTOR, "the device's own BAR");
	bad_read(0xFEE00000ull, SECTOR, "the local APIC");
	bad_read(0xFEC00000ull, SECTOR, "the IOAPIC");
	good_read(12);
}

static void oversized_length(void)
{
	/* Inside RAM but beyond the 16 MiB a chain may carry. */
	bad_read(0x400000, (16u << 20) + SECTOR, "17 MiB buffer");
	EXPECT(dev_init(0));
	hdr.type = BLK_T_IN;
	hdr.sector = 0;
	set_desc(0, (u32)&hdr, sizeof(hdr), D_NEXT, 1);
	set_desc(1, 0x400000, 9u << 20, D_NEXT | D_WRITE, 2);
	set_desc(2, 0x400000, 9u << 20, D_NEXT | D_WRITE, 3);
	set_desc(3, (u32)&blk_status, 1, D_WRITE, 0);
	submit(0);
	expect_broken(0, "two 9 MiB buffers");
	bad_read(0x100000, 0xFFFFFFFFu, "4 GiB length");
	good_read(14);
}

static void queue_size_checks(void)
{
	rings_clear();
	EXPECT(dev_features(0));
	cw16(C_QSEL, 0);
	EXPECT_EQ(cr16(C_QSIZE), QMAX);
	cw16(C_QSIZE, 15);
	EXPECT_EQ(cr16(C_QSIZE), QMAX);
	cw16(C_QSIZE, 0);
	EXPECT_EQ(cr16(C_QSIZE), QMAX);
	cw16(C_QSIZE, 2 * QMAX);
	EXPECT_EQ(cr16(C_QSIZE), QMAX);
	cw16(C_QSIZE, QSZ);
	EXPECT_EQ(cr16(C_QSIZE), QSZ);
	/* A queue that does not exist has size 0 and cannot be set up. */
	cw16(C_QSEL, 1);
	EXPECT_EQ(cr16(C_QSIZE), 0);
	cw16(C_QSIZE, QSZ);
	cw16(C_QENABLE, 1);
	EXPECT_EQ(cr16(C_QSIZE), 0);
	EXPECT_EQ(cr16(C_QENABLE), 0);
	cw16(C_QSEL, 0xFFFF);
	EXPECT_EQ(cr16(C_QSIZE), 0);
	EXPECT_EQ(status() & S_NEEDS_RESET, 0);
	good_read(16);
}

/* Rings themselves misplaced: refused when the queue is enabled. */
static void ring_outside_ram(void)
{
	rings_clear();
	EXPECT(dev_features(0));
	queue_setup_at(ram_end - 64, (u32)&avail, (u32)&used);
	EXPECT(status() & S_NEEDS_RESET);
	rings_clear();
	EXPECT(dev_features(0));
	queue_setup_at((u32)dtab, 0xFFFFFFFFFFFFFFFEull, (u32)&used);
	EXPECT(status() & S_NEEDS_RESET);
	rings_clear();
	EXPECT(dev_features(0));
	queue_setup_at((u32)dtab + 8, (u32)&avail, (u32)&used);
	EXPECT(status() & S_NEEDS_RESET);
	good_read(18);
}

static void stray_notifications(void)
{
	/* Queue 0 never set up: a doorbell before and after DRIVER_OK. */
	rings_clear();
	EXPECT(dev_features(0));
	avail.idx = 1;
	notify(0);
	cw8(C_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	notify(0);
	/* Doorbells of queues that do not exist, inside the BAR. */
	notify(1);
	notify(7);
	notify(100);
	*(volatile u32 *)(notify_base + 2) = 0xFFFFFFFF;
	EXPECT_EQ(status(), S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	EXPECT_EQ(used.idx, 0);
	/* A set-up queue notified with nothing new: nothing happens. */
	EXPECT(dev_init(0));
	notify(0);
	notify(0);
	EXPECT_EQ(used.idx, 0);
	EXPECT_EQ(status() & S_NEEDS_RESET, 0);
	good_read(20);
}

static void avail_index_jump(void)
{
	EXPECT(dev_init(0));
	blk_chain(0, BLK_T_IN, 0, (u32)buf, SECTOR);
	avail.ring[0] = 0;
	avail.idx = 1000;
	notify(0);
	expect_broken(0, "avail idx +1000");
	/* A head index beyond the queue. */
	EXPECT(dev_init(0));
	blk_chain(0, BLK_T_IN, 0, (u32)buf, SECTOR);
	avail.ring[0] = QSZ + 3;
	avail.idx = 1;
	notify(0);
	expect_broken(0, "head out of range");
	/* A next index beyond the queue. */
	EXPECT(dev_init(0));
	blk_chain(0, BLK_T_IN, 0, (u32)buf, SECTOR);
	dtab[1].next = 200;
	submit(0);
	expect_broken(0, "next out of range");
	good_read(22);
}

/* One indirect descriptor in the ring pointing at table (n entries). */
static void submit_indirect(u64 table, u32 len)
{
	set_desc(0, table, len, D_INDIRECT, 0);
	submit(0);
}

static void fill_itab(void)
{
	hdr.type = BLK_T_IN;
	hdr.ioprio = 0;
	hdr.sector = 24;
	blk_status = 0xEE;
	itab[0] = (struct desc){ (u32)&hdr, sizeof(hdr), D_NEXT, 1 };
	itab[1] = (struct desc){ (u32)buf, SECTOR, D_NEXT | D_WRITE, 2 };
	itab[2] = (struct desc){ (u32)&blk_status, 1, D_WRITE, 0 };
}

static void indirect_tables(void)
{
	/* First a good one: the feature works, so refusals below count. */
	EXPECT(dev_init(F_INDIRECT));
	fill_itab();
	memset(buf, 0, SECTOR);
	submit_indirect((u32)itab, 3 * sizeof(struct desc));
	EXPECT_EQ(used.idx, 1);
	EXPECT_EQ(blk_status, BLK_S_OK);
	EXPECT(sector_ok(buf, 24));
	/* Lengths: not a multiple of 16, zero, more entries than the queue. */
	static const u32 bad_len[] = { 17, 0, 40, (QSZ + 1) * 16 };

	for (unsigned int i = 0; i < ARRAY_SIZE(bad_len); i++) {
		EXPECT(dev_init(F_INDIRECT));
		fill_itab();
		submit_indirect((u32)itab, bad_len[i]);
		expect_broken(0, "indirect length");
	}
	/* The table itself outside RAM, or wrapping. */
	EXPECT(dev_init(F_INDIRECT));
	submit_indirect(ram_end, 3 * 16);
	expect_broken(0, "indirect table outside RAM");
	EXPECT(dev_init(F_INDIRECT));
	submit_indirect(0xFFFFFFFFFFFFFFF0ull, 32);
	expect_broken(0, "indirect table wrapping");
	/* Not negotiated. */
	EXPECT(dev_init(0));
	fill_itab();
	submit_indirect((u32)itab, 3 * sizeof(struct desc));
	expect_broken(0, "indirect not negotiated");
	/* An indirect descriptor that also has NEXT. */
	EXPECT(dev_init(F_INDIRECT));
	fill_itab();
	set_desc(0, (u32)itab, 3 * sizeof(struct desc), D_INDIRECT | D_NEXT, 1);
	set_desc(1, (u32)&blk_status, 1, D_WRITE, 0);
	submit(0);
	expect_broken(0, "indirect with next");
	/* A loop inside the table. */
	EXPECT(dev_init(F_INDIRECT));
	fill_itab();
	itab[2].flags = D_WRITE | D_NEXT;
	itab[2].next = 1;
	submit_indirect((u32)itab, 3 * sizeof(struct desc));
	expect_broken(0, "loop in an indirect table");
	good_read(26);
}

static void nested_indirect(void)
{
	EXPECT(dev_init(F_INDIRECT));
	fill_itab();
	itab2[0] = (struct desc){ (u32)itab, 3 * sizeof(struct desc),
				  D_INDIRECT, 0 };
	submit_indirect((u32)itab2, sizeof(struct desc));
	expect_broken(0, "nested indirect");
	/* An indirect table that points at itself. */
	EXPECT(dev_init(F_INDIRECT));
	itab2[0] = (struct desc){ (u32)itab2, 16, D_INDIRECT, 0 };
	submit_indirect((u32)itab2, sizeof(struct desc));
	expect_broken(0, "self-nested indirect");
	good_read(28);
}

/* A write whose data lies outside RAM must write nothing to the disk. */
static void write_from_outside_ram(void)
{
	static const u64 where[] = { 0x100000000ull, 0xFFFFFFFFFFFFF000ull,
				     0xFEE00000ull };

	for (unsigned int i = 0; i < ARRAY_SIZE(where); i++) {
		EXPECT(dev_init(0));
		blk_io(BLK_T_OUT, 30, where[i], SECTOR);
		expect_broken(0, "write from outside RAM");
	}
	/* Data straddling the end of RAM. */
	EXPECT(dev_init(0));
	blk_io(BLK_T_OUT, 30, ram_end - 256, SECTOR);
	expect_broken(0, "write straddling the end of RAM");
	good_read(30); /* sectors 30 and 31 as they were */
}

/* A good request and a bad one queued together: the first completes,
 * then the device stops. */
static void good_then_bad(void)
{
	EXPECT(dev_init(0));
	memset(buf, 0, SECTOR);
	/* Both share the header: the second call sets sector 32. */
	blk_chain(3, BLK_T_IN, 33, 1ull << 36, SECTOR);
	blk_chain(0, BLK_T_IN, 32, (u32)buf, SECTOR);
	avail.ring[0] = 0;
	avail.ring[1] = 3;
	avail.idx = avail_idx = 2;
	notify(0);
	EXPECT_EQ(used.idx, 1);
	EXPECT(sector_ok(buf, 32));
	expect_broken(1, "second of two");
	good_read(34);
}

/* The PCI configuration access capability: a window into BAR 0 that
 * takes bar, offset and length from the driver. */
static void pcicfg_window(u8 bar, u32 off, u32 len)
{
	pci_write8(bdf, pcicfg_cap + 4, bar);
	pci_write32(bdf, pcicfg_cap + 8, off);
	pci_write32(bdf, pcicfg_cap + 12, len);
}

static void pci_cfg_access(void)
{
	static const struct {
		u8 bar;
		u32 off, len;
	} bad[] = {
		{ 0, C_STATUS, 3 },	     { 0, C_STATUS + 1, 2 },
		{ 1, C_STATUS, 1 },	     { 5, C_STATUS, 1 },
		{ 0, 0x4000 + C_STATUS, 1 }, { 0, 0xFFFFFFFC, 4 },
		{ 0, C_STATUS, 0 },
	};
	u8 st;

	EXPECT(pcicfg_cap != 0);
	if (!pcicfg_cap)
		return;
	EXPECT(dev_init(0));
	st = status();
	/* Read the status and ring the doorbell through the window. */
	pcicfg_window(0, common - bar0 + C_STATUS, 1);
	EXPECT_EQ(pci_read8(bdf, pcicfg_cap + 16), st);
	memset(buf, 0, SECTOR);
	blk_chain(0, BLK_T_IN, 40, (u32)buf, SECTOR);
	avail.ring[0] = 0;
	avail.idx = avail_idx = 1;
	pcicfg_window(0, notify_base - bar0, 2);
	pci_write32(bdf, pcicfg_cap + 16, 0);
	EXPECT_EQ(used.idx, 1);
	EXPECT_EQ(blk_status, BLK_S_OK);
	EXPECT(sector_ok(buf, 40));
	/* Bad windows: a write of 0 (reset) through them does nothing, and
	 * reads give nothing of the device. */
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		pcicfg_window(bad[i].bar, bad[i].off, bad[i].len);
		pci_write32(bdf, pcicfg_cap + 16, 0);
		EXPECT_EQ(status(), st);
	}
	/* A good window resets the device. */
	pcicfg_window(0, common - bar0 + C_STATUS, 1);
	pci_write32(bdf, pcicfg_cap + 16, 0);
	EXPECT_EQ(status(), 0);
	good_read(42);
}

/* ---- MSI-X: the device's interrupts at hostile addresses and data ---- */
#define LAPIC 0xFEE00000u
#define LAPIC_ID 0x20
#define LAPIC_EOI 0xB0
#define LAPIC_SVR 0xF0
#define VEC_CONFIG 0x38
#define VEC_QUEUE 0x39
#define VEC_SPURIOUS 0x3F
#define MSIX_ENABLE 0x8000

static volatile u32 irqs[GUEST_NR_VECTORS];

static void on_irq(struct frame *f)
{
	irqs[f->vector]++;
	if (f->vector >= 32 && f->vector != VEC_SPURIOUS)
		*(volatile u32 *)(LAPIC + LAPIC_EOI) = 0;
}

/* Let pending interrupts in. */
static void irq_window(void)
{
	__asm__ volatile("sti" ::: "memory");
	for (int i = 0; i < 100; i++)
		barrier();
	__asm__ volatile("cli" ::: "memory");
}

static void msix_entry(unsigned int i, u64 addr, u32 data, bool masked)
{
	volatile u32 *e = (volatile u32 *)(msix_table + 16 * i);

	e[3] = 1; /* masked while it changes */
	e[0] = (u32)addr;
	e[1] = (u32)(addr >> 32);
	e[2] = data;
	e[3] = masked;
}

/* Reset and set up with the config interrupt on table entry 0 and the
 * queue's on entry 1. */
static bool dev_init_msix(void)
{
	rings_clear();
	if (!dev_features(0))
		return false;
	cw16(C_MSIX_CONFIG, 0);
	cw16(C_QSEL, 0);
	cw16(C_QMSIX, 1);
	queue_setup_at((u32)dtab, (u32)&avail, (u32)&used);
	return cr16(C_MSIX_CONFIG) == 0 && cr16(C_QMSIX) == 1;
}

/* A broken request: NEEDS_RESET raises the config interrupt. */
static void config_irq(void)
{
	EXPECT(dev_init_msix());
	blk_io(BLK_T_IN, 0, 1ull << 40, SECTOR);
	EXPECT(status() & S_NEEDS_RESET);
	irq_window();
}

static u32 irq_total(void)
{
	u32 n = 0;

	for (unsigned int i = 0; i < GUEST_NR_VECTORS; i++)
		n += irqs[i];
	return n;
}

static void msix_interrupts(void)
{
	u32 me, n;

	EXPECT(msix_cap && msix_table);
	if (!msix_cap || !msix_table)
		return;
	for (unsigned int v = 2; v < GUEST_NR_VECTORS; v++)
		if (v == 2 || v == 3 || v >= 32)
			set_handler(v, on_irq);
	*(volatile u32 *)(LAPIC + LAPIC_SVR) = 0x100 | VEC_SPURIOUS;
	me = (*(volatile u32 *)(LAPIC + LAPIC_ID) >> 24) << 12;
	msix_entry(0, LAPIC | me, VEC_CONFIG, false);
	msix_entry(1, LAPIC | me, VEC_QUEUE, false);
	pci_write16(bdf, msix_cap + 2, MSIX_ENABLE);

	/* Vectors beyond the table are refused (read NO_VECTOR). */
	EXPECT(dev_init_msix());
	cw16(C_MSIX_CONFIG, 2);
	EXPECT_EQ(cr16(C_MSIX_CONFIG), 0xFFFF);
	cw16(C_MSIX_CONFIG, 0);

	/* Good: a completion on VEC_QUEUE, a broken request on VEC_CONFIG. */
	EXPECT_EQ(blk_io(BLK_T_IN, 44, (u32)buf, SECTOR), BLK_S_OK);
	irq_window();
	EXPECT_EQ(irqs[VEC_QUEUE], 1);
	config_irq();
	EXPECT_EQ(irqs[VEC_CONFIG], 1);

	/* Masked: held pending (PBA bit), sent on unmask. */
	msix_entry(0, LAPIC | me, VEC_CONFIG, true);
	config_irq();
	EXPECT_EQ(irqs[VEC_CONFIG], 1);
	EXPECT(*(volatile u32 *)(msix_table + 16 * 2) & 1);
	msix_entry(0, LAPIC | me, VEC_CONFIG, false);
	irq_window();
	EXPECT_EQ(irqs[VEC_CONFIG], 2);

	/* Hostile messages: into our RAM, above 4G, illegal vector, SMI,
	 * reserved mode, ExtINT, SIPI to a running CPU: none arrives and
	 * none writes memory. */
	static const struct {
		u64 addr;
		u32 data;
	} bad[] = {
		{ 0, VEC_CONFIG },
		{ 1ull << 32 | LAPIC, VEC_CONFIG },
		{ LAPIC, 3 },
		{ LAPIC, 0x200 | VEC_CONFIG },
		{ LAPIC, 0x300 | VEC_CONFIG },
		{ LAPIC, 0x700 | VEC_CONFIG },
		{ LAPIC, 0x600 | 0x10 },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		u64 addr = bad[i].addr ? bad[i].addr | me : (u32)buf;

		memset(buf, 0x5A, SECTOR);
		n = irq_total();
		msix_entry(0, addr, bad[i].data, false);
		config_irq();
		if (irq_total() != n)
			printf("# message %u delivered\n", i);
		EXPECT_EQ(irq_total(), n);
		for (u32 b = 0; b < SECTOR; b++)
			if (buf[b] != 0x5A) {
				printf("# message %u wrote RAM\n", i);
				ktap_case_ok = false;
				break;
			}
	}
	/* NMI delivery mode: an NMI, whatever IF says. */
	msix_entry(0, LAPIC | me, 0x400, false);
	config_irq();
	EXPECT_EQ(irqs[2], 1);

	printf("# interrupts: queue %u, config %u, NMI %u\n", irqs[VEC_QUEUE],
	       irqs[VEC_CONFIG], irqs[2]);
	pci_write16(bdf, msix_cap + 2, 0);
	good_read(46);
	irq_window();
	EXPECT_EQ(irqs[3], 0);
}

/* The driver moves and sizes the BAR; accesses straddling its ends. */
static void bar_relocation(void)
{
	static const u32 moved = 0xD0000000u;

	EXPECT(dev_features(0));
	pci_write32(bdf, 0x10, 0xFFFFFFFFu);
	EXPECT_EQ(pci_read32(bdf, 0x10), 0xFFFFC000u); /* 16 KiB, mem32 */
	EXPECT_EQ(*(volatile u16 *)(common + C_NUMQ), 0xFFFF);
	pci_write32(bdf, 0x10, moved);
	EXPECT_EQ(pci_read32(bdf, 0x10), moved);
	EXPECT_EQ(*(volatile u16 *)(moved + (common - bar0) + C_NUMQ), 1);
	EXPECT_EQ(*(volatile u16 *)(common + C_NUMQ), 0xFFFF);
	/* Half in, half out of the BAR: nobody's, reads all-ones. */
	EXPECT_EQ(*(volatile u32 *)(moved + 0x3FFE), 0xFFFFFFFFu);
	EXPECT_EQ(*(volatile u32 *)(moved - 2), 0xFFFFFFFFu);
	*(volatile u32 *)(moved + 0x3FFE) = 0;
	*(volatile u32 *)(moved - 2) = 0;
	/* Straddling the doorbells and the MSI-X table. */
	*(volatile u32 *)(moved + 0x37FE) = 0;
	pci_write32(bdf, 0x10, bar0);
	EXPECT_EQ(pci_read32(bdf, 0x10), bar0);
	EXPECT_EQ(status(), S_ACK | S_DRIVER | S_FEATURES_OK);
	good_read(48);
}

/* Data landing on the rings themselves: the device keeps its own
 * indices, so at worst the queue breaks; a reset recovers. */
static void dma_over_rings(void)
{
	EXPECT(dev_init(0));
	EXPECT_EQ(blk_io(BLK_T_IN, 50, (u32)&used, 2 * SECTOR), 0);
	EXPECT_EQ(used.idx, 1); /* written after the data */
	EXPECT_EQ(used.ring[0].id, 0);
	EXPECT(dev_init(0));
	blk_io(BLK_T_IN, 50, (u32)&avail, 2 * SECTOR);
	EXPECT(dev_init(0));
	blk_io(BLK_T_IN, 50, (u32)dtab, 2 * SECTOR);
	good_read(52);
}

/* Bus mastering off resets the device; it serves nothing until set up
 * again. */
static void bus_master_off(void)
{
	EXPECT(dev_init(0));
	pci_write16(bdf, PCI_COMMAND, PCI_CMD_MEM);
	EXPECT_EQ(status(), 0);
	pci_write16(bdf, PCI_COMMAND, PCI_CMD_MEM | PCI_CMD_MASTER);
	good_read(36);
}

/* ---- virtio-net: the transmit queue -------------------------------- */
#define NET_HDR_LEN 12
#define NET_TXQ 1

static u8 frame[NET_HDR_LEN + 9000];

/* Reset and set up the transmit queue only (receive stays off). */
static bool net_init(void)
{
	rings_clear();
	if (!dev_features(0))
		return false;
	cw16(C_QSEL, NET_TXQ);
	cw16(C_QSIZE, QSZ);
	cw64(C_QDESC, (u32)dtab);
	cw64(C_QDRIVER, (u32)&avail);
	cw64(C_QDEVICE, (u32)&used);
	cw16(C_QENABLE, 1);
	cw8(C_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	return status() == (S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
}

/* One transmit chain of n descriptors set up by the caller. */
static void net_send(void)
{
	avail.ring[avail_idx % QSZ] = 0;
	barrier();
	avail.idx = ++avail_idx;
	barrier();
	notify(cr16(C_QNOTIFY_OFF));
}

/* A broadcast frame of len bytes (after the virtio-net header). */
static void net_frame(u32 len)
{
	memset(frame, 0, sizeof(frame));
	memset(frame + NET_HDR_LEN, 0xFF, 6); /* to everyone */
	frame[NET_HDR_LEN + 6] = 0x52; /* from a made-up local MAC */
	frame[NET_HDR_LEN + 11] = 0x99;
	frame[NET_HDR_LEN + 12] = 0x88; /* local experimental EtherType */
	frame[NET_HDR_LEN + 13] = 0xB5;
	set_desc(0, (u32)frame, NET_HDR_LEN + len, 0, 0);
}

static void virtio_net_tx(void)
{
	EXPECT(find_device(0x1041));
	if (!common)
		goto out;
	/* Good, short and oversized frames complete (the last two unsent);
	 * none breaks the device. */
	static const u32 lens[] = { 60, 4, 9000, 1514 };

	EXPECT(net_init());
	for (unsigned int i = 0; i < ARRAY_SIZE(lens); i++) {
		net_frame(lens[i]);
		net_send();
		EXPECT_EQ(used.idx, i + 1);
	}
	EXPECT_EQ(status() & S_NEEDS_RESET, 0);
	/* A device-writable buffer in a transmit chain. */
	EXPECT(net_init());
	net_frame(60);
	dtab[0].flags = D_WRITE;
	net_send();
	expect_broken(0, "writable transmit buffer");
	/* A loop, a frame outside RAM, one wrapping past 2^64. */
	EXPECT(net_init());
	net_frame(60);
	dtab[0].flags = D_NEXT;
	dtab[0].next = 0;
	net_send();
	expect_broken(0, "transmit loop");
	EXPECT(net_init());
	set_desc(0, ram_end - 32, 64, 0, 0);
	net_send();
	expect_broken(0, "transmit frame outside RAM");
	EXPECT(net_init());
	set_desc(0, 0xFFFFFFFFFFFFFFC0ull, 128, 0, 0);
	net_send();
	expect_broken(0, "transmit frame wrapping");
	/* Works again after a reset. */
	EXPECT(net_init());
	net_frame(60);
	net_send();
	EXPECT_EQ(used.idx, 1);
	EXPECT_EQ(status() & S_NEEDS_RESET, 0);
	cw8(C_STATUS, 0);
out:
	EXPECT(find_device(0x1042)); /* back to the disk */
}

/* After all that: write, read back, neighbours untouched. */
static void final_round_trip(void)
{
	static u8 out[2 * SECTOR];

	for (u32 i = 0; i < sizeof(out); i++)
		out[i] = (u8)(i * 13 + 0x3C);
	EXPECT(dev_init(0));
	EXPECT_EQ(blk_io(BLK_T_OUT, 100, (u32)out, sizeof(out)), BLK_S_OK);
	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(blk_io(BLK_T_IN, 99, (u32)buf, 4 * SECTOR), BLK_S_OK);
	EXPECT(sector_ok(buf, 99));
	EXPECT(!memcmp(buf + SECTOR, out, sizeof(out)));
	EXPECT(sector_ok(buf + 3 * SECTOR, 102));
	/* Beyond the disk: an I/O error, not a broken device. */
	EXPECT_EQ(blk_io(BLK_T_IN, DISK_SECTORS - 1, (u32)buf, 2 * SECTOR), 1);
	EXPECT_EQ(status() & S_NEEDS_RESET, 0);
	/* Sector 30, which the hostile writes aimed at, is intact. */
	good_read(30);
}

void guest_main(void)
{
	ram_end = 0x100000 + mb->mem_upper * 1024;
	printf("# %u MiB of RAM, image %#x-%#x\n", ram_end >> 20,
	       (u32)_start_image, (u32)_end);
	ktap_plan(22);
	ktap_case("device_found", device_found);
	ktap_case("status_protocol", status_protocol);
	ktap_case("descriptor_loop", descriptor_loop);
	ktap_case("buffer_outside_ram", buffer_outside_ram);
	ktap_case("buffer_wraps", buffer_wraps);
	ktap_case("hypervisor_addresses", hypervisor_addresses);
	ktap_case("oversized_length", oversized_length);
	ktap_case("queue_size_checks", queue_size_checks);
	ktap_case("ring_outside_ram", ring_outside_ram);
	ktap_case("stray_notifications", stray_notifications);
	ktap_case("avail_index_jump", avail_index_jump);
	ktap_case("indirect_tables", indirect_tables);
	ktap_case("nested_indirect", nested_indirect);
	ktap_case("write_from_outside_ram", write_from_outside_ram);
	ktap_case("good_then_bad", good_then_bad);
	ktap_case("pci_cfg_access", pci_cfg_access);
	ktap_case("msix_interrupts", msix_interrupts);
	ktap_case("bar_relocation", bar_relocation);
	ktap_case("dma_over_rings", dma_over_rings);
	ktap_case("bus_master_off", bus_master_off);
	ktap_case("virtio_net_tx", virtio_net_tx);
	ktap_case("final_round_trip", final_round_trip);
	ktap_done();
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host stand-ins for the services the virtio models use (guest RAM, the
 * vpci bridge, interrupts, the VM console) and a test driver that speaks
 * the modern virtio-pci protocol through the device's BAR ops, the way
 * Linux's virtio_pci_modern does. Included once by each virtio test.
 *
 * Guest RAM is RAM_CHUNKS separate 2 MiB allocations with guard zones on
 * both sides: a device that treated RAM as contiguous, or went outside
 * it, trips ASan or the guard check. Every call of the RAM services with
 * a range outside RAM is counted in bad_access: a device must validate
 * guest addresses before it touches them, so tests expect 0.
 */
#ifndef VIRTIO_HARNESS_H
#define VIRTIO_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../virt/dev/virtio.h"
#include "unit.h"

#define RAM_CHUNKS 3
#define RAM_SIZE ((u64)RAM_CHUNKS * GMEM_CHUNK_SIZE)
#define GUARD 4096

static u8 *chunk_mem[RAM_CHUNKS];
static struct vm tvm;
static u64 bad_access;

void *gpa_to_hva(struct vm *vm, gpa_t gpa)
{
	if (gpa >= vm->ram_size) {
		bad_access++;
		return NULL;
	}
	return chunk_mem[gpa >> GMEM_CHUNK_SHIFT] + GUARD +
	       (gpa & (GMEM_CHUNK_SIZE - 1));
}

static inline int ram_copy(struct vm *vm, gpa_t gpa, void *buf, size_t len,
			   bool to_guest)
{
	u8 *p = buf;

	if (gpa + len < gpa || gpa + len > vm->ram_size) {
		bad_access++;
		return -1;
	}
	while (len) {
		size_t n = GMEM_CHUNK_SIZE - (gpa & (GMEM_CHUNK_SIZE - 1));
		u8 *h = chunk_mem[gpa >> GMEM_CHUNK_SHIFT] + GUARD +
			(gpa & (GMEM_CHUNK_SIZE - 1));

		n = n < len ? n : len;
		if (to_guest)
			memcpy(h, p, n);
		else
			memcpy(p, h, n);
		p += n;
		gpa += n;
		len -= n;
	}
	return 0;
}

int vm_write_phys(struct vm *vm, gpa_t gpa, const void *src, size_t len)
{
	return ram_copy(vm, gpa, (void *)src, len, true);
}

int vm_read_phys(struct vm *vm, gpa_t gpa, void *dst, size_t len)
{
	return ram_copy(vm, gpa, dst, len, false);
}

static inline void ram_setup(void)
{
	for (int i = 0; i < RAM_CHUNKS; i++) {
		chunk_mem[i] = malloc(GMEM_CHUNK_SIZE + 2 * GUARD);
		memset(chunk_mem[i], 0xA5, GUARD);
		memset(chunk_mem[i] + GUARD, 0, GMEM_CHUNK_SIZE);
		memset(chunk_mem[i] + GUARD + GMEM_CHUNK_SIZE, 0xA5, GUARD);
	}
	memset(&tvm, 0, sizeof(tvm));
	strcpy(tvm.name, "tvm");
	tvm.ram_size = RAM_SIZE;
	tvm.nr_chunks = RAM_CHUNKS;
	bad_access = 0;
}

/* True if no byte around the RAM chunks changed. */
static inline bool ram_guards_intact(void)
{
	for (int i = 0; i < RAM_CHUNKS; i++)
		for (int j = 0; j < GUARD; j++)
			if (chunk_mem[i][j] != 0xA5 ||
			    chunk_mem[i][GUARD + GMEM_CHUNK_SIZE + j] != 0xA5)
				return false;
	return true;
}

/* ---- VM services -------------------------------------------------------- */

#define MAX_ALLOCS 16
static void *allocs[MAX_ALLOCS];
static char console_out[4096];
static size_t console_len;

void *vm_dev_zalloc(struct vm *vm, size_t size)
{
	for (int i = 0; i < MAX_ALLOCS; i++)
		if (!allocs[i])
			return allocs[i] = calloc(1, size);
	return NULL;
}

void vm_console_putc(struct vm *vm, char c)
{
	if (console_len + 1 < sizeof(console_out))
		console_out[console_len++] = c;
	console_out[console_len] = 0;
}

void printk(int level, const char *fmt, ...)
{
	(void)level;
	(void)fmt; /* quiet: the tests check counters */
}

static inline void ram_teardown(void)
{
	CHECK(ram_guards_intact());
	for (int i = 0; i < RAM_CHUNKS; i++)
		free(chunk_mem[i]);
	for (int i = 0; i < MAX_ALLOCS; i++) {
		free(allocs[i]);
		allocs[i] = NULL;
	}
	console_len = 0;
	console_out[0] = 0;
}

#ifndef HARNESS_REAL_VPCI
/* ---- the vpci bridge ------------------------------------------------------ */

struct fake_irq {
	struct vpci_dev *d;
	unsigned int msix[64];
	int intx;
	bool msix_on;
};
static struct fake_irq fake_irqs[4];
static bool bus_master = true;

static inline struct fake_irq *irq_of(struct vpci_dev *d)
{
	for (int i = 0; i < 4; i++)
		if (fake_irqs[i].d == d)
			return &fake_irqs[i];
	for (int i = 0; i < 4; i++)
		if (!fake_irqs[i].d) {
			fake_irqs[i].d = d;
			return &fake_irqs[i];
		}
	abort();
}

static inline void irq_reset_all(void)
{
	memset(fake_irqs, 0, sizeof(fake_irqs));
	bus_master = true;
}

u8 vpci_add_cap(struct vpci_dev *d, const void *cap, unsigned int len)
{
	unsigned int off = d->cap_next < 0x40 ? 0x40 : d->cap_next, p;

	off = (off + 3) & ~3u;
	if (off + len > VPCI_CFG_SIZE - 4)
		return 0;
	memcpy(&d->cfg[off], cap, len);
	d->cfg[off + 1] = 0;
	d->cfg[0x34] = 0x40; /* capability pointer */
	for (p = 0x40; p != off && d->cfg[p + 1]; p = d->cfg[p + 1])
		;
	if (p != off)
		d->cfg[p + 1] = (u8)off;
	d->cap_next = (u8)((off + len + 3) & ~3u);
	return (u8)off;
}

int vpci_msix_init(struct vpci_dev *d, unsigned int nvec, unsigned int bar,
		   u32 offset)
{
	u8 cap[12] = { 0x11, 0, (u8)(nvec - 1) };

	if (nvec > 64 || offset + nvec * 16 + 8 > d->bar[bar].size)
		return -1;
	d->msix_nvec = (u16)nvec;
	d->msix_bar = (u8)bar;
	d->msix_off = offset;
	d->msix_cap = vpci_add_cap(d, cap, sizeof(cap));
	return d->msix_cap ? 0 : -1;
}

int vpci_register(struct vpci_host *h, struct vpci_dev *d, int slot)
{
	irq_of(d);
	return 1;
}

bool vpci_msix_enabled(struct vpci_dev *d)
{
	return irq_of(d)->msix_on;
}

void vpci_msix_notify(struct vpci_dev *d, unsigned int vector)
{
	CHECK(vector < d->msix_nvec);
	if (vector < 64)
		__atomic_add_fetch(&irq_of(d)->msix[vector], 1,
				   __ATOMIC_RELAXED);
}

void vpci_set_intx(struct vpci_dev *d, int level)
{
	irq_of(d)->intx = level;
}

bool vpci_bus_master(struct vpci_dev *d)
{
	return bus_master;
}

#else
/* The real bridge (virt/dev/pci.c): the test sets where BAR 0 and the
 * device's config space are. */
static u64 h_bar;
static unsigned int h_slot;
#endif

/* ---- the test driver ------------------------------------------------------- */

#define COFF(f) offsetof(struct virtio_pci_common_cfg, f)

struct tq {
	u16 size;
	u64 desc, avail, used;
	u16 avail_idx, used_seen, next_desc;
};

struct tdrv {
	struct virtio_dev *d;
	u32 common, notify, isr, device, pcicfg, mult;
	u32 device_len, notify_len;
	u64 features;
	u64 base; /* this driver's rings live here */
	struct tq q[VIRTIO_MAX_QUEUES];
};

static inline u64 bar_rd(struct tdrv *t, u64 off, unsigned int size)
{
#ifdef HARNESS_REAL_VPCI
	return io_bus_read(&tvm.mmio, h_bar + off, size);
#else
	return t->d->pci.ops->read(&t->d->pci, 0, off, size);
#endif
}

static inline void bar_wr(struct tdrv *t, u64 off, u64 val, unsigned int size)
{
#ifdef HARNESS_REAL_VPCI
	io_bus_write(&tvm.mmio, h_bar + off, val, size);
#else
	t->d->pci.ops->write(&t->d->pci, 0, off, val, size);
#endif
}

static inline u32 cfg_rd(struct vpci_dev *d, unsigned int off,
			 unsigned int size)
{
	u32 v = 0;

#ifdef HARNESS_REAL_VPCI
	io_bus_write(&tvm.pio, 0xCF8, 0x80000000u | h_slot << 11 | (off & ~3u),
		     4);
	return (u32)io_bus_read(&tvm.pio, 0xCFC + (off & 3), size);
#endif
	if (off >= d->cap_next)
		return d->cfg_read(d, off, size);
	memcpy(&v, &d->cfg[off], size);
	return v;
}

static inline void cfg_wr(struct vpci_dev *d, unsigned int off, u32 v,
			  unsigned int size)
{
#ifdef HARNESS_REAL_VPCI
	io_bus_write(&tvm.pio, 0xCF8, 0x80000000u | h_slot << 11 | (off & ~3u),
		     4);
	io_bus_write(&tvm.pio, 0xCFC + (off & 3), v, size);
	return;
#endif
	if (off >= d->cap_next)
		d->cfg_write(d, off, v, size);
}

static inline u64 common_rd(struct tdrv *t, unsigned int f, unsigned int size)
{
	return bar_rd(t, t->common + f, size);
}

static inline void common_wr(struct tdrv *t, unsigned int f, u64 v,
			     unsigned int size)
{
	bar_wr(t, t->common + f, v, size);
}

static inline u8 status_rd(struct tdrv *t)
{
	return (u8)common_rd(t, COFF(device_status), 1);
}

static inline void status_wr(struct tdrv *t, u8 s)
{
	common_wr(t, COFF(device_status), s, 1);
}

/* Find the vendor capabilities like virtio_pci_modern_dev does. */
static inline void drv_find_caps(struct tdrv *t)
{
	struct vpci_dev *pd = &t->d->pci;

	for (unsigned int p = cfg_rd(pd, 0x34, 1); p;
	     p = cfg_rd(pd, p + 1, 1)) {
		u8 type;
		u32 off, len;

		if (cfg_rd(pd, p, 1) != PCI_CAP_ID_VNDR)
			continue;
		type = (u8)cfg_rd(pd, p + 3, 1);
		if (type == VIRTIO_PCI_CAP_PCI_CFG) {
			t->pcicfg = p;
			continue;
		}
		CHECK_EQ(cfg_rd(pd, p + 4, 1), VIRTIO_BAR);
		off = cfg_rd(pd, p + 8, 4);
		len = cfg_rd(pd, p + 12, 4);
		switch (type) {
		case VIRTIO_PCI_CAP_COMMON_CFG: t->common = off; break;
		case VIRTIO_PCI_CAP_ISR_CFG: t->isr = off; break;
		case VIRTIO_PCI_CAP_DEVICE_CFG:
			t->device = off;
			t->device_len = len;
			break;
		case VIRTIO_PCI_CAP_NOTIFY_CFG:
			t->notify = off;
			t->notify_len = len;
			t->mult = cfg_rd(pd, p + 16, 4);
			break;
		}
	}
}

/* Reset .. FEATURES_OK. Returns the status read back. */
static inline u8 drv_begin(struct tdrv *t, struct virtio_dev *d, u64 base,
			   u64 want)
{
	u64 dev;

	memset(t, 0, sizeof(*t));
	t->d = d;
	t->base = base;
	drv_find_caps(t);
	status_wr(t, 0);
	CHECK_EQ(status_rd(t), 0);
	status_wr(t, VIRTIO_STATUS_ACKNOWLEDGE);
	status_wr(t, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	common_wr(t, COFF(device_feature_select), 0, 4);
	dev = common_rd(t, COFF(device_feature), 4);
	common_wr(t, COFF(device_feature_select), 1, 4);
	dev |= common_rd(t, COFF(device_feature), 4) << 32;
	t->features = dev & want;
	common_wr(t, COFF(driver_feature_select), 0, 4);
	common_wr(t, COFF(driver_feature), (u32)t->features, 4);
	common_wr(t, COFF(driver_feature_select), 1, 4);
	common_wr(t, COFF(driver_feature), t->features >> 32, 4);
	status_wr(t, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
			     VIRTIO_STATUS_FEATURES_OK);
	return status_rd(t);
}

static inline void wr64(struct tdrv *t, unsigned int f, u64 v)
{
	common_wr(t, f, (u32)v, 4);
	common_wr(t, f + 4, v >> 32, 4);
}

/* Lay out queue i at base + i * 64 KiB and enable it. */
static inline void drv_queue(struct tdrv *t, unsigned int i, u16 size)
{
	struct tq *q = &t->q[i];
	u64 at = t->base + i * 0x10000ull;

	common_wr(t, COFF(queue_select), i, 2);
	if (!size)
		size = (u16)common_rd(t, COFF(queue_size), 2);
	common_wr(t, COFF(queue_size), size, 2);
	q->size = (u16)common_rd(t, COFF(queue_size), 2);
	q->desc = at;
	q->avail = at + 0x1000;
	q->used = at + 0x2000;
	for (u64 g = at; g < at + 0x4000; g += 8) /* clean rings */
		vm_write_phys(&tvm, g, &(u64){ 0 }, 8);
	common_wr(t, COFF(queue_msix_vector), i + 1, 2);
	CHECK_EQ(common_rd(t, COFF(queue_msix_vector), 2), i + 1);
	wr64(t, COFF(queue_desc), q->desc);
	wr64(t, COFF(queue_driver), q->avail);
	wr64(t, COFF(queue_device), q->used);
	common_wr(t, COFF(queue_enable), 1, 2);
}

static inline void drv_ready(struct tdrv *t)
{
	common_wr(t, COFF(msix_config), 0, 2);
	status_wr(t, status_rd(t) | VIRTIO_STATUS_DRIVER_OK);
}

/* The whole sequence; every queue at its maximum size. */
static inline void drv_init(struct tdrv *t, struct virtio_dev *d, u64 base,
			    u64 want)
{
	u8 st = drv_begin(t, d, base, want);

	CHECK(st & VIRTIO_STATUS_FEATURES_OK);
	for (unsigned int i = 0; i < common_rd(t, COFF(num_queues), 2); i++)
		drv_queue(t, i, 0);
	drv_ready(t);
	CHECK(status_rd(t) & VIRTIO_STATUS_DRIVER_OK);
}

static inline void g_wr16(u64 gpa, u16 v)
{
	CHECK(!vm_write_phys(&tvm, gpa, &v, 2));
}

static inline u16 g_rd16(u64 gpa)
{
	u16 v = 0;

	CHECK(!vm_read_phys(&tvm, gpa, &v, 2));
	return v;
}

static inline u32 g_rd32(u64 gpa)
{
	u32 v = 0;

	CHECK(!vm_read_phys(&tvm, gpa, &v, 4));
	return v;
}

/* Write descriptor idx of a table at gpa. */
static inline void g_desc(u64 table, unsigned int idx, u64 addr, u32 len,
			  u16 flags, u16 next)
{
	struct virtq_desc d = {
		.addr = cpu_to_le64(addr),
		.len = cpu_to_le32(len),
		.flags = cpu_to_le16(flags),
		.next = cpu_to_le16(next),
	};

	CHECK(!vm_write_phys(&tvm, table + 16ull * idx, &d, sizeof(d)));
}

/* Publish head in the available ring. */
static inline void drv_publish(struct tdrv *t, unsigned int qi, u16 head)
{
	struct tq *q = &t->q[qi];

	g_wr16(q->avail + 4 + 2 * (q->avail_idx % q->size), head);
	q->avail_idx++;
	g_wr16(q->avail + 2, q->avail_idx);
}

struct tseg {
	u64 addr;
	u32 len;
	bool write;
};

/* Chain n segments through the next free descriptors; returns the head. */
static inline u16 drv_add(struct tdrv *t, unsigned int qi, const struct tseg *s,
			  unsigned int n)
{
	struct tq *q = &t->q[qi];
	u16 head = q->next_desc;

	for (unsigned int i = 0; i < n; i++) {
		u16 idx = (u16)((head + i) % q->size);
		u16 nx = (u16)((head + i + 1) % q->size);
		u16 fl = (s[i].write ? VIRTQ_DESC_F_WRITE : 0) |
			 (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0);

		g_desc(q->desc, idx, s[i].addr, s[i].len, fl, nx);
	}
	q->next_desc = (u16)((head + n) % q->size);
	drv_publish(t, qi, head);
	return head;
}

/* The same through an indirect table at table. */
static inline u16 drv_add_indirect(struct tdrv *t, unsigned int qi, u64 table,
				   const struct tseg *s, unsigned int n)
{
	struct tq *q = &t->q[qi];
	u16 head = q->next_desc;

	for (unsigned int i = 0; i < n; i++)
		g_desc(table, i, s[i].addr, s[i].len,
		       (s[i].write ? VIRTQ_DESC_F_WRITE : 0) |
			       (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0),
		       (u16)(i + 1));
	g_desc(q->desc, head, table, n * 16, VIRTQ_DESC_F_INDIRECT, 0);
	q->next_desc = (u16)((head + 1) % q->size);
	drv_publish(t, qi, head);
	return head;
}

static inline void drv_kick(struct tdrv *t, unsigned int qi)
{
	bar_wr(t, t->notify + qi * t->mult, qi, 2);
}

/* Next used element, if any. */
static inline bool drv_used(struct tdrv *t, unsigned int qi, u32 *id, u32 *len)
{
	struct tq *q = &t->q[qi];
	u16 slot;

	if (g_rd16(q->used + 2) == q->used_seen)
		return false;
	slot = q->used_seen % q->size;
	*id = g_rd32(q->used + 4 + 8 * slot);
	*len = g_rd32(q->used + 8 + 8 * slot);
	q->used_seen++;
	return true;
}

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's PCI host bridge: configuration mechanism #1 (0xCF8/0xCFC),
 * bus 0, function 0 of 32 slots, the 440FX-like host bridge at 00:00.0.
 *
 * The bridge owns the type 0 header of every device (IDs, command, status,
 * BARs with sizing, subsystem IDs, capability pointer, interrupt line and
 * pin), the capability list the device builds with vpci_add_cap(), MSI-X
 * (capability, table and PBA, which it intercepts in the device's BAR) and
 * INTx routing. Config space from cap_next up belongs to the device's
 * cfg_read/cfg_write. Capability bytes other than the MSI-X message
 * control are read-only.
 *
 * Like firmware, the bridge places each BAR in its window when the device
 * is plugged (size-aligned, decoding off), so the guest finds it assigned
 * and inside the root bridge's _CRS; the guest may move it.
 *
 * BAR accesses: one handler covers the MMIO window and one the I/O window;
 * an access goes to the device whose BAR is decoded (command bit) and
 * placed (address != 0) and contains the whole access. The device's ops
 * are called without the bridge lock, so they may signal interrupts.
 *
 * Interrupts: with MSI-X enabled, vpci_msix_notify() sends the entry's
 * message, or sets its pending bit while the function or the entry is
 * masked (sent when unmasked). With MSI-X disabled it does nothing: the
 * device uses INTx (vpci_set_intx) instead, as vpci_msix_enabled() tells
 * it. INTx pin A of slot s is wired to GSI 16 + s % 4; lines are shared
 * (wired-OR of the devices on them) and active-low like real INTx#
 * (Linux programs _PRT GSIs level/active-low): an idle line is driven
 * high. A device asserts its line only while INTx disable is clear and
 * MSI-X is off; the status register's interrupt bit shows the device's
 * own level regardless.
 *
 * The device's reset hook runs when the guest turns bus mastering off
 * (command bit 2 from 1 to 0): the device must stop DMA then, and Linux
 * clears it when a driver lets the device go.
 */
#include <pv/compiler.h>
#include <pv/printk.h>
#include <pv/string.h>
#include <pv/virt.h>
#include "platform.h"

#define VPCI_SLOTS 32
#define GSI_BASE 16
#define GSI_LINES 4
/* MSI-X table entries for all devices of a host, handed out at plug. */
#define MSIX_POOL 256

#define CONF1_ENABLE 0x80000000u

#define PCI_COMMAND 0x04
#define CMD_IO 0x0001
#define CMD_MEM 0x0002
#define CMD_MASTER 0x0004
#define CMD_INTX_DISABLE 0x0400
#define CMD_WRITABLE (CMD_IO | CMD_MEM | CMD_MASTER | CMD_INTX_DISABLE)
#define STS_INTX 0x0008
#define STS_CAPS 0x0010
#define PCI_CACHE_LINE 0x0C
#define PCI_LATENCY 0x0D
#define PCI_BAR0 0x10
#define PCI_CAP_PTR 0x34
#define PCI_INT_LINE 0x3C
#define PCI_INT_PIN 0x3D
#define PCI_CAP_START 0x40

#define CAP_ID_MSIX 0x11
#define MSIX_CAP_LEN 12
#define MSIX_CTRL_MASKALL 0x4000
#define MSIX_CTRL_ENABLE 0x8000
#define MSIX_ENTRY_SIZE 16
#define MSIX_VEC_MASKED 0x1

#define BRIDGE_VENDOR 0x8086 /* Intel 440FX PMC, as QEMU's pc machine */
#define BRIDGE_DEVICE 0x1237
#define BRIDGE_CLASS_REV 0x06000002u

struct vpci_host {
	struct vm *vm;
	spinlock_t lock;
	u32 conf_addr; /* 0xCF8 */
	struct vpci_dev *dev[VPCI_SLOTS];
	u8 line[GSI_LINES]; /* GSI 16 + i asserted (driven low) */
	unsigned int msix_used; /* entries of msix_pool handed out */
	u64 mem_next, io_next; /* where plug-time placement goes on */
	u64 msix_dropped; /* notifies for vectors that do not exist */
	struct vpci_dev bridge;
	u32 msix_pool[MSIX_POOL * 4];
};

struct msi_msg {
	u64 addr;
	u32 data;
};

static inline u16 cfg16(const struct vpci_dev *d, unsigned int off)
{
	return (u16)(d->cfg[off] | d->cfg[off + 1] << 8);
}

static inline void set_cfg16(struct vpci_dev *d, unsigned int off, u16 v)
{
	d->cfg[off] = (u8)v;
	d->cfg[off + 1] = (u8)(v >> 8);
}

static unsigned int cap_end(const struct vpci_dev *d)
{
	return d->cap_next < PCI_CAP_START ? PCI_CAP_START : d->cap_next;
}

static unsigned int slot_gsi(unsigned int slot)
{
	return GSI_BASE + slot % GSI_LINES;
}

/* ---- interrupts (host lock held) ------------------------------------ */

static u16 msix_ctrl(const struct vpci_dev *d)
{
	return d->msix_nvec ? cfg16(d, d->msix_cap + 2) : 0;
}

static bool intx_driven(const struct vpci_dev *d)
{
	return d->intx_level && !(cfg16(d, PCI_COMMAND) & CMD_INTX_DISABLE) &&
	       !(msix_ctrl(d) & MSIX_CTRL_ENABLE);
}

/* Recompute the wired-OR of slot's line and send a change (asserted is
 * electrically low). Called under the lock so that changes reach the
 * IOAPIC in order. */
static void intx_update(struct vpci_host *h, unsigned int slot)
{
	unsigned int l = slot % GSI_LINES;
	u8 level = 0;

	for (unsigned int s = l; s < VPCI_SLOTS; s += GSI_LINES)
		if (h->dev[s] && intx_driven(h->dev[s]))
			level = 1;
	if (level != h->line[l]) {
		h->line[l] = level;
		plat_set_irq(h->vm, slot_gsi(slot), !level);
	}
}

static u32 *msix_entry(struct vpci_dev *d, unsigned int vec)
{
	return &d->msix_table[vec * 4];
}

/* Pending entries that may be sent now: collect their messages and clear
 * their pending bits. Returns how many went into out. */
static unsigned int msix_collect(struct vpci_dev *d, struct msi_msg *out)
{
	u16 ctrl = msix_ctrl(d);
	unsigned int n = 0;

	if (!d->msix_table || !(ctrl & MSIX_CTRL_ENABLE) ||
	    (ctrl & MSIX_CTRL_MASKALL))
		return 0;
	for (unsigned int v = 0; v < d->msix_nvec; v++) {
		u32 *e = msix_entry(d, v);

		if (!(d->msix_pending & (1ull << v)) ||
		    (e[3] & MSIX_VEC_MASKED))
			continue;
		d->msix_pending &= ~(1ull << v);
		out[n].addr = e[0] | (u64)e[1] << 32;
		out[n].data = e[2];
		n++;
	}
	return n;
}

static void msi_send(struct vm *vm, const struct msi_msg *m, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		plat_msi(vm, m[i].addr, m[i].data);
}

/* ---- configuration space -------------------------------------------- */

static bool bar_is_high_half(const struct vpci_dev *d, unsigned int i)
{
	return i > 0 && d->bar[i - 1].size && d->bar[i - 1].mem64;
}

static u32 bar_read(const struct vpci_dev *d, unsigned int i)
{
	const struct vpci_bar *b;

	if (bar_is_high_half(d, i))
		return (u32)(d->bar[i - 1].addr >> 32);
	b = &d->bar[i];
	if (!b->size)
		return 0;
	if (b->io)
		return ((u32)b->addr & ~3u) | 1;
	return ((u32)b->addr & ~0xFu) | (b->mem64 ? 0x4 : 0);
}

/* The guest writes v: the bits below the size read back as zero, so all
 * ones reads back as the size mask (plus the type bits). */
static void bar_write(struct vpci_dev *d, unsigned int i, u32 v)
{
	struct vpci_bar *b;

	if (bar_is_high_half(d, i)) {
		b = &d->bar[i - 1];
		b->addr = (b->addr & 0xFFFFFFFFull) |
			  ((u64)v << 32 & ~(b->size - 1));
		return;
	}
	b = &d->bar[i];
	if (!b->size)
		return;
	v &= ~(u32)(b->size - 1) & (b->io ? ~3u : ~0xFu);
	b->addr = (b->addr & ~0xFFFFFFFFull) | v;
}

/* A dword of the header (below 0x40), as the guest sees it. */
static u32 header_read(const struct vpci_dev *d, unsigned int reg)
{
	u16 status = 0;

	switch (reg) {
	case 0x00: return d->vendor | (u32)d->device << 16;
	case PCI_COMMAND:
		if (cap_end(d) > PCI_CAP_START)
			status |= STS_CAPS;
		if (d->intx_level)
			status |= STS_INTX;
		return (cfg16(d, PCI_COMMAND) & CMD_WRITABLE) | (u32)status
									<< 16;
	case 0x08: return d->class_rev;
	case PCI_CACHE_LINE: /* header type 0, single function, no BIST */
		return d->cfg[PCI_CACHE_LINE] | d->cfg[PCI_LATENCY] << 8;
	case 0x2C: return d->subsys_vendor | (u32)d->subsys << 16;
	case PCI_CAP_PTR: return cap_end(d) > PCI_CAP_START ? PCI_CAP_START : 0;
	case PCI_INT_LINE:
		return d->cfg[PCI_INT_LINE] | d->cfg[PCI_INT_PIN] << 8;
	default:
		if (reg >= PCI_BAR0 && reg < PCI_BAR0 + 4 * VPCI_MAX_BARS)
			return bar_read(d, (reg - PCI_BAR0) / 4);
		return 0; /* CardBus CIS, expansion ROM, reserved */
	}
}

/* Bridge-owned bytes [off, off + size) within one dword. */
static u32 bridge_cfg_read(const struct vpci_dev *d, unsigned int off,
			   unsigned int size)
{
	unsigned int reg = off & ~3u, sh = (off & 3) * 8;
	u32 v;

	if (reg < PCI_CAP_START)
		v = header_read(d, reg);
	else
		v = d->cfg[reg] | d->cfg[reg + 1] << 8 | d->cfg[reg + 2] << 16 |
		    (u32)d->cfg[reg + 3] << 24;
	v >>= sh;
	return size == 4 ? v : v & ((1u << size * 8) - 1);
}

/* Apply write v with byte enables be to header dword reg; *reset is set
 * when bus mastering went off. */
static void header_write(struct vpci_host *h, struct vpci_dev *d,
			 unsigned int reg, u32 v, u32 be, bool *reset)
{
	u16 old, cmd;

	switch (reg) {
	case PCI_COMMAND:
		old = cfg16(d, PCI_COMMAND);
		cmd = (u16)(((old & ~be) | (v & be)) & CMD_WRITABLE);
		set_cfg16(d, PCI_COMMAND, cmd);
		if ((old ^ cmd) & CMD_INTX_DISABLE)
			intx_update(h, d->slot);
		if ((old & CMD_MASTER) && !(cmd & CMD_MASTER))
			*reset = true;
		return; /* status: nothing is write-1-to-clear here */
	case PCI_CACHE_LINE:
		if (be & 0xFF)
			d->cfg[PCI_CACHE_LINE] = (u8)v;
		if (be & 0xFF00)
			d->cfg[PCI_LATENCY] = (u8)(v >> 8);
		return;
	case PCI_INT_LINE:
		if (be & 0xFF)
			d->cfg[PCI_INT_LINE] = (u8)v;
		return;
	default:
		if (reg >= PCI_BAR0 && reg < PCI_BAR0 + 4 * VPCI_MAX_BARS) {
			unsigned int i = (reg - PCI_BAR0) / 4;

			bar_write(d, i, (bar_read(d, i) & ~be) | (v & be));
		}
		return;
	}
}

/* The MSI-X message control: enable and function mask are writable. */
static unsigned int msix_ctrl_write(struct vpci_dev *d, u16 v, u16 mask,
				    struct msi_msg *out)
{
	u16 wr = MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL;
	u16 old = msix_ctrl(d),
	    ctrl = (u16)((old & ~(mask & wr)) | (v & mask & wr));

	set_cfg16(d, d->msix_cap + 2, ctrl);
	if ((old ^ ctrl) & MSIX_CTRL_ENABLE)
		intx_update(d->host, d->slot);
	return msix_collect(d, out);
}

static unsigned int bridge_cfg_write(struct vpci_host *h, struct vpci_dev *d,
				     unsigned int off, u32 val,
				     unsigned int size, bool *reset,
				     struct msi_msg *out)
{
	unsigned int reg = off & ~3u, sh = (off & 3) * 8;
	u32 be = (size == 4 ? ~0u : (1u << size * 8) - 1) << sh;
	u32 v = val << sh;
	unsigned int mc;

	if (reg < PCI_CAP_START) {
		header_write(h, d, reg, v, be, reset);
		return 0;
	}
	mc = d->msix_cap + 2;
	if (d->msix_nvec && reg == (mc & ~3u)) {
		unsigned int s = (mc & 3) * 8;

		if ((be >> s) & 0xFFFF)
			return msix_ctrl_write(d, (u16)(v >> s), (u16)(be >> s),
					       out);
	}
	return 0;
}

static struct vpci_dev *conf_target(struct vpci_host *h, u32 addr)
{
	if (!(addr & CONF1_ENABLE) || (addr >> 16 & 0xFF) || (addr >> 8 & 7))
		return NULL;
	return h->dev[addr >> 11 & 0x1F];
}

static u64 conf_read(struct vpci_host *h, struct vpci_dev *d, unsigned int off,
		     unsigned int size)
{
	unsigned int end = cap_end(d);
	u64 flags;
	u32 v = 0;

	if (off >= end)
		return d->cfg_read ? d->cfg_read(d, off, size) : 0;
	if (off + size > end) { /* straddles: byte by byte */
		for (unsigned int i = 0; i < size; i++)
			v |= (u32)conf_read(h, d, off + i, 1) << i * 8;
		return v;
	}
	flags = spin_lock_irqsave(&h->lock);
	v = bridge_cfg_read(d, off, size);
	spin_unlock_irqrestore(&h->lock, flags);
	return v;
}

static void conf_write(struct vpci_host *h, struct vpci_dev *d,
		       unsigned int off, u32 val, unsigned int size)
{
	struct msi_msg msgs[64];
	unsigned int end = cap_end(d), n;
	bool reset = false;
	u64 flags;

	if (off >= end) {
		if (d->cfg_write)
			d->cfg_write(d, off, val, size);
		return;
	}
	if (off + size > end) {
		for (unsigned int i = 0; i < size; i++)
			conf_write(h, d, off + i, val >> i * 8 & 0xFF, 1);
		return;
	}
	flags = spin_lock_irqsave(&h->lock);
	n = bridge_cfg_write(h, d, off, val, size, &reset, msgs);
	spin_unlock_irqrestore(&h->lock, flags);
	msi_send(h->vm, msgs, n);
	if (reset && d->reset)
		d->reset(d);
}

/* 0xCF8: the address register answers dword accesses only (byte and word
 * accesses there are other chipset registers, absent here). */
static u64 cf8_read(void *dev, u64 off, unsigned int size)
{
	struct vpci_host *h = dev;

	if (off || size != 4)
		return ~0ull;
	return READ_ONCE(h->conf_addr);
}

static void cf8_write(void *dev, u64 off, u64 val, unsigned int size)
{
	struct vpci_host *h = dev;

	if (!off && size == 4)
		WRITE_ONCE(h->conf_addr, (u32)val & ~3u);
}

static u64 cfc_read(void *dev, u64 off, unsigned int size)
{
	struct vpci_host *h = dev;
	u32 addr = READ_ONCE(h->conf_addr);
	struct vpci_dev *d = conf_target(h, addr);
	u64 ones = size >= 4 ? 0xFFFFFFFFull : (1ull << size * 8) - 1;

	if (!d || off + size > 4)
		return ones;
	return conf_read(h, d, (addr & 0xFC) + (unsigned int)off, size) & ones;
}

static void cfc_write(void *dev, u64 off, u64 val, unsigned int size)
{
	struct vpci_host *h = dev;
	u32 addr = READ_ONCE(h->conf_addr);
	struct vpci_dev *d = conf_target(h, addr);

	if (d && off + size <= 4)
		conf_write(h, d, (addr & 0xFC) + (unsigned int)off, (u32)val,
			   size);
}

static const struct io_ops cf8_ops = { .read = cf8_read, .write = cf8_write };
static const struct io_ops cfc_ops = { .read = cfc_read, .write = cfc_write };

/* ---- BAR dispatch ----------------------------------------------------- */

enum bar_hit { HIT_NONE, HIT_DEV, HIT_TABLE, HIT_PBA };

static u32 msix_table_bytes(const struct vpci_dev *d)
{
	return d->msix_nvec * MSIX_ENTRY_SIZE;
}

/* Under the lock: which device, BAR and offset an access hits. */
static enum bar_hit bar_lookup(struct vpci_host *h, bool io, u64 addr,
			       unsigned int size, struct vpci_dev **dp,
			       unsigned int *barp, u64 *offp)
{
	for (unsigned int s = 0; s < VPCI_SLOTS; s++) {
		struct vpci_dev *d = h->dev[s];
		u16 cmd;

		if (!d)
			continue;
		cmd = cfg16(d, PCI_COMMAND);
		if (!(cmd & (io ? CMD_IO : CMD_MEM)))
			continue;
		for (unsigned int i = 0; i < VPCI_MAX_BARS; i++) {
			const struct vpci_bar *b = &d->bar[i];
			u64 off;

			if (!b->size || b->io != io || !b->addr ||
			    bar_is_high_half(d, i) || addr < b->addr ||
			    addr - b->addr + size > b->size)
				continue;
			off = addr - b->addr;
			*dp = d;
			*barp = i;
			*offp = off;
			if (!d->msix_nvec || !d->msix_table ||
			    i != d->msix_bar || off < d->msix_off)
				return HIT_DEV;
			off -= d->msix_off;
			if (off < msix_table_bytes(d)) {
				*offp = off;
				return HIT_TABLE;
			}
			off -= msix_table_bytes(d);
			if (off < 8) {
				*offp = off;
				return HIT_PBA;
			}
			return HIT_DEV;
		}
	}
	return HIT_NONE;
}

static u64 size_mask(unsigned int size)
{
	return size >= 8 ? ~0ull : (1ull << size * 8) - 1;
}

static u64 msix_table_read(struct vpci_dev *d, u64 off, unsigned int size)
{
	const u8 *t = (const u8 *)d->msix_table;
	u64 v = 0;

	for (unsigned int i = 0; i < size && off + i < msix_table_bytes(d); i++)
		v |= (u64)t[off + i] << i * 8;
	return v;
}

/* Returns how many messages a write unmasking pending entries freed. */
static unsigned int msix_table_write(struct vpci_dev *d, u64 off, u64 val,
				     unsigned int size, struct msi_msg *out)
{
	u8 *t = (u8 *)d->msix_table;

	for (unsigned int i = 0; i < size && off + i < msix_table_bytes(d);
	     i++) {
		u64 o = off + i;

		/* Of the vector control word only the mask bit is
		 * writable. */
		if ((o & 15) == 12)
			t[o] = (u8)((t[o] & ~MSIX_VEC_MASKED) |
				    ((val >> i * 8) & MSIX_VEC_MASKED));
		else if ((o & 15) < 12)
			t[o] = (u8)(val >> i * 8);
	}
	return msix_collect(d, out);
}

static u64 bar_read_common(struct vpci_host *h, bool io, u64 addr,
			   unsigned int size)
{
	struct vpci_dev *d = NULL;
	unsigned int bar = 0;
	u64 off = 0, v = ~0ull;
	u64 flags = spin_lock_irqsave(&h->lock);
	enum bar_hit hit = bar_lookup(h, io, addr, size, &d, &bar, &off);

	if (hit == HIT_TABLE)
		v = msix_table_read(d, off, size);
	else if (hit == HIT_PBA)
		v = d->msix_pending >> off * 8;
	spin_unlock_irqrestore(&h->lock, flags);
	if (hit == HIT_DEV)
		v = d->ops && d->ops->read ? d->ops->read(d, bar, off, size)
					   : ~0ull;
	return v & size_mask(size);
}

static void bar_write_common(struct vpci_host *h, bool io, u64 addr, u64 val,
			     unsigned int size)
{
	struct msi_msg msgs[64];
	struct vpci_dev *d = NULL;
	unsigned int bar = 0, n = 0;
	u64 off = 0;
	u64 flags = spin_lock_irqsave(&h->lock);
	enum bar_hit hit = bar_lookup(h, io, addr, size, &d, &bar, &off);

	if (hit == HIT_TABLE)
		n = msix_table_write(d, off, val, size, msgs);
	spin_unlock_irqrestore(&h->lock, flags);
	msi_send(h->vm, msgs, n);
	if (hit == HIT_DEV && d->ops && d->ops->write)
		d->ops->write(d, bar, off, val & size_mask(size), size);
}

static u64 mmio_read(void *dev, u64 off, unsigned int size)
{
	return bar_read_common(dev, false, PLAT_PCI_MMIO_BASE + off, size);
}

static void mmio_write(void *dev, u64 off, u64 val, unsigned int size)
{
	bar_write_common(dev, false, PLAT_PCI_MMIO_BASE + off, val, size);
}

static u64 pio_read(void *dev, u64 off, unsigned int size)
{
	return bar_read_common(dev, true, PLAT_PCI_PIO_BASE + off, size);
}

static void pio_write(void *dev, u64 off, u64 val, unsigned int size)
{
	bar_write_common(dev, true, PLAT_PCI_PIO_BASE + off, val, size);
}

static const struct io_ops mmio_ops = { .read = mmio_read,
					.write = mmio_write };
static const struct io_ops pio_ops = { .read = pio_read, .write = pio_write };

/* ---- devices ----------------------------------------------------------- */

static bool pow2(u64 x)
{
	return x && !(x & (x - 1));
}

static bool bars_valid(const struct vpci_dev *d)
{
	for (unsigned int i = 0; i < VPCI_MAX_BARS; i++) {
		const struct vpci_bar *b = &d->bar[i];

		if (!b->size)
			continue;
		if (!pow2(b->size) || bar_is_high_half(d, i))
			return false;
		if (b->io && (b->mem64 || b->size < 16 ||
			      b->size > PLAT_PCI_PIO_END - PLAT_PCI_PIO_BASE))
			return false;
		if (!b->io && (b->size < 4096 || b->size > (1ull << 30)))
			return false;
		if (b->mem64 && (i + 1 >= VPCI_MAX_BARS || d->bar[i + 1].size))
			return false;
	}
	return true;
}

/* Give d its MSI-X table from the host's pool, entries masked. */
static int msix_alloc(struct vpci_host *h, struct vpci_dev *d)
{
	if (h->msix_used + d->msix_nvec > MSIX_POOL)
		return -1;
	d->msix_table = &h->msix_pool[h->msix_used * 4];
	h->msix_used += d->msix_nvec;
	for (unsigned int v = 0; v < d->msix_nvec; v++)
		msix_entry(d, v)[3] = MSIX_VEC_MASKED;
	return 0;
}

/* Firmware's job: give each BAR a size-aligned place in its window. */
static void bars_place(struct vpci_host *h, struct vpci_dev *d)
{
	for (unsigned int i = 0; i < VPCI_MAX_BARS; i++) {
		struct vpci_bar *b = &d->bar[i];
		u64 *next = b->io ? &h->io_next : &h->mem_next;
		u64 end = b->io ? PLAT_PCI_PIO_END : PLAT_PCI_MMIO_END;
		u64 at = ALIGN_UP(*next, b->size);

		if (!b->size || bar_is_high_half(d, i) || at + b->size > end)
			continue;
		b->addr = at;
		*next = at + b->size;
	}
}

static void dev_plug(struct vpci_host *h, struct vpci_dev *d, unsigned int s,
		     u8 pin)
{
	d->vm = h->vm;
	d->host = h;
	d->slot = s;
	set_cfg16(d, PCI_COMMAND, 0);
	d->cfg[PCI_INT_LINE] = (u8)slot_gsi(s);
	d->cfg[PCI_INT_PIN] = pin;
	if (d->cap_next < PCI_CAP_START)
		d->cap_next = PCI_CAP_START;
	h->dev[s] = d;
}

int vpci_register(struct vpci_host *h, struct vpci_dev *d, int slot)
{
	int ret = -1;
	u64 flags;

	if (!h || !d || slot >= VPCI_SLOTS || slot == 0 || !bars_valid(d))
		return -1;
	flags = spin_lock_irqsave(&h->lock);
	if (slot < 0)
		for (slot = 1; slot < VPCI_SLOTS && h->dev[slot]; slot++)
			;
	if (slot < VPCI_SLOTS && !h->dev[slot] &&
	    (!d->msix_nvec || d->msix_table || !msix_alloc(h, d))) {
		dev_plug(h, d, (unsigned int)slot, 1);
		bars_place(h, d);
		ret = slot;
	}
	spin_unlock_irqrestore(&h->lock, flags);
	if (ret < 0)
		pr_warn("vm %s: pci: cannot plug %s\n", h->vm->name,
			d->name ? d->name : "?");
	return ret < 0 ? -1 : ret;
}

u8 vpci_add_cap(struct vpci_dev *d, const void *cap, unsigned int len)
{
	unsigned int off = ALIGN_UP(cap_end(d), 4u), p;
	u64 flags = 0;

	/* The last dword stays free so that cap_next fits in a u8. */
	if (len < 2 || off + len > VPCI_CFG_SIZE - 4)
		return 0;
	if (d->host)
		flags = spin_lock_irqsave(&d->host->lock);
	memcpy(&d->cfg[off], cap, len);
	d->cfg[off + 1] = 0;
	/* Link from the last capability (the list starts at 0x40). */
	for (p = PCI_CAP_START; p != off && d->cfg[p + 1]; p = d->cfg[p + 1])
		;
	if (p != off)
		d->cfg[p + 1] = (u8)off;
	d->cap_next = (u8)ALIGN_UP(off + len, 4u);
	if (d->host)
		spin_unlock_irqrestore(&d->host->lock, flags);
	return (u8)off;
}

int vpci_msix_init(struct vpci_dev *d, unsigned int nvec, unsigned int bar,
		   u32 offset)
{
	u8 cap[MSIX_CAP_LEN] = { CAP_ID_MSIX };
	u32 pba = offset + nvec * MSIX_ENTRY_SIZE;
	int ret = 0;
	u64 flags;
	u8 off;

	if (d->msix_nvec || !nvec || nvec > 64 || bar >= VPCI_MAX_BARS ||
	    !d->bar[bar].size || d->bar[bar].io || bar_is_high_half(d, bar) ||
	    (offset & 7) || (u64)pba + 8 > d->bar[bar].size)
		return -1;
	if (d->host && d->host->msix_used + nvec > MSIX_POOL)
		return -1; /* before the capability shows up */
	cap[2] = (u8)(nvec - 1);
	cap[3] = (u8)((nvec - 1) >> 8);
	cap[4] = (u8)(offset | bar);
	cap[5] = (u8)(offset >> 8);
	cap[6] = (u8)(offset >> 16);
	cap[7] = (u8)(offset >> 24);
	cap[8] = (u8)(pba | bar);
	cap[9] = (u8)(pba >> 8);
	cap[10] = (u8)(pba >> 16);
	cap[11] = (u8)(pba >> 24);
	off = vpci_add_cap(d, cap, sizeof(cap));
	if (!off)
		return -1;
	if (!d->host) { /* the table comes with vpci_register() */
		d->msix_nvec = (u16)nvec;
		d->msix_bar = (u8)bar;
		d->msix_off = offset;
		d->msix_cap = off;
		return 0;
	}
	flags = spin_lock_irqsave(&d->host->lock);
	d->msix_nvec = (u16)nvec;
	d->msix_bar = (u8)bar;
	d->msix_off = offset;
	d->msix_cap = off;
	if (msix_alloc(d->host, d)) {
		d->msix_nvec = 0;
		ret = -1;
	}
	spin_unlock_irqrestore(&d->host->lock, flags);
	return ret;
}

bool vpci_msix_enabled(struct vpci_dev *d)
{
	if (!d->msix_nvec)
		return false;
	return READ_ONCE(d->cfg[d->msix_cap + 3]) & (MSIX_CTRL_ENABLE >> 8);
}

void vpci_msix_notify(struct vpci_dev *d, unsigned int vector)
{
	struct vpci_host *h = d->host;
	struct msi_msg m[64];
	unsigned int n;
	u64 flags;

	if (!h)
		return;
	flags = spin_lock_irqsave(&h->lock);
	if (!d->msix_table || vector >= d->msix_nvec) {
		h->msix_dropped++;
		spin_unlock_irqrestore(&h->lock, flags);
		return;
	}
	if (!(msix_ctrl(d) & MSIX_CTRL_ENABLE)) {
		spin_unlock_irqrestore(&h->lock, flags);
		return;
	}
	d->msix_pending |= 1ull << vector;
	n = msix_collect(d, m); /* this one, unless it is masked */
	spin_unlock_irqrestore(&h->lock, flags);
	msi_send(h->vm, m, n);
}

void vpci_set_intx(struct vpci_dev *d, int level)
{
	struct vpci_host *h = d->host;
	u64 flags;

	if (!h)
		return;
	flags = spin_lock_irqsave(&h->lock);
	d->intx_level = !!level;
	intx_update(h, d->slot);
	spin_unlock_irqrestore(&h->lock, flags);
}

bool vpci_bus_master(struct vpci_dev *d)
{
	return READ_ONCE(d->cfg[PCI_COMMAND]) & CMD_MASTER;
}

/* Under the lock: d as it was plugged. */
static void dev_power_on(struct vpci_host *h, struct vpci_dev *d)
{
	set_cfg16(d, PCI_COMMAND, 0);
	d->cfg[PCI_CACHE_LINE] = 0;
	d->cfg[PCI_LATENCY] = 0;
	d->cfg[PCI_INT_LINE] = d == &h->bridge ? 0 : (u8)slot_gsi(d->slot);
	d->intx_level = 0;
	if (d->msix_nvec) {
		set_cfg16(d, d->msix_cap + 2, (u16)(d->msix_nvec - 1));
		d->msix_pending = 0;
		memset(d->msix_table, 0, msix_table_bytes(d));
		for (unsigned int v = 0; v < d->msix_nvec; v++)
			msix_entry(d, v)[3] = MSIX_VEC_MASKED;
	}
	for (unsigned int i = 0; i < VPCI_MAX_BARS; i++)
		d->bar[i].addr = 0;
}

void vpci_reset(struct vpci_host *h)
{
	u64 flags = spin_lock_irqsave(&h->lock);

	h->conf_addr = 0;
	h->mem_next = PLAT_PCI_MMIO_BASE;
	h->io_next = PLAT_PCI_PIO_BASE;
	for (unsigned int s = 0; s < VPCI_SLOTS; s++) {
		if (!h->dev[s])
			continue;
		dev_power_on(h, h->dev[s]);
		bars_place(h, h->dev[s]);
	}
	for (unsigned int l = 0; l < GSI_LINES; l++) { /* idle: high */
		h->line[l] = 0;
		plat_set_irq(h->vm, GSI_BASE + l, 1);
	}
	spin_unlock_irqrestore(&h->lock, flags);
	/* Devices do not come and go, so the list is stable unlocked. */
	for (unsigned int s = 1; s < VPCI_SLOTS; s++)
		if (h->dev[s] && h->dev[s]->reset)
			h->dev[s]->reset(h->dev[s]);
}

struct vpci_host *vpci_create(struct vm *vm)
{
	struct vpci_host *h = vm_dev_zalloc(vm, sizeof(*h));

	if (!h)
		return NULL;
	h->vm = vm;
	h->mem_next = PLAT_PCI_MMIO_BASE;
	h->io_next = PLAT_PCI_PIO_BASE;
	h->bridge.name = "host-bridge";
	h->bridge.vendor = BRIDGE_VENDOR;
	h->bridge.device = BRIDGE_DEVICE;
	h->bridge.class_rev = BRIDGE_CLASS_REV;
	dev_plug(h, &h->bridge, 0, 0);
	h->bridge.cfg[PCI_INT_LINE] = 0;
	if (io_bus_register(&vm->pio, 0xCF8, 4, &cf8_ops, h, "pci-conf-addr") ||
	    io_bus_register(&vm->pio, 0xCFC, 4, &cfc_ops, h, "pci-conf-data") ||
	    io_bus_register(&vm->pio, PLAT_PCI_PIO_BASE,
			    PLAT_PCI_PIO_END - PLAT_PCI_PIO_BASE, &pio_ops, h,
			    "pci-io") ||
	    io_bus_register(&vm->mmio, PLAT_PCI_MMIO_BASE,
			    PLAT_PCI_MMIO_END - PLAT_PCI_MMIO_BASE, &mmio_ops,
			    h, "pci-mmio")) {
		pr_err("vm %s: pci: I/O ranges taken\n", vm->name);
		return NULL;
	}
	for (unsigned int l = 0; l < GSI_LINES; l++) /* idle: high */
		plat_set_irq(vm, GSI_BASE + l, 1);
	return h;
}

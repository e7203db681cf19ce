// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio 1.x PCI transport, modern only (virtio 1.1, 4.1): vendor
 * 0x1AF4, device 0x1040 + type, revision 1. One 16 KiB memory BAR holds
 * the common configuration, the ISR byte, the device configuration, the
 * notification area (one 4-byte doorbell per queue) and the MSI-X table
 * the bridge intercepts; vendor capabilities point the driver at each,
 * plus the PCI configuration access capability.
 *
 * A doorbell write processes the queue synchronously in the writing
 * vCPU's exit. Interrupts: MSI-X (config vector + one per queue as the
 * driver assigns them) or, with MSI-X off, INTx held high until the
 * driver reads the ISR.
 *
 * Locks: d->lock guards the common configuration; a queue's registers
 * change under d->lock then vq->lock (in that order); queue processing
 * takes only vq->lock; isr_lock is innermost. NEEDS_RESET is ORed into
 * the status atomically so a queue can raise it without d->lock.
 */
#include <pv/printk.h>
#include <pv/string.h>
#include "virtio.h"

#define COMMON_OFF(f) offsetof(struct virtio_pci_common_cfg, f)

static unsigned int vp_nvec(struct virtio_dev *d)
{
	return d->nq + 1;
}

static u8 vp_status(struct virtio_dev *d)
{
	return __atomic_load_n(&d->status, __ATOMIC_ACQUIRE);
}

/* ---- interrupts ------------------------------------------------------ */

static void vp_intx_raise(struct virtio_dev *d, u8 bit)
{
	u64 f = spin_lock_irqsave(&d->isr_lock);

	d->isr |= bit;
	vpci_set_intx(&d->pci, 1);
	spin_unlock_irqrestore(&d->isr_lock, f);
}

static u8 vp_isr_read(struct virtio_dev *d)
{
	u64 f = spin_lock_irqsave(&d->isr_lock);
	u8 v = d->isr;

	d->isr = 0;
	vpci_set_intx(&d->pci, 0);
	spin_unlock_irqrestore(&d->isr_lock, f);
	return v;
}

void virtio_queue_irq(struct virtio_dev *d, struct virtq *vq)
{
	virtio_count(&d->stats.queue_irqs);
	if (vpci_msix_enabled(&d->pci)) {
		u16 vec = READ_ONCE(vq->msix_vector);

		if (vec != VIRTIO_MSI_NO_VECTOR)
			vpci_msix_notify(&d->pci, vec);
		return;
	}
	vp_intx_raise(d, VIRTIO_ISR_QUEUE);
}

static void vp_config_irq(struct virtio_dev *d)
{
	virtio_count(&d->stats.config_irqs);
	if (vpci_msix_enabled(&d->pci)) {
		u16 vec = READ_ONCE(d->msix_config);
		u64 f = spin_lock_irqsave(&d->isr_lock);

		d->isr |= VIRTIO_ISR_CONFIG; /* 4.1.4.5.1, before notifying */
		spin_unlock_irqrestore(&d->isr_lock, f);
		if (vec != VIRTIO_MSI_NO_VECTOR)
			vpci_msix_notify(&d->pci, vec);
		return;
	}
	vp_intx_raise(d, VIRTIO_ISR_CONFIG);
}

void virtio_config_changed(struct virtio_dev *d)
{
	u64 f = spin_lock_irqsave(&d->lock);

	d->config_generation++;
	spin_unlock_irqrestore(&d->lock, f);
	vp_config_irq(d);
}

void virtio_fail(struct virtio_dev *d, struct virtq *vq, const char *why)
{
	u8 old;

	if (vq) {
		vq->broken = true;
		if (!vq->error)
			vq->error = why;
	}
	WRITE_ONCE(d->last_error, why);
	virtio_count(&d->stats.errors);
	old = __atomic_fetch_or(&d->status, VIRTIO_STATUS_NEEDS_RESET,
				__ATOMIC_ACQ_REL);
	if (old & VIRTIO_STATUS_NEEDS_RESET)
		return;
	/* A guest resetting and failing in a loop must not flood the
	 * console: the counters keep the rest. */
	if (__atomic_add_fetch(&d->stats.resets, 1, __ATOMIC_RELAXED) <= 8)
		pr_warn("vm %s: %s: %s (queue %d): device needs reset\n",
			d->vm->name, d->name, why, vq ? (int)vq->index : -1);
	vp_config_irq(d);
}

bool virtio_queue_live(struct virtio_dev *d, struct virtq *vq)
{
	u8 st = vp_status(d);

	return (st & VIRTIO_STATUS_DRIVER_OK) &&
	       !(st & VIRTIO_STATUS_NEEDS_RESET) && vq->enabled &&
	       !vq->broken && vpci_bus_master(&d->pci);
}

int virtio_pop(struct virtio_dev *d, struct virtq *vq, struct vq_chain *c)
{
	int r = vq_pop(vq, c);

	if (r < 0)
		virtio_fail(d, vq, vq->error ? vq->error : "bad chain");
	return r;
}

/* ---- reset and status ------------------------------------------------ */

/* Called with d->lock held. */
static void vp_reset_locked(struct virtio_dev *d)
{
	for (unsigned int i = 0; i < d->nq; i++) {
		struct virtq *vq = &d->vq[i];
		u64 f = spin_lock_irqsave(&vq->lock);

		vq_reset(vq);
		spin_unlock_irqrestore(&vq->lock, f);
	}
	d->driver_features = 0;
	d->dev_feature_sel = d->drv_feature_sel = 0;
	d->queue_select = 0;
	WRITE_ONCE(d->msix_config, VIRTIO_MSI_NO_VECTOR);
	__atomic_store_n(&d->status, 0, __ATOMIC_RELEASE);
	vp_isr_read(d); /* clears the ISR and lowers INTx */
	if (d->ops->reset)
		d->ops->reset(d);
}

static bool vp_features_ok(struct virtio_dev *d)
{
	u64 drv = d->driver_features;

	return (drv & VIRTIO_BIT(VIRTIO_F_VERSION_1)) && !(drv & ~d->features);
}

/* Returns true if DRIVER_OK was just set (queues need a look). */
static bool vp_set_status(struct virtio_dev *d, u8 val)
{
	u8 old = vp_status(d), set;

	if (!val) {
		vp_reset_locked(d);
		return false;
	}
	/* The driver cannot clear bits (only reset) nor set NEEDS_RESET. */
	set = val & ~VIRTIO_STATUS_NEEDS_RESET & ~old;
	if ((set & VIRTIO_STATUS_FEATURES_OK) && !vp_features_ok(d)) {
		set &= ~VIRTIO_STATUS_FEATURES_OK;
		virtio_count(&d->stats.errors);
	}
	if ((set & VIRTIO_STATUS_DRIVER_OK) &&
	    !((old | set) & VIRTIO_STATUS_FEATURES_OK)) {
		set &= ~VIRTIO_STATUS_DRIVER_OK;
		virtio_count(&d->stats.errors);
	}
	__atomic_fetch_or(&d->status, set, __ATOMIC_ACQ_REL);
	return set & VIRTIO_STATUS_DRIVER_OK;
}

/* ---- common configuration -------------------------------------------- */

static struct virtq *vp_selected(struct virtio_dev *d)
{
	return d->queue_select < d->nq ? &d->vq[d->queue_select] : NULL;
}

static void vp_common_image(struct virtio_dev *d,
			    struct virtio_pci_common_cfg *c)
{
	struct virtq *vq = vp_selected(d);
	u32 fsel = d->dev_feature_sel, gsel = d->drv_feature_sel;

	memset(c, 0, sizeof(*c));
	c->device_feature_select = cpu_to_le32(fsel);
	c->device_feature =
		cpu_to_le32(fsel < 2 ? (u32)(d->features >> (32 * fsel)) : 0);
	c->driver_feature_select = cpu_to_le32(gsel);
	c->driver_feature = cpu_to_le32(
		gsel < 2 ? (u32)(d->driver_features >> (32 * gsel)) : 0);
	c->msix_config = cpu_to_le16(d->msix_config);
	c->num_queues = cpu_to_le16((u16)d->nq);
	c->device_status = vp_status(d);
	c->config_generation = d->config_generation;
	c->queue_select = cpu_to_le16(d->queue_select);
	if (!vq)
		return; /* queue_size 0: no such queue */
	c->queue_size = cpu_to_le16(vq->size);
	c->queue_msix_vector = cpu_to_le16(vq->msix_vector);
	c->queue_enable = cpu_to_le16(vq->enabled);
	c->queue_notify_off = cpu_to_le16(vq->index);
	c->queue_desc = cpu_to_le64(vq->desc);
	c->queue_driver = cpu_to_le64(vq->driver);
	c->queue_device = cpu_to_le64(vq->device);
}

static u64 vp_common_read(struct virtio_dev *d, u64 off, unsigned int size)
{
	struct virtio_pci_common_cfg c;
	u64 val = 0;
	u64 f = spin_lock_irqsave(&d->lock);

	vp_common_image(d, &c);
	spin_unlock_irqrestore(&d->lock, f);
	if (off < sizeof(c))
		memcpy(&val, (u8 *)&c + off, MIN((u64)size, sizeof(c) - off));
	return val;
}

/* A write to half (size 4) or all (size 8) of a 64-bit queue address. */
static bool vp_set_addr(u64 *reg, u64 rel, u64 val, unsigned int size)
{
	if (size == 8 && rel == 0) {
		*reg = val;
	} else if (size == 4 && rel == 0) {
		*reg = (*reg & ~0xFFFFFFFFull) | (u32)val;
	} else if (size == 4 && rel == 4) {
		*reg = (*reg & 0xFFFFFFFFull) | (val << 32);
	} else {
		return false;
	}
	return true;
}

static void vp_queue_enable(struct virtio_dev *d, struct virtq *vq)
{
	bool ev = d->driver_features & VIRTIO_BIT(VIRTIO_F_RING_EVENT_IDX);
	bool ind = d->driver_features & VIRTIO_BIT(VIRTIO_F_RING_INDIRECT_DESC);
	u64 f = spin_lock_irqsave(&vq->lock);
	int r = vq_enable(vq, ev, ind);

	if (r)
		virtio_fail(d, vq, vq->error);
	spin_unlock_irqrestore(&vq->lock, f);
}

/* Queue registers change only while the queue is off (4.1.4.3.2). */
static bool vp_queue_write(struct virtio_dev *d, struct virtq *vq, u64 off,
			   u64 val, unsigned int size)
{
	u64 *reg, rel, f;
	bool ok;

	if (off == COMMON_OFF(queue_msix_vector) && size == 2) {
		WRITE_ONCE(vq->msix_vector,
			   val < vp_nvec(d) ? (u16)val : VIRTIO_MSI_NO_VECTOR);
		return true;
	}
	if (off == COMMON_OFF(queue_enable) && size == 2) {
		if (val == 1 && !vq->enabled)
			vp_queue_enable(d, vq);
		return val == 1; /* writing 0 is not allowed */
	}
	if (vq->enabled)
		return false;
	if (off == COMMON_OFF(queue_size) && size == 2) {
		if (vq_size_ok(vq, (u16)val)) {
			vq->size = (u16)val;
			return true;
		}
		vq->size = vq->max_size; /* refused: reads back the maximum */
		return false;
	}
	if (off >= COMMON_OFF(queue_desc) && off < COMMON_OFF(queue_driver)) {
		reg = &vq->desc;
		rel = off - COMMON_OFF(queue_desc);
	} else if (off >= COMMON_OFF(queue_driver) &&
		   off < COMMON_OFF(queue_device)) {
		reg = &vq->driver;
		rel = off - COMMON_OFF(queue_driver);
	} else if (off >= COMMON_OFF(queue_device) &&
		   off < COMMON_OFF(queue_notify_data)) {
		reg = &vq->device;
		rel = off - COMMON_OFF(queue_device);
	} else {
		return false;
	}
	f = spin_lock_irqsave(&vq->lock);
	ok = vp_set_addr(reg, rel, val, size);
	spin_unlock_irqrestore(&vq->lock, f);
	return ok;
}

/* Returns true if DRIVER_OK was just set. */
static bool vp_common_write(struct virtio_dev *d, u64 off, u64 val,
			    unsigned int size)
{
	bool ok = true, driver_ok = false;
	struct virtq *vq;
	u64 f = spin_lock_irqsave(&d->lock);

	if (off == COMMON_OFF(device_feature_select) && size == 4) {
		d->dev_feature_sel = (u32)val;
	} else if (off == COMMON_OFF(driver_feature_select) && size == 4) {
		d->drv_feature_sel = (u32)val;
	} else if (off == COMMON_OFF(driver_feature) && size == 4) {
		unsigned int sh = 32 * d->drv_feature_sel;

		/* Fixed once FEATURES_OK was accepted. */
		ok = d->drv_feature_sel < 2 &&
		     !(vp_status(d) & VIRTIO_STATUS_FEATURES_OK);
		if (ok)
			d->driver_features =
				(d->driver_features & ~(0xFFFFFFFFull << sh)) |
				((u64)(u32)val << sh);
	} else if (off == COMMON_OFF(msix_config) && size == 2) {
		WRITE_ONCE(d->msix_config,
			   val < vp_nvec(d) ? (u16)val : VIRTIO_MSI_NO_VECTOR);
	} else if (off == COMMON_OFF(device_status) && size == 1) {
		driver_ok = vp_set_status(d, (u8)val);
	} else if (off == COMMON_OFF(queue_select) && size == 2) {
		d->queue_select = (u16)val;
	} else if (off >= COMMON_OFF(queue_size) &&
		   off < sizeof(struct virtio_pci_common_cfg)) {
		vq = vp_selected(d);
		ok = vq && vp_queue_write(d, vq, off, val, size);
	} else {
		ok = false; /* read-only field or a bad access width */
	}
	spin_unlock_irqrestore(&d->lock, f);
	if (!ok)
		virtio_count(&d->stats.errors);
	return driver_ok;
}

/* The driver may have queued buffers before DRIVER_OK: look now. */
static void vp_kick_all(struct virtio_dev *d)
{
	for (unsigned int i = 0; i < d->nq; i++)
		if (READ_ONCE(d->vq[i].enabled))
			d->ops->notify(d, &d->vq[i]);
}

static void vp_notify(struct virtio_dev *d, u64 off)
{
	u64 q = off / VIRTIO_NOTIFY_MULT;
	struct virtq *vq;

	virtio_count(&d->stats.notifies);
	if (q >= d->nq) { /* outside any queue's doorbell */
		virtio_count(&d->stats.errors);
		return;
	}
	vq = &d->vq[q];
	if (!READ_ONCE(vq->enabled)) { /* a queue never set up */
		virtio_count(&d->stats.errors);
		return;
	}
	d->ops->notify(d, vq);
}

static u64 vp_devcfg_read(struct virtio_dev *d, u64 off, unsigned int size)
{
	u64 val = 0;
	u64 f;

	if (off >= d->config_len)
		return 0;
	f = spin_lock_irqsave(&d->lock);
	memcpy(&val, d->config + off, MIN((u64)size, d->config_len - off));
	spin_unlock_irqrestore(&d->lock, f);
	return val;
}

static bool in_range(u64 off, u64 base, u64 len)
{
	return off >= base && off - base < len;
}

static u64 vp_bar_read(struct vpci_dev *pd, unsigned int bar, u64 off,
		       unsigned int size)
{
	struct virtio_dev *d = pd->priv;

	if (bar != VIRTIO_BAR)
		return 0;
	if (in_range(off, VIRTIO_BAR_COMMON, VIRTIO_BAR_COMMON_LEN))
		return vp_common_read(d, off - VIRTIO_BAR_COMMON, size);
	if (off == VIRTIO_BAR_ISR) /* reading clears it */
		return vp_isr_read(d);
	if (in_range(off, VIRTIO_BAR_DEVICE, VIRTIO_BAR_DEVICE_LEN))
		return vp_devcfg_read(d, off - VIRTIO_BAR_DEVICE, size);
	return 0; /* doorbells, holes */
}

static void vp_bar_write(struct vpci_dev *pd, unsigned int bar, u64 off,
			 u64 val, unsigned int size)
{
	struct virtio_dev *d = pd->priv;

	if (bar != VIRTIO_BAR)
		return;
	if (in_range(off, VIRTIO_BAR_COMMON, VIRTIO_BAR_COMMON_LEN)) {
		if (vp_common_write(d, off - VIRTIO_BAR_COMMON, val, size))
			vp_kick_all(d);
	} else if (in_range(off, VIRTIO_BAR_NOTIFY,
			    VIRTIO_BAR_MSIX - VIRTIO_BAR_NOTIFY)) {
		vp_notify(d, off - VIRTIO_BAR_NOTIFY);
	}
	/* The device configurations here are read-only. */
}

static const struct vpci_bar_ops vp_bar_ops = {
	.read = vp_bar_read,
	.write = vp_bar_write,
};

/* ---- PCI configuration access capability (4.1.4.7) -------------------
 * The bridge owns the first dword of the capability (ID, next, length,
 * type); it is the last one added, so the rest (bar, offset, length,
 * data) falls above cap_next and reaches cfg_read/cfg_write. */

#define PCICFG_DATA offsetof(struct virtio_pci_cfg_cap, pci_cfg_data)

static bool vp_pcicfg_window(struct virtio_dev *d, unsigned int *bar, u32 *off,
			     u32 *len)
{
	*bar = d->pcicfg.cap.bar;
	*off = le32_to_cpu(d->pcicfg.cap.offset);
	*len = le32_to_cpu(d->pcicfg.cap.length);
	return *bar == VIRTIO_BAR && (*len == 1 || *len == 2 || *len == 4) &&
	       !(*off & (*len - 1)) && *off < VIRTIO_BAR_SIZE;
}

static u32 vp_cfg_read(struct vpci_dev *pd, unsigned int off, unsigned int size)
{
	struct virtio_dev *d = pd->priv;
	unsigned int rel, bar;
	u32 val = 0, woff, wlen;

	if (!d->pcicfg_off || off < d->pcicfg_off + 4u)
		return 0;
	rel = off - d->pcicfg_off;
	if (rel + size > sizeof(d->pcicfg))
		return 0;
	if (rel + size > PCICFG_DATA &&
	    vp_pcicfg_window(d, &bar, &woff, &wlen)) {
		u32 v = (u32)vp_bar_read(pd, bar, woff, wlen);

		memcpy(d->pcicfg.pci_cfg_data, &v, 4);
	}
	memcpy(&val, (u8 *)&d->pcicfg + rel, size);
	return val;
}

static void vp_cfg_write(struct vpci_dev *pd, unsigned int off, u32 val,
			 unsigned int size)
{
	struct virtio_dev *d = pd->priv;
	unsigned int rel, bar;
	u32 woff, wlen;

	if (!d->pcicfg_off || off < d->pcicfg_off + 4u)
		return;
	rel = off - d->pcicfg_off;
	if (rel + size > sizeof(d->pcicfg))
		return;
	/* bar, offset, length and data are writable; id and padding not. */
	if (rel == offsetof(struct virtio_pci_cap, id) ||
	    rel == offsetof(struct virtio_pci_cap, padding))
		return;
	memcpy((u8 *)&d->pcicfg + rel, &val, size);
	if (rel >= PCICFG_DATA && vp_pcicfg_window(d, &bar, &woff, &wlen)) {
		u32 v;

		memcpy(&v, d->pcicfg.pci_cfg_data, 4);
		vp_bar_write(pd, bar, woff, v, wlen);
	}
}

/* The bridge turned bus mastering off (or reset the function). */
static void vp_pci_reset(struct vpci_dev *pd)
{
	struct virtio_dev *d = pd->priv;
	u64 f = spin_lock_irqsave(&d->lock);

	vp_reset_locked(d);
	spin_unlock_irqrestore(&d->lock, f);
}

/* ---- creation ---------------------------------------------------------- */

static int vp_add_cap(struct virtio_dev *d, u8 type, u32 off, u32 len, u32 mult)
{
	struct virtio_pci_notify_cap c;
	unsigned int clen = type == VIRTIO_PCI_CAP_NOTIFY_CFG
				    ? sizeof(c)
				    : sizeof(struct virtio_pci_cap);

	memset(&c, 0, sizeof(c));
	c.cap.cap_vndr = PCI_CAP_ID_VNDR;
	c.cap.cap_len = (u8)clen;
	c.cap.cfg_type = type;
	c.cap.bar = VIRTIO_BAR;
	c.cap.offset = cpu_to_le32(off);
	c.cap.length = cpu_to_le32(len);
	c.notify_off_multiplier = cpu_to_le32(mult);
	return vpci_add_cap(&d->pci, &c, clen) ? 0 : -1;
}

int virtio_pci_init(struct virtio_dev *d, struct vm *vm, struct vpci_host *h,
		    const char *name, u16 type, u32 class_code, unsigned int nq,
		    u16 qmax, u64 features, void *config,
		    unsigned int config_len, const struct virtio_dev_ops *ops)
{
	u8 pcicfg_hdr[4] = { PCI_CAP_ID_VNDR, 0, sizeof(d->pcicfg),
			     VIRTIO_PCI_CAP_PCI_CFG };
	struct vpci_dev *pd = &d->pci;

	if (!nq || nq > VIRTIO_MAX_QUEUES || qmax > VQ_MAX_SIZE ||
	    config_len > VIRTIO_BAR_DEVICE_LEN)
		return -1;
	d->vm = vm;
	d->name = name;
	d->ops = ops;
	d->lock = (spinlock_t)SPINLOCK_INIT;
	d->isr_lock = (spinlock_t)SPINLOCK_INIT;
	d->features = features | VIRTIO_BIT(VIRTIO_F_VERSION_1) |
		      VIRTIO_BIT(VIRTIO_F_RING_INDIRECT_DESC) |
		      VIRTIO_BIT(VIRTIO_F_RING_EVENT_IDX);
	d->msix_config = VIRTIO_MSI_NO_VECTOR;
	d->nq = nq;
	d->config = config;
	d->config_len = config_len;
	for (unsigned int i = 0; i < nq; i++)
		vq_init(&d->vq[i], vm, (u16)i, qmax);

	pd->name = name;
	pd->vendor = VIRTIO_PCI_VENDOR;
	pd->device = VIRTIO_PCI_DEVICE_BASE + type;
	pd->subsys_vendor = VIRTIO_PCI_VENDOR;
	pd->subsys = VIRTIO_PCI_SUBSYS;
	pd->class_rev = class_code << 8 | 1; /* revision 1: modern */
	pd->bar[VIRTIO_BAR].size = VIRTIO_BAR_SIZE;
	pd->ops = &vp_bar_ops;
	pd->cfg_read = vp_cfg_read;
	pd->cfg_write = vp_cfg_write;
	pd->reset = vp_pci_reset;
	pd->priv = d;

	if (vp_add_cap(d, VIRTIO_PCI_CAP_COMMON_CFG, VIRTIO_BAR_COMMON,
		       VIRTIO_BAR_COMMON_LEN, 0) ||
	    vp_add_cap(d, VIRTIO_PCI_CAP_NOTIFY_CFG, VIRTIO_BAR_NOTIFY,
		       nq * VIRTIO_NOTIFY_MULT, VIRTIO_NOTIFY_MULT) ||
	    vp_add_cap(d, VIRTIO_PCI_CAP_ISR_CFG, VIRTIO_BAR_ISR,
		       VIRTIO_BAR_ISR_LEN, 0) ||
	    (config_len && vp_add_cap(d, VIRTIO_PCI_CAP_DEVICE_CFG,
				      VIRTIO_BAR_DEVICE, config_len, 0)) ||
	    vpci_msix_init(pd, vp_nvec(d), VIRTIO_BAR, VIRTIO_BAR_MSIX))
		return -1;
	/* Last: everything after its first dword is ours (see above). */
	d->pcicfg_off = vpci_add_cap(pd, pcicfg_hdr, sizeof(pcicfg_hdr));
	if (!d->pcicfg_off)
		return -1;
	d->pcicfg.cap.cap_vndr = PCI_CAP_ID_VNDR;
	d->pcicfg.cap.cap_len = sizeof(d->pcicfg);
	d->pcicfg.cap.cfg_type = VIRTIO_PCI_CAP_PCI_CFG;
	return vpci_register(h, pd, -1) < 0 ? -1 : 0;
}

void virtio_process(struct virtio_dev *d, struct virtq *vq,
		    const char *(*handle)(struct virtio_dev *d,
					  struct virtq *vq, struct vq_chain *c,
					  u32 *written))
{
	u64 f = spin_lock_irqsave(&vq->lock);
	u16 old = vq->used_idx;
	bool irq;

	while (virtio_queue_live(d, vq)) {
		const char *err;
		u32 written = 0;
		int r = virtio_pop(d, vq, &vq->chain);

		if (r < 0)
			break;
		if (!r) {
			if (vq_more(vq))
				continue;
			break;
		}
		err = handle(d, vq, &vq->chain, &written);
		if (err) {
			virtio_fail(d, vq, err);
			break;
		}
		vq_push(vq, vq->chain.head, written);
	}
	irq = vq_need_notify(vq, old);
	spin_unlock_irqrestore(&vq->lock, f);
	if (irq)
		virtio_queue_irq(d, vq);
}

void virtio_print(struct virtio_dev *d)
{
	pr_info("%s: status %#x features %#llx errors %llu resets %llu "
		"notifies %llu irqs %llu/%llu%s%s\n",
		d->name, vp_status(d), (unsigned long long)d->driver_features,
		(unsigned long long)d->stats.errors,
		(unsigned long long)d->stats.resets,
		(unsigned long long)d->stats.notifies,
		(unsigned long long)d->stats.queue_irqs,
		(unsigned long long)d->stats.config_irqs,
		d->last_error ? " last error: " : "",
		d->last_error ? d->last_error : "");
}

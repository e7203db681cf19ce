// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net host driver, virtio 1.x PCI transport (modern only): the
 * common/notify/ISR/device configuration structures come from vendor
 * capabilities, features are VERSION_1, MAC, STATUS and CTRL_VQ+CTRL_RX
 * (no offloads, no mergeable buffers), one receive and one transmit split
 * virtqueue, one MSI-X vector for both queues and configuration changes
 * (INTx with the ISR register otherwise).
 *
 * Receive filter. With CTRL_RX the control queue sets promiscuous and
 * all-multicast mode (both on or both off, as dev->promisc says) after
 * every reset; commands are polled for, the control queue raises no
 * interrupt. Without it the driver has no say. The spec only says a
 * device SHOULD drop frames for MACs other than its own or its filter
 * table's (which only CTRL_RX commands can fill); QEMU's virtio-net
 * comes out of every reset promiscuous ("compatibility mode": only a
 * CTRL_RX command turns that off), so "on" is reported as done and "off"
 * as impossible (tests/profiles/qemu-net-virtio-noctrl.profile checks
 * that such a device delivers frames for other MACs). A device that did
 * filter without offering CTRL_RX could not serve as a switch's uplink.
 *
 * Receive buffers are frames from the device's rx pool: descriptor i
 * always holds the same frame, and the 12-byte virtio-net header lands in
 * the frame's headroom so the packet starts at frame_data(). Everything
 * the device writes (used ring indices, ids, lengths, status) is checked
 * before use; an impossible value resets the device.
 */
#include <pv/netdev.h>
#include <pv/pci.h>
#include <pv/pmm.h>
#include <pv/printk.h>
#include <pv/string.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/layout.h>
#include <asm/timer.h>

#define VIRTIO_VENDOR 0x1af4
#define VIRTIO_NET_MODERN 0x1041
#define VIRTIO_NET_TRANSITIONAL 0x1000

/* virtio_pci_cap.cfg_type */
#define VPCI_CAP_COMMON 1
#define VPCI_CAP_NOTIFY 2
#define VPCI_CAP_ISR 3
#define VPCI_CAP_DEVICE 4

/* Common configuration structure offsets. */
#define VC_DFSELECT 0x00
#define VC_DF 0x04
#define VC_GFSELECT 0x08
#define VC_GF 0x0c
#define VC_MSIX 0x10
#define VC_NUMQ 0x12
#define VC_STATUS 0x14
#define VC_GENERATION 0x15
#define VC_Q_SELECT 0x16
#define VC_Q_SIZE 0x18
#define VC_Q_MSIX 0x1a
#define VC_Q_ENABLE 0x1c
#define VC_Q_NOFF 0x1e
#define VC_Q_DESCLO 0x20
#define VC_Q_DESCHI 0x24
#define VC_Q_AVAILLO 0x28
#define VC_Q_AVAILHI 0x2c
#define VC_Q_USEDLO 0x30
#define VC_Q_USEDHI 0x34
#define VC_LEN 0x38

#define ST_ACK 1
#define ST_DRIVER 2
#define ST_DRIVER_OK 4
#define ST_FEATURES_OK 8
#define ST_NEEDS_RESET 0x40
#define ST_FAILED 0x80

#define VIRTIO_NO_VECTOR 0xffff
#define F_MAC (1ull << 5)
#define F_STATUS (1ull << 16)
#define F_CTRL_VQ (1ull << 17)
#define F_CTRL_RX (1ull << 18)
#define F_VERSION_1 (1ull << 32)

/* Device configuration (virtio_net_config). */
#define NETCFG_MAC 0
#define NETCFG_STATUS 6
#define NET_S_LINK_UP 1

#define ISR_QUEUE 1
#define ISR_CONFIG 2

#define VRING_DESC_F_WRITE 2
#define VRING_AVAIL_F_NO_INTERRUPT 1
#define VRING_USED_F_NO_NOTIFY 1

#define NET_HDR_LEN 12 /* virtio_net_hdr with num_buffers (VERSION_1) */
#define QUEUE_MAX 128
#define RXQ 0
#define TXQ 1
#define CTRLQ 2 /* without VIRTIO_NET_F_MQ, queue 2N with N = 1 */

/* Control queue commands (virtio_net_ctrl: class, command, data, ack). */
#define CTRL_RX 0
#define CTRL_RX_PROMISC 0
#define CTRL_RX_ALLMULTI 1
#define CTRL_OK 0
#define CTRL_ACK_OFF 64 /* the device-written ack byte, in its own line */
#define CTRL_WAIT_NS 100000000ull
#define VRING_DESC_F_NEXT 1

struct vring_desc {
	le64 addr;
	le32 len;
	le16 flags;
	le16 next;
};

struct vring_avail {
	le16 flags;
	le16 idx;
	le16 ring[];
};

struct vring_used_elem {
	le32 id;
	le32 len;
};

struct vring_used {
	le16 flags;
	le16 idx;
	struct vring_used_elem ring[];
};

struct vq {
	u16 size;
	u16 avail_idx; /* next avail slot (free-running) */
	u16 last_used; /* next used entry to reap (free-running) */
	u16 nr_free;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	phys_addr_t mem;
	volatile u8 __iomem *notify;
	u16 free[QUEUE_MAX]; /* free descriptor ids (tx) */
	struct frame *slot[QUEUE_MAX]; /* frame behind each descriptor */
};

struct vnet {
	struct netdev *dev;
	struct pci_dev *pci;
	volatile u8 __iomem *common, *notify_base, *isr, *devcfg;
	u32 notify_mult, notify_len;
	u64 features;
	struct vq q[3];
	bool deferred; /* a self-IPI is on its way: run even if ISR is 0 */
	bool ctrl_stuck; /* a command got no answer: none until a reset */
};

static u8 rd8(volatile u8 __iomem *base, u32 off)
{
	return *(volatile u8 __force *)(base + off);
}

static u16 rd16(volatile u8 __iomem *base, u32 off)
{
	return *(volatile u16 __force *)(base + off);
}

static void wr8(volatile u8 __iomem *base, u32 off, u8 v)
{
	*(volatile u8 __force *)(base + off) = v;
}

static void wr16(volatile u8 __iomem *base, u32 off, u16 v)
{
	*(volatile u16 __force *)(base + off) = v;
}

static u32 rd32(volatile u8 __iomem *base, u32 off)
{
	return mmio_read32(base + off);
}

static void wr32(volatile u8 __iomem *base, u32 off, u32 v)
{
	mmio_write32(base + off, v);
}

static void wr64(volatile u8 __iomem *base, u32 off, u64 v)
{
	wr32(base, off, (u32)v);
	wr32(base, off + 4, (u32)(v >> 32));
}

static inline void mb(void)
{
	__asm__ __volatile__("mfence" ::: "memory");
}

/* ------------------------------------------------------------ discovery */

static int map_caps(struct vnet *vn)
{
	struct pci_dev *d = vn->pci;
	u8 pos = 0;

	while ((pos = pci_find_cap(d, PCI_CAP_ID_VENDOR, pos))) {
		u8 type = pci_read8(d, pos + 3), bar = pci_read8(d, pos + 4);
		u32 off = pci_read32(d, pos + 8), len = pci_read32(d, pos + 12);
		volatile u8 __iomem **where = NULL;
		u32 need = 0;

		switch (type) {
		case VPCI_CAP_COMMON:
			where = &vn->common;
			need = VC_LEN;
			break;
		case VPCI_CAP_NOTIFY:
			where = &vn->notify_base;
			need = 2;
			vn->notify_mult = pci_read32(d, pos + 16);
			vn->notify_len = len;
			break;
		case VPCI_CAP_ISR:
			where = &vn->isr;
			need = 1;
			break;
		case VPCI_CAP_DEVICE:
			where = &vn->devcfg;
			need = 8;
			break;
		}
		/* The first capability of each type is the preferred one. */
		if (!where || *where || len < need)
			continue;
		*where = pci_iomap(d, bar, off, len);
	}
	if (!vn->common || !vn->notify_base || !vn->isr || !vn->devcfg)
		return -1;
	return 0;
}

static u64 read_features(struct vnet *vn)
{
	u64 f;

	wr32(vn->common, VC_DFSELECT, 0);
	f = rd32(vn->common, VC_DF);
	wr32(vn->common, VC_DFSELECT, 1);
	return f | (u64)rd32(vn->common, VC_DF) << 32;
}

static void read_mac(struct vnet *vn)
{
	u8 gen;

	/* Retry until the configuration generation is stable around it. */
	for (int tries = 0; tries < 10; tries++) {
		gen = rd8(vn->common, VC_GENERATION);
		for (int i = 0; i < ETH_ALEN; i++)
			vn->dev->mac[i] = rd8(vn->devcfg, NETCFG_MAC + i);
		if (rd8(vn->common, VC_GENERATION) == gen)
			return;
	}
}

static void vnet_update_link(struct netdev *dev)
{
	struct vnet *vn = dev->priv;

	dev->link_up = !(vn->features & F_STATUS) ||
		       (rd16(vn->devcfg, NETCFG_STATUS) & NET_S_LINK_UP);
}

/* -------------------------------------------------------------- queues */

static void vq_kick(struct vnet *vn, unsigned int qi)
{
	struct vq *q = &vn->q[qi];

	barrier();
	WRITE_ONCE(q->avail->idx, cpu_to_le16(q->avail_idx));
	mb();
	if (!(le16_to_cpu(READ_ONCE(q->used->flags)) & VRING_USED_F_NO_NOTIFY))
		*(volatile u16 __force *)q->notify = (u16)qi;
}

static void vq_add(struct vq *q, u16 id)
{
	q->avail->ring[q->avail_idx % q->size] = cpu_to_le16(id);
	q->avail_idx++;
}

static void rx_post(struct vnet *vn, u16 id, struct frame *f)
{
	struct vq *q = &vn->q[RXQ];

	f->off = FRAME_HEADROOM;
	f->len = 0;
	q->slot[id] = f;
	q->desc[id].addr =
		cpu_to_le64(netdev_dma(f->buf + FRAME_HEADROOM - NET_HDR_LEN));
	q->desc[id].len = cpu_to_le32(NET_HDR_LEN + FRAME_DATA_MAX);
	q->desc[id].flags = cpu_to_le16(VRING_DESC_F_WRITE);
	q->desc[id].next = 0;
	vq_add(q, id);
}

static void vq_irq(struct vq *q, bool on)
{
	WRITE_ONCE(q->avail->flags,
		   cpu_to_le16(on ? 0 : VRING_AVAIL_F_NO_INTERRUPT));
}

/* Entries the device has used and we have not reaped; -1 if impossible. */
static int vq_pending(struct vq *q)
{
	u16 n = le16_to_cpu(READ_ONCE(q->used->idx)) - q->last_used;

	barrier(); /* entries are read after the index */
	return n > q->size ? -1 : n;
}

static int setup_queue(struct vnet *vn, unsigned int qi, u16 msix)
{
	volatile u8 __iomem *c = vn->common;
	struct vq *q = &vn->q[qi];
	u16 max, noff;
	u64 off;

	wr16(c, VC_Q_SELECT, (u16)qi);
	max = rd16(c, VC_Q_SIZE);
	if (!max)
		return -1;
	q->size = QUEUE_MAX;
	while (q->size > max)
		q->size >>= 1;
	if (q->size < 2)
		return -1;
	if (!q->mem) {
		q->mem = pmm_alloc_pages(1);
		if (!q->mem)
			return -1;
	}
	memset(phys_to_virt(q->mem), 0, 2 * PAGE_SIZE);
	q->desc = phys_to_virt(q->mem);
	q->avail = (void *)((u8 *)q->desc + 16 * q->size);
	off = ALIGN_UP(16u * q->size + 6 + 2u * q->size, 64u);
	q->used = (void *)((u8 *)q->desc + off);
	q->avail_idx = q->last_used = 0;
	q->nr_free = 0;
	for (u16 i = 0; i < q->size; i++) {
		q->slot[i] = NULL;
		q->free[q->nr_free++] = q->size - 1 - i;
	}
	noff = rd16(c, VC_Q_NOFF);
	if ((u64)noff * vn->notify_mult + 2 > vn->notify_len)
		return -1;
	q->notify = vn->notify_base + (u64)noff * vn->notify_mult;
	wr16(c, VC_Q_SIZE, q->size);
	wr16(c, VC_Q_MSIX, msix);
	if (msix != VIRTIO_NO_VECTOR && rd16(c, VC_Q_MSIX) != msix)
		return -1;
	wr64(c, VC_Q_DESCLO, q->mem);
	wr64(c, VC_Q_AVAILLO, netdev_dma(q->avail));
	wr64(c, VC_Q_USEDLO, netdev_dma(q->used));
	wr16(c, VC_Q_ENABLE, 1);
	return 0;
}

static void device_reset(struct vnet *vn)
{
	wr8(vn->common, VC_STATUS, 0);
	/* Reset completes when status reads back 0. */
	for (int i = 0; i < 100000 && rd8(vn->common, VC_STATUS); i++)
		cpu_relax();
}

/* Take every frame back from the rings into the pools. */
static void reclaim_frames(struct vnet *vn)
{
	struct netdev *dev = vn->dev;

	for (unsigned int qi = 0; qi < 2; qi++) {
		struct vq *q = &vn->q[qi];

		for (unsigned int i = 0; i < QUEUE_MAX; i++) {
			if (!q->slot[i])
				continue;
			frame_free(qi == RXQ ? &dev->rx_pool : &dev->tx_pool,
				   q->slot[i]);
			q->slot[i] = NULL;
		}
	}
}

/*
 * One control command with a one-byte argument, polled until the device
 * has used it: 0 if it answered OK. Caller holds rx_lock, after
 * DRIVER_OK. The command sits in the second page of the queue's memory.
 */
static int ctrl_cmd(struct vnet *vn, u8 cls, u8 cmd, u8 val)
{
	struct vq *q = &vn->q[CTRLQ];
	u8 *buf = (u8 *)phys_to_virt(q->mem) + PAGE_SIZE;
	u64 end = uptime_ns() + CTRL_WAIT_NS;
	int pending;
	u32 id;

	if (vn->ctrl_stuck)
		return -1;
	buf[0] = cls;
	buf[1] = cmd;
	buf[2] = val;
	buf[CTRL_ACK_OFF] = 0xff;
	q->desc[0].addr = cpu_to_le64(netdev_dma(buf));
	q->desc[0].len = cpu_to_le32(3);
	q->desc[0].flags = cpu_to_le16(VRING_DESC_F_NEXT);
	q->desc[0].next = cpu_to_le16(1);
	q->desc[1].addr = cpu_to_le64(netdev_dma(buf + CTRL_ACK_OFF));
	q->desc[1].len = cpu_to_le32(1);
	q->desc[1].flags = cpu_to_le16(VRING_DESC_F_WRITE);
	q->desc[1].next = 0;
	vq_add(q, 0);
	vq_kick(vn, CTRLQ);
	while (!(pending = vq_pending(q)) && uptime_ns() < end)
		cpu_relax();
	if (pending == 1) {
		id = le32_to_cpu(
			READ_ONCE(q->used->ring[q->last_used % q->size].id));
		q->last_used++;
		if (id == 0) /* the device says VIRTIO_NET_OK or ERR */
			return READ_ONCE(buf[CTRL_ACK_OFF]) == CTRL_OK ? 0 : -1;
	}
	/* No answer, or an impossible one: the next reset starts over. */
	vn->dev->stats.errors++;
	vn->ctrl_stuck = true;
	return -1;
}

/* Promiscuous and all-multicast as dev->promisc says. Holds rx_lock. */
static int apply_rx_mode(struct vnet *vn)
{
	u8 on = READ_ONCE(vn->dev->promisc) ? 1 : 0;

	if (ctrl_cmd(vn, CTRL_RX, CTRL_RX_PROMISC, on) ||
	    ctrl_cmd(vn, CTRL_RX, CTRL_RX_ALLMULTI, on))
		return -1;
	return 0;
}

/* Bring the device from reset to DRIVER_OK. Caller holds both locks. */
static int device_init(struct vnet *vn)
{
	struct netdev *dev = vn->dev;
	u16 msix = vn->pci->irq_mode == PCI_IRQ_MSIX ? 0 : VIRTIO_NO_VECTOR;
	u64 offered, want;
	u8 st;

	device_reset(vn);
	reclaim_frames(vn);
	wr8(vn->common, VC_STATUS, ST_ACK);
	wr8(vn->common, VC_STATUS, ST_ACK | ST_DRIVER);
	offered = read_features(vn);
	want = offered &
	       (F_VERSION_1 | F_MAC | F_STATUS | F_CTRL_VQ | F_CTRL_RX);
	/* The control queue is only worth its setup for the receive mode. */
	if ((want & (F_CTRL_VQ | F_CTRL_RX)) != (F_CTRL_VQ | F_CTRL_RX))
		want &= ~(F_CTRL_VQ | F_CTRL_RX);
	if (!(want & F_VERSION_1))
		goto fail;
	vn->features = want;
	wr32(vn->common, VC_GFSELECT, 0);
	wr32(vn->common, VC_GF, (u32)want);
	wr32(vn->common, VC_GFSELECT, 1);
	wr32(vn->common, VC_GF, (u32)(want >> 32));
	st = ST_ACK | ST_DRIVER | ST_FEATURES_OK;
	wr8(vn->common, VC_STATUS, st);
	if (!(rd8(vn->common, VC_STATUS) & ST_FEATURES_OK))
		goto fail;
	wr16(vn->common, VC_MSIX, msix);
	if (msix != VIRTIO_NO_VECTOR && rd16(vn->common, VC_MSIX) != msix)
		goto fail;
	if (setup_queue(vn, RXQ, msix) || setup_queue(vn, TXQ, msix))
		goto fail;
	if (want & F_CTRL_VQ) {
		if (setup_queue(vn, CTRLQ, VIRTIO_NO_VECTOR))
			goto fail;
		vq_irq(&vn->q[CTRLQ], false); /* polled for */
	}
	if (want & F_MAC)
		read_mac(vn);
	for (u16 i = 0; i < vn->q[RXQ].size; i++) {
		struct frame *f = frame_alloc(&dev->rx_pool);

		if (!f)
			break;
		rx_post(vn, i, f);
	}
	vn->q[RXQ].nr_free = 0; /* receive descriptors are fixed slots */
	wr8(vn->common, VC_STATUS, st | ST_DRIVER_OK);
	vq_kick(vn, RXQ);
	vn->ctrl_stuck = false;
	if ((want & F_CTRL_RX) && apply_rx_mode(vn)) {
		/* Frames for our own MAC still flow: keep the device. */
		pr_warn("%s: receive mode (promiscuous %s) not accepted\n",
			dev->name, dev->promisc ? "on" : "off");
	}
	vnet_update_link(dev);
	return 0;
fail:
	wr8(vn->common, VC_STATUS, ST_FAILED);
	return -1;
}

/* ---------------------------------------------------------- data path */

static unsigned int rx_reap(struct vnet *vn, unsigned int budget)
{
	struct netdev *dev = vn->dev;
	struct vq *q = &vn->q[RXQ];
	struct frame *batch[NETDEV_RX_BATCH];
	u16 ids[NETDEV_RX_BATCH];
	unsigned int done = 0, nb = 0, reposted = 0;
	int pending = vq_pending(q);

	if (pending < 0) {
		vn->dev->broken = true;
		return 0;
	}
	while (pending-- > 0 && done < budget) {
		struct vring_used_elem *e =
			&q->used->ring[q->last_used % q->size];
		u32 id = le32_to_cpu(READ_ONCE(e->id));
		u32 len = le32_to_cpu(READ_ONCE(e->len));
		struct frame *f;

		q->last_used++;
		if (id >= q->size || !q->slot[id]) {
			dev->stats.errors++;
			vn->dev->broken = true;
			break;
		}
		/* Out of the ring until reposted: a repeated id is caught. */
		f = q->slot[id];
		q->slot[id] = NULL;
		done++;
		if (len < NET_HDR_LEN + ETH_HLEN ||
		    len > NET_HDR_LEN + FRAME_DATA_MAX) {
			dev->stats.rx_dropped++;
			dev->stats.errors++;
			rx_post(vn, (u16)id, f);
			reposted++;
			continue;
		}
		f->off = FRAME_HEADROOM;
		f->len = (u16)(len - NET_HDR_LEN);
		dev->stats.rx_packets++;
		dev->stats.rx_bytes += f->len;
		ids[nb] = (u16)id;
		batch[nb++] = f;
		if (nb == NETDEV_RX_BATCH) {
			netdev_deliver(dev, batch, nb);
			for (unsigned int i = 0; i < nb; i++)
				rx_post(vn, ids[i], batch[i]);
			reposted += nb;
			nb = 0;
		}
	}
	netdev_deliver(dev, batch, nb);
	for (unsigned int i = 0; i < nb; i++)
		rx_post(vn, ids[i], batch[i]);
	if (reposted + nb)
		vq_kick(vn, RXQ);
	return done;
}

static unsigned int tx_reap(struct vnet *vn)
{
	struct netdev *dev = vn->dev;
	struct vq *q = &vn->q[TXQ];
	unsigned int done = 0;
	int pending = vq_pending(q);

	if (pending < 0) {
		vn->dev->broken = true;
		return 0;
	}
	while (pending-- > 0) {
		u32 id = le32_to_cpu(
			READ_ONCE(q->used->ring[q->last_used % q->size].id));
		struct frame *f;

		q->last_used++;
		if (id >= q->size || !q->slot[id]) {
			dev->stats.errors++;
			vn->dev->broken = true;
			break;
		}
		f = q->slot[id];
		q->slot[id] = NULL;
		q->free[q->nr_free++] = (u16)id;
		dev->stats.tx_packets++;
		dev->stats.tx_bytes += f->len;
		frame_free(&dev->tx_pool, f);
		done++;
	}
	return done;
}

static unsigned int vnet_xmit(struct netdev *dev, struct frame *const frames[],
			      unsigned int n)
{
	struct vnet *vn = dev->priv;
	struct vq *q = &vn->q[TXQ];
	unsigned int taken = 0;
	u64 flags = spin_lock_irqsave(&vn->dev->tx_lock);

	tx_reap(vn);
	for (unsigned int i = 0; i < n; i++) {
		const struct frame *src = frames[i];
		struct frame *f;
		u16 id;

		if (src->len < ETH_HLEN ||
		    src->len > dev->mtu + ETH_HLEN + VLAN_HLEN ||
		    src->len > FRAME_DATA_MAX || !q->nr_free) {
			dev->stats.tx_dropped++;
			continue;
		}
		f = frame_alloc(&dev->tx_pool);
		if (!f) {
			dev->stats.tx_dropped++;
			continue;
		}
		memset(f->buf + FRAME_HEADROOM - NET_HDR_LEN, 0, NET_HDR_LEN);
		memcpy(frame_data(f), src->buf + src->off, src->len);
		f->len = src->len;
		id = q->free[--q->nr_free];
		q->slot[id] = f;
		q->desc[id].addr = cpu_to_le64(
			netdev_dma(f->buf + FRAME_HEADROOM - NET_HDR_LEN));
		q->desc[id].len = cpu_to_le32(NET_HDR_LEN + f->len);
		q->desc[id].flags = 0;
		q->desc[id].next = 0;
		vq_add(q, id);
		taken++;
	}
	if (taken)
		vq_kick(vn, TXQ);
	spin_unlock_irqrestore(&vn->dev->tx_lock, flags);
	return taken;
}

/* netdev ops over the helpers above (locks taken by netdev.c; the
 * control queue is used under rx_lock). */
static int vnet_hw_init(struct netdev *dev)
{
	return device_init(dev->priv);
}

static unsigned int vnet_rx_reap(struct netdev *dev, unsigned int budget)
{
	return rx_reap(dev->priv, budget);
}

static void vnet_tx_reap(struct netdev *dev)
{
	tx_reap(dev->priv);
}

static void irqs_on(struct vnet *vn, bool on)
{
	vq_irq(&vn->q[RXQ], on);
	vq_irq(&vn->q[TXQ], on);
	if (on)
		mb(); /* flags visible before we re-check the used rings */
}

static void vnet_irq(struct trap_frame *tf, void *data)
{
	struct netdev *dev = data;
	struct vnet *vn = dev->priv;
	u8 isr = ISR_QUEUE | ISR_CONFIG;
	unsigned int n;

	if (vn->pci->irq_mode == PCI_IRQ_INTX) {
		isr = rd8(vn->isr, 0); /* reading acknowledges */
		if (!isr && !vn->deferred)
			return; /* a device sharing the line */
	}
	vn->deferred = false;
	dev->stats.irqs++;
	if (rd8(vn->common, VC_STATUS) & ST_NEEDS_RESET) {
		dev->stats.errors++;
		pr_warn("%s: device needs reset\n", dev->name);
		netdev_reset(dev);
		return;
	}
	if (isr & ISR_CONFIG)
		vnet_update_link(dev);
	irqs_on(vn, false);
	n = netdev_poll(dev, NETDEV_IRQ_BUDGET);
	if (n >= NETDEV_IRQ_BUDGET) {
		vn->deferred = true;
		netdev_defer_poll(dev);
		return;
	}
	irqs_on(vn, true);
	/* A frame that landed between the last reap and unmasking. */
	if (vq_pending(&vn->q[RXQ]) > 0 || vq_pending(&vn->q[TXQ]) > 0) {
		vn->deferred = true;
		netdev_defer_poll(dev);
	}
}

static int vnet_open(struct netdev *dev)
{
	struct vnet *vn = dev->priv;

	if (netdev_setup_poll_vector(dev, vnet_irq) ||
	    pci_irq_setup(vn->pci, PCI_IRQ_ALLOW_ALL, vnet_irq, dev))
		return -1;
	return 0;
}

static int vnet_set_promisc(struct netdev *dev)
{
	struct vnet *vn = dev->priv;
	u64 flags;
	int r;

	if (!(vn->features & F_CTRL_RX))
		return dev->promisc ? 0 : -1; /* see the top of the file */
	flags = spin_lock_irqsave(&vn->dev->rx_lock);
	r = apply_rx_mode(vn);
	spin_unlock_irqrestore(&vn->dev->rx_lock, flags);
	return r;
}

static void vnet_inject_bad_rx(struct netdev *dev)
{
	struct vnet *vn = dev->priv;
	struct vq *q = &vn->q[RXQ];
	u64 flags = spin_lock_irqsave(&vn->dev->rx_lock);
	u16 idx = le16_to_cpu(READ_ONCE(q->used->idx));

	q->used->ring[idx % q->size].id = cpu_to_le32(q->size + 5u);
	q->used->ring[idx % q->size].len = cpu_to_le32(64);
	barrier();
	WRITE_ONCE(q->used->idx, cpu_to_le16(idx + 1));
	spin_unlock_irqrestore(&vn->dev->rx_lock, flags);
}

static const struct netdev_ops vnet_ops = {
	.open = vnet_open,
	.xmit = vnet_xmit,
	.hw_init = vnet_hw_init,
	.rx_reap = vnet_rx_reap,
	.tx_reap = vnet_tx_reap,
	.update_link = vnet_update_link,
	.set_promisc = vnet_set_promisc,
	.inject_bad_rx = vnet_inject_bad_rx,
};

static int vnet_probe(struct pci_dev *d)
{
	struct netdev *dev =
		netdev_alloc(d, "virtio-net", &vnet_ops, sizeof(struct vnet));
	struct vnet *vn;

	if (!dev)
		return -1;
	vn = dev->priv;
	vn->dev = dev;
	vn->pci = d;
	if (map_caps(vn)) {
		pr_warn("virtio-net: %02x:%02x.%u has no modern interface\n",
			d->bus, d->slot, d->fn);
		return -1;
	}
	if (netdev_alloc_frames(dev, QUEUE_MAX, QUEUE_MAX))
		return -1;
	/* Features and MAC now, so the device is named with its address. */
	device_reset(vn);
	wr8(vn->common, VC_STATUS, ST_ACK | ST_DRIVER);
	vn->features = read_features(vn) & (F_VERSION_1 | F_MAC | F_STATUS);
	if (!(vn->features & F_VERSION_1))
		return -1;
	if (vn->features & F_MAC)
		read_mac(vn);
	device_reset(vn);
	return netdev_register(dev);
}

static const struct pci_device_id vnet_ids[] = {
	{ VIRTIO_VENDOR, VIRTIO_NET_MODERN },
	{ VIRTIO_VENDOR, VIRTIO_NET_TRANSITIONAL },
	{ 0, 0 },
};

static const struct pci_driver vnet_driver = {
	.name = "virtio-net",
	.ids = vnet_ids,
	.probe = vnet_probe,
};

void virtio_net_register(void)
{
	pci_register_driver(&vnet_driver);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Intel 8254x (e1000, 82540EM as QEMU models it) host driver: legacy
 * receive/transmit descriptors, 2 KiB receive buffers (one frame from the
 * device's rx pool per descriptor, for good), MAC from the EEPROM through
 * EERD (RAL0/RAH0 if the EEPROM does not answer), interrupts via MSI if
 * the function has it, else INTx through the IOAPIC (the 82540EM has no
 * MSI-X, and QEMU's has no MSI either). The receive filter takes our MAC
 * (RAL0/RAH0) and broadcasts; promiscuous mode adds every unicast and
 * multicast frame (RCTL.UPE|MPE), set again by every reset.
 *
 * The device writes only descriptor status/length and head pointers; a
 * length beyond the buffer, a frame without end-of-packet (impossible
 * with long packets off), a done bit on a descriptor we never handed over
 * or a head pointer outside the ring resets the device.
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

#define INTEL_VENDOR 0x8086
#define E1000_82540EM 0x100e
#define E1000_82545EM 0x100f

/* Registers (byte offsets into BAR 0). */
#define REG_CTRL 0x0000
#define REG_STATUS 0x0008
#define REG_EERD 0x0014
#define REG_ICR 0x00c0
#define REG_IMS 0x00d0
#define REG_IMC 0x00d8
#define REG_RCTL 0x0100
#define REG_TCTL 0x0400
#define REG_TIPG 0x0410
#define REG_RDBAL 0x2800
#define REG_RDBAH 0x2804
#define REG_RDLEN 0x2808
#define REG_RDH 0x2810
#define REG_RDT 0x2818
#define REG_RDTR 0x2820
#define REG_TDBAL 0x3800
#define REG_TDBAH 0x3804
#define REG_TDLEN 0x3808
#define REG_TDH 0x3810
#define REG_TDT 0x3818
#define REG_MPC 0x4010 /* missed packets, clear on read */
#define REG_MTA 0x5200
#define REG_RAL0 0x5400
#define REG_RAH0 0x5404
#define MMIO_SIZE 0x20000

#define CTRL_ASDE (1u << 5)
#define CTRL_SLU (1u << 6)
#define CTRL_ILOS (1u << 7)
#define CTRL_RST (1u << 26)
#define CTRL_PHY_RST (1u << 31)
#define STATUS_LU (1u << 1)
#define EERD_START (1u << 0)
#define EERD_DONE (1u << 4)
#define EERD_ADDR_SHIFT 8
#define RAH_AV (1u << 31)

#define ICR_TXDW (1u << 0)
#define ICR_LSC (1u << 2)
#define ICR_RXSEQ (1u << 3)
#define ICR_RXDMT0 (1u << 4)
#define ICR_RXO (1u << 6)
#define ICR_RXT0 (1u << 7)
#define IRQ_MASK \
	(ICR_TXDW | ICR_LSC | ICR_RXSEQ | ICR_RXDMT0 | ICR_RXO | ICR_RXT0)

#define RCTL_EN (1u << 1)
#define RCTL_UPE (1u << 3) /* every unicast frame */
#define RCTL_MPE (1u << 4) /* every multicast frame */
#define RCTL_BAM (1u << 15)
#define RCTL_SECRC (1u << 26) /* BSIZE 00, BSEX 0: 2048-byte buffers */
#define TCTL_EN (1u << 1)
#define TCTL_PSP (1u << 3)
#define TCTL_CT(x) ((u32)(x) << 4)
#define TCTL_COLD(x) ((u32)(x) << 12)
#define TIPG_82540 (10u | 8u << 10 | 6u << 20)

#define RXD_DD (1u << 0)
#define RXD_EOP (1u << 1)
#define TXD_CMD_EOP (1u << 0)
#define TXD_CMD_IFCS (1u << 1)
#define TXD_CMD_RS (1u << 3)
#define TXD_DD (1u << 0)

#define RING 128 /* descriptors per ring; RDLEN must be a multiple of 128 B */
#define RX_BUF 2048

struct rx_desc {
	le64 addr;
	le16 len;
	le16 csum;
	u8 status;
	u8 errors;
	le16 special;
};

struct tx_desc {
	le64 addr;
	le16 len;
	u8 cso;
	u8 cmd;
	u8 status;
	u8 css;
	le16 special;
};

struct e1k {
	struct netdev *dev;
	struct pci_dev *pci;
	volatile u8 __iomem *regs;
	struct rx_desc *rx;
	struct tx_desc *tx;
	phys_addr_t rx_pa, tx_pa;
	unsigned int rx_next; /* next descriptor the device fills */
	unsigned int tx_tail, tx_clean;
	struct frame *rx_slot[RING], *tx_slot[RING];
	bool deferred;
};

static u32 rd(struct e1k *e, u32 reg)
{
	return mmio_read32(e->regs + reg);
}

static void wr(struct e1k *e, u32 reg, u32 v)
{
	mmio_write32(e->regs + reg, v);
}

static void e1k_update_link(struct netdev *dev)
{
	struct e1k *e = dev->priv;

	dev->link_up = rd(e, REG_STATUS) & STATUS_LU;
}

static int eeprom_read(struct e1k *e, u8 addr, u16 *out)
{
	wr(e, REG_EERD, EERD_START | (u32)addr << EERD_ADDR_SHIFT);
	for (int i = 0; i < 10000; i++) {
		u32 v = rd(e, REG_EERD);

		if (v & EERD_DONE) {
			*out = (u16)(v >> 16);
			return 0;
		}
		udelay(1);
	}
	return -1;
}

static void read_mac(struct e1k *e)
{
	u8 *mac = e->dev->mac;
	u16 w[3];

	if (!eeprom_read(e, 0, &w[0]) && !eeprom_read(e, 1, &w[1]) &&
	    !eeprom_read(e, 2, &w[2])) {
		for (int i = 0; i < 3; i++) {
			mac[2 * i] = (u8)w[i];
			mac[2 * i + 1] = (u8)(w[i] >> 8);
		}
		return;
	}
	/* No EEPROM: the receive address the device was reset with. */
	{
		u32 lo = rd(e, REG_RAL0), hi = rd(e, REG_RAH0);

		for (int i = 0; i < 4; i++)
			mac[i] = (u8)(lo >> (8 * i));
		mac[4] = (u8)hi;
		mac[5] = (u8)(hi >> 8);
	}
}

static void hw_reset(struct e1k *e)
{
	wr(e, REG_IMC, ~0u);
	wr(e, REG_CTRL, rd(e, REG_CTRL) | CTRL_RST);
	udelay(10);
	for (int i = 0; i < 1000 && (rd(e, REG_CTRL) & CTRL_RST); i++)
		udelay(10);
	wr(e, REG_IMC, ~0u);
	(void)rd(e, REG_ICR);
}

static void reclaim_frames(struct e1k *e)
{
	struct netdev *dev = e->dev;

	for (unsigned int i = 0; i < RING; i++) {
		if (e->rx_slot[i])
			frame_free(&dev->rx_pool, e->rx_slot[i]);
		if (e->tx_slot[i])
			frame_free(&dev->tx_pool, e->tx_slot[i]);
		e->rx_slot[i] = e->tx_slot[i] = NULL;
	}
}

static void rx_give(struct e1k *e, unsigned int i, struct frame *f)
{
	f->off = FRAME_HEADROOM;
	f->len = 0;
	e->rx_slot[i] = f;
	e->rx[i].addr = cpu_to_le64(netdev_dma(frame_data(f)));
	e->rx[i].len = 0;
	e->rx[i].status = 0;
	e->rx[i].errors = 0;
}

/*
 * Receive control: 2 KiB buffers, CRC stripped, broadcasts accepted; the
 * address filter (RAL0/RAH0, an empty multicast table) is bypassed for
 * unicast and multicast in promiscuous mode.
 */
static u32 rctl_value(struct netdev *dev)
{
	u32 v = RCTL_EN | RCTL_BAM | RCTL_SECRC;

	if (READ_ONCE(dev->promisc))
		v |= RCTL_UPE | RCTL_MPE;
	return v;
}

/* From any state to receiving and transmitting. Caller holds both locks. */
static int hw_init(struct e1k *e)
{
	struct netdev *dev = e->dev;
	const u8 *m = dev->mac;
	u32 ctrl;

	hw_reset(e);
	(void)rd(e, REG_MPC);
	reclaim_frames(e);
	ctrl = rd(e, REG_CTRL);
	ctrl &= ~(CTRL_ILOS | CTRL_PHY_RST);
	wr(e, REG_CTRL, ctrl | CTRL_SLU | CTRL_ASDE);
	for (unsigned int i = 0; i < 128; i++)
		wr(e, REG_MTA + 4 * i, 0);
	wr(e, REG_RAL0,
	   m[0] | (u32)m[1] << 8 | (u32)m[2] << 16 | (u32)m[3] << 24);
	wr(e, REG_RAH0, m[4] | (u32)m[5] << 8 | RAH_AV);

	memset(e->rx, 0, PAGE_SIZE);
	for (unsigned int i = 0; i < RING; i++) {
		struct frame *f = frame_alloc(&dev->rx_pool);

		if (!f)
			return -1;
		rx_give(e, i, f);
	}
	e->rx_next = 0;
	wr(e, REG_RDBAL, (u32)e->rx_pa);
	wr(e, REG_RDBAH, (u32)(e->rx_pa >> 32));
	wr(e, REG_RDLEN, RING * sizeof(struct rx_desc));
	wr(e, REG_RDH, 0);
	wr(e, REG_RDT, RING - 1); /* one slot stays ours: full != empty */
	wr(e, REG_RDTR, 0);

	memset(e->tx, 0, PAGE_SIZE);
	e->tx_tail = e->tx_clean = 0;
	wr(e, REG_TDBAL, (u32)e->tx_pa);
	wr(e, REG_TDBAH, (u32)(e->tx_pa >> 32));
	wr(e, REG_TDLEN, RING * sizeof(struct tx_desc));
	wr(e, REG_TDH, 0);
	wr(e, REG_TDT, 0);
	wr(e, REG_TIPG, TIPG_82540);
	wr(e, REG_TCTL, TCTL_EN | TCTL_PSP | TCTL_CT(0x0f) | TCTL_COLD(0x40));
	wr(e, REG_RCTL, rctl_value(dev));
	e->deferred = false;
	wr(e, REG_IMS, IRQ_MASK);
	e1k_update_link(dev);
	return 0;
}

/* ---------------------------------------------------------- data path */

static unsigned int rx_reap(struct e1k *e, unsigned int budget)
{
	struct netdev *dev = e->dev;
	struct frame *batch[NETDEV_RX_BATCH];
	unsigned int idx[NETDEV_RX_BATCH];
	unsigned int done = 0, nb = 0, last = RING;

	while (done < budget) {
		unsigned int i = e->rx_next;
		struct rx_desc *d = &e->rx[i];
		u8 status = READ_ONCE(d->status), errors;
		u16 len;

		if (!(status & RXD_DD))
			break;
		barrier(); /* the rest of the descriptor after DD */
		len = le16_to_cpu(d->len);
		errors = d->errors;
		if (len > RX_BUF || !(status & RXD_EOP) || !e->rx_slot[i]) {
			dev->stats.errors++;
			e->dev->broken = true;
			break;
		}
		e->rx_next = (i + 1) % RING;
		done++;
		if (errors || len < ETH_HLEN) {
			dev->stats.rx_dropped++;
			if (errors)
				dev->stats.errors++;
			rx_give(e, i, e->rx_slot[i]);
			last = i;
			continue;
		}
		batch[nb] = e->rx_slot[i];
		batch[nb]->len = len;
		idx[nb++] = i;
		dev->stats.rx_packets++;
		dev->stats.rx_bytes += len;
		if (nb == NETDEV_RX_BATCH || done == budget) {
			netdev_deliver(dev, batch, nb);
			for (unsigned int k = 0; k < nb; k++)
				rx_give(e, idx[k], batch[k]);
			last = idx[nb - 1];
			nb = 0;
		}
	}
	if (nb) {
		netdev_deliver(dev, batch, nb);
		for (unsigned int k = 0; k < nb; k++)
			rx_give(e, idx[k], batch[k]);
		last = idx[nb - 1];
	}
	if (last != RING) {
		barrier(); /* descriptors rewritten before the tail moves */
		wr(e, REG_RDT, last);
	}
	return done;
}

static void tx_reap(struct e1k *e)
{
	struct netdev *dev = e->dev;

	if (rd(e, REG_TDH) >= RING) {
		dev->stats.errors++;
		e->dev->broken = true;
		return;
	}
	while (e->tx_clean != e->tx_tail) {
		unsigned int i = e->tx_clean;
		struct frame *f = e->tx_slot[i];

		if (!(READ_ONCE(e->tx[i].status) & TXD_DD))
			break;
		if (!f) {
			dev->stats.errors++;
			e->dev->broken = true;
			return;
		}
		dev->stats.tx_packets++;
		dev->stats.tx_bytes += f->len;
		frame_free(&dev->tx_pool, f);
		e->tx_slot[i] = NULL;
		e->tx_clean = (i + 1) % RING;
	}
}

static unsigned int e1k_xmit(struct netdev *dev, struct frame *const frames[],
			     unsigned int n)
{
	struct e1k *e = dev->priv;
	unsigned int taken = 0;
	u64 flags = spin_lock_irqsave(&e->dev->tx_lock);

	tx_reap(e);
	for (unsigned int k = 0; k < n; k++) {
		const struct frame *src = frames[k];
		unsigned int i = e->tx_tail;
		struct tx_desc *d = &e->tx[i];
		struct frame *f;

		if (src->len < ETH_HLEN ||
		    src->len > dev->mtu + ETH_HLEN + VLAN_HLEN ||
		    (i + 1) % RING == e->tx_clean) {
			dev->stats.tx_dropped++;
			continue;
		}
		f = frame_alloc(&dev->tx_pool);
		if (!f) {
			dev->stats.tx_dropped++;
			continue;
		}
		memcpy(frame_data(f), src->buf + src->off, src->len);
		f->len = src->len;
		e->tx_slot[i] = f;
		d->addr = cpu_to_le64(netdev_dma(frame_data(f)));
		d->len = cpu_to_le16(f->len);
		d->cso = 0;
		d->css = 0;
		d->special = 0;
		d->status = 0;
		d->cmd = TXD_CMD_EOP | TXD_CMD_IFCS | TXD_CMD_RS;
		e->tx_tail = (i + 1) % RING;
		taken++;
	}
	if (taken) {
		barrier();
		wr(e, REG_TDT, e->tx_tail);
	}
	spin_unlock_irqrestore(&e->dev->tx_lock, flags);
	return taken;
}

/* netdev ops over the helpers above (locks taken by netdev.c). */
static int e1k_hw_init(struct netdev *dev)
{
	return hw_init(dev->priv);
}

static unsigned int e1k_rx_reap(struct netdev *dev, unsigned int budget)
{
	return rx_reap(dev->priv, budget);
}

static void e1k_tx_reap(struct netdev *dev)
{
	tx_reap(dev->priv);
}

static void e1k_irq(struct trap_frame *tf, void *data)
{
	struct netdev *dev = data;
	struct e1k *e = dev->priv;
	u32 icr = rd(e, REG_ICR); /* reading acknowledges every cause */

	if (!icr && !e->deferred)
		return; /* another device on a shared line */
	e->deferred = false;
	dev->stats.irqs++;
	if (icr & ICR_LSC)
		e1k_update_link(dev);
	if (icr & ICR_RXO) /* ring was full: the device counted its drops */
		dev->stats.rx_dropped += rd(e, REG_MPC);
	wr(e, REG_IMC, ~0u);
	if (netdev_poll(dev, NETDEV_IRQ_BUDGET) >= NETDEV_IRQ_BUDGET) {
		e->deferred = true; /* masked until the re-raised vector */
		netdev_defer_poll(dev);
		return;
	}
	/* Causes latched while masked raise the line again right here. */
	wr(e, REG_IMS, IRQ_MASK);
}

static int e1k_open(struct netdev *dev)
{
	struct e1k *e = dev->priv;

	if (netdev_setup_poll_vector(dev, e1k_irq) ||
	    pci_irq_setup(e->pci, PCI_IRQ_ALLOW_MSI | PCI_IRQ_ALLOW_INTX,
			  e1k_irq, dev))
		return -1;
	return 0;
}

static int e1k_set_promisc(struct netdev *dev)
{
	struct e1k *e = dev->priv;
	u64 flags = spin_lock_irqsave(&e->dev->rx_lock);

	/* Under the rx lock: a reset (hw_init) cannot run meanwhile. */
	wr(e, REG_RCTL, rctl_value(dev));
	spin_unlock_irqrestore(&e->dev->rx_lock, flags);
	return 0;
}

static void e1k_inject_bad_rx(struct netdev *dev)
{
	struct e1k *e = dev->priv;
	u64 flags = spin_lock_irqsave(&e->dev->rx_lock);
	struct rx_desc *d = &e->rx[e->rx_next];

	d->len = cpu_to_le16(RX_BUF + 1000);
	d->errors = 0;
	barrier();
	WRITE_ONCE(d->status, RXD_DD | RXD_EOP);
	spin_unlock_irqrestore(&e->dev->rx_lock, flags);
}

static const struct netdev_ops e1k_ops = {
	.open = e1k_open,
	.xmit = e1k_xmit,
	.hw_init = e1k_hw_init,
	.rx_reap = e1k_rx_reap,
	.tx_reap = e1k_tx_reap,
	.update_link = e1k_update_link,
	.set_promisc = e1k_set_promisc,
	.inject_bad_rx = e1k_inject_bad_rx,
};

static int e1k_probe(struct pci_dev *d)
{
	struct netdev *dev =
		netdev_alloc(d, "e1000", &e1k_ops, sizeof(struct e1k));
	struct e1k *e;

	if (!dev)
		return -1;
	e = dev->priv;
	e->dev = dev;
	e->pci = d;
	e->regs = pci_iomap(d, 0, 0, MMIO_SIZE);
	e->rx_pa = pmm_alloc_zeroed_page();
	e->tx_pa = pmm_alloc_zeroed_page();
	if (!e->regs || !e->rx_pa || !e->tx_pa ||
	    netdev_alloc_frames(dev, RING, RING))
		return -1;
	e->rx = phys_to_virt(e->rx_pa);
	e->tx = phys_to_virt(e->tx_pa);
	hw_reset(e);
	read_mac(e);
	return netdev_register(dev);
}

static const struct pci_device_id e1k_ids[] = {
	{ INTEL_VENDOR, E1000_82540EM },
	{ INTEL_VENDOR, E1000_82545EM },
	{ 0, 0 },
};

static const struct pci_driver e1k_driver = {
	.name = "e1000",
	.ids = e1k_ids,
	.probe = e1k_probe,
};

void e1000_register(void)
{
	pci_register_driver(&e1k_driver);
}

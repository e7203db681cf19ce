// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net (virtio 1.1, 5.1): one receive and one transmit queue, MAC
 * and link status in the configuration, no offloads, MTU 1500. Every
 * frame is preceded by the 12-byte virtio_net_hdr (num_buffers included
 * with VERSION_1); header and frame may be split across descriptors any
 * way the driver likes.
 *
 * The device is a struct netport: what the guest transmits goes to
 * netport_tx(); the network delivers to vnet_rx(), which fills the next
 * receive buffer or drops (never waits). A transmitting CPU copies the
 * frame out and releases the queue lock before handing it to the network,
 * so a peer delivering to us at the same time never waits on it; one CPU
 * at a time drains the transmit queue (tx_busy), the others leave the
 * buffers they announced to it.
 */
#include <pv/string.h>
#include "virtio.h"

#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_STATUS 16
#define VIRTIO_NET_S_LINK_UP 1

#define VNET_RXQ 0
#define VNET_TXQ 1
#define VNET_QUEUE_SIZE 256
#define VNET_ETH_HLEN 14
/* MTU 1500 plus the Ethernet header and one 802.1Q tag. */
#define VNET_MAX_FRAME (VNET_ETH_HLEN + 4 + 1500)
#define PCI_CLASS_ETHERNET 0x020000

struct virtio_net_config {
	u8 mac[6];
	le16 status;
	le16 max_virtqueue_pairs;
	le16 mtu;
};

struct virtio_net_hdr {
	u8 flags;
	u8 gso_type;
	le16 hdr_len;
	le16 gso_size;
	le16 csum_start;
	le16 csum_offset;
	le16 num_buffers;
};

#define VNET_HDR_LEN sizeof(struct virtio_net_hdr)

struct vnet {
	struct virtio_dev vdev;
	struct netport port;
	struct virtio_net_config cfg;
	struct virtio_net_stats stats; /* rx_*: RX lock, tx_*: TX owner */
	bool tx_busy; /* a CPU drains the TX queue (under its lock) */
	u8 txbuf[VNET_MAX_FRAME]; /* the draining CPU's */
};

static struct vnet *to_vnet(struct virtio_dev *d)
{
	return container_of(d, struct vnet, vdev);
}

/* Check one transmit chain; returns the frame length to send, or 0 to
 * complete it unsent (counted), or -1 if it is malformed. */
static int vnet_tx_chain(struct vnet *n, struct virtq *vq, struct vq_chain *c)
{
	u32 len;

	if (c->write_len)
		return -1; /* transmit buffers are device-readable only */
	if (c->read_len < VNET_HDR_LEN + VNET_ETH_HLEN) {
		n->stats.tx_short++;
		return 0;
	}
	len = c->read_len - VNET_HDR_LEN;
	if (len > VNET_MAX_FRAME) {
		n->stats.tx_oversize++;
		return 0;
	}
	/* The header asks for no offload we offered: nothing to do. */
	vq_chain_read(vq, c, VNET_HDR_LEN, n->txbuf, len);
	return (int)len;
}

static void vnet_tx(struct vnet *n, struct virtq *vq)
{
	struct virtio_dev *d = &n->vdev;
	u64 f = spin_lock_irqsave(&vq->lock);
	u16 old = vq->used_idx;
	bool irq;

	if (n->tx_busy) { /* the draining CPU will see our buffers */
		spin_unlock_irqrestore(&vq->lock, f);
		return;
	}
	n->tx_busy = true;
	while (virtio_queue_live(d, vq)) {
		int r = virtio_pop(d, vq, &vq->chain), len;

		if (r < 0)
			break;
		if (!r) {
			if (vq_more(vq))
				continue;
			break;
		}
		len = vnet_tx_chain(n, vq, &vq->chain);
		if (len < 0) {
			virtio_fail(d, vq,
				    "writable buffer in a transmit chain");
			break;
		}
		vq_push(vq, vq->chain.head, 0);
		if (!len)
			continue;
		/* Never hold our lock while the network delivers. */
		spin_unlock_irqrestore(&vq->lock, f);
		if (netport_tx(&n->port, n->txbuf, (size_t)len)) {
			n->stats.tx_frames++;
			n->stats.tx_bytes += (u64)len;
		} else {
			n->stats.tx_dropped++;
		}
		f = spin_lock_irqsave(&vq->lock);
	}
	n->tx_busy = false;
	irq = vq_need_notify(vq, old);
	spin_unlock_irqrestore(&vq->lock, f);
	if (irq)
		virtio_queue_irq(d, vq);
}

/* The network hands us a frame (borrowed). */
static bool vnet_rx(struct netport *p, const void *frame, size_t len)
{
	struct vnet *n = p->priv;
	struct virtio_dev *d = &n->vdev;
	struct virtq *vq = &d->vq[VNET_RXQ];
	struct vq_chain *c = &vq->chain;
	struct virtio_net_hdr h;
	bool irq, ok = false;
	u16 old;
	u64 f;
	int r;

	if (len > VNET_MAX_FRAME || len < VNET_ETH_HLEN) {
		virtio_count(&n->stats.rx_oversize);
		return false;
	}
	memset(&h, 0, sizeof(h));
	h.num_buffers = cpu_to_le16(1); /* 5.1.6.3.1: without MRG_RXBUF */
	f = spin_lock_irqsave(&vq->lock);
	old = vq->used_idx;
	if (!virtio_queue_live(d, vq)) {
		n->stats.rx_not_ready++;
		goto out;
	}
	r = virtio_pop(d, vq, c);
	if (!r && vq_more(vq))
		r = virtio_pop(d, vq, c);
	if (r <= 0) {
		if (!r)
			n->stats.rx_no_buffer++;
		goto out;
	}
	if (c->nread) {
		virtio_fail(d, vq, "readable buffer in a receive chain");
		goto out;
	}
	if (c->write_len < VNET_HDR_LEN + len) {
		n->stats.rx_short_buffer++; /* give it back empty */
		vq_push(vq, c->head, 0);
		goto out;
	}
	vq_chain_write(vq, c, 0, &h, VNET_HDR_LEN);
	vq_chain_write(vq, c, VNET_HDR_LEN, frame, (u32)len);
	vq_push(vq, c->head, (u32)(VNET_HDR_LEN + len));
	n->stats.rx_frames++;
	n->stats.rx_bytes += len;
	ok = true;
out:
	irq = vq_need_notify(vq, old);
	spin_unlock_irqrestore(&vq->lock, f);
	if (irq)
		virtio_queue_irq(d, vq);
	return ok;
}

static void vnet_notify(struct virtio_dev *d, struct virtq *vq)
{
	/* Receive buffers wait for frames; nothing to do on their kick. */
	if (vq->index == VNET_TXQ)
		vnet_tx(to_vnet(d), vq);
}

static const struct virtio_dev_ops vnet_ops = {
	.notify = vnet_notify,
};

struct netport *virtio_net_create(struct vm *vm, struct vpci_host *pci,
				  const u8 mac[6])
{
	struct vnet *n = vm_dev_zalloc(vm, sizeof(*n));

	if (!n)
		return NULL;
	memcpy(n->cfg.mac, mac, 6);
	n->cfg.status = cpu_to_le16(VIRTIO_NET_S_LINK_UP);
	n->cfg.max_virtqueue_pairs = cpu_to_le16(1);
	n->cfg.mtu = cpu_to_le16(1500);
	n->port.name = "virtio-net";
	memcpy(n->port.mac, mac, 6);
	n->port.rx = vnet_rx;
	n->port.priv = n;
	if (virtio_pci_init(&n->vdev, vm, pci, "virtio-net", VIRTIO_ID_NET,
			    PCI_CLASS_ETHERNET, 2, VNET_QUEUE_SIZE,
			    VIRTIO_BIT(VIRTIO_NET_F_MAC) |
				    VIRTIO_BIT(VIRTIO_NET_F_STATUS),
			    &n->cfg, sizeof(n->cfg), &vnet_ops))
		return NULL;
	return &n->port;
}

struct virtio_dev *virtio_net_dev(struct netport *p)
{
	return &((struct vnet *)p->priv)->vdev;
}

const struct virtio_net_stats *virtio_net_stats(struct netport *p)
{
	return &((struct vnet *)p->priv)->stats;
}

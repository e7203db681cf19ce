// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-console (virtio 1.1, 5.3), a single port (no MULTIPORT): queue 0
 * receives, queue 1 transmits. What the guest writes goes to the VM's
 * console (vm_console_putc); input from the hypervisor waits in a small
 * FIFO until the driver posts receive buffers.
 */
#include <pv/string.h>
#include "virtio.h"

#define VCON_RXQ 0
#define VCON_TXQ 1
#define VCON_QUEUE_SIZE 64
#define VCON_FIFO 512
#define PCI_CLASS_COMM_OTHER 0x078000

struct virtio_console_config {
	le16 cols;
	le16 rows;
	le32 max_nr_ports;
	le32 emerg_wr;
};

struct vcon {
	struct virtio_dev vdev;
	struct virtio_console_config cfg;
	struct virtio_console_stats stats; /* tx: TX lock, rx: RX lock */
	/* Pending input, under the RX queue's lock. */
	u8 fifo[VCON_FIFO];
	unsigned int head, count;
};

static struct vcon *to_vcon(struct virtio_dev *d)
{
	return container_of(d, struct vcon, vdev);
}

static const char *vcon_tx_chain(struct virtio_dev *d, struct virtq *vq,
				 struct vq_chain *c, u32 *written)
{
	struct vcon *v = to_vcon(d);
	u8 buf[64];

	if (c->write_len)
		return "writable buffer in a transmit chain";
	for (u32 pos = 0; pos < c->read_len;) {
		u32 n = vq_chain_read(vq, c, pos, buf,
				      MIN(c->read_len - pos, (u32)sizeof(buf)));

		if (!n)
			break;
		for (u32 i = 0; i < n; i++)
			vm_console_putc(d->vm, (char)buf[i]);
		pos += n;
		v->stats.tx_bytes += n;
	}
	*written = 0;
	return NULL;
}

/* Move pending input into receive buffers; RX lock held. Returns whether
 * the driver wants an interrupt. */
static bool vcon_deliver(struct vcon *v, struct virtq *vq)
{
	struct virtio_dev *d = &v->vdev;
	struct vq_chain *c = &vq->chain;
	u16 old = vq->used_idx;

	while (v->count && virtio_queue_live(d, vq)) {
		u32 n, first;
		int r = virtio_pop(d, vq, c);

		if (!r && vq_more(vq))
			continue;
		if (r <= 0)
			break;
		if (c->nread) {
			virtio_fail(d, vq,
				    "readable buffer in a receive chain");
			break;
		}
		n = MIN((u32)v->count, c->write_len);
		first = MIN(n, (u32)(VCON_FIFO - v->head));
		vq_chain_write(vq, c, 0, v->fifo + v->head, first);
		vq_chain_write(vq, c, first, v->fifo, n - first);
		v->head = (v->head + n) % VCON_FIFO;
		v->count -= n;
		v->stats.rx_bytes += n;
		vq_push(vq, c->head, n);
	}
	return vq_need_notify(vq, old);
}

unsigned int virtio_console_input(struct virtio_dev *d, const void *buf,
				  unsigned int len)
{
	struct vcon *v = to_vcon(d);
	struct virtq *vq = &d->vq[VCON_RXQ];
	const u8 *p = buf;
	unsigned int i;
	bool irq;
	u64 f = spin_lock_irqsave(&vq->lock);

	for (i = 0; i < len && v->count < VCON_FIFO; i++, v->count++)
		v->fifo[(v->head + v->count) % VCON_FIFO] = p[i];
	v->stats.rx_dropped += len - i;
	irq = vcon_deliver(v, vq);
	spin_unlock_irqrestore(&vq->lock, f);
	if (irq)
		virtio_queue_irq(d, vq);
	return i;
}

static void vcon_notify(struct virtio_dev *d, struct virtq *vq)
{
	bool irq;
	u64 f;

	if (vq->index == VCON_TXQ) {
		virtio_process(d, vq, vcon_tx_chain);
		return;
	}
	f = spin_lock_irqsave(&vq->lock);
	irq = vcon_deliver(to_vcon(d), vq);
	spin_unlock_irqrestore(&vq->lock, f);
	if (irq)
		virtio_queue_irq(d, vq);
}

static const struct virtio_dev_ops vcon_ops = {
	.notify = vcon_notify,
	/* Pending input survives a reset: typed before the driver loaded
	 * (which resets the device first), it is read once it is ready. */
};

struct virtio_dev *virtio_console_create(struct vm *vm, struct vpci_host *pci)
{
	struct vcon *v = vm_dev_zalloc(vm, sizeof(*v));

	if (!v)
		return NULL;
	v->cfg.max_nr_ports = cpu_to_le32(1);
	if (virtio_pci_init(&v->vdev, vm, pci, "virtio-console",
			    VIRTIO_ID_CONSOLE, PCI_CLASS_COMM_OTHER, 2,
			    VCON_QUEUE_SIZE, 0, &v->cfg, sizeof(v->cfg),
			    &vcon_ops))
		return NULL;
	return &v->vdev;
}

const struct virtio_console_stats *virtio_console_stats(struct virtio_dev *d)
{
	return &to_vcon(d)->stats;
}

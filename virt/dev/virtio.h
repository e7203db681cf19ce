/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio 1.x devices over PCI (modern transport only): the wire layouts
 * (little-endian, sparse-checked), split virtqueues with strict validation
 * of everything the guest hands over (virtqueue.c), the PCI transport
 * (virtio_pci.c) and the devices built on it (blk, net, console).
 *
 * A guest mistake in a ring or descriptor (address outside RAM, loop, bad
 * index, readable-after-writable, ...) never reaches memory outside guest
 * RAM: the device sets DEVICE_NEEDS_RESET, raises a configuration-change
 * interrupt, counts the error and stops that queue until a reset.
 *
 * Private to virt/.
 */
#ifndef VIRT_DEV_VIRTIO_H
#define VIRT_DEV_VIRTIO_H

#include <pv/endian.h>
#include <pv/blkdev.h>
#include <pv/netport.h>
#include <pv/virt.h>
#include "platform.h"

/* ---- identification -------------------------------------------------- */
#define VIRTIO_PCI_VENDOR 0x1AF4
#define VIRTIO_PCI_DEVICE_BASE 0x1040 /* + device type: modern only */
#define VIRTIO_PCI_SUBSYS 0x0040
#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_CONSOLE 3

/* ---- device status ----------------------------------------------------- */
#define VIRTIO_STATUS_ACKNOWLEDGE 0x01
#define VIRTIO_STATUS_DRIVER 0x02
#define VIRTIO_STATUS_DRIVER_OK 0x04
#define VIRTIO_STATUS_FEATURES_OK 0x08
#define VIRTIO_STATUS_NEEDS_RESET 0x40
#define VIRTIO_STATUS_FAILED 0x80

/* ---- transport feature bits ------------------------------------------ */
#define VIRTIO_F_RING_INDIRECT_DESC 28
#define VIRTIO_F_RING_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_BIT(b) (1ull << (b))

/* ---- split virtqueue layout ------------------------------------------ */
#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2
#define VIRTQ_DESC_F_INDIRECT 4
#define VRING_AVAIL_F_NO_INTERRUPT 1
#define VRING_USED_F_NO_NOTIFY 1

struct virtq_desc {
	le64 addr;
	le32 len;
	le16 flags;
	le16 next;
};

/* Followed by ring[size] and, with EVENT_IDX, le16 used_event. */
struct virtq_avail {
	le16 flags;
	le16 idx;
	le16 ring[];
};

struct virtq_used_elem {
	le32 id;
	le32 len;
};

/* Followed by ring[size] and, with EVENT_IDX, le16 avail_event. */
struct virtq_used {
	le16 flags;
	le16 idx;
	struct virtq_used_elem ring[];
};

/* Alignment the spec requires of each part. */
#define VIRTQ_DESC_ALIGN 16
#define VIRTQ_AVAIL_ALIGN 2
#define VIRTQ_USED_ALIGN 4

/* ---- PCI capabilities and common configuration ------------------------ */
#define PCI_CAP_ID_VNDR 0x09
#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG 3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4
#define VIRTIO_PCI_CAP_PCI_CFG 5

struct virtio_pci_cap {
	u8 cap_vndr;
	u8 cap_next;
	u8 cap_len;
	u8 cfg_type;
	u8 bar;
	u8 id;
	u8 padding[2];
	le32 offset;
	le32 length;
};

struct virtio_pci_notify_cap {
	struct virtio_pci_cap cap;
	le32 notify_off_multiplier;
};

struct virtio_pci_cfg_cap {
	struct virtio_pci_cap cap;
	u8 pci_cfg_data[4];
};

struct virtio_pci_common_cfg {
	le32 device_feature_select;
	le32 device_feature;
	le32 driver_feature_select;
	le32 driver_feature;
	le16 msix_config;
	le16 num_queues;
	u8 device_status;
	u8 config_generation;
	le16 queue_select;
	le16 queue_size;
	le16 queue_msix_vector;
	le16 queue_enable;
	le16 queue_notify_off;
	le64 queue_desc;
	le64 queue_driver;
	le64 queue_device;
	le16 queue_notify_data; /* virtio 1.2; reads 0 here */
	le16 queue_reset; /* virtio 1.2; reads 0 here */
};

#define VIRTIO_MSI_NO_VECTOR 0xFFFF
#define VIRTIO_ISR_QUEUE 0x1
#define VIRTIO_ISR_CONFIG 0x2

/* The memory BAR (BAR 0, 32-bit) of every virtio device. */
#define VIRTIO_BAR 0
#define VIRTIO_BAR_SIZE 0x4000
#define VIRTIO_BAR_COMMON 0x0000
#define VIRTIO_BAR_COMMON_LEN 0x40
#define VIRTIO_BAR_ISR 0x1000
#define VIRTIO_BAR_ISR_LEN 4
#define VIRTIO_BAR_DEVICE 0x2000
#define VIRTIO_BAR_DEVICE_LEN 0x100
#define VIRTIO_BAR_NOTIFY 0x3000
#define VIRTIO_NOTIFY_MULT 4
#define VIRTIO_BAR_MSIX 0x3800 /* table, then the PBA (bridge-owned) */

/* ---- virtqueues (virtqueue.c) ----------------------------------------- */
#define VQ_MAX_SIZE 256
#define VQ_MAX_CHAIN_BYTES (16u << 20)
#define VIRTIO_MAX_QUEUES 2

/* One guest buffer of a chain, already checked to lie inside guest RAM. */
struct vq_seg {
	u64 addr;
	u32 len;
	u32 write; /* device-writable */
};

/* A descriptor chain as validated: readable segments, then writable. */
struct vq_chain {
	u16 head;
	u16 nsegs;
	u16 nread; /* seg[0..nread) readable, seg[nread..nsegs) writable */
	u32 read_len, write_len;
	struct vq_seg seg[VQ_MAX_SIZE];
};

struct virtq {
	spinlock_t lock; /* everything below while processing */
	struct vm *vm;
	u16 index;
	u16 max_size;
	/* Transport registers (common config, written under the device lock
	 * while the queue is disabled). */
	u16 size;
	u16 msix_vector;
	u64 desc, driver, device;
	bool enabled;
	/* Ring state. */
	bool broken; /* a validation error stopped the queue */
	bool event_idx, indirect; /* negotiated, latched at enable */
	u16 last_avail; /* next available entry to take */
	u16 used_idx; /* our copy of used->idx */
	const char *error; /* why it broke */
	u64 chains; /* chains consumed */
	struct vq_chain chain; /* scratch for the chain being handled */
};

void vq_init(struct virtq *vq, struct vm *vm, u16 index, u16 max_size);
/* Back to the reset state (size = max, no addresses, disabled). */
void vq_reset(struct virtq *vq);
/* Is size acceptable for queue_size (a power of two, 1..max_size)? */
bool vq_size_ok(const struct virtq *vq, u16 size);
/* queue_enable = 1: check the three areas (alignment, inside RAM) and
 * start at index 0. -1 with vq->error set: the device must fail. */
int vq_enable(struct virtq *vq, bool event_idx, bool indirect);
/* Take the next available chain into *c: 1, 0 if none, -1 on a
 * validation error (vq->error says which, vq->broken is set). */
int vq_pop(struct virtq *vq, struct vq_chain *c);
/* Return a chain to the driver with len bytes written. */
void vq_push(struct virtq *vq, u16 head, u32 len);
/* Before going idle: publish avail_event (EVENT_IDX) and tell whether
 * the driver added more meanwhile (then pop again). */
bool vq_more(struct virtq *vq);
/* After pushing since used index old_used: does the driver want an
 * interrupt (VRING_AVAIL_F_NO_INTERRUPT / used_event)? */
bool vq_need_notify(struct virtq *vq, u16 old_used);
/* Copy from the readable part / into the writable part of a chain, at a
 * byte offset of that part. Returns the bytes copied (short at the end). */
u32 vq_chain_read(struct virtq *vq, const struct vq_chain *c, u32 off,
		  void *buf, u32 len);
u32 vq_chain_write(struct virtq *vq, const struct vq_chain *c, u32 off,
		   const void *buf, u32 len);

/* ---- the PCI transport (virtio_pci.c) --------------------------------- */
struct virtio_dev;

struct virtio_dev_ops {
	/* The driver notified queue vq (or DRIVER_OK was set: called for
	 * every enabled queue). No transport lock held. */
	void (*notify)(struct virtio_dev *d, struct virtq *vq);
	/* The device was reset (queues already are): drop device state. */
	void (*reset)(struct virtio_dev *d);
};

struct virtio_stats {
	u64 errors; /* guest mistakes: validation failures, refused writes */
	u64 resets; /* NEEDS_RESET raised */
	u64 notifies; /* queue notifications received */
	u64 queue_irqs, config_irqs; /* interrupts sent */
};

struct virtio_dev {
	struct vpci_dev pci; /* pci.priv points back here */
	struct vm *vm;
	const char *name;
	const struct virtio_dev_ops *ops;
	spinlock_t lock; /* common configuration */
	u64 features; /* offered */
	u64 driver_features; /* accepted by the driver */
	u32 dev_feature_sel, drv_feature_sel;
	u8 status; /* NEEDS_RESET may be set atomically from any queue */
	u8 config_generation;
	u16 queue_select;
	u16 msix_config;
	spinlock_t isr_lock; /* isr and the INTx level */
	u8 isr;
	unsigned int nq;
	struct virtq vq[VIRTIO_MAX_QUEUES];
	u8 *config; /* device-specific configuration (little-endian) */
	unsigned int config_len;
	u8 pcicfg_off; /* the PCI cfg access capability, 0: none */
	struct virtio_pci_cfg_cap pcicfg;
	struct virtio_stats stats;
	const char *last_error;
};

/*
 * Set up d (zeroed by the caller) as a virtio device of type with nq
 * queues of at most qmax entries, offering features (VERSION_1, indirect
 * descriptors and EVENT_IDX are added), and plug it into the bus.
 */
int virtio_pci_init(struct virtio_dev *d, struct vm *vm, struct vpci_host *h,
		    const char *name, u16 type, u32 class_code, unsigned int nq,
		    u16 qmax, u64 features, void *config,
		    unsigned int config_len, const struct virtio_dev_ops *ops);
/* The device is broken (guest error): NEEDS_RESET, config interrupt,
 * counted; vq (if any) stops until reset. */
void virtio_fail(struct virtio_dev *d, struct virtq *vq, const char *why);
/* May the device use vq now (DRIVER_OK, no NEEDS_RESET, enabled, not
 * broken, bus mastering on)? Call with vq->lock held. */
bool virtio_queue_live(struct virtio_dev *d, struct virtq *vq);
/* vq_pop, failing the device on a validation error. */
int virtio_pop(struct virtio_dev *d, struct virtq *vq, struct vq_chain *c);
/* Take every available chain of vq (while it is live), hand each to
 * handle, which returns NULL with the bytes it wrote into the chain, or
 * why the chain is malformed (the device fails); then interrupt the
 * driver if it wants one. Takes vq->lock. */
void virtio_process(struct virtio_dev *d, struct virtq *vq,
		    const char *(*handle)(struct virtio_dev *d,
					  struct virtq *vq, struct vq_chain *c,
					  u32 *written));
/* Used-buffer notification for vq (MSI-X vector or INTx + ISR). */
void virtio_queue_irq(struct virtio_dev *d, struct virtq *vq);
/* Configuration changed (config_generation moves on), interrupt. */
void virtio_config_changed(struct virtio_dev *d);
/* One line of state and counters on the console (monitor). */
void virtio_print(struct virtio_dev *d);
static inline bool virtio_negotiated(struct virtio_dev *d, unsigned int bit)
{
	return READ_ONCE(d->driver_features) & VIRTIO_BIT(bit);
}
static inline void virtio_count(u64 *counter)
{
	__atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
}

/* ---- devices: what the lead attaches ---------------------------------- */
/* A disk backed by bd (kept by the caller). NULL on failure. */
struct virtio_dev *virtio_blk_create(struct vm *vm, struct vpci_host *pci,
				     struct blkdev *bd);
/* A NIC with this MAC; returns its port (link it with netport_link or
 * a switch) or NULL. The port's priv is the device. */
struct netport *virtio_net_create(struct vm *vm, struct vpci_host *pci,
				  const u8 mac[6]);
/* A console whose output goes to vm_console_putc(). */
struct virtio_dev *virtio_console_create(struct vm *vm, struct vpci_host *pci);
/* Queue input bytes for the console's driver; returns how many were
 * accepted (a small FIFO holds them until the driver posts buffers). */
unsigned int virtio_console_input(struct virtio_dev *d, const void *buf,
				  unsigned int len);

/* Counters for the monitor and tests. */
struct virtio_blk_stats {
	u64 reads, writes, flushes, get_ids, unsupported, ioerrs;
};
struct virtio_net_stats {
	u64 tx_frames, tx_bytes, tx_oversize, tx_short, tx_dropped;
	u64 rx_frames, rx_bytes, rx_no_buffer, rx_oversize, rx_short_buffer,
		rx_not_ready;
};
struct virtio_console_stats {
	u64 tx_bytes, rx_bytes, rx_dropped;
};
const struct virtio_blk_stats *virtio_blk_stats(struct virtio_dev *d);
const struct virtio_net_stats *virtio_net_stats(struct netport *p);
struct virtio_dev *virtio_net_dev(struct netport *p);
const struct virtio_console_stats *virtio_console_stats(struct virtio_dev *d);

#endif

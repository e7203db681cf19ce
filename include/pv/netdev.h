/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host network devices: one interface over every NIC driver (virtio-net,
 * e1000). Frames are struct frame from <pv/net.h>; each device owns two
 * frame pools carved from its own DMA memory (receive buffers and
 * transmit copies), so the data path never allocates.
 *
 * Receive: the driver hands batches of received frames to the handler set
 * with netdev_set_rx_handler(). The handler BORROWS them: once it returns
 * they go straight back onto the receive ring (copy out what you keep).
 * It runs in interrupt context (or from netdev_poll()) with the device's
 * receive side locked; it may call netdev_xmit() but not netdev_reset().
 *
 * Transmit: netdev_xmit() copies the frames into the device's transmit
 * buffers and returns how many it took; the caller keeps its frames.
 * Transmit counters move when the device reports completion.
 *
 * Interrupts (NAPI-like, without softirqs): the interrupt handler masks
 * the device's interrupts, acknowledges them, and polls receive and
 * transmit completions up to NETDEV_IRQ_BUDGET frames. If the rings are
 * drained it unmasks and re-checks (closing the race with a frame that
 * landed meanwhile); if the budget ran out it leaves the device masked and
 * sends itself an IPI on the device's own "poll vector", so the rest is
 * handled in a fresh interrupt after other pending ones had their turn.
 * The poll vector is a separate, edge-only vector: a self-IPI on a
 * level-triggered INTx vector would clear the LAPIC's trigger-mode bit of
 * the interrupt in service, its EOI would then not reach the IOAPIC, and
 * the line would stay blocked (Remote IRR) for good.
 *
 * Receive filter: off (the default), a NIC takes frames for its own MAC
 * and broadcasts; netdev_set_promisc() asks for every unicast and
 * multicast frame as well, which a switch's uplink needs (frames for the
 * guests behind it carry their MACs, not the NIC's). The wish is kept in
 * dev->promisc and the driver applies it again after every reset. A
 * device whose filter its driver cannot set says so (virtio-net without
 * VIRTIO_NET_F_CTRL_RX: see drivers/net/virtio_net.c). stats.rx_foreign
 * counts frames that came in for another unicast MAC.
 *
 * Errors: anything the device reports out of range (a descriptor index or
 * length it cannot have, a status it must not show, a "needs reset"
 * flag) makes the driver reset the device and count it in stats.resets;
 * bad frames are dropped and counted (rx_dropped, errors).
 */
#ifndef PV_NETDEV_H
#define PV_NETDEV_H

#include <pv/net.h>
#include <pv/types.h>
#include <asm/spinlock.h>
#include <asm/traps.h>

#define NETDEV_MAX 8
#define NETDEV_NAME_LEN 16
#define NETDEV_IRQ_BUDGET 64
#define NETDEV_RX_BATCH 32

struct netdev;
struct pci_dev;

struct netdev_stats {
	u64 rx_packets, rx_bytes;
	u64 tx_packets, tx_bytes; /* completed by the device */
	u64 rx_dropped; /* bad length/status, or no handler set */
	u64 tx_dropped; /* ring full or frame too large */
	u64 errors; /* device misbehaviour seen (each may cause a reset) */
	u64 resets; /* full device re-initialisations */
	u64 irqs; /* interrupts taken */
	u64 polls_deferred; /* budget exhausted: finished in a self-IPI */
	u64 rx_foreign; /* unicast for another MAC (promiscuous mode) */
};

/* Receive handler: frames[0..n-1] are borrowed until it returns. */
typedef void (*netdev_rx_fn)(struct netdev *dev, struct frame *const frames[],
			     unsigned int n, void *arg);

struct netdev_ops {
	/* Interrupts set up; netdev_open() then runs hw_init. 0 or -1. */
	int (*open)(struct netdev *dev);
	/*
	 * Bring the device from any state to running: reset it, rings and
	 * receive filter programmed, receive and interrupts on. Called with
	 * both dev->rx_lock and dev->tx_lock held (open and every reset).
	 * 0 or -1.
	 */
	int (*hw_init)(struct netdev *dev);
	/* Copy frames out; returns how many were queued (takes tx_lock). */
	unsigned int (*xmit)(struct netdev *dev, struct frame *const frames[],
			     unsigned int n);
	/* Under rx_lock: hand up to budget received frames to the rx
	 * handler and give the buffers back; returns frames handled. A
	 * completion the device could not have made sets dev->broken. */
	unsigned int (*rx_reap)(struct netdev *dev, unsigned int budget);
	/* Under tx_lock: count transmit completions, free their frames. */
	void (*tx_reap)(struct netdev *dev);
	/* Read the link state from the device into dev->link_up. */
	void (*update_link)(struct netdev *dev);
	/*
	 * Apply dev->promisc to the device's receive filter: on, every
	 * unicast and multicast frame; off, own MAC and broadcast only.
	 * 0, or -1 if the device cannot (then nothing changed).
	 */
	int (*set_promisc)(struct netdev *dev);
	/*
	 * Test hook: plant one impossible receive completion where the
	 * device would write the next one (virtio: a used entry with an id
	 * beyond the ring; e1000: a done descriptor longer than its buffer),
	 * as a buggy or hostile device would. The next poll must count it
	 * and reset. Only meaningful while the device is idle.
	 */
	void (*inject_bad_rx)(struct netdev *dev);
};

struct netdev {
	char name[NETDEV_NAME_LEN]; /* "eth0", ... */
	const char *driver;
	u8 mac[ETH_ALEN];
	u16 mtu; /* L3 payload bytes */
	bool link_up;
	bool opened;
	bool promisc; /* wanted: receive everything (netdev_set_promisc) */
	/* The receive and transmit sides are serialised separately; a
	 * reset takes both (rx first). */
	spinlock_t rx_lock, tx_lock;
	bool broken; /* the device misbehaved: reset at the next poll */
	struct netdev_stats stats;
	const struct netdev_ops *ops;
	void *priv; /* the driver's */
	struct pci_dev *pci;
	netdev_rx_fn rx_handler;
	void *rx_arg;
	/* Frame pools in DMA memory; rx under the driver's rx lock, tx
	 * under its tx lock. */
	struct frame_pool rx_pool, tx_pool;
	struct frame *frames;
	u32 nr_frames;
	unsigned int frames_order;
	int poll_vector; /* edge vector for deferred polls, -1 if none */
};

/*
 * Driver side. netdev_alloc() returns a zeroed device for the PCI
 * function d (memory decode and bus mastering on), with priv_size bytes
 * of driver state (dev->priv), or NULL; netdev_alloc_frames() carves
 * nr_rx + nr_tx frames from contiguous pages (DMA-able through
 * netdev_dma()); netdev_register() names and publishes it.
 */
struct netdev *netdev_alloc(struct pci_dev *d, const char *driver,
			    const struct netdev_ops *ops, size_t priv_size);
int netdev_alloc_frames(struct netdev *dev, u32 nr_rx, u32 nr_tx);
int netdev_register(struct netdev *dev);
/* Bus address of a byte inside a frame (or any direct-mapped memory). */
u64 netdev_dma(const void *p);
/* Hand received frames up (or count them dropped without a handler). */
void netdev_deliver(struct netdev *dev, struct frame *const frames[],
		    unsigned int n);
/* Give the device a poll vector running fn(tf, dev) (its IRQ handler). */
int netdev_setup_poll_vector(struct netdev *dev, irq_handler_t fn);
/* Budget exhausted in the interrupt handler: raise the poll vector. */
void netdev_defer_poll(struct netdev *dev);

/* User side. */
unsigned int netdev_count(void);
struct netdev *netdev_get(unsigned int i);
struct netdev *netdev_find(const char *name);
void netdev_set_rx_handler(struct netdev *dev, netdev_rx_fn fn, void *arg);
int netdev_open(struct netdev *dev);
unsigned int netdev_xmit(struct netdev *dev, struct frame *const frames[],
			 unsigned int n);
unsigned int netdev_poll(struct netdev *dev, unsigned int budget);
int netdev_reset(struct netdev *dev);
bool netdev_link_up(struct netdev *dev);
/* Promiscuous reception on or off, now and after every reset; 0, or -1
 * if the driver or device cannot (the previous mode stays). */
int netdev_set_promisc(struct netdev *dev, bool on);
/* ops->inject_bad_rx; -1 if the driver has none. */
int netdev_inject_bad_rx(struct netdev *dev);

/* Built-in PCI drivers: register with the PCI core (netdev_init). */
void virtio_net_register(void);
void e1000_register(void);

/* Boot: enumerate PCI, bind the built-in NIC drivers, open every NIC. */
void netdev_init(void);

#endif

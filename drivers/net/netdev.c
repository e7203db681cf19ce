// SPDX-License-Identifier: GPL-2.0
/* The generic side of host NICs: registry, frame memory, dispatch. */
#include <pv/heap.h>
#include <pv/netdev.h>
#include <pv/pci.h>
#include <pv/pmm.h>
#include <pv/printf.h>
#include <pv/printk.h>
#include <pv/string.h>
#include <asm/apic.h>
#include <asm/layout.h>

static struct netdev *devices[NETDEV_MAX];
static unsigned int nr_devices;

struct netdev *netdev_alloc(struct pci_dev *d, const char *driver,
			    const struct netdev_ops *ops, size_t priv_size)
{
	struct netdev *dev = kzalloc(sizeof(*dev) + priv_size);

	if (!dev)
		return NULL;
	dev->priv = dev + 1;
	dev->mtu = 1500;
	dev->poll_vector = -1;
	dev->driver = driver;
	dev->ops = ops;
	dev->pci = d;
	d->drvdata = dev;
	pci_enable(d, PCI_CMD_MEM | PCI_CMD_MASTER);
	return dev;
}

int netdev_alloc_frames(struct netdev *dev, u32 nr_rx, u32 nr_tx)
{
	u64 bytes = (u64)(nr_rx + nr_tx) * sizeof(struct frame);
	unsigned int order = 0;
	phys_addr_t pa;

	while (((u64)PAGE_SIZE << order) < bytes)
		order++;
	if (order > PMM_MAX_ORDER)
		return -1;
	pa = pmm_alloc_pages(order);
	if (!pa)
		return -1;
	dev->frames = phys_to_virt(pa);
	memset(dev->frames, 0, (u64)PAGE_SIZE << order);
	dev->frames_order = order;
	dev->nr_frames = nr_rx + nr_tx;
	frame_pool_init(&dev->rx_pool, dev->frames, nr_rx);
	frame_pool_init(&dev->tx_pool, dev->frames + nr_rx, nr_tx);
	return 0;
}

u64 netdev_dma(const void *p)
{
	return virt_to_phys(p);
}

int netdev_register(struct netdev *dev)
{
	if (nr_devices >= NETDEV_MAX)
		return -1;
	snprintf(dev->name, sizeof(dev->name), "eth%u", nr_devices);
	devices[nr_devices++] = dev;
	pr_info("net: %s (%s): mac %02x:%02x:%02x:%02x:%02x:%02x, mtu %u\n",
		dev->name, dev->driver, dev->mac[0], dev->mac[1], dev->mac[2],
		dev->mac[3], dev->mac[4], dev->mac[5], dev->mtu);
	return 0;
}

void netdev_deliver(struct netdev *dev, struct frame *const frames[],
		    unsigned int n)
{
	netdev_rx_fn fn = READ_ONCE(dev->rx_handler);

	if (!n)
		return;
	/* Drivers hand up nothing shorter than an Ethernet header. */
	for (unsigned int i = 0; i < n; i++) {
		const u8 *dst = frame_data(frames[i]);

		if (!eth_addr_is_multicast(dst) &&
		    !eth_addr_equal(dst, dev->mac))
			dev->stats.rx_foreign++;
	}
	if (!fn) {
		dev->stats.rx_dropped += n;
		return;
	}
	fn(dev, frames, n, dev->rx_arg);
}

int netdev_setup_poll_vector(struct netdev *dev, irq_handler_t fn)
{
	int v = irq_alloc_vector();

	if (v < 0 || irq_register((unsigned int)v, fn, dev))
		return -1;
	dev->poll_vector = v;
	return 0;
}

void netdev_defer_poll(struct netdev *dev)
{
	dev->stats.polls_deferred++;
	/* Pending until this handler's EOI; taken after the iret. */
	lapic_self_ipi((u8)dev->poll_vector);
}

unsigned int netdev_count(void)
{
	return nr_devices;
}

struct netdev *netdev_get(unsigned int i)
{
	return i < nr_devices ? devices[i] : NULL;
}

struct netdev *netdev_find(const char *name)
{
	for (unsigned int i = 0; i < nr_devices; i++)
		if (!strcmp(devices[i]->name, name))
			return devices[i];
	return NULL;
}

void netdev_set_rx_handler(struct netdev *dev, netdev_rx_fn fn, void *arg)
{
	/* Cleared first so no interrupt sees the new fn with the old arg. */
	WRITE_ONCE(dev->rx_handler, NULL);
	barrier();
	dev->rx_arg = arg;
	barrier();
	WRITE_ONCE(dev->rx_handler, fn);
}

/* Both locks, rx first (the order every path takes them in). */
static int hw_init_locked(struct netdev *dev)
{
	u64 f1 = spin_lock_irqsave(&dev->rx_lock), f2;
	int r;

	f2 = spin_lock_irqsave(&dev->tx_lock);
	dev->broken = false;
	r = dev->ops->hw_init(dev);
	spin_unlock_irqrestore(&dev->tx_lock, f2);
	spin_unlock_irqrestore(&dev->rx_lock, f1);
	return r;
}

int netdev_open(struct netdev *dev)
{
	int r;

	if (dev->opened)
		return 0;
	r = dev->ops->open(dev);
	if (!r)
		r = hw_init_locked(dev);
	if (!r)
		dev->opened = true;
	return r;
}

unsigned int netdev_xmit(struct netdev *dev, struct frame *const frames[],
			 unsigned int n)
{
	if (!dev->opened) {
		dev->stats.tx_dropped += n;
		return 0;
	}
	return dev->ops->xmit(dev, frames, n);
}

int netdev_reset(struct netdev *dev)
{
	int r;

	dev->stats.resets++;
	r = hw_init_locked(dev);
	if (r)
		pr_err("%s: reset failed\n", dev->name);
	return r;
}

/* Receive then transmit completions, each under its lock; a device that
 * misbehaved meanwhile is reset here, where no lock is held. */
unsigned int netdev_poll(struct netdev *dev, unsigned int budget)
{
	unsigned int n;
	u64 f;

	if (!dev->opened)
		return 0;
	f = spin_lock_irqsave(&dev->rx_lock);
	n = dev->ops->rx_reap(dev, budget);
	spin_unlock_irqrestore(&dev->rx_lock, f);
	f = spin_lock_irqsave(&dev->tx_lock);
	dev->ops->tx_reap(dev);
	spin_unlock_irqrestore(&dev->tx_lock, f);
	if (READ_ONCE(dev->broken)) {
		pr_warn("%s: impossible completion from the device: reset\n",
			dev->name);
		netdev_reset(dev);
	}
	return n;
}

int netdev_inject_bad_rx(struct netdev *dev)
{
	if (!dev->opened || !dev->ops->inject_bad_rx)
		return -1;
	dev->ops->inject_bad_rx(dev);
	return 0;
}

bool netdev_link_up(struct netdev *dev)
{
	dev->ops->update_link(dev);
	return dev->link_up;
}

int netdev_set_promisc(struct netdev *dev, bool on)
{
	bool old = dev->promisc;

	if (!dev->ops->set_promisc)
		return -1;
	/* Not open yet: the driver applies it when it initialises. */
	WRITE_ONCE(dev->promisc, on);
	if (dev->opened && dev->ops->set_promisc(dev)) {
		WRITE_ONCE(dev->promisc, old);
		return -1;
	}
	return 0;
}

static const char *const irq_mode_names[] = {
	[PCI_IRQ_NONE] = "no irq",
	[PCI_IRQ_INTX] = "intx",
	[PCI_IRQ_MSI] = "msi",
	[PCI_IRQ_MSIX] = "msi-x",
};

void netdev_init(void)
{
	pci_init();
	if (IS_ENABLED(CONFIG_NET_VIRTIO))
		virtio_net_register();
	if (IS_ENABLED(CONFIG_NET_E1000))
		e1000_register();
	for (unsigned int i = 0; i < nr_devices; i++) {
		struct netdev *dev = devices[i];

		if (netdev_open(dev))
			pr_err("net: %s: cannot open\n", dev->name);
		else
			pr_info("net: %s: up, link %s, %s on vector %d\n",
				dev->name, netdev_link_up(dev) ? "up" : "down",
				dev->pci ? irq_mode_names[dev->pci->irq_mode]
					 : "no irq",
				dev->pci ? dev->pci->vector : -1);
	}
}

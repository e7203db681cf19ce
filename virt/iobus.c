// SPDX-License-Identifier: GPL-2.0
/* Port-I/O and MMIO buses: ranges claimed by device models. */
#include <pv/vm.h>

static struct io_handler *find(struct io_bus *bus, u64 addr, unsigned int size)
{
	for (unsigned int i = 0; i < bus->nr; i++) {
		struct io_handler *h = &bus->h[i];

		if (addr >= h->base && addr - h->base < h->len &&
		    size <= h->len - (addr - h->base))
			return h;
	}
	return NULL;
}

int io_bus_register(struct io_bus *bus, u64 base, u64 len,
		    const struct io_ops *ops, void *dev, const char *name)
{
	if (!len || base + len < base || bus->nr >= IO_BUS_MAX)
		return -1;
	for (unsigned int i = 0; i < bus->nr; i++) {
		const struct io_handler *h = &bus->h[i];

		if (base < h->base + h->len && h->base < base + len)
			return -1;
	}
	bus->h[bus->nr++] = (struct io_handler){ base, len, ops, dev, name, 0 };
	return 0;
}

static u64 ones(unsigned int size)
{
	return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

u64 io_bus_read(struct io_bus *bus, u64 addr, unsigned int size)
{
	struct io_handler *h = find(bus, addr, size);

	if (!h || !h->ops->read) {
		__atomic_fetch_add(&bus->unclaimed_reads, 1, __ATOMIC_RELAXED);
		return ones(size);
	}
	__atomic_fetch_add(&h->hits, 1, __ATOMIC_RELAXED);
	return h->ops->read(h->dev, addr - h->base, size) & ones(size);
}

void io_bus_write(struct io_bus *bus, u64 addr, u64 val, unsigned int size)
{
	struct io_handler *h = find(bus, addr, size);

	if (!h || !h->ops->write) {
		__atomic_fetch_add(&bus->unclaimed_writes, 1, __ATOMIC_RELAXED);
		return;
	}
	__atomic_fetch_add(&h->hits, 1, __ATOMIC_RELAXED);
	h->ops->write(h->dev, addr - h->base, val & ones(size), size);
}

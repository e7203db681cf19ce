// SPDX-License-Identifier: GPL-2.0
/* I/O bus: registration rules, dispatch with offsets, unclaimed accesses. */
#include <string.h>
#include <pv/vm.h>
#include "unit.h"

struct fake {
	u64 last_off, last_val;
	unsigned int last_size, writes;
	u8 regs[16];
};

static u64 fake_read(void *dev, u64 off, unsigned int size)
{
	struct fake *f = dev;

	f->last_off = off;
	f->last_size = size;
	return 0xA5A5A5A5A5A5A500ull | f->regs[off & 15];
}

static void fake_write(void *dev, u64 off, u64 val, unsigned int size)
{
	struct fake *f = dev;

	f->last_off = off;
	f->last_val = val;
	f->last_size = size;
	f->regs[off & 15] = (u8)val;
	f->writes++;
}

static const struct io_ops fake_ops = { fake_read, fake_write };
static const struct io_ops ro_ops = { fake_read, NULL };

UNIT_TEST(register_rejects_overlap_and_full)
{
	struct io_bus bus;
	struct fake f;

	memset(&bus, 0, sizeof(bus));
	CHECK_EQ(io_bus_register(&bus, 0x3F8, 8, &fake_ops, &f, "a"), 0);
	CHECK_EQ(io_bus_register(&bus, 0x3FF, 1, &fake_ops, &f, "b"), -1);
	CHECK_EQ(io_bus_register(&bus, 0x3F0, 9, &fake_ops, &f, "c"), -1);
	CHECK_EQ(io_bus_register(&bus, 0x3F0, 8, &fake_ops, &f, "d"), 0);
	CHECK_EQ(io_bus_register(&bus, 0x400, 0, &fake_ops, &f, "e"), -1);
	CHECK_EQ(io_bus_register(&bus, ~0ull - 1, 4, &fake_ops, &f, "wrap"),
		 -1);
	CHECK_EQ(bus.nr, 2);
	for (unsigned int i = bus.nr; i < IO_BUS_MAX; i++)
		CHECK_EQ(io_bus_register(&bus, 0x1000 + i * 16, 16, &fake_ops,
					 &f, "fill"),
			 0);
	CHECK_EQ(io_bus_register(&bus, 0x9000, 1, &fake_ops, &f, "full"), -1);
}

UNIT_TEST(dispatch_passes_offset_and_masks)
{
	struct io_bus bus;
	struct fake f;

	memset(&bus, 0, sizeof(bus));
	memset(&f, 0, sizeof(f));
	io_bus_register(&bus, 0x3F8, 8, &fake_ops, &f, "uart");
	io_bus_write(&bus, 0x3FF, 0x1234, 1);
	CHECK_EQ(f.last_off, 7);
	CHECK_EQ(f.last_val, 0x34); /* masked to the access size */
	CHECK_EQ(f.last_size, 1);
	CHECK_EQ(io_bus_read(&bus, 0x3FF, 1), 0x34);
	CHECK_EQ(io_bus_read(&bus, 0x3FC, 2), 0xA500);
	CHECK_EQ(f.last_off, 4);
	CHECK_EQ(bus.unclaimed_reads, 0);
	CHECK_EQ(bus.unclaimed_writes, 0);
}

UNIT_TEST(unclaimed_reads_all_ones_and_counts)
{
	struct io_bus bus;
	struct fake f;

	memset(&bus, 0, sizeof(bus));
	memset(&f, 0, sizeof(f));
	io_bus_register(&bus, 0x3F8, 8, &fake_ops, &f, "uart");
	CHECK_EQ(io_bus_read(&bus, 0x80, 1), 0xFF);
	CHECK_EQ(io_bus_read(&bus, 0x80, 2), 0xFFFF);
	CHECK_EQ(io_bus_read(&bus, 0x80, 4), 0xFFFFFFFFll);
	CHECK(io_bus_read(&bus, 0xE0000000, 8) == ~0ull);
	/* Straddling the end of a range is not claimed by it. */
	CHECK_EQ(io_bus_read(&bus, 0x3FE, 4), 0xFFFFFFFFll);
	CHECK_EQ(bus.unclaimed_reads, 5);
	io_bus_write(&bus, 0x3F7, 1, 1);
	io_bus_write(&bus, 0x3FE, 1, 4);
	CHECK_EQ(bus.unclaimed_writes, 2);
	CHECK_EQ(f.writes, 0);
}

UNIT_TEST(missing_handler_counts_as_unclaimed)
{
	struct io_bus bus;
	struct fake f;

	memset(&bus, 0, sizeof(bus));
	memset(&f, 0, sizeof(f));
	io_bus_register(&bus, 0x60, 1, &ro_ops, &f, "ro");
	io_bus_write(&bus, 0x60, 5, 1);
	CHECK_EQ(bus.unclaimed_writes, 1);
	CHECK_EQ(io_bus_read(&bus, 0x60, 1), 0x00);
	CHECK_EQ(bus.unclaimed_reads, 0);
}

UNIT_MAIN();

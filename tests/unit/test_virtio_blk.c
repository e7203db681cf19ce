// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk over the modern PCI transport (virt/dev/virtio_pci.c,
 * virtio_blk.c) and the RAM disk (block/ramdisk.c), driven through the
 * BAR like Linux's virtio_pci_modern: init sequence, requests, interrupts
 * (MSI-X and INTx/ISR), feature negotiation, the PCI cfg access window,
 * and hostile drivers: each must end in DEVICE_NEEDS_RESET or a refusal,
 * counted, with no access outside guest RAM.
 */
#include "virtio_harness.h"

#define RINGS 0x10000ull
#define HDR 0x100000ull
#define DATA 0x101000ull
#define STATUS 0x180000ull
#define DISK_SECTORS 64
#define WANT (~0ull)

static u8 *disk_mem;
static struct blkdev disk;
static struct virtio_dev *dev;
static struct tdrv drv;

static void blk_setup(bool ro)
{
	ram_setup();
	irq_reset_all();
	disk_mem = malloc(DISK_SECTORS * 512);
	for (int i = 0; i < DISK_SECTORS * 512; i++)
		disk_mem[i] = (u8)(i / 512 + 1); /* sector n holds n+1 */
	ramdisk_init(&disk, "pv-disk-serial", disk_mem, DISK_SECTORS * 512, ro);
	dev = virtio_blk_create(&tvm, NULL, &disk);
	CHECK(dev != NULL);
}

static void blk_teardown(void)
{
	CHECK_EQ(bad_access, 0);
	free(disk_mem);
	ram_teardown();
}

static void put_hdr(u32 type, u64 sector)
{
	struct {
		le32 type, ioprio;
		le64 sector;
	} h = { cpu_to_le32(type), 0, cpu_to_le64(sector) };

	CHECK(!vm_write_phys(&tvm, HDR, &h, sizeof(h)));
}

static u8 get_status(void)
{
	u8 s = 0xEE;

	CHECK(!vm_read_phys(&tvm, STATUS, &s, 1));
	return s;
}

/* Header / data (readable for OUT, writable otherwise) / status. */
static int do_req(u32 type, u64 sector, u64 data, u32 len, u32 *used_len)
{
	struct tseg s[3] = {
		{ HDR, 16, false },
		{ data, len, type != 1 },
		{ STATUS, 1, true },
	};
	u32 id, ulen;
	u16 head;

	put_hdr(type, sector);
	vm_write_phys(&tvm, STATUS, &(u8){ 0xEE }, 1);
	if (len)
		head = drv_add(&drv, 0, s, 3);
	else
		head = drv_add(&drv, 0, (struct tseg[]){ s[0], s[2] }, 2);
	drv_kick(&drv, 0);
	if (!drv_used(&drv, 0, &id, &ulen))
		return -1;
	CHECK_EQ(id, head);
	if (used_len)
		*used_len = ulen;
	return get_status();
}

UNIT_TEST(pci_identity_and_caps)
{
	blk_setup(false);
	CHECK_EQ(dev->pci.vendor, 0x1AF4);
	CHECK_EQ(dev->pci.device, 0x1042);
	CHECK_EQ(dev->pci.subsys_vendor, 0x1AF4);
	CHECK_EQ(dev->pci.class_rev & 0xFF, 1);
	CHECK_EQ(dev->pci.bar[0].size, VIRTIO_BAR_SIZE);
	CHECK_EQ(dev->pci.msix_nvec, 2);
	memset(&drv, 0, sizeof(drv));
	drv.d = dev;
	drv_find_caps(&drv);
	CHECK_EQ(drv.common, VIRTIO_BAR_COMMON);
	CHECK_EQ(drv.isr, VIRTIO_BAR_ISR);
	CHECK_EQ(drv.device, VIRTIO_BAR_DEVICE);
	CHECK_EQ(drv.notify, VIRTIO_BAR_NOTIFY);
	CHECK_EQ(drv.mult, 4);
	CHECK(drv.notify_len >= 2); /* Linux: off * mult + 2 <= len */
	CHECK(drv.pcicfg != 0);
	CHECK(drv.device_len >= 24);
	blk_teardown();
}

UNIT_TEST(init_sequence_and_config)
{
	u64 cap;

	blk_setup(false);
	drv_init(&drv, dev, RINGS, WANT);
	CHECK(drv.features & VIRTIO_BIT(VIRTIO_F_VERSION_1));
	CHECK(drv.features & VIRTIO_BIT(VIRTIO_F_RING_INDIRECT_DESC));
	CHECK(drv.features & VIRTIO_BIT(VIRTIO_F_RING_EVENT_IDX));
	CHECK(drv.features & VIRTIO_BIT(9)); /* FLUSH */
	CHECK(drv.features & VIRTIO_BIT(6)); /* BLK_SIZE */
	CHECK(!(drv.features & VIRTIO_BIT(5))); /* not RO */
	CHECK_EQ(common_rd(&drv, COFF(num_queues), 2), 1);
	CHECK_EQ(drv.q[0].size, 256);
	cap = bar_rd(&drv, drv.device, 4) | bar_rd(&drv, drv.device + 4, 4)
						    << 32;
	CHECK_EQ(cap, DISK_SECTORS);
	CHECK_EQ(bar_rd(&drv, drv.device + 20, 4), 512); /* blk_size */
	CHECK_EQ(bar_rd(&drv, drv.device + 12, 4), 254); /* seg_max */
	CHECK_EQ(common_rd(&drv, COFF(queue_enable), 2), 1);
	CHECK_EQ(common_rd(&drv, COFF(queue_notify_off), 2), 0);
	CHECK_EQ(common_rd(&drv, COFF(queue_desc), 4), RINGS);
	CHECK_EQ(dev->stats.errors, 0);
	blk_teardown();
}

UNIT_TEST(read_write_flush_get_id)
{
	u8 buf[2048], back[2048];
	u32 ulen;

	blk_setup(false);
	drv_init(&drv, dev, RINGS, WANT);
	/* Read sectors 3..4. */
	CHECK_EQ(do_req(0, 3, DATA, 1024, &ulen), 0);
	CHECK_EQ(ulen, 1025);
	CHECK(!vm_read_phys(&tvm, DATA, back, 1024));
	CHECK_EQ(back[0], 4);
	CHECK_EQ(back[511], 4);
	CHECK_EQ(back[512], 5);
	/* Write 4 sectors at 10 from a buffer crossing a chunk boundary. */
	for (int i = 0; i < 2048; i++)
		buf[i] = (u8)(i * 13 + 5);
	CHECK(!vm_write_phys(&tvm, GMEM_CHUNK_SIZE - 700, buf, 2048));
	CHECK_EQ(do_req(1, 10, GMEM_CHUNK_SIZE - 700, 2048, NULL), 0);
	CHECK(!memcmp(disk_mem + 10 * 512, buf, 2048));
	CHECK_EQ(disk_mem[9 * 512 + 511], 10); /* neighbours untouched */
	CHECK_EQ(disk_mem[14 * 512], 15);
	/* Read it back into another place. */
	CHECK_EQ(do_req(0, 10, DATA + 4096, 2048, NULL), 0);
	CHECK(!vm_read_phys(&tvm, DATA + 4096, back, 2048));
	CHECK(!memcmp(back, buf, 2048));
	/* Flush and GET_ID. */
	CHECK_EQ(do_req(4, 0, 0, 0, NULL), 0);
	memset(back, 0, 32);
	CHECK(!vm_write_phys(&tvm, DATA, back, 32));
	CHECK_EQ(do_req(8, 0, DATA, 20, &ulen), 0);
	CHECK(!vm_read_phys(&tvm, DATA, back, 20));
	CHECK(!memcmp(back, "pv-disk-serial", 15));
	CHECK_EQ(ulen, 21);
	/* Unknown request type. */
	CHECK_EQ(do_req(11, 0, DATA, 512, NULL), 2);
	CHECK_EQ(virtio_blk_stats(dev)->reads, 2);
	CHECK_EQ(virtio_blk_stats(dev)->writes, 1);
	CHECK_EQ(virtio_blk_stats(dev)->flushes, 1);
	CHECK_EQ(virtio_blk_stats(dev)->get_ids, 1);
	CHECK_EQ(virtio_blk_stats(dev)->unsupported, 1);
	CHECK_EQ(dev->stats.errors, 0);
	blk_teardown();
}

UNIT_TEST(any_layout_and_indirect)
{
	u8 back[1024];
	struct tseg s[4] = {
		/* header and the first 100 data bytes in one buffer */
		{ HDR, 8, false },
		{ HDR + 8, 8, false },
		{ DATA, 100, true },
		{ DATA + 100, 412 + 1, true }, /* data end + status */
	};
	u32 id, len;

	blk_setup(false);
	drv_init(&drv, dev, RINGS, WANT);
	put_hdr(0, 7);
	drv_add_indirect(&drv, 0, 0x50000, s, 4);
	drv_kick(&drv, 0);
	CHECK(drv_used(&drv, 0, &id, &len));
	CHECK_EQ(len, 513);
	CHECK(!vm_read_phys(&tvm, DATA, back, 513));
	CHECK_EQ(back[0], 8);
	CHECK_EQ(back[511], 8);
	CHECK_EQ(back[512], 0); /* the status byte: OK */
	blk_teardown();
}

UNIT_TEST(out_of_range_is_ioerr)
{
	blk_setup(false);
	drv_init(&drv, dev, RINGS, WANT);
	CHECK_EQ(do_req(0, DISK_SECTORS, DATA, 512, NULL), 1);
	CHECK_EQ(do_req(0, DISK_SECTORS - 1, DATA, 1024, NULL), 1);
	CHECK_EQ(do_req(1, DISK_SECTORS - 1, DATA, 1024, NULL), 1);
	CHECK_EQ(do_req(0, ~0ull, DATA, 512, NULL), 1);
	CHECK_EQ(do_req(0, 0, DATA, 100, NULL), 1); /* not whole sectors */
	CHECK_EQ(do_req(0, DISK_SECTORS - 1, DATA, 512, NULL), 0);
	CHECK_EQ(virtio_blk_stats(dev)->ioerrs, 5);
	CHECK_EQ(disk_mem[(DISK_SECTORS - 1) * 512], DISK_SECTORS);
	/* Errors of the backend are no device error. */
	CHECK_EQ(dev->stats.errors, 0);
	CHECK(!(status_rd(&drv) & VIRTIO_STATUS_NEEDS_RESET));
	blk_teardown();
}

UNIT_TEST(read_only_disk)
{
	u8 buf[512];

	blk_setup(true);
	drv_init(&drv, dev, RINGS, WANT);
	CHECK(drv.features & VIRTIO_BIT(5)); /* RO offered */
	memset(buf, 0x77, sizeof(buf));
	vm_write_phys(&tvm, DATA, buf, 512);
	CHECK_EQ(do_req(1, 2, DATA, 512, NULL), 1);
	CHECK_EQ(disk_mem[2 * 512], 3);
	CHECK_EQ(do_req(0, 2, DATA, 512, NULL), 0);
	blk_teardown();
}

UNIT_TEST(msix_and_intx_interrupts)
{
	struct fake_irq *irq;

	blk_setup(false);
	irq = irq_of(&dev->pci);
	irq->msix_on = true;
	drv_init(&drv, dev, RINGS, WANT & ~VIRTIO_BIT(29));
	CHECK_EQ(do_req(0, 0, DATA, 512, NULL), 0);
	CHECK_EQ(irq->msix[1], 1); /* queue 0 uses vector 1 */
	CHECK_EQ(irq->msix[0], 0);
	CHECK_EQ(irq->intx, 0);
	/* NO_INTERRUPT suppresses it. */
	g_wr16(drv.q[0].avail, VRING_AVAIL_F_NO_INTERRUPT);
	CHECK_EQ(do_req(0, 0, DATA, 512, NULL), 0);
	CHECK_EQ(irq->msix[1], 1);
	g_wr16(drv.q[0].avail, 0);
	/* A vector beyond the table reads back as NO_VECTOR. */
	common_wr(&drv, COFF(msix_config), 7, 2);
	CHECK_EQ(common_rd(&drv, COFF(msix_config), 2), VIRTIO_MSI_NO_VECTOR);
	/* INTx: the ISR says queue, the line stays up until it is read. */
	irq->msix_on = false;
	CHECK_EQ(do_req(0, 0, DATA, 512, NULL), 0);
	CHECK_EQ(irq->intx, 1);
	CHECK_EQ(bar_rd(&drv, drv.isr, 1), VIRTIO_ISR_QUEUE);
	CHECK_EQ(irq->intx, 0);
	CHECK_EQ(bar_rd(&drv, drv.isr, 1), 0);
	CHECK_EQ(irq->msix[1], 1); /* INTx only */
	blk_teardown();
}

UNIT_TEST(event_idx_through_the_transport)
{
	struct fake_irq *irq;
	struct tq *q;

	blk_setup(false);
	irq = irq_of(&dev->pci);
	irq->msix_on = true;
	drv_init(&drv, dev, RINGS, WANT);
	CHECK(drv.features & VIRTIO_BIT(VIRTIO_F_RING_EVENT_IDX));
	q = &drv.q[0];
	/* used_event = 1: no interrupt for the first completion. */
	g_wr16(q->avail + 4 + 2 * q->size, 1);
	CHECK_EQ(do_req(0, 0, DATA, 512, NULL), 0);
	CHECK_EQ(irq->msix[1], 0);
	CHECK_EQ(do_req(0, 0, DATA, 512, NULL), 0);
	CHECK_EQ(irq->msix[1], 1);
	/* The device asked to be notified at the next entry. */
	CHECK_EQ(g_rd16(q->used + 4 + 8 * q->size), 2);
	blk_teardown();
}

UNIT_TEST(features_without_version_1_refused)
{
	blk_setup(false);
	CHECK(!(drv_begin(&drv, dev, RINGS, ~VIRTIO_BIT(VIRTIO_F_VERSION_1)) &
		VIRTIO_STATUS_FEATURES_OK));
	/* DRIVER_OK without FEATURES_OK is refused too. */
	status_wr(&drv, status_rd(&drv) | VIRTIO_STATUS_DRIVER_OK);
	CHECK(!(status_rd(&drv) & VIRTIO_STATUS_DRIVER_OK));
	/* A reset and a proper negotiation work. */
	CHECK(drv_begin(&drv, dev, RINGS, WANT) & VIRTIO_STATUS_FEATURES_OK);
	/* Features cannot change after FEATURES_OK. */
	common_wr(&drv, COFF(driver_feature_select), 1, 4);
	common_wr(&drv, COFF(driver_feature), 0, 4);
	CHECK(dev->driver_features & VIRTIO_BIT(VIRTIO_F_VERSION_1));
	blk_teardown();
}

UNIT_TEST(driver_cannot_clear_status_bits)
{
	blk_setup(false);
	drv_init(&drv, dev, RINGS, WANT);
	status_wr(&drv, VIRTIO_STATUS_ACKNOWLEDGE);
	CHECK(status_rd(&drv) & VIRTIO_STATUS_DRIVER_OK);
	status_wr(&drv, status_rd(&drv) | VIRTIO_STATUS_NEEDS_RESET);
	CHECK(!(status_rd(&drv) & VIRTIO_STATUS_NEEDS_RESET));
	blk_teardown();
}

UNIT_TEST(pci_cfg_access_window)
{
	unsigned int p;
	u64 cap;

	blk_setup(false);
	drv_init(&drv, dev, RINGS, WANT);
	p = drv.pcicfg;
	CHECK_EQ(cfg_rd(&dev->pci, p + 2, 1), 20);
	/* Read capacity (device config) through the window. */
	cfg_wr(&dev->pci, p + 4, VIRTIO_BAR, 1);
	cfg_wr(&dev->pci, p + 8, VIRTIO_BAR_DEVICE, 4);
	cfg_wr(&dev->pci, p + 12, 4, 4);
	cap = cfg_rd(&dev->pci, p + 16, 4);
	CHECK_EQ(cap, DISK_SECTORS);
	/* Write the status register through it: reset. */
	cfg_wr(&dev->pci, p + 8, VIRTIO_BAR_COMMON + COFF(device_status), 4);
	cfg_wr(&dev->pci, p + 12, 1, 4);
	cfg_wr(&dev->pci, p + 16, 0, 1);
	CHECK_EQ(status_rd(&drv), 0);
	blk_teardown();
}

/* NEEDS_RESET set, config interrupt sent, error counted, no processing
 * until reset; then the device works again. */
static void expect_needs_reset(struct fake_irq *irq, u64 errors_before)
{
	CHECK(status_rd(&drv) & VIRTIO_STATUS_NEEDS_RESET);
	CHECK(dev->stats.errors > errors_before);
	CHECK_EQ(dev->stats.resets, 1);
	CHECK_EQ(irq->msix[0], 1); /* config vector 0 */
	CHECK(dev->last_error != NULL);
	CHECK_EQ(bad_access, 0);
	CHECK(ram_guards_intact());
}

static void expect_recovers(void)
{
	drv_init(&drv, dev, RINGS, WANT);
	CHECK(!(status_rd(&drv) & VIRTIO_STATUS_NEEDS_RESET));
	CHECK_EQ(do_req(0, 1, DATA, 512, NULL), 0);
}

UNIT_TEST(hostile_loop_needs_reset)
{
	struct fake_irq *irq;
	u32 id, len;

	blk_setup(false);
	irq = irq_of(&dev->pci);
	irq->msix_on = true;
	drv_init(&drv, dev, RINGS, WANT);
	g_desc(drv.q[0].desc, 0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
	g_desc(drv.q[0].desc, 1, DATA, 16, VIRTQ_DESC_F_NEXT, 0);
	drv_publish(&drv, 0, 0);
	drv_kick(&drv, 0);
	expect_needs_reset(irq, 0);
	CHECK(!drv_used(&drv, 0, &id, &len));
	/* Further kicks do nothing while it needs a reset. */
	put_hdr(0, 0);
	drv.q[0].next_desc = 2;
	drv_add(&drv, 0,
		(struct tseg[]){ { HDR, 16, false }, { STATUS, 1, true } }, 2);
	drv_kick(&drv, 0);
	CHECK(!drv_used(&drv, 0, &id, &len));
	expect_recovers();
	blk_teardown();
}

UNIT_TEST(hostile_buffer_outside_ram_needs_reset)
{
	struct fake_irq *irq;

	blk_setup(false);
	irq = irq_of(&dev->pci);
	irq->msix_on = true;
	drv_init(&drv, dev, RINGS, WANT);
	put_hdr(0, 0);
	drv_add(&drv, 0,
		(struct tseg[]){ { HDR, 16, false },
				 { RAM_SIZE - 256, 512, true },
				 { STATUS, 1, true } },
		3);
	drv_kick(&drv, 0);
	expect_needs_reset(irq, 0);
	expect_recovers();
	blk_teardown();
}

UNIT_TEST(hostile_request_without_status_needs_reset)
{
	struct fake_irq *irq;

	blk_setup(false);
	irq = irq_of(&dev->pci);
	irq->msix_on = true;
	drv_init(&drv, dev, RINGS, WANT);
	put_hdr(0, 0);
	drv_add(&drv, 0, (struct tseg[]){ { HDR, 16, false } }, 1);
	drv_kick(&drv, 0);
	expect_needs_reset(irq, 0);
	blk_teardown();
}

UNIT_TEST(hostile_enable_ring_outside_ram)
{
	struct fake_irq *irq;

	blk_setup(false);
	irq = irq_of(&dev->pci);
	irq->msix_on = true;
	CHECK(drv_begin(&drv, dev, RINGS, WANT) & VIRTIO_STATUS_FEATURES_OK);
	common_wr(&drv, COFF(msix_config), 0, 2);
	common_wr(&drv, COFF(queue_select), 0, 2);
	wr64(&drv, COFF(queue_desc), RAM_SIZE - 16);
	wr64(&drv, COFF(queue_driver), 0x1000);
	wr64(&drv, COFF(queue_device), 0x2000);
	common_wr(&drv, COFF(queue_enable), 1, 2);
	CHECK_EQ(common_rd(&drv, COFF(queue_enable), 2), 0);
	expect_needs_reset(irq, 0);
	blk_teardown();
}

UNIT_TEST(hostile_queue_size_not_power_of_two)
{
	blk_setup(false);
	CHECK(drv_begin(&drv, dev, RINGS, WANT) & VIRTIO_STATUS_FEATURES_OK);
	common_wr(&drv, COFF(queue_select), 0, 2);
	common_wr(&drv, COFF(queue_size), 64, 2);
	CHECK_EQ(common_rd(&drv, COFF(queue_size), 2), 64);
	common_wr(&drv, COFF(queue_size), 100, 2);
	CHECK_EQ(common_rd(&drv, COFF(queue_size), 2), 256);
	CHECK_EQ(dev->stats.errors, 1);
	common_wr(&drv, COFF(queue_size), 512, 2);
	CHECK_EQ(common_rd(&drv, COFF(queue_size), 2), 256);
	common_wr(&drv, COFF(queue_size), 0, 2);
	CHECK_EQ(common_rd(&drv, COFF(queue_size), 2), 256);
	CHECK_EQ(dev->stats.errors, 3);
	CHECK(!(status_rd(&drv) & VIRTIO_STATUS_NEEDS_RESET));
	blk_teardown();
}

UNIT_TEST(hostile_notify_unset_and_out_of_range_queue)
{
	blk_setup(false);
	CHECK(drv_begin(&drv, dev, RINGS, WANT) & VIRTIO_STATUS_FEATURES_OK);
	drv_ready(&drv);
	drv_kick(&drv, 0); /* queue 0 never set up */
	CHECK_EQ(dev->stats.errors, 1);
	bar_wr(&drv, drv.notify + 4 * 5, 5, 2); /* no queue 5 */
	CHECK_EQ(dev->stats.errors, 2);
	/* Selecting a queue that does not exist: size 0, writes refused. */
	common_wr(&drv, COFF(queue_select), 9, 2);
	CHECK_EQ(common_rd(&drv, COFF(queue_size), 2), 0);
	common_wr(&drv, COFF(queue_enable), 1, 2);
	CHECK_EQ(dev->stats.errors, 3);
	CHECK(!(status_rd(&drv) & VIRTIO_STATUS_NEEDS_RESET));
	CHECK_EQ(bad_access, 0);
	blk_teardown();
}

UNIT_TEST(no_dma_without_bus_master)
{
	u32 id, len;

	blk_setup(false);
	drv_init(&drv, dev, RINGS, WANT);
	bus_master = false;
	put_hdr(0, 0);
	drv_add(&drv, 0,
		(struct tseg[]){ { HDR, 16, false }, { STATUS, 1, true } }, 2);
	drv_kick(&drv, 0);
	CHECK(!drv_used(&drv, 0, &id, &len));
	bus_master = true;
	drv_kick(&drv, 0);
	CHECK(drv_used(&drv, 0, &id, &len));
	blk_teardown();
}

UNIT_MAIN();

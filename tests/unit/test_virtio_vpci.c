// SPDX-License-Identifier: GPL-2.0
/*
 * virtio devices on the real PCI host bridge (virt/dev/pci.c): the guest
 * side goes through configuration mechanism #1 on the port bus and the
 * BAR on the MMIO bus, as a Linux guest does. Checks that the capability
 * layout, the PCI cfg access window (past the bridge's cap_next), MSI-X
 * through the bridge's table and INTx all work together.
 */
#define _GNU_SOURCE
#define HARNESS_REAL_VPCI
#include "virtio_harness.h"

static unsigned int msi_count;
static u64 msi_addr;
static u32 msi_data;
static int gsi_level[24];

void plat_msi(struct vm *vm, u64 addr, u32 data)
{
	msi_count++;
	msi_addr = addr;
	msi_data = data;
}

void plat_set_irq(struct vm *vm, unsigned int irq, int level)
{
	if (irq < 24)
		gsi_level[irq] = level;
}

#define RINGS 0x10000ull
#define HDR 0x100000ull
#define DATA 0x101000ull
#define STATUS 0x180000ull

static struct vpci_host *host;
static struct virtio_dev *dev;
static struct tdrv drv;
static u8 disk_mem[64 * 512];
static struct blkdev disk;

static void setup(void)
{
	ram_setup();
	host = vpci_create(&tvm);
	CHECK(host != NULL);
	ramdisk_init(&disk, "bridge-disk", disk_mem, sizeof(disk_mem), false);
	dev = virtio_blk_create(&tvm, host, &disk);
	CHECK(dev != NULL);
	h_slot = dev->pci.slot;
	drv.d = dev;
	/* Where the bridge placed BAR 0; turn on decoding and DMA. */
	h_bar = cfg_rd(&dev->pci, 0x10, 4) & ~0xFull;
	CHECK(h_bar >= PLAT_PCI_MMIO_BASE && h_bar < PLAT_PCI_MMIO_END);
	cfg_wr(&dev->pci, 0x04, 0x0006, 2);
}

static int blk_read(u64 sector)
{
	u32 id, len;
	struct {
		le32 type, ioprio;
		le64 sector;
	} h = { 0, 0, cpu_to_le64(sector) };

	vm_write_phys(&tvm, HDR, &h, sizeof(h));
	drv_add(&drv, 0,
		(struct tseg[]){ { HDR, 16, false },
				 { DATA, 512, true },
				 { STATUS, 1, true } },
		3);
	drv_kick(&drv, 0);
	if (!drv_used(&drv, 0, &id, &len))
		return -1;
	return len;
}

UNIT_TEST(ids_caps_and_requests_through_the_bridge)
{
	unsigned int p;

	setup();
	CHECK_EQ(cfg_rd(&dev->pci, 0, 4), 0x10421AF4);
	CHECK_EQ(cfg_rd(&dev->pci, 0x2C, 2), 0x1AF4);
	CHECK_EQ(cfg_rd(&dev->pci, 0x08, 1), 1); /* revision */
	drv_init(&drv, dev, RINGS, ~0ull);
	CHECK_EQ(drv.common, VIRTIO_BAR_COMMON);
	CHECK_EQ(drv.notify, VIRTIO_BAR_NOTIFY);
	CHECK_EQ(drv.isr, VIRTIO_BAR_ISR);
	CHECK_EQ(drv.device, VIRTIO_BAR_DEVICE);
	CHECK(drv.pcicfg != 0);
	disk_mem[5 * 512] = 0x5A;
	CHECK_EQ(blk_read(5), 513);
	CHECK_EQ(g_rd16(DATA) & 0xFF, 0x5A);
	/* The PCI cfg access window, past the bridge's part of the cap. */
	p = drv.pcicfg;
	CHECK_EQ(cfg_rd(&dev->pci, p + 2, 1), 20);
	CHECK_EQ(cfg_rd(&dev->pci, p + 3, 1), VIRTIO_PCI_CAP_PCI_CFG);
	cfg_wr(&dev->pci, p + 4, 0, 1);
	cfg_wr(&dev->pci, p + 8, VIRTIO_BAR_DEVICE, 4);
	cfg_wr(&dev->pci, p + 12, 4, 4);
	CHECK_EQ(cfg_rd(&dev->pci, p + 16, 4), 64);
	CHECK_EQ(dev->stats.errors, 0);
	CHECK_EQ(bad_access, 0);
	ram_teardown();
}

UNIT_TEST(msix_and_intx_through_the_bridge)
{
	u16 ctrl;
	unsigned int msix = 0;

	setup();
	/* Find the MSI-X capability and program vector 1. */
	for (unsigned int p = cfg_rd(&dev->pci, 0x34, 1); p;
	     p = cfg_rd(&dev->pci, p + 1, 1))
		if (cfg_rd(&dev->pci, p, 1) == 0x11)
			msix = p;
	CHECK(msix != 0);
	CHECK_EQ(cfg_rd(&dev->pci, msix + 4, 4), VIRTIO_BAR_MSIX | VIRTIO_BAR);
	bar_wr(&drv, VIRTIO_BAR_MSIX + 16, 0xFEE00000, 4);
	bar_wr(&drv, VIRTIO_BAR_MSIX + 24, 0x41, 4);
	bar_wr(&drv, VIRTIO_BAR_MSIX + 28, 0, 4); /* unmask */
	ctrl = (u16)cfg_rd(&dev->pci, msix + 2, 2);
	cfg_wr(&dev->pci, msix + 2, ctrl | 0x8000, 2);
	/* Without EVENT_IDX: every completion interrupts. */
	drv_init(&drv, dev, RINGS, ~VIRTIO_BIT(VIRTIO_F_RING_EVENT_IDX));
	msi_count = 0;
	CHECK_EQ(blk_read(1), 513);
	CHECK_EQ(msi_count, 1);
	CHECK_EQ(msi_addr, 0xFEE00000);
	CHECK_EQ(msi_data, 0x41);
	/* MSI-X off: INTx until the ISR is read. */
	cfg_wr(&dev->pci, msix + 2, ctrl, 2);
	CHECK_EQ(blk_read(1), 513);
	CHECK_EQ(msi_count, 1);
	CHECK(cfg_rd(&dev->pci, 0x06, 2) & 0x08); /* interrupt status */
	CHECK_EQ(bar_rd(&drv, VIRTIO_BAR_ISR, 1), VIRTIO_ISR_QUEUE);
	CHECK(!(cfg_rd(&dev->pci, 0x06, 2) & 0x08));
	/* Bus master off resets the device. */
	cfg_wr(&dev->pci, 0x04, 0x0002, 2);
	CHECK_EQ(status_rd(&drv), 0);
	ram_teardown();
}

UNIT_MAIN();

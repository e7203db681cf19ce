/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Block backends: what a virtual disk (virtio-blk) reads and writes. A
 * backend is a set of callbacks over 512-byte sectors; the caller checks
 * bounds (sector + count <= sectors) and the read-only flag before calling,
 * the backend checks them again if it can fail otherwise. Calls may come
 * from several CPUs at once for different disks; one disk's calls are
 * serialised by its user.
 */
#ifndef PV_BLKDEV_H
#define PV_BLKDEV_H

#include <pv/types.h>

#define BLK_SECTOR_SHIFT 9
#define BLK_SECTOR_SIZE (1u << BLK_SECTOR_SHIFT)

/* Negative error codes the callbacks return. */
#define BLK_EIO 5
#define BLK_EROFS 30
#define BLK_ERANGE 34

struct blkdev {
	const char *name;
	u64 sectors; /* capacity in 512-byte sectors */
	bool read_only;
	/* 0 or a negative BLK_E* code. */
	int (*read)(struct blkdev *bd, u64 sector, void *buf, u32 count);
	int (*write)(struct blkdev *bd, u64 sector, const void *buf, u32 count);
	int (*flush)(struct blkdev *bd); /* NULL: writes are durable */
	void *priv;
};

/*
 * A disk over host memory (e.g. a boot module): bytes is rounded down to
 * whole sectors. The memory stays the caller's; writes change it in place.
 */
void ramdisk_init(struct blkdev *bd, const char *name, void *mem, u64 bytes,
		  bool read_only);

#endif

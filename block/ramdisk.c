// SPDX-License-Identifier: GPL-2.0
/* A block backend over host memory (include/pv/blkdev.h). */
#include <pv/blkdev.h>
#include <pv/string.h>

static bool ramdisk_range_ok(struct blkdev *bd, u64 sector, u32 count)
{
	return sector <= bd->sectors && count <= bd->sectors - sector;
}

static int ramdisk_read(struct blkdev *bd, u64 sector, void *buf, u32 count)
{
	if (!ramdisk_range_ok(bd, sector, count))
		return -BLK_ERANGE;
	memcpy(buf, (u8 *)bd->priv + (sector << BLK_SECTOR_SHIFT),
	       (size_t)count << BLK_SECTOR_SHIFT);
	return 0;
}

static int ramdisk_write(struct blkdev *bd, u64 sector, const void *buf,
			 u32 count)
{
	if (bd->read_only)
		return -BLK_EROFS;
	if (!ramdisk_range_ok(bd, sector, count))
		return -BLK_ERANGE;
	memcpy((u8 *)bd->priv + (sector << BLK_SECTOR_SHIFT), buf,
	       (size_t)count << BLK_SECTOR_SHIFT);
	return 0;
}

void ramdisk_init(struct blkdev *bd, const char *name, void *mem, u64 bytes,
		  bool read_only)
{
	memset(bd, 0, sizeof(*bd));
	bd->name = name;
	bd->sectors = bytes >> BLK_SECTOR_SHIFT;
	bd->read_only = read_only;
	bd->read = ramdisk_read;
	bd->write = ramdisk_write;
	bd->flush = NULL; /* memory: nothing to flush */
	bd->priv = mem;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk (virtio 1.1, 5.2) over a struct blkdev. One request queue;
 * requests are served synchronously in the notifying vCPU's exit.
 *
 * A request is a byte stream: the readable part starts with the 16-byte
 * header (then OUT data), the writable part ends with the status byte
 * (IN data or the ID string before it); descriptor boundaries may fall
 * anywhere. Data moves through a bounce buffer in sector-sized pieces, so
 * the backend sees whole sectors whatever the guest's segmentation.
 */
#include <pv/string.h>
#include "virtio.h"

#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9

#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8

#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

#define VIRTIO_BLK_ID_BYTES 20
#define VBLK_QUEUE_SIZE 256
#define VBLK_BOUNCE (32u << 10)
#define PCI_CLASS_STORAGE_OTHER 0x018000

struct virtio_blk_outhdr {
	le32 type;
	le32 ioprio;
	le64 sector;
};

/* Up to the write-zeroes fields (virtio 1.1); most are unused here. */
struct virtio_blk_config {
	le64 capacity;
	le32 size_max;
	le32 seg_max;
	le16 cylinders;
	u8 heads;
	u8 sectors;
	le32 blk_size;
	u8 physical_block_exp;
	u8 alignment_offset;
	le16 min_io_size;
	le32 opt_io_size;
	u8 writeback;
	u8 unused0[3];
	le32 max_discard_sectors;
	le32 max_discard_seg;
	le32 discard_sector_alignment;
	le32 max_write_zeroes_sectors;
	le32 max_write_zeroes_seg;
	u8 write_zeroes_may_unmap;
	u8 unused1[3];
};

struct vblk {
	struct virtio_dev vdev;
	struct blkdev *bd;
	struct virtio_blk_config cfg;
	struct virtio_blk_stats stats;
	u8 bounce[VBLK_BOUNCE]; /* under the queue lock */
};

static struct vblk *to_vblk(struct virtio_dev *d)
{
	return container_of(d, struct vblk, vdev);
}

static bool vblk_range_ok(struct blkdev *bd, u64 sector, u64 bytes)
{
	u64 n = bytes >> BLK_SECTOR_SHIFT;

	return !(bytes & (BLK_SECTOR_SIZE - 1)) && sector <= bd->sectors &&
	       n <= bd->sectors - sector;
}

static u8 vblk_read(struct vblk *b, struct virtq *vq, struct vq_chain *c,
		    u64 sector, u32 bytes)
{
	for (u32 pos = 0; pos < bytes;) {
		u32 n = MIN(bytes - pos, VBLK_BOUNCE);

		if (b->bd->read(b->bd, sector, b->bounce,
				n >> BLK_SECTOR_SHIFT))
			return VIRTIO_BLK_S_IOERR;
		vq_chain_write(vq, c, pos, b->bounce, n);
		sector += n >> BLK_SECTOR_SHIFT;
		pos += n;
	}
	return VIRTIO_BLK_S_OK;
}

static u8 vblk_write(struct vblk *b, struct virtq *vq, struct vq_chain *c,
		     u64 sector, u32 bytes)
{
	for (u32 pos = 0; pos < bytes;) {
		u32 n = MIN(bytes - pos, VBLK_BOUNCE);

		vq_chain_read(vq, c, sizeof(struct virtio_blk_outhdr) + pos,
			      b->bounce, n);
		if (b->bd->write(b->bd, sector, b->bounce,
				 n >> BLK_SECTOR_SHIFT))
			return VIRTIO_BLK_S_IOERR;
		sector += n >> BLK_SECTOR_SHIFT;
		pos += n;
	}
	return VIRTIO_BLK_S_OK;
}

static const char *vblk_request(struct virtio_dev *d, struct virtq *vq,
				struct vq_chain *c, u32 *written)
{
	struct vblk *b = to_vblk(d);
	struct virtio_blk_outhdr h;
	u32 in_len, out_len;
	u8 status;
	u64 sector;

	if (c->read_len < sizeof(h) || c->write_len < 1)
		return "block request without header or status";
	vq_chain_read(vq, c, 0, &h, sizeof(h));
	sector = le64_to_cpu(h.sector);
	in_len = c->write_len - 1; /* room before the status byte */
	out_len = c->read_len - sizeof(h);
	*written = 1;
	switch (le32_to_cpu(h.type)) {
	case VIRTIO_BLK_T_IN:
		b->stats.reads++;
		status = VIRTIO_BLK_S_IOERR;
		if (vblk_range_ok(b->bd, sector, in_len)) {
			status = vblk_read(b, vq, c, sector, in_len);
			if (status == VIRTIO_BLK_S_OK)
				*written += in_len;
		}
		break;
	case VIRTIO_BLK_T_OUT:
		b->stats.writes++;
		status = VIRTIO_BLK_S_IOERR;
		if (!b->bd->read_only && vblk_range_ok(b->bd, sector, out_len))
			status = vblk_write(b, vq, c, sector, out_len);
		break;
	case VIRTIO_BLK_T_FLUSH:
		b->stats.flushes++;
		status = VIRTIO_BLK_S_OK;
		if (b->bd->flush && b->bd->flush(b->bd))
			status = VIRTIO_BLK_S_IOERR;
		break;
	case VIRTIO_BLK_T_GET_ID: {
		char id[VIRTIO_BLK_ID_BYTES] = { 0 };
		const char *name = b->bd->name ? b->bd->name : "";
		u32 n = MIN(in_len, (u32)VIRTIO_BLK_ID_BYTES);

		b->stats.get_ids++;
		/* Not NUL-terminated when it fills all 20 bytes. */
		memcpy(id, name, strnlen(name, sizeof(id)));
		vq_chain_write(vq, c, 0, id, n);
		*written += n;
		status = VIRTIO_BLK_S_OK;
		break;
	}
	default:
		b->stats.unsupported++;
		status = VIRTIO_BLK_S_UNSUPP;
		break;
	}
	if (status == VIRTIO_BLK_S_IOERR)
		b->stats.ioerrs++;
	vq_chain_write(vq, c, c->write_len - 1, &status, 1);
	return NULL;
}

static void vblk_notify(struct virtio_dev *d, struct virtq *vq)
{
	virtio_process(d, vq, vblk_request);
}

static const struct virtio_dev_ops vblk_ops = {
	.notify = vblk_notify,
};

struct virtio_dev *virtio_blk_create(struct vm *vm, struct vpci_host *pci,
				     struct blkdev *bd)
{
	struct vblk *b;
	u64 features = VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) |
		       VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) |
		       VIRTIO_BIT(VIRTIO_BLK_F_FLUSH);

	if (!bd || !bd->read || !bd->write)
		return NULL;
	b = vm_dev_zalloc(vm, sizeof(*b));
	if (!b)
		return NULL;
	b->bd = bd;
	if (bd->read_only)
		features |= VIRTIO_BIT(VIRTIO_BLK_F_RO);
	b->cfg.capacity = cpu_to_le64(bd->sectors);
	/* Header and status take two of a chain's descriptors. */
	b->cfg.seg_max = cpu_to_le32(VBLK_QUEUE_SIZE - 2);
	b->cfg.blk_size = cpu_to_le32(BLK_SECTOR_SIZE);
	if (virtio_pci_init(&b->vdev, vm, pci, "virtio-blk", VIRTIO_ID_BLOCK,
			    PCI_CLASS_STORAGE_OTHER, 1, VBLK_QUEUE_SIZE,
			    features, &b->cfg, sizeof(b->cfg), &vblk_ops))
		return NULL;
	return &b->vdev;
}

const struct virtio_blk_stats *virtio_blk_stats(struct virtio_dev *d)
{
	return &to_vblk(d)->stats;
}

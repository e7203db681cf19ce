// SPDX-License-Identifier: GPL-2.0
/*
 * Split virtqueues (virtio 1.x, 2.6): the device side. Every value read
 * from guest memory is checked before use, and read once: a descriptor is
 * copied out, validated and only then followed, so a guest rewriting its
 * ring concurrently cannot make us touch anything outside its RAM.
 *
 * Ring fields are accessed through host pointers into guest RAM, each
 * naturally aligned (the areas were checked at enable), so none straddles
 * a 2 MiB chunk and 16/32-bit accesses are single loads and stores.
 * Buffers and indirect tables go through vm_read_phys/vm_write_phys, which
 * split copies at chunk boundaries.
 */
#include "virtio.h"

static int vq_bad(struct virtq *vq, const char *why)
{
	vq->broken = true;
	vq->error = why;
	return -1;
}

static bool gpa_range_ok(struct vm *vm, u64 gpa, u64 len)
{
	return gpa < vm->ram_size && len <= vm->ram_size - gpa;
}

/* A guest field of size bytes at gpa: inside RAM and naturally aligned. */
static void __guest *vq_field(struct virtq *vq, u64 gpa, unsigned int size)
{
	if ((gpa & (size - 1)) || !gpa_range_ok(vq->vm, gpa, size))
		return NULL;
	return (__force void __guest *)gpa_to_hva(vq->vm, gpa);
}

static u16 vq_rd16(struct virtq *vq, u64 gpa)
{
	le16 __guest *p = vq_field(vq, gpa, 2);

	/* Unreachable after vq_enable's checks; reads as an empty ring. */
	if (!p)
		return 0;
	return le16_to_cpu(READ_ONCE(*(__force le16 *)p));
}

static void vq_wr16(struct virtq *vq, u64 gpa, u16 val)
{
	le16 __guest *p = vq_field(vq, gpa, 2);

	if (p)
		WRITE_ONCE(*(__force le16 *)p, cpu_to_le16(val));
}

static void vq_wr32(struct virtq *vq, u64 gpa, u32 val)
{
	le32 __guest *p = vq_field(vq, gpa, 4);

	if (p)
		WRITE_ONCE(*(__force le32 *)p, cpu_to_le32(val));
}

/* Offsets of the ring fields (2.6.6, 2.6.8). */
#define AVAIL_FLAGS(vq) ((vq)->driver)
#define AVAIL_IDX(vq) ((vq)->driver + 2)
#define AVAIL_RING(vq, i) ((vq)->driver + 4 + 2ull * (i))
#define USED_EVENT(vq) AVAIL_RING(vq, (vq)->size)
#define USED_IDX(vq) ((vq)->device + 2)
#define USED_RING(vq, i) ((vq)->device + 4 + 8ull * (i))
#define AVAIL_EVENT(vq) USED_RING(vq, (vq)->size)

void vq_init(struct virtq *vq, struct vm *vm, u16 index, u16 max_size)
{
	vq->lock = (spinlock_t)SPINLOCK_INIT;
	vq->vm = vm;
	vq->index = index;
	vq->max_size = max_size;
	vq_reset(vq);
}

void vq_reset(struct virtq *vq)
{
	vq->size = vq->max_size;
	vq->msix_vector = VIRTIO_MSI_NO_VECTOR;
	vq->desc = vq->driver = vq->device = 0;
	vq->enabled = false;
	vq->broken = false;
	vq->event_idx = vq->indirect = false;
	vq->last_avail = vq->used_idx = 0;
	vq->error = NULL;
}

bool vq_size_ok(const struct virtq *vq, u16 size)
{
	return size && !(size & (size - 1)) && size <= vq->max_size;
}

int vq_enable(struct virtq *vq, bool event_idx, bool indirect)
{
	u64 n = vq->size;

	if (!vq_size_ok(vq, vq->size))
		return vq_bad(vq, "queue size not a power of two");
	if ((vq->desc & (VIRTQ_DESC_ALIGN - 1)) ||
	    (vq->driver & (VIRTQ_AVAIL_ALIGN - 1)) ||
	    (vq->device & (VIRTQ_USED_ALIGN - 1)))
		return vq_bad(vq, "misaligned ring");
	/* Sizes include used_event/avail_event even without EVENT_IDX. */
	if (!gpa_range_ok(vq->vm, vq->desc, 16 * n) ||
	    !gpa_range_ok(vq->vm, vq->driver, 6 + 2 * n) ||
	    !gpa_range_ok(vq->vm, vq->device, 6 + 8 * n))
		return vq_bad(vq, "ring outside guest RAM");
	vq->event_idx = event_idx;
	vq->indirect = indirect;
	vq->last_avail = vq->used_idx = 0;
	vq->broken = false;
	vq->error = NULL;
	vq->enabled = true;
	return 0;
}

static int vq_read_desc(struct virtq *vq, u64 gpa, struct virtq_desc *d)
{
	if (vm_read_phys(vq->vm, gpa, d, sizeof(*d)))
		return vq_bad(vq, "descriptor outside guest RAM");
	return 0;
}

/* Walk the chain at head into c, validating every descriptor. */
static int vq_walk(struct virtq *vq, u16 head, struct vq_chain *c)
{
	u64 table = vq->desc; /* the table being walked */
	u32 table_n = vq->size; /* its entries */
	u32 hops = 0, idx = head;
	bool in_indirect = false;
	u64 total = 0;

	c->head = head;
	c->nsegs = c->nread = 0;
	c->read_len = c->write_len = 0;
	for (;;) {
		struct virtq_desc d;
		u64 addr;
		u32 len;
		u16 flags;

		/* Each table is visited at most once per entry: a longer
		 * walk is a loop. */
		if (++hops > table_n)
			return vq_bad(vq, "descriptor loop");
		if (vq_read_desc(vq, table + 16ull * idx, &d))
			return -1;
		addr = le64_to_cpu(d.addr);
		len = le32_to_cpu(d.len);
		flags = le16_to_cpu(d.flags);

		if (flags & VIRTQ_DESC_F_INDIRECT) {
			if (!vq->indirect)
				return vq_bad(vq, "indirect not negotiated");
			if (in_indirect)
				return vq_bad(vq, "nested indirect table");
			if (flags & VIRTQ_DESC_F_NEXT)
				return vq_bad(vq, "indirect with next");
			if (!len || len % 16 || len / 16 > vq->size)
				return vq_bad(vq, "bad indirect table length");
			if (!gpa_range_ok(vq->vm, addr, len))
				return vq_bad(vq, "indirect table outside RAM");
			table = addr;
			table_n = len / 16;
			idx = 0;
			hops = 0;
			in_indirect = true;
			continue;
		}

		if (!gpa_range_ok(vq->vm, addr, len))
			return vq_bad(vq, "buffer outside guest RAM");
		total += len;
		if (total > VQ_MAX_CHAIN_BYTES)
			return vq_bad(vq, "chain too large");
		if (flags & VIRTQ_DESC_F_WRITE) {
			c->write_len += len;
		} else {
			if (c->nsegs != c->nread)
				return vq_bad(vq, "readable after writable");
			c->read_len += len;
			c->nread++;
		}
		if (c->nsegs >= vq->size)
			return vq_bad(vq, "chain longer than the queue");
		c->seg[c->nsegs].addr = addr;
		c->seg[c->nsegs].len = len;
		c->seg[c->nsegs].write = !!(flags & VIRTQ_DESC_F_WRITE);
		c->nsegs++;

		if (!(flags & VIRTQ_DESC_F_NEXT))
			return 0;
		idx = le16_to_cpu(d.next);
		if (idx >= table_n)
			return vq_bad(vq, "next index out of range");
	}
}

int vq_pop(struct virtq *vq, struct vq_chain *c)
{
	u16 avail, pending, head;

	if (!vq->enabled || vq->broken)
		return 0;
	avail = vq_rd16(vq, AVAIL_IDX(vq));
	/* The ring entries and descriptors are read after the index. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	pending = (u16)(avail - vq->last_avail);
	if (!pending)
		return 0;
	if (pending > vq->size)
		return vq_bad(vq, "available index beyond the queue size");
	head = vq_rd16(vq, AVAIL_RING(vq, vq->last_avail & (vq->size - 1)));
	if (head >= vq->size)
		return vq_bad(vq, "head index out of range");
	if (vq_walk(vq, head, c))
		return -1;
	vq->last_avail++;
	vq->chains++;
	return 1;
}

void vq_push(struct virtq *vq, u16 head, u32 len)
{
	u16 slot = vq->used_idx & (vq->size - 1);

	vq_wr32(vq, USED_RING(vq, slot), head);
	vq_wr32(vq, USED_RING(vq, slot) + 4, len);
	/* The element is visible before the index that publishes it. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	vq->used_idx++;
	vq_wr16(vq, USED_IDX(vq), vq->used_idx);
}

bool vq_more(struct virtq *vq)
{
	if (!vq->enabled || vq->broken)
		return false;
	if (vq->event_idx)
		vq_wr16(vq, AVAIL_EVENT(vq), vq->last_avail);
	/* The store above must be visible before we look at the index
	 * again, or a driver adding now could skip its notification. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return vq_rd16(vq, AVAIL_IDX(vq)) != vq->last_avail;
}

/* 2.6.7.2: notify if used_event lies in (old, new]. */
static bool need_event(u16 event, u16 new_idx, u16 old)
{
	return (u16)(new_idx - event - 1) < (u16)(new_idx - old);
}

bool vq_need_notify(struct virtq *vq, u16 old_used)
{
	if (!vq->enabled || vq->used_idx == old_used)
		return false;
	/* Our used index store is ordered before reading the driver's
	 * suppression fields. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (vq->event_idx)
		return need_event(vq_rd16(vq, USED_EVENT(vq)), vq->used_idx,
				  old_used);
	return !(vq_rd16(vq, AVAIL_FLAGS(vq)) & VRING_AVAIL_F_NO_INTERRUPT);
}

/* Copy between buf and the part of c (readable or writable) at off. */
static u32 vq_chain_copy(struct virtq *vq, const struct vq_chain *c, bool write,
			 u32 off, u8 *buf, u32 len)
{
	unsigned int i = write ? c->nread : 0;
	unsigned int end = write ? c->nsegs : c->nread;
	u32 done = 0;

	for (; i < end && done < len; i++) {
		const struct vq_seg *s = &c->seg[i];
		u32 n;
		int r;

		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		n = MIN(s->len - off, len - done);
		if (write)
			r = vm_write_phys(vq->vm, s->addr + off, buf + done, n);
		else
			r = vm_read_phys(vq->vm, s->addr + off, buf + done, n);
		if (r) /* checked when the chain was taken: cannot happen */
			break;
		done += n;
		off = 0;
	}
	return done;
}

u32 vq_chain_read(struct virtq *vq, const struct vq_chain *c, u32 off,
		  void *buf, u32 len)
{
	return vq_chain_copy(vq, c, false, off, buf, len);
}

u32 vq_chain_write(struct virtq *vq, const struct vq_chain *c, u32 off,
		   const void *buf, u32 len)
{
	return vq_chain_copy(vq, c, true, off, (u8 *)buf, len);
}

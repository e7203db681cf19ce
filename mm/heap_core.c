// SPDX-License-Identifier: GPL-2.0
/*
 * Size-class heap core (include/pv/heap.h). Every page it hands objects
 * from starts with a header carrying a magic, so kfree() finds the owner
 * by rounding the pointer down to its page: a slab (one page of equal
 * slots) or the first page of a large block.
 *
 * Debug layout of a slab slot:
 *   [struct slot_hdr 32 B: caller, size, state, red zone][object][16 B red]
 * The bytes between the requested size and the slot end are red zone too,
 * so a one-byte overflow of a 20-byte object in a 32-byte class is seen.
 */
#include <pv/heap.h>
#include <pv/string.h>

#define SLAB_MAGIC 0x51AB51ABu
#define BIG_MAGIC 0xB16B10C5u
#define HDR_BYTES 64 /* page header room; keeps objects 16-aligned */
#define REDZONE 0xCC
#define POISON 0x6B
#define TAIL_RZ 16
#define SLOT_LIVE 0x4C495645u
#define SLOT_FREE 0x46524545u

struct heap_slab {
	u32 magic;
	u32 cls;
	u32 inuse;
	u32 pad;
	void *free; /* slot list, linked through each slot's first word */
	struct heap_slab *next, *prev;
};

struct slot_hdr {
	const void *caller;
	void *next_free;
	u32 size;
	u32 state;
	u8 rz[8];
};

struct big_hdr {
	u32 magic;
	u32 order;
	u64 size;
	const void *caller;
	u32 state;
};

BUILD_BUG_ON(sizeof(struct heap_slab) > HDR_BYTES);
BUILD_BUG_ON(sizeof(struct big_hdr) > HDR_BYTES);
BUILD_BUG_ON(sizeof(struct slot_hdr) != 32);

/* Chosen so 2, 3, 4 or 6 objects fill the 4032 bytes after a header. */
static const u32 class_sizes[HEAP_NR_CLASSES] = {
	16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 672, 1008, 1344, 2016,
};

void heap_core_init(struct heap *h, const struct heap_ops *ops, bool debug)
{
	h->ops = *ops;
	h->debug = debug;
	h->pages = 0;
	h->objects = 0;
	for (unsigned int i = 0; i < HEAP_NR_CLASSES; i++) {
		struct heap_class *c = &h->classes[i];

		c->size = class_sizes[i];
		c->slot = c->size +
			  (debug ? (u32)sizeof(struct slot_hdr) + TAIL_RZ : 0);
		c->per_slab = (HEAP_PAGE_SIZE - HDR_BYTES) / c->slot;
		c->partial = NULL;
	}
}

static int class_of(size_t size)
{
	for (int i = 0; i < HEAP_NR_CLASSES; i++)
		if (size <= class_sizes[i])
			return i;
	return -1;
}

size_t heap_class_size(const struct heap *h, size_t size)
{
	int c = class_of(size ? size : 1);

	return c < 0 ? 0 : class_sizes[c];
}

static bool all_bytes(const void *p, u8 v, size_t n)
{
	const u8 *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != v)
			return false;
	return true;
}

static u8 *slot_base(struct heap_slab *s, unsigned int i, u32 slot)
{
	return (u8 *)s + HDR_BYTES + (size_t)i * slot;
}

static void *slot_obj(const struct heap *h, u8 *slot)
{
	return h->debug ? slot + sizeof(struct slot_hdr) : slot;
}

static void list_del(struct heap_class *c, struct heap_slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		c->partial = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->next = s->prev = NULL;
}

static void list_add(struct heap_class *c, struct heap_slab *s)
{
	s->prev = NULL;
	s->next = c->partial;
	if (c->partial)
		c->partial->prev = s;
	c->partial = s;
}

static struct heap_slab *new_slab(struct heap *h, unsigned int ci)
{
	struct heap_class *c = &h->classes[ci];
	struct heap_slab *s = h->ops.page_alloc(h->ops.ctx, 0);

	if (!s)
		return NULL;
	h->pages++;
	*s = (struct heap_slab){ .magic = SLAB_MAGIC, .cls = ci };
	/* Thread the free list in address order. */
	for (unsigned int i = c->per_slab; i-- > 0;) {
		u8 *slot = slot_base(s, i, c->slot);

		if (h->debug) {
			struct slot_hdr *sh = (struct slot_hdr *)slot;

			memset(slot, POISON, c->slot);
			sh->state = SLOT_FREE;
			sh->next_free = s->free;
		} else {
			*(void **)slot = s->free;
		}
		s->free = slot;
	}
	list_add(c, s);
	return s;
}

static void *alloc_small(struct heap *h, unsigned int ci, size_t size,
			 const void *caller)
{
	struct heap_class *c = &h->classes[ci];
	struct heap_slab *s = c->partial;
	u8 *slot;
	void *obj;

	if (!s) {
		s = new_slab(h, ci);
		if (!s)
			return NULL;
	}
	slot = s->free;
	obj = slot_obj(h, slot);
	if (h->debug) {
		struct slot_hdr *sh = (struct slot_hdr *)slot;

		s->free = sh->next_free;
		if (!all_bytes(obj, POISON, c->size))
			h->ops.report(h->ops.ctx, HEAP_EUSEAFTERFREE, obj,
				      c->size, sh->caller, caller);
		sh->caller = caller;
		sh->next_free = NULL;
		sh->size = (u32)size;
		sh->state = SLOT_LIVE;
		memset(sh->rz, REDZONE, sizeof(sh->rz));
		memset((u8 *)obj + size, REDZONE, c->size - size + TAIL_RZ);
	} else {
		s->free = *(void **)slot;
	}
	if (!s->free)
		list_del(c, s); /* full: found again through its page */
	s->inuse++;
	h->objects++;
	return obj;
}

static unsigned int big_order(size_t bytes)
{
	unsigned int o = 0;

	while (((size_t)HEAP_PAGE_SIZE << o) < bytes)
		o++;
	return o;
}

static void *alloc_big(struct heap *h, size_t size, const void *caller)
{
	size_t need = HDR_BYTES + size + (h->debug ? TAIL_RZ : 0);
	unsigned int order;
	struct big_hdr *b;
	u8 *obj;

	if (size > ((size_t)HEAP_PAGE_SIZE << HEAP_MAX_ORDER))
		return NULL;
	order = big_order(need);
	if (order > HEAP_MAX_ORDER)
		return NULL;
	b = h->ops.page_alloc(h->ops.ctx, order);
	if (!b)
		return NULL;
	*b = (struct big_hdr){ BIG_MAGIC, order, size, caller, SLOT_LIVE };
	obj = (u8 *)b + HDR_BYTES;
	if (h->debug)
		memset(obj + size, REDZONE, TAIL_RZ);
	h->pages += 1u << order;
	h->objects++;
	return obj;
}

void *heap_alloc(struct heap *h, size_t size, const void *caller)
{
	int ci;

	if (!size)
		size = 1;
	ci = class_of(size);
	if (ci < 0)
		return alloc_big(h, size, caller);
	return alloc_small(h, (unsigned int)ci, size, caller);
}

static int misuse(struct heap *h, enum heap_err err, const void *obj,
		  size_t size, const void *alloc_caller, const void *caller)
{
	h->ops.report(h->ops.ctx, err, obj, size, alloc_caller, caller);
	return -(int)err;
}

static int free_big(struct heap *h, struct big_hdr *b, void *p,
		    const void *caller)
{
	if (p != (u8 *)b + HDR_BYTES)
		return misuse(h, HEAP_EBADPTR, p, 0, NULL, caller);
	if (b->state == SLOT_FREE)
		return misuse(h, HEAP_EDOUBLE, p, b->size, b->caller, caller);
	if (b->state != SLOT_LIVE || b->order > HEAP_MAX_ORDER)
		return misuse(h, HEAP_EUNDERFLOW, p, 0, NULL, caller);
	if (h->debug && !all_bytes((u8 *)p + b->size, REDZONE, TAIL_RZ))
		return misuse(h, HEAP_EOVERFLOW, p, b->size, b->caller, caller);
	/* Stays readable while the page sits free: a second kfree sees it. */
	b->state = SLOT_FREE;
	h->pages -= 1u << b->order;
	h->objects--;
	h->ops.page_free(h->ops.ctx, b, b->order);
	return 0;
}

int heap_free(struct heap *h, void *p, const void *caller)
{
	struct heap_slab *s;
	struct heap_class *c;
	u8 *slot;
	size_t off;

	if (!p)
		return 0;
	s = (struct heap_slab *)((uintptr_t)p &
				 ~(uintptr_t)(HEAP_PAGE_SIZE - 1));
	if (s->magic == BIG_MAGIC)
		return free_big(h, (struct big_hdr *)s, p, caller);
	if (s->magic != SLAB_MAGIC || s->cls >= HEAP_NR_CLASSES)
		return misuse(h, HEAP_EBADPTR, p, 0, NULL, caller);
	c = &h->classes[s->cls];
	off = (size_t)((u8 *)p - (u8 *)s) - HDR_BYTES -
	      (h->debug ? sizeof(struct slot_hdr) : 0);
	if ((u8 *)p < (u8 *)s + HDR_BYTES || off % c->slot ||
	    off / c->slot >= c->per_slab)
		return misuse(h, HEAP_EBADPTR, p, 0, NULL, caller);
	slot = slot_base(s, (unsigned int)(off / c->slot), c->slot);

	if (h->debug) {
		struct slot_hdr *sh = (struct slot_hdr *)slot;

		if (sh->state == SLOT_FREE)
			return misuse(h, HEAP_EDOUBLE, p, c->size, sh->caller,
				      caller);
		if (sh->state != SLOT_LIVE || sh->size > c->size ||
		    !all_bytes(sh->rz, REDZONE, sizeof(sh->rz)))
			return misuse(h, HEAP_EUNDERFLOW, p, 0, NULL, caller);
		if (!all_bytes((u8 *)p + sh->size, REDZONE,
			       c->size - sh->size + TAIL_RZ))
			return misuse(h, HEAP_EOVERFLOW, p, sh->size,
				      sh->caller, caller);
		memset(p, POISON, c->size);
		sh->state = SLOT_FREE;
		sh->next_free = s->free;
	} else {
		*(void **)slot = s->free;
	}
	s->free = slot;
	if (s->inuse-- == c->per_slab)
		list_add(c, s); /* was full */
	h->objects--;
	/* Keep one empty slab per class to avoid page ping-pong. */
	if (!s->inuse && (s->next || s->prev)) {
		list_del(c, s);
		s->magic = 0;
		h->pages--;
		h->ops.page_free(h->ops.ctx, s, 0);
	}
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel heap. kmalloc() serves sizes up to HEAP_MAX_SMALL from per-class
 * slabs (one page each, a header at the page start) and larger sizes from
 * whole buddy blocks behind a 64-byte header. Results are 16-byte aligned.
 *
 * The size-class core (mm/heap_core.c) takes its pages and reports misuse
 * through struct heap_ops, so host unit tests run it without a kernel.
 */
#ifndef PV_HEAP_H
#define PV_HEAP_H

#include <pv/types.h>

#define HEAP_PAGE_SIZE 4096
#define HEAP_ALIGN 16
#define HEAP_NR_CLASSES 14
#define HEAP_MAX_SMALL 2016
#define HEAP_MAX_ORDER 10 /* largest block asked of the page source */

/* Misuse found by heap_free()/heap_alloc() (positive codes). */
enum heap_err {
	HEAP_EDOUBLE = 1, /* freed twice */
	HEAP_EOVERFLOW, /* red zone after the object overwritten */
	HEAP_EUNDERFLOW, /* header or red zone before it overwritten */
	HEAP_EBADPTR, /* not something heap_alloc returned */
	HEAP_EUSEAFTERFREE, /* a free object was written to */
};

struct heap_ops {
	/* 2^order page-aligned pages, or NULL. */
	void *(*page_alloc)(void *ctx, unsigned int order);
	void (*page_free)(void *ctx, void *p, unsigned int order);
	/*
	 * Misuse: object, its requested size (0 if unknown), who allocated
	 * it (NULL if unknown) and who is freeing it. The kernel panics; a
	 * host test records it, and the operation is then abandoned.
	 */
	void (*report)(void *ctx, enum heap_err err, const void *obj,
		       size_t size, const void *alloc_caller,
		       const void *caller);
	void *ctx;
};

struct heap_slab;

struct heap_class {
	u32 size; /* object size */
	u32 slot; /* bytes per object including debug red zones */
	u32 per_slab;
	struct heap_slab *partial; /* slabs with a free slot */
};

struct heap {
	struct heap_ops ops;
	bool debug; /* red zones, poisoning, double-free checks */
	struct heap_class classes[HEAP_NR_CLASSES];
	u64 pages; /* pages held from the page source */
	u64 objects; /* live allocations */
};

void heap_core_init(struct heap *h, const struct heap_ops *ops, bool debug);
void *heap_alloc(struct heap *h, size_t size, const void *caller);
/* 0, or -enum heap_err after ops.report() returned. NULL is fine. */
int heap_free(struct heap *h, void *p, const void *caller);
/* The size class that serves size (its object size), 0 if none. */
size_t heap_class_size(const struct heap *h, size_t size);

/* The kernel heap. */
void heap_init(void);
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *p);
/* Pages and live objects the kernel heap holds. */
void heap_stats(u64 *pages, u64 *objects);

#endif

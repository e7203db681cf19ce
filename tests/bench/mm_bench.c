// SPDX-License-Identifier: GPL-2.0
/*
 * Host benchmark of the memory allocators: the buddy core (order-0 and
 * mixed orders) against glibc malloc/free of the same sizes, and the heap
 * size-class core (on buddy pages from an arena, as in the kernel, debug
 * checks off) against malloc/free. Each figure is the best of ROUNDS.
 * Output: Mops/s per side and pv/glibc ratios (>1: ours is faster).
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pv/buddy.h>
#include <pv/heap.h>

#define ROUNDS 5
#define ARENA_PAGES 65536ull /* 256 MiB of page numbers */
#define BATCH 16384
#define RAND_SLOTS 4096
#define RAND_OPS 2000000

static struct buddy buddy;
static u8 *arena;
static struct heap heap;
static void *ptrs[BATCH];
static u64 pas[BATCH];
static unsigned int ords[BATCH];
static u32 rsize[RAND_OPS], rslot[RAND_OPS];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static u64 rng_state = 0x853C49E6748FEA9BULL;
static u64 rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void *arena_alloc(void *ctx, unsigned int order)
{
	u64 pa;

	return buddy_alloc(&buddy, order, &pa) ? NULL : arena + pa;
}

static void arena_free(void *ctx, void *p, unsigned int order)
{
	buddy_free(&buddy, (u64)((u8 *)p - arena), order);
}

static void no_report(void *ctx, enum heap_err err, const void *obj,
		      size_t size, const void *ac, const void *c)
{
	fprintf(stderr, "mm_bench: heap misuse %d\n", err);
	exit(1);
}

/* Best Mops/s of fn over ROUNDS; fn returns its operation count. */
static double best(u64 (*fn)(void *), void *arg)
{
	double top = 0;

	for (int r = 0; r < ROUNDS; r++) {
		double t = now();
		u64 ops = fn(arg);

		t = now() - t;
		if ((double)ops / t > top)
			top = (double)ops / t;
	}
	return top / 1e6;
}

static u64 buddy_batch(void *arg)
{
	unsigned int mixed = *(unsigned int *)arg;

	for (int i = 0; i < BATCH; i++) {
		ords[i] = mixed ? (unsigned int)(i % 4) : 0;
		if (buddy_alloc(&buddy, ords[i], &pas[i]))
			abort();
	}
	for (int i = BATCH; i-- > 0;)
		buddy_free(&buddy, pas[i], ords[i]);
	return 2 * BATCH;
}

static u64 malloc_pages_batch(void *arg)
{
	unsigned int mixed = *(unsigned int *)arg;

	for (int i = 0; i < BATCH; i++) {
		size_t n = 4096u << (mixed ? i % 4 : 0);

		ptrs[i] = aligned_alloc(n, n);
		if (!ptrs[i])
			abort();
	}
	for (int i = BATCH; i-- > 0;)
		free(ptrs[i]);
	return 2 * BATCH;
}

static u64 heap_batch(void *arg)
{
	size_t n = *(size_t *)arg;

	for (int i = 0; i < BATCH; i++)
		if (!(ptrs[i] = heap_alloc(&heap, n, NULL)))
			abort();
	for (int i = 0; i < BATCH; i++)
		heap_free(&heap, ptrs[i], NULL);
	return 2 * BATCH;
}

static u64 malloc_batch(void *arg)
{
	size_t n = *(size_t *)arg;

	for (int i = 0; i < BATCH; i++)
		if (!(ptrs[i] = malloc(n)))
			abort();
	for (int i = 0; i < BATCH; i++)
		free(ptrs[i]);
	return 2 * BATCH;
}

/* The same pseudo-random sequence of sizes and slots for both sides. */
static u64 heap_random(void *arg)
{
	memset(ptrs, 0, sizeof(void *) * RAND_SLOTS);
	for (int i = 0; i < RAND_OPS; i++) {
		void **s = &ptrs[rslot[i]];

		if (*s) {
			heap_free(&heap, *s, NULL);
			*s = NULL;
		} else if (!(*s = heap_alloc(&heap, rsize[i], NULL))) {
			abort();
		}
	}
	for (int i = 0; i < RAND_SLOTS; i++)
		heap_free(&heap, ptrs[i], NULL);
	return RAND_OPS;
}

static u64 malloc_random(void *arg)
{
	memset(ptrs, 0, sizeof(void *) * RAND_SLOTS);
	for (int i = 0; i < RAND_OPS; i++) {
		void **s = &ptrs[rslot[i]];

		if (*s) {
			free(*s);
			*s = NULL;
		} else if (!(*s = malloc(rsize[i]))) {
			abort();
		}
	}
	for (int i = 0; i < RAND_SLOTS; i++)
		free(ptrs[i]);
	return RAND_OPS;
}

static void row(const char *what, double pv, double libc)
{
	printf("%-34s %9.2f %9.2f %7.2fx\n", what, pv, libc, pv / libc);
}

int main(void)
{
	static const size_t sizes[] = { 16, 64, 256, 1008, 2016, 6000 };
	struct heap_ops ops = { arena_alloc, arena_free, no_report, NULL };
	struct buddy_page *meta = calloc(ARENA_PAGES, sizeof(*meta));
	unsigned int zero = 0, one = 1;
	char name[64];

	/* Let glibc keep freed memory as the kernel allocators do: no
	 * mmap per large block, no trimming back to the OS between rounds. */
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	mallopt(M_TRIM_THRESHOLD, 1 << 30);
	arena = aligned_alloc(4 << 20, ARENA_PAGES * 4096);
	if (!meta || !arena)
		return 1;
	memset(arena, 0, ARENA_PAGES * 4096); /* fault it in up front */
	buddy_init(&buddy);
	buddy_add_range(&buddy, 0, ARENA_PAGES * 4096, meta);
	buddy_release(&buddy, 0, ARENA_PAGES * 4096);
	heap_core_init(&heap, &ops, false);
	for (int i = 0; i < RAND_OPS; i++) {
		rsize[i] = (u32)(1 + rng() % (rng() % 16 ? 512 : 4000));
		rslot[i] = (u32)(rng() % RAND_SLOTS);
	}

	printf("%-34s %9s %9s %8s\n", "Mops/s (alloc+free each count)", "pv",
	       "glibc", "pv/glibc");
	row("buddy order 0 vs 4 KiB aligned", best(buddy_batch, &zero),
	    best(malloc_pages_batch, &zero));
	row("buddy orders 0-3 vs 4-32 KiB", best(buddy_batch, &one),
	    best(malloc_pages_batch, &one));
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(name, sizeof(name), "kmalloc %zu B batch of %d",
			 sizes[i], BATCH);
		row(name, best(heap_batch, (void *)&sizes[i]),
		    best(malloc_batch, (void *)&sizes[i]));
	}
	row("kmalloc random 1-4000 B, 4096 live", best(heap_random, NULL),
	    best(malloc_random, NULL));
	/* The heap keeps one empty slab per class: those are not leaks. */
	if (buddy.free_pages + heap.pages != ARENA_PAGES || heap.objects) {
		fprintf(stderr, "mm_bench: leak (%llu pages free, %llu objs)\n",
			(unsigned long long)buddy.free_pages,
			(unsigned long long)heap.objects);
		return 1;
	}
	free(arena);
	free(meta);
	return 0;
}

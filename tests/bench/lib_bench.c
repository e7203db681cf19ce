// SPDX-License-Identifier: GPL-2.0
/*
 * Host benchmark of lib/string.c (as pv_memcpy/pv_memset) against glibc,
 * and of lib/crc32c.c. Each figure is the best of several timed rounds,
 * so other load on the machine shows up as noise, not as a slowdown.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pv/crc32c.h>
#include "pvlib.h"

#define ROUNDS 5
#define ROUND_BYTES (256ull << 20) /* bytes moved per timed round */

typedef void *(*copy_fn)(void *, const void *, size_t);
typedef void *(*set_fn)(void *, int, size_t);

/* Called through volatile pointers: nothing gets inlined or elided. */
static copy_fn volatile copies[2] = { pv_memcpy, memcpy };
static set_fn volatile sets[2] = { pv_memset, memset };
static u32 (*volatile crc_fn)(u32, const void *, size_t) = crc32c;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Best MB/s over ROUNDS rounds of ROUND_BYTES bytes in calls of n. */
static double bench_copy(copy_fn f, u8 *dst, const u8 *src, size_t n)
{
	size_t iters = ROUND_BYTES / n;
	double best = 0;

	for (int r = 0; r < ROUNDS; r++) {
		double t = now();

		for (size_t i = 0; i < iters; i++)
			f(dst, src, n);
		t = now() - t;
		if ((double)(iters * n) / t > best)
			best = (double)(iters * n) / t;
	}
	return best / 1e6;
}

static double bench_set(set_fn f, u8 *dst, size_t n)
{
	size_t iters = ROUND_BYTES / n;
	double best = 0;

	for (int r = 0; r < ROUNDS; r++) {
		double t = now();

		for (size_t i = 0; i < iters; i++)
			f(dst, (int)i, n);
		t = now() - t;
		if ((double)(iters * n) / t > best)
			best = (double)(iters * n) / t;
	}
	return best / 1e6;
}

static double bench_crc(const u8 *buf, size_t n, u32 *sink)
{
	size_t iters = (ROUND_BYTES / 4) / n;
	double best = 0;

	for (int r = 0; r < ROUNDS; r++) {
		double t = now();
		u32 c = ~0u;

		for (size_t i = 0; i < iters; i++)
			c = crc_fn(c, buf, n);
		t = now() - t;
		*sink ^= c;
		if ((double)(iters * n) / t > best)
			best = (double)(iters * n) / t;
	}
	return best / 1e6;
}

int main(void)
{
	static const struct {
		const char *name;
		size_t n, doff, soff;
	} cases[] = {
		{ "64 B", 64, 0, 0 },
		{ "4 KiB", 4096, 0, 0 },
		{ "4 KiB unaligned", 4096, 1, 3 },
		{ "1 MiB", 1 << 20, 0, 0 },
	};
	size_t cap = (1 << 20) + 64;
	u8 *src = aligned_alloc(64, cap), *dst = aligned_alloc(64, cap);
	u32 sink = 0;

	if (!src || !dst)
		return 1;
	for (size_t i = 0; i < cap; i++)
		src[i] = (u8)(i * 131 + 7);
	memset(dst, 0, cap);

	printf("%-8s %-16s %12s %12s %7s\n", "op", "size", "lib MB/s",
	       "glibc MB/s", "ratio");
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		u8 *d = dst + cases[c].doff, *s = src + cases[c].soff;
		double pv = bench_copy(copies[0], d, s, cases[c].n);
		double gl = bench_copy(copies[1], d, s, cases[c].n);

		printf("%-8s %-16s %12.0f %12.0f %7.2f\n", "memcpy",
		       cases[c].name, pv, gl, pv / gl);
	}
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		u8 *d = dst + cases[c].doff;
		double pv = bench_set(sets[0], d, cases[c].n);
		double gl = bench_set(sets[1], d, cases[c].n);

		printf("%-8s %-16s %12.0f %12.0f %7.2f\n", "memset",
		       cases[c].name, pv, gl, pv / gl);
	}
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		if (cases[c].doff)
			continue;
		printf("%-8s %-16s %12.0f\n", "crc32c", cases[c].name,
		       bench_crc(src, cases[c].n, &sink));
	}
	/* Keep the results observable so no work is optimised away. */
	if (crc32c_buf("123456789", 9) != CRC32C_CHECK || sink == 0x12345678)
		printf("unexpected checksum\n");
	free(src);
	free(dst);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/* pmm suite: the buddy allocator on the machine's real memory map. */
#include <pv/bootinfo.h>
#include <pv/ktest.h>
#include <pv/pmm.h>
#include <pv/string.h>
#include <asm/layout.h>

#define PG PAGE_SIZE

static u64 lcg_state;
static u64 lcg(void)
{
	lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return lcg_state >> 33;
}

/* Does [pa, pa + len) touch a boot reservation or the first MiB? */
static bool hits_reserved(phys_addr_t pa, u64 len)
{
	const struct pmm_region *r;
	unsigned int n = pmm_reserved_regions(&r);

	if (pa < 0x100000)
		return true;
	for (unsigned int i = 0; i < n; i++)
		if (pa < r[i].end && r[i].start < pa + len)
			return true;
	return false;
}

static void snapshot(u64 *blocks)
{
	for (unsigned int o = 0; o <= PMM_MAX_ORDER; o++)
		blocks[o] = pmm_free_blocks(o);
}

static void alloc_free_every_order(struct ktest *t)
{
	u64 before = pmm_free_count();

	for (unsigned int o = 0; o <= PMM_MAX_ORDER; o++) {
		phys_addr_t pa = pmm_alloc_pages(o);
		u64 len = (u64)PG << o;
		u8 *p;

		KTEST_ASSERT(t, pa != 0);
		KTEST_EXPECT_EQ(t, pa & (len - 1), 0);
		KTEST_EXPECT(t, !hits_reserved(pa, len));
		KTEST_EXPECT_EQ(t, pmm_free_count(), before - (1ull << o));
		/* The whole block is RAM we can write through the direct map. */
		p = phys_to_virt(pa);
		memset(p, 0xA5, len);
		KTEST_EXPECT_EQ(t, p[len - 1], 0xA5);
		pmm_free_pages(pa, o);
		KTEST_EXPECT_EQ(t, pmm_free_count(), before);
	}
	KTEST_EXPECT_EQ(t, pmm_alloc_pages(PMM_MAX_ORDER + 1), 0);
}

static void coalescing_restores_blocks(struct ktest *t)
{
	enum { N = 600 };
	static phys_addr_t pa[N];
	static unsigned int ord[N];
	u64 blocks[PMM_MAX_ORDER + 1], after[PMM_MAX_ORDER + 1];
	u64 before = pmm_free_count();

	snapshot(blocks);
	lcg_state = 42;
	for (int i = 0; i < N; i++) {
		ord[i] = (unsigned int)(lcg() % 4);
		pa[i] = pmm_alloc_pages(ord[i]);
		KTEST_ASSERT(t, pa[i] != 0);
	}
	/* Free in a shuffled order so merges happen out of sequence. */
	for (int i = N - 1; i > 0; i--) {
		int j = (int)(lcg() % (u64)(i + 1));
		phys_addr_t tp = pa[i];
		unsigned int to = ord[i];

		pa[i] = pa[j];
		ord[i] = ord[j];
		pa[j] = tp;
		ord[j] = to;
	}
	for (int i = 0; i < N; i++)
		pmm_free_pages(pa[i], ord[i]);
	KTEST_EXPECT_EQ(t, pmm_free_count(), before);
	snapshot(after);
	for (unsigned int o = 0; o <= PMM_MAX_ORDER; o++)
		KTEST_EXPECT_EQ(t, after[o], blocks[o]);
}

/*
 * Take every free page, largest blocks first, chaining the blocks through
 * their own first bytes. None may touch a reservation; then give all back.
 */
static void exhaustion_and_recovery(struct ktest *t)
{
	struct link {
		phys_addr_t next;
		u64 order;
	};
	u64 blocks[PMM_MAX_ORDER + 1], after[PMM_MAX_ORDER + 1];
	u64 before = pmm_free_count(), got = 0, bad = 0, highest = 0;
	phys_addr_t head = 0;

	snapshot(blocks);
	for (int o = PMM_MAX_ORDER; o >= 0; o--) {
		phys_addr_t pa;

		while ((pa = pmm_alloc_pages((unsigned int)o))) {
			struct link *l = phys_to_virt(pa);

			if (hits_reserved(pa, (u64)PG << o))
				bad++;
			l->next = head;
			l->order = (u64)o;
			head = pa;
			got += 1ull << o;
			highest = MAX(highest, pa);
		}
	}
	KTEST_EXPECT_EQ(t, got, before);
	KTEST_EXPECT_EQ(t, pmm_free_count(), 0);
	KTEST_EXPECT_EQ(t, bad, 0);
	for (unsigned int o = 0; o <= PMM_MAX_ORDER; o++)
		KTEST_EXPECT_EQ(t, pmm_alloc_pages(o), 0);
	ktest_log(t, "%llu pages taken, highest block at %#llx",
		  (unsigned long long)got, (unsigned long long)highest);

	while (head) {
		struct link *l = phys_to_virt(head);
		phys_addr_t next = l->next;

		pmm_free_pages(head, (unsigned int)l->order);
		head = next;
	}
	KTEST_EXPECT_EQ(t, pmm_free_count(), before);
	snapshot(after);
	for (unsigned int o = 0; o <= PMM_MAX_ORDER; o++)
		KTEST_EXPECT_EQ(t, after[o], blocks[o]);
	/* And it works again. */
	head = pmm_alloc_pages(0);
	KTEST_EXPECT(t, head != 0);
	pmm_free_pages(head, 0);
}

static void reservations_cover_boot_data(struct ktest *t)
{
	phys_addr_t k0 = virt_to_phys(_kernel_start);
	phys_addr_t k1 = virt_to_phys(_end) - 1;
	u64 usable = 0;

	KTEST_EXPECT(t, pmm_is_reserved(k0));
	KTEST_EXPECT(t, pmm_is_reserved(k1));
	KTEST_EXPECT(t, pmm_is_reserved(0x1000));
	if (bootinfo.info_end > bootinfo.info_start)
		KTEST_EXPECT(t, pmm_is_reserved(bootinfo.info_start));
	for (unsigned int i = 0; i < bootinfo.nr_modules; i++) {
		KTEST_EXPECT(t, pmm_is_reserved(bootinfo.modules[i].start));
		KTEST_EXPECT(t, pmm_is_reserved(bootinfo.modules[i].end - 1));
	}
	for (unsigned int i = 0; i < bootinfo.nr_regions; i++)
		if (bootinfo.regions[i].type == MEM_USABLE)
			usable += bootinfo.regions[i].len;
	/* Managed pages are usable RAM, minus the first MiB at least. */
	KTEST_EXPECT(t, pmm_total_count() * PG <= usable - 0x80000);
	KTEST_EXPECT(t, pmm_total_count() * PG > usable / 2);
	KTEST_EXPECT(t, pmm_free_count() <= pmm_total_count());
}

static void low_pages_are_usable_ram(struct ktest *t)
{
	phys_addr_t a = pmm_alloc_low_page(), b = pmm_alloc_low_page();
	bool a_usable = false;

	KTEST_ASSERT(t, a != 0 && b != 0);
	KTEST_EXPECT(t, a != b);
	KTEST_EXPECT(t, a < 0x100000 && b < 0x100000);
	KTEST_EXPECT_EQ(t, a % PG, 0);
	for (unsigned int i = 0; i < bootinfo.nr_regions; i++) {
		const struct mem_region *r = &bootinfo.regions[i];

		if (r->type == MEM_USABLE && r->base <= a &&
		    a + PG <= r->base + r->len)
			a_usable = true;
	}
	KTEST_EXPECT(t, a_usable);
	KTEST_EXPECT(t,
		     !(bootinfo.info_start < a + PG && a < bootinfo.info_end));
	pmm_free_low_page(b);
	pmm_free_low_page(a);
	/* Freed pages come back. */
	KTEST_EXPECT_EQ(t, pmm_alloc_low_page(), a);
	pmm_free_low_page(a);
}

static void zeroed_page_is_zero(struct ktest *t)
{
	phys_addr_t pa = pmm_alloc_pages(0);
	const u64 *p;
	u64 nonzero = 0;

	KTEST_ASSERT(t, pa != 0);
	memset(phys_to_virt(pa), 0xFF, PG);
	pmm_free_pages(pa, 0);
	pa = pmm_alloc_zeroed_page();
	KTEST_ASSERT(t, pa != 0);
	p = phys_to_virt(pa);
	for (unsigned int i = 0; i < PG / 8; i++)
		nonzero |= p[i];
	KTEST_EXPECT_EQ(t, nonzero, 0);
	pmm_free_pages(pa, 0);
}

static const struct ktest_case pmm_cases[] = {
	KTEST_CASE(alloc_free_every_order),
	KTEST_CASE(coalescing_restores_blocks),
	KTEST_CASE(exhaustion_and_recovery),
	KTEST_CASE(reservations_cover_boot_data),
	KTEST_CASE(low_pages_are_usable_ram),
	KTEST_CASE(zeroed_page_is_zero),
};
KTEST_SUITE("pmm", pmm_cases);

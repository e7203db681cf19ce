// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel glue for the buddy allocator: ranges from the boot memory map,
 * boot-time reservations, a lock, and panics on misuse. The metadata
 * array sits in RAM below 4 GiB because only that much is mapped until
 * paging_init() builds the full direct map; RAM above 4 GiB is released
 * to the allocator after that (pmm_add_high_memory).
 */
#include <pv/bootinfo.h>
#include <pv/panic.h>
#include <pv/pmm.h>
#include <pv/printk.h>
#include <pv/string.h>
#include <asm/layout.h>
#include <asm/spinlock.h>

#define PG PAGE_SIZE
#define LOW_LIMIT 0x100000ull /* below: firmware, trampoline pages */
#define BOOT_MAPPED (4ull << 30) /* what head.S's direct map covers */
#define LOW_PAGES (LOW_LIMIT / PG)
#define MAX_RESERVED (8 + BOOT_MAX_MODULES + 16)

struct span {
	u64 start, end;
};

static struct buddy pmm;
static spinlock_t pmm_lock = SPINLOCK_INIT;
static struct span ram[BUDDY_MAX_RANGES]; /* sorted, >= 1 MiB */
static unsigned int nr_ram;
static struct pmm_region reserved[MAX_RESERVED]; /* sorted by start */
static unsigned int nr_reserved;
static u64 usable_bytes; /* everything the map calls usable */
static bool high_added;
static u8 low_usable[LOW_PAGES / 8], low_taken[LOW_PAGES / 8];
static const void *free_caller; /* for the misuse message */

static void add_ram(u64 s, u64 e)
{
	unsigned int i;

	/* Merge with an overlapping or adjacent span. */
	for (i = 0; i < nr_ram; i++) {
		if (s <= ram[i].end && ram[i].start <= e) {
			ram[i].start = MIN(ram[i].start, s);
			ram[i].end = MAX(ram[i].end, e);
			return;
		}
	}
	if (nr_ram == BUDDY_MAX_RANGES) {
		pr_warn("pmm: too many RAM ranges, ignoring [%#llx-%#llx)\n",
			(unsigned long long)s, (unsigned long long)e);
		return;
	}
	for (i = nr_ram; i > 0 && ram[i - 1].start > s; i--)
		ram[i] = ram[i - 1];
	ram[i] = (struct span){ s, e };
	nr_ram++;
}

static void reserve(u64 s, u64 e, const char *what)
{
	unsigned int i;

	s = ALIGN_DOWN(s, (u64)PG);
	e = ALIGN_UP(e, (u64)PG);
	if (s >= e)
		return;
	if (nr_reserved == MAX_RESERVED)
		panic("pmm: too many reserved ranges (%s)", what);
	for (i = nr_reserved; i > 0 && reserved[i - 1].start > s; i--)
		reserved[i] = reserved[i - 1];
	reserved[i] = (struct pmm_region){ s, e, what };
	nr_reserved++;
}

static bool overlaps_reserved(u64 s, u64 e, u64 *skip_to)
{
	for (unsigned int i = 0; i < nr_reserved; i++) {
		if (s < reserved[i].end && reserved[i].start < e) {
			*skip_to = reserved[i].end;
			return true;
		}
	}
	return false;
}

/* First page-aligned spot of size bytes in RAM below limit. */
static u64 find_spot(u64 size, u64 limit)
{
	for (unsigned int i = 0; i < nr_ram; i++) {
		u64 s = ram[i].start, end = MIN(ram[i].end, limit), skip;

		while (s + size <= end) {
			if (!overlaps_reserved(s, s + size, &skip))
				return s;
			s = ALIGN_UP(skip, (u64)PG);
		}
	}
	return 0;
}

/* Release RAM in [lo, hi) minus the reserved ranges. */
static void release_window(u64 lo, u64 hi)
{
	for (unsigned int i = 0; i < nr_ram; i++) {
		u64 cur = MAX(ram[i].start, lo), end = MIN(ram[i].end, hi);

		if (cur >= end)
			continue;
		for (unsigned int j = 0; j < nr_reserved; j++) {
			const struct pmm_region *q = &reserved[j];

			if (q->end <= cur)
				continue;
			if (q->start >= end)
				break;
			if (q->start > cur)
				buddy_release(&pmm, cur, q->start - cur);
			cur = MAX(cur, q->end);
		}
		if (cur < end)
			buddy_release(&pmm, cur, end - cur);
	}
}

static void pmm_report(struct buddy *b, int err, u64 pa, unsigned int order)
{
	const char *why = err == BUDDY_EDOUBLE	   ? "double free"
			  : err == BUDDY_EORDER	   ? "free with the wrong order"
			  : err == BUDDY_ERESERVED ? "free of a reserved page"
			  : err == BUDDY_ETAIL ? "free of a block's inner page"
					       : "free of an unmanaged address";
	const char *fn = "?";
	u64 off = 0;

	ksym_lookup((u64)(uintptr_t)free_caller, &fn, &off);
	if (IS_ENABLED(CONFIG_DEBUG_ASSERT))
		panic("pmm: %s: %#llx order %u from %s+%#llx", why,
		      (unsigned long long)pa, order, fn,
		      (unsigned long long)off);
	pr_err("pmm: %s: %#llx order %u from %s+%#llx (ignored)\n", why,
	       (unsigned long long)pa, order, fn, (unsigned long long)off);
}

static void scan_low_pages(u64 s, u64 e)
{
	/* Page 0 holds the real-mode IVT and BIOS data area: never. */
	for (u64 pa = MAX(s, (u64)PG); pa + PG <= MIN(e, LOW_LIMIT); pa += PG)
		low_usable[pa / PG / 8] |= (u8)(1u << (pa / PG % 8));
}

void pmm_init(void)
{
	u64 meta_bytes = 0, meta, skip;

	buddy_init(&pmm);
	pmm.report = pmm_report;
	for (unsigned int i = 0; i < bootinfo.nr_regions; i++) {
		const struct mem_region *r = &bootinfo.regions[i];
		u64 s = ALIGN_UP(r->base, (u64)PG);
		u64 e = ALIGN_DOWN(r->base + r->len, (u64)PG);

		if (r->type != MEM_USABLE || s >= e)
			continue;
		usable_bytes += e - s;
		scan_low_pages(s, e);
		if (e > LOW_LIMIT)
			add_ram(MAX(s, LOW_LIMIT), e);
	}
	if (!nr_ram)
		panic("pmm: no usable RAM above 1 MiB in the memory map");

	reserve(virt_to_phys(_kernel_start), virt_to_phys(_end),
		"kernel image");
	if (bootinfo.info_end > bootinfo.info_start)
		reserve(bootinfo.info_start, bootinfo.info_end, "boot info");
	for (unsigned int i = 0; i < bootinfo.nr_modules; i++)
		reserve(bootinfo.modules[i].start, bootinfo.modules[i].end,
			"boot module");
	/* A map may list firmware areas inside "usable" ones: honour them. */
	for (unsigned int i = 0; i < bootinfo.nr_regions; i++) {
		const struct mem_region *r = &bootinfo.regions[i];

		if (r->type == MEM_USABLE)
			continue;
		for (u64 pa = ALIGN_DOWN(r->base, (u64)PG);
		     pa < MIN(r->base + r->len, LOW_LIMIT); pa += PG)
			low_usable[pa / PG / 8] &= (u8) ~(1u << (pa / PG % 8));
		for (unsigned int j = 0; j < nr_ram; j++)
			if (r->base < ram[j].end &&
			    ram[j].start < r->base + r->len)
				reserve(r->base, r->base + r->len,
					mem_type_name(r->type));
	}

	for (unsigned int i = 0; i < nr_ram; i++)
		meta_bytes += ALIGN_UP(
			buddy_meta_size((ram[i].end - ram[i].start) / PG), 16);
	meta_bytes = ALIGN_UP(meta_bytes, (u64)PG);
	meta = find_spot(meta_bytes, BOOT_MAPPED);
	if (!meta)
		panic("pmm: no room for %llu KiB of page metadata",
		      (unsigned long long)(meta_bytes >> 10));
	reserve(meta, meta + meta_bytes, "page metadata");

	for (unsigned int i = 0; i < nr_ram; i++) {
		u64 n = (ram[i].end - ram[i].start) / PG;

		if (buddy_add_range(&pmm, ram[i].start,
				    ram[i].end - ram[i].start,
				    phys_to_virt(meta)))
			panic("pmm: cannot add range %#llx",
			      (unsigned long long)ram[i].start);
		meta += ALIGN_UP(buddy_meta_size(n), 16);
	}
	release_window(0, BOOT_MAPPED);

	/* Low pages that hold the boot info or a module are taken. */
	for (u64 pa = PG; pa < LOW_LIMIT; pa += PG)
		if (overlaps_reserved(pa, pa + PG, &skip))
			low_taken[pa / PG / 8] |= (u8)(1u << (pa / PG % 8));
}

void pmm_add_high_memory(void)
{
	u64 flags = spin_lock_irqsave(&pmm_lock);
	u64 managed_ram = 0, held;

	if (!high_added)
		release_window(BOOT_MAPPED, ~0ull);
	high_added = true;
	spin_unlock_irqrestore(&pmm_lock, flags);

	for (unsigned int i = 0; i < nr_ram; i++)
		managed_ram += ram[i].end - ram[i].start;
	held = managed_ram - pmm.managed_pages * PG;
	pr_info("pmm: %llu MiB free of %llu MiB, %llu KiB reserved\n",
		(unsigned long long)(pmm_free_count() * PG >> 20),
		(unsigned long long)(usable_bytes >> 20),
		(unsigned long long)(held >> 10));
}

phys_addr_t pmm_alloc_pages(unsigned int order)
{
	u64 flags, pa;
	int err;

	flags = spin_lock_irqsave(&pmm_lock);
	err = buddy_alloc(&pmm, order, &pa);
	spin_unlock_irqrestore(&pmm_lock, flags);
	return err ? 0 : pa;
}

phys_addr_t pmm_alloc_zeroed_page(void)
{
	phys_addr_t pa = pmm_alloc_pages(0);

	if (pa)
		memset(phys_to_virt(pa), 0, PG);
	return pa;
}

void pmm_free_pages(phys_addr_t pa, unsigned int order)
{
	u64 flags = spin_lock_irqsave(&pmm_lock);

	free_caller = __builtin_return_address(0);
	buddy_free(&pmm, pa, order);
	spin_unlock_irqrestore(&pmm_lock, flags);
}

u64 pmm_free_count(void)
{
	return READ_ONCE(pmm.free_pages);
}

u64 pmm_total_count(void)
{
	return READ_ONCE(pmm.managed_pages);
}

u64 pmm_free_blocks(unsigned int order)
{
	return order > PMM_MAX_ORDER ? 0 : READ_ONCE(pmm.nr_free[order]);
}

bool pmm_is_reserved(phys_addr_t pa)
{
	u64 skip;

	return pa < LOW_LIMIT || overlaps_reserved(pa, pa + 1, &skip);
}

unsigned int pmm_reserved_regions(const struct pmm_region **out)
{
	*out = reserved;
	return nr_reserved;
}

phys_addr_t pmm_alloc_low_page(void)
{
	u64 flags = spin_lock_irqsave(&pmm_lock);
	phys_addr_t found = 0;

	for (u64 i = 1; i < LOW_PAGES; i++) {
		u8 bit = (u8)(1u << (i % 8));

		if ((low_usable[i / 8] & bit) && !(low_taken[i / 8] & bit)) {
			low_taken[i / 8] |= bit;
			found = i * PG;
			break;
		}
	}
	spin_unlock_irqrestore(&pmm_lock, flags);
	return found;
}

void pmm_free_low_page(phys_addr_t pa)
{
	u64 i = pa / PG;
	u8 bit = (u8)(1u << (i % 8));
	u64 flags;

	if (pa % PG || !i || i >= LOW_PAGES || !(low_usable[i / 8] & bit))
		panic("pmm: %#llx is not a low page", (unsigned long long)pa);
	flags = spin_lock_irqsave(&pmm_lock);
	if (!(low_taken[i / 8] & bit))
		panic("pmm: double free of low page %#llx",
		      (unsigned long long)pa);
	low_taken[i / 8] &= (u8)~bit;
	spin_unlock_irqrestore(&pmm_lock, flags);
}

// SPDX-License-Identifier: GPL-2.0
/* The kernel heap: the size-class core on PMM pages, behind a lock. */
#include <pv/heap.h>
#include <pv/panic.h>
#include <pv/pmm.h>
#include <pv/printk.h>
#include <pv/string.h>
#include <asm/layout.h>
#include <asm/spinlock.h>

static struct heap kheap;
static spinlock_t heap_lock = SPINLOCK_INIT;

static void *page_alloc(void *ctx, unsigned int order)
{
	phys_addr_t pa = pmm_alloc_pages(order);

	return pa ? phys_to_virt(pa) : NULL;
}

static void page_free(void *ctx, void *p, unsigned int order)
{
	pmm_free_pages(virt_to_phys(p), order);
}

static const char *sym(const void *addr, u64 *off)
{
	const char *name;

	if (!addr || !ksym_lookup((u64)(uintptr_t)addr, &name, off)) {
		*off = (u64)(uintptr_t)addr;
		return "";
	}
	return name;
}

static void report(void *ctx, enum heap_err err, const void *obj, size_t size,
		   const void *alloc_caller, const void *caller)
{
	u64 ao, fo;
	const char *an = sym(alloc_caller, &ao), *fn = sym(caller, &fo);

	switch (err) {
	case HEAP_EDOUBLE:
		panic("kfree: double free of %p (%zu-byte object from %s+%#llx) by %s+%#llx",
		      obj, size, an, (unsigned long long)ao, fn,
		      (unsigned long long)fo);
	case HEAP_EOVERFLOW:
		panic("kfree: heap overflow past %zu-byte object %p allocated by %s+%#llx, freed by %s+%#llx",
		      size, obj, an, (unsigned long long)ao, fn,
		      (unsigned long long)fo);
	case HEAP_EUSEAFTERFREE:
		panic("kmalloc: freed %zu-byte object %p was written after kfree by %s+%#llx",
		      size, obj, an, (unsigned long long)ao);
	case HEAP_EUNDERFLOW:
		panic("kfree: header of %p overwritten (underflow?), freed by %s+%#llx",
		      obj, fn, (unsigned long long)fo);
	default:
		panic("kfree: %p is not a heap object, freed by %s+%#llx", obj,
		      fn, (unsigned long long)fo);
	}
}

static const struct heap_ops kernel_heap_ops = {
	.page_alloc = page_alloc,
	.page_free = page_free,
	.report = report,
};

void heap_init(void)
{
	heap_core_init(&kheap, &kernel_heap_ops, IS_ENABLED(CONFIG_DEBUG_HEAP));
	pr_info("heap: %u size classes up to %u bytes%s\n", HEAP_NR_CLASSES,
		HEAP_MAX_SMALL,
		kheap.debug ? ", red zones and poisoning on" : "");
}

static void *alloc_from(size_t size, const void *caller)
{
	u64 flags = spin_lock_irqsave(&heap_lock);
	void *p = heap_alloc(&kheap, size, caller);

	spin_unlock_irqrestore(&heap_lock, flags);
	return p;
}

void *kmalloc(size_t size)
{
	return alloc_from(size, __builtin_return_address(0));
}

void *kzalloc(size_t size)
{
	void *p = alloc_from(size, __builtin_return_address(0));

	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *p)
{
	u64 flags;

	if (!p)
		return;
	flags = spin_lock_irqsave(&heap_lock);
	heap_free(&kheap, p, __builtin_return_address(0));
	spin_unlock_irqrestore(&heap_lock, flags);
}

void heap_stats(u64 *pages, u64 *objects)
{
	u64 flags = spin_lock_irqsave(&heap_lock);

	*pages = kheap.pages;
	*objects = kheap.objects;
	spin_unlock_irqrestore(&heap_lock, flags);
}

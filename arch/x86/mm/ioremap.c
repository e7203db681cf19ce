// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO mappings: uncached, non-executable, in their own virtual window.
 * Virtual space is handed out by a bump pointer and not reused; 64 GiB
 * outlasts any sane number of device registers.
 */
#include <pv/printk.h>
#include <asm/layout.h>
#include <asm/paging.h>

static spinlock_t ioremap_lock = SPINLOCK_INIT;
static u64 ioremap_next = IOREMAP_BASE;

void __iomem *ioremap(phys_addr_t pa, size_t size)
{
	phys_addr_t base = ALIGN_DOWN(pa, (u64)PAGE_SIZE);
	u64 len, va, irq;

	if (!size || !kernel_pgtable.pml4)
		return NULL;
	len = ALIGN_UP(pa + size, (u64)PAGE_SIZE) - base;
	irq = spin_lock_irqsave(&ioremap_lock);
	/* Large regions get 2 MiB alignment so they can use large pages. */
	va = ioremap_next;
	if (len >= SIZE_2M)
		va = ALIGN_UP(va, SIZE_2M);
	if (va + len > IOREMAP_BASE + IOREMAP_SIZE) {
		spin_unlock_irqrestore(&ioremap_lock, irq);
		pr_err("ioremap: window full (%#llx, %zu bytes)\n",
		       (unsigned long long)pa, size);
		return NULL;
	}
	ioremap_next = va + len;
	spin_unlock_irqrestore(&ioremap_lock, irq);

	if (map_range(&kernel_pgtable, va, base, len,
		      PG_WRITE | PG_NX | PG_UNCACHED | PG_GLOBAL)) {
		pr_err("ioremap: cannot map %#llx\n", (unsigned long long)pa);
		return NULL;
	}
	return (void __iomem *)(uintptr_t)(va + (pa - base));
}

void iounmap(volatile void __iomem *addr, size_t size)
{
	u64 va = (u64)(__force uintptr_t)addr;
	u64 base = ALIGN_DOWN(va, (u64)PAGE_SIZE);

	if (!addr)
		return;
	unmap_range(&kernel_pgtable, base,
		    ALIGN_UP(va + size, (u64)PAGE_SIZE) - base);
}

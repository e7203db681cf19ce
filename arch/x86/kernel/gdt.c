// SPDX-License-Identifier: GPL-2.0
/* Per-CPU GDT and TSS (the TSS carries the IST stacks). */
#include <pv/string.h>
#include <asm/traps.h>

struct tss {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __packed;

struct cpu_gdt {
	u64 entries[5]; /* null, code, data, TSS (two slots) */
	struct tss tss;
} __aligned(16);

static struct cpu_gdt gdts[CONFIG_NR_CPUS];

void gdt_init_cpu(unsigned int cpu, void *ist_mem)
{
	struct cpu_gdt *g = &gdts[cpu];
	u64 base = (u64)(uintptr_t)&g->tss;
	u64 limit = sizeof(g->tss) - 1;
	struct {
		u16 limit;
		u64 base;
	} __packed ptr = { sizeof(g->entries) - 1, (u64)(uintptr_t)g->entries };

	memset(g, 0, sizeof(*g));
	g->entries[1] = 0x00AF9A000000FFFFull; /* 64-bit code */
	g->entries[2] = 0x00CF92000000FFFFull; /* data */
	g->entries[3] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) |
			(0x89ull << 40) | ((limit >> 16 & 0xF) << 48) |
			((base >> 24 & 0xFF) << 56);
	g->entries[4] = base >> 32;
	for (int i = 0; i < 3; i++)
		g->tss.ist[i] =
			(u64)(uintptr_t)ist_mem + (u64)(i + 1) * IST_STACK_SIZE;
	g->tss.iomap_base = sizeof(g->tss);

	__asm__ __volatile__("lgdt %0\n\t"
			     "pushq %1\n\t"
			     "leaq 1f(%%rip), %%rax\n\t"
			     "pushq %%rax\n\t"
			     "lretq\n"
			     "1:\n\t"
			     "movl %2, %%eax\n\t"
			     "movl %%eax, %%ds\n\t"
			     "movl %%eax, %%es\n\t"
			     "movl %%eax, %%ss\n\t"
			     "ltr %w3"
			     :
			     : "m"(ptr), "i"(SEL_KCODE), "i"(SEL_KDATA),
			       "r"(SEL_TSS)
			     : "rax", "memory");
}

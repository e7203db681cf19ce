// SPDX-License-Identifier: GPL-2.0
/* IDT setup and the C side of every interrupt and exception. */
#include <pv/panic.h>
#include <pv/printk.h>
#include <asm/cpu.h>
#include <asm/traps.h>

struct idt_entry {
	u16 offset_lo;
	u16 selector;
	u8 ist;
	u8 type_attr;
	u16 offset_mid;
	u32 offset_hi;
	u32 reserved;
} __packed;

static struct idt_entry idt[NR_VECTORS] __aligned(16);
extern char trap_stubs[];

static trap_handler_t trap_handlers[32];
static struct {
	irq_handler_t fn;
	void *data;
} irq_table[NR_VECTORS];
u64 irq_counts[NR_VECTORS];

static void default_eoi(void)
{
}
void (*irq_eoi)(void) = default_eoi;

static const char *const names[32] = {
	"divide error",
	"debug",
	"NMI",
	"breakpoint",
	"overflow",
	"bound range",
	"invalid opcode",
	"device not available",
	"double fault",
	"coprocessor overrun",
	"invalid TSS",
	"segment not present",
	"stack fault",
	"general protection",
	"page fault",
	"reserved",
	"x87 error",
	"alignment check",
	"machine check",
	"SIMD error",
	"virtualization",
	"control protection",
};

const char *exception_name(unsigned int vector)
{
	if (vector < 32 && names[vector])
		return names[vector];
	return vector < 32 ? "reserved" : "interrupt";
}

static void set_gate(unsigned int v, unsigned int ist)
{
	u64 addr = (u64)(uintptr_t)(trap_stubs + 16 * v);

	idt[v] = (struct idt_entry){
		.offset_lo = (u16)addr,
		.selector = SEL_KCODE,
		.ist = (u8)ist,
		.type_attr = 0x8E, /* present, DPL 0, interrupt gate */
		.offset_mid = (u16)(addr >> 16),
		.offset_hi = (u32)(addr >> 32),
	};
}

void idt_load(void)
{
	struct {
		u16 limit;
		u64 base;
	} __packed ptr = { sizeof(idt) - 1, (u64)(uintptr_t)idt };

	__asm__ __volatile__("lidt %0" : : "m"(ptr));
}

void idt_init(void)
{
	for (unsigned int v = 0; v < NR_VECTORS; v++)
		set_gate(v, 0);
	set_gate(X86_DF, IST_DF);
	set_gate(X86_NMI, IST_NMI);
	set_gate(X86_MC, IST_MC);
	idt_load();
}

trap_handler_t trap_set_handler(unsigned int vector, trap_handler_t fn)
{
	trap_handler_t old;

	BUG_ON(vector >= 32);
	old = trap_handlers[vector];
	trap_handlers[vector] = fn;
	return old;
}

int irq_register(unsigned int vector, irq_handler_t fn, void *data)
{
	if (vector < IRQ_VECTOR_BASE || vector >= NR_VECTORS ||
	    irq_table[vector].fn)
		return -1;
	irq_table[vector].data = data;
	WRITE_ONCE(irq_table[vector].fn, fn);
	return 0;
}

void irq_unregister(unsigned int vector)
{
	if (vector >= IRQ_VECTOR_BASE && vector < NR_VECTORS)
		WRITE_ONCE(irq_table[vector].fn, NULL);
}

int irq_alloc_vector(void)
{
	/* 32..47 are left for the legacy PIC range and fixed users. */
	for (unsigned int v = 48; v < 0xF0; v++) {
		if (!irq_table[v].fn)
			return (int)v;
	}
	return -1;
}

void dump_regs(const struct trap_frame *tf)
{
	kprint("RIP: %04llx:%016llx RFLAGS: %08llx", (unsigned long long)tf->cs,
	       (unsigned long long)tf->rip, (unsigned long long)tf->rflags);
	{
		const char *name;
		u64 off;

		if (ksym_lookup(tf->rip, &name, &off))
			kprint(" (%s+%#llx)", name, (unsigned long long)off);
	}
	kprint("\nRSP: %04llx:%016llx\n", (unsigned long long)tf->ss,
	       (unsigned long long)tf->rsp);
	kprint("RAX: %016llx RBX: %016llx RCX: %016llx\n",
	       (unsigned long long)tf->rax, (unsigned long long)tf->rbx,
	       (unsigned long long)tf->rcx);
	kprint("RDX: %016llx RSI: %016llx RDI: %016llx\n",
	       (unsigned long long)tf->rdx, (unsigned long long)tf->rsi,
	       (unsigned long long)tf->rdi);
	kprint("RBP: %016llx R08: %016llx R09: %016llx\n",
	       (unsigned long long)tf->rbp, (unsigned long long)tf->r8,
	       (unsigned long long)tf->r9);
	kprint("R10: %016llx R11: %016llx R12: %016llx\n",
	       (unsigned long long)tf->r10, (unsigned long long)tf->r11,
	       (unsigned long long)tf->r12);
	kprint("R13: %016llx R14: %016llx R15: %016llx\n",
	       (unsigned long long)tf->r13, (unsigned long long)tf->r14,
	       (unsigned long long)tf->r15);
	kprint("CR0: %016llx CR2: %016llx CR3: %016llx CR4: %016llx\n",
	       (unsigned long long)read_cr0(), (unsigned long long)read_cr2(),
	       (unsigned long long)read_cr3(), (unsigned long long)read_cr4());
}

static void __noreturn fatal_exception(struct trap_frame *tf)
{
	unsigned int v = (unsigned int)tf->vector;

	if (v == X86_PF) {
		u64 e = tf->error;

		panic_frame(tf, "page fault at %#llx: %s %s, %s mode%s%s",
			    (unsigned long long)read_cr2(),
			    (e & 1) ? "protection violation on" : "not-present",
			    (e & 16)  ? "instruction fetch"
			    : (e & 2) ? "write"
				      : "read",
			    (e & 4) ? "user" : "kernel",
			    (e & 8) ? ", reserved bit set" : "",
			    (e & 32) ? ", protection key" : "");
	}
	if (v == X86_GP || v == X86_NP || v == X86_SS || v == X86_TS) {
		u64 e = tf->error;

		if (e)
			panic_frame(tf, "%s, selector %#llx (%s, index %llu)",
				    exception_name(v), (unsigned long long)e,
				    (e & 2)   ? "IDT"
				    : (e & 4) ? "LDT"
					      : "GDT",
				    (unsigned long long)(e >> 3));
	}
	if (v == X86_DF)
		panic_frame(tf, "double fault (on the IST stack)");
	panic_frame(tf, "%s (vector %u, error %#llx)", exception_name(v), v,
		    (unsigned long long)tf->error);
}

void trap_entry(struct trap_frame *tf);
void trap_entry(struct trap_frame *tf)
{
	unsigned int v = (unsigned int)tf->vector;

	irq_counts[v]++;
	if (v < 32) {
		trap_handler_t h = trap_handlers[v];

		if (h && h(tf))
			return;
		fatal_exception(tf);
	}
	if (irq_table[v].fn)
		irq_table[v].fn(tf, irq_table[v].data);
	else
		pr_warn("irq: spurious interrupt on vector %u\n", v);
	/* The APIC spurious vector (0xFF) must not be acknowledged. */
	if (v != 0xFF)
		irq_eoi();
}

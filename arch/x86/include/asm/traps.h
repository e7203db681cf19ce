/* SPDX-License-Identifier: GPL-2.0 */
/* IDT, exceptions and interrupt dispatch. */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#include <pv/types.h>

/* Layout pushed by the entry stubs (arch/x86/kernel/entry.S) and the CPU. */
struct trap_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error;
	u64 rip, cs, rflags, rsp, ss;
};

enum {
	X86_DE = 0,
	X86_DB = 1,
	X86_NMI = 2,
	X86_BP = 3,
	X86_OF = 4,
	X86_BR = 5,
	X86_UD = 6,
	X86_NM = 7,
	X86_DF = 8,
	X86_TS = 10,
	X86_NP = 11,
	X86_SS = 12,
	X86_GP = 13,
	X86_PF = 14,
	X86_MF = 16,
	X86_AC = 17,
	X86_MC = 18,
	X86_XM = 19,
	X86_VE = 20,
	X86_CP = 21,
};

#define IRQ_VECTOR_BASE 32
#define NR_VECTORS 256
/* IST slots: double fault, NMI and machine check get their own stacks. */
#define IST_DF 1
#define IST_NMI 2
#define IST_MC 3
#define IST_STACK_SIZE 4096

#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_TSS 0x18

/*
 * An exception handler returns true when it dealt with the fault (it may
 * move tf->rip); otherwise the kernel panics with a register dump.
 */
typedef bool (*trap_handler_t)(struct trap_frame *tf);
trap_handler_t trap_set_handler(unsigned int vector, trap_handler_t fn);

/* Interrupt vectors 32..255. */
typedef void (*irq_handler_t)(struct trap_frame *tf, void *data);
int irq_register(unsigned int vector, irq_handler_t fn, void *data);
void irq_unregister(unsigned int vector);
/* Allocate a free vector (>= 48) or return -1. */
int irq_alloc_vector(void);
/* End-of-interrupt, set by the interrupt controller driver. */
extern void (*irq_eoi)(void);
/* Count of interrupts taken per vector. */
extern u64 irq_counts[NR_VECTORS];

void idt_init(void);
void idt_load(void);
/* Per-CPU GDT and TSS; ist_mem holds 3 * IST_STACK_SIZE bytes. */
void gdt_init_cpu(unsigned int cpu, void *ist_mem);

void capture_regs(struct trap_frame *tf);
void dump_regs(const struct trap_frame *tf);
const char *exception_name(unsigned int vector);

#endif

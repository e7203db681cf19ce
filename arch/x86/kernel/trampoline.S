/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AP start-up: copied to a page below 1 MiB whose number is the SIPI
 * vector. Real mode -> protected mode -> long mode on boot_pml4 (it
 * identity-maps the page), then ap_entry64 in kernel text switches to the
 * kernel's CR3 and stack and calls ap_start(percpu).
 */
#include <asm/smp.h>

#define OFF(x) ((x) - trampoline_start)

	.section .rodata.trampoline, "a"
	.balign 16
	.globl trampoline_start, trampoline_end, trampoline_params
	.code16
trampoline_start:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	xorl %ebx, %ebx
	movw %ax, %bx
	shll $4, %ebx /* linear address of this page */
	movl $1, OFF(trampoline_params) + TR_STARTED

	/* Far pointers and the GDT base depend on where we were copied. */
	leal OFF(tr_pm32)(%ebx), %eax
	movl %eax, OFF(tr_far32)
	leal OFF(tr_lm64)(%ebx), %eax
	movl %eax, OFF(tr_far64)
	leal OFF(tr_gdt)(%ebx), %eax
	movl %eax, OFF(tr_gdt_ptr) + 2

	lgdtl OFF(tr_gdt_ptr)
	movl %cr0, %eax
	orl $1, %eax /* PE */
	movl %eax, %cr0
	ljmpl *OFF(tr_far32)

	.code32
tr_pm32:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %cr4, %eax
	orl $(1 << 5), %eax /* PAE */
	movl %eax, %cr4
	movl OFF(trampoline_params) + TR_BOOT_CR3(%ebx), %eax
	movl %eax, %cr3
	movl $0xC0000080, %ecx /* EFER: LME, and NXE as the BSP has it */
	movl OFF(trampoline_params) + TR_EFER(%ebx), %eax
	xorl %edx, %edx
	wrmsr
	movl $0x80010001, %eax /* PG | WP | PE */
	movl %eax, %cr0
	ljmpl *OFF(tr_far64)(%ebx)

	.code64
tr_lm64:
	movl %ebx, %ebx /* upper halves are undefined after the switch */
	movabsq $ap_entry64, %rax
	jmp *%rax

	.balign 8
tr_gdt:
	.quad 0
	.quad 0x00CF9A000000FFFF /* 0x08: 32-bit code */
	.quad 0x00CF92000000FFFF /* 0x10: data */
	.quad 0x00AF9A000000FFFF /* 0x18: 64-bit code */
tr_gdt_end:
tr_gdt_ptr:
	.short tr_gdt_end - tr_gdt - 1
	.long 0
	.balign 4
tr_far32:
	.long 0
	.short 0x08
	.balign 4
tr_far64:
	.long 0
	.short 0x18
	.balign 8
trampoline_params:
	.skip TR_PARAMS_SIZE
trampoline_end:

/*
 * Still on boot_pml4, RBX = the trampoline page (identity-mapped). Take
 * everything from the parameter block before leaving boot_pml4: the
 * kernel's page tables need not map the low page. The trampoline GDT
 * stays loaded until gdt_init_cpu(); no segment is loaded before that.
 */
	.text
ap_entry64:
	movq OFF(trampoline_params) + TR_CR4(%rbx), %rax
	movq %rax, %cr4
	movq OFF(trampoline_params) + TR_CR0(%rbx), %rcx
	movq OFF(trampoline_params) + TR_STACK(%rbx), %rsp
	movq OFF(trampoline_params) + TR_PERCPU(%rbx), %rdi
	movq OFF(trampoline_params) + TR_KERNEL_CR3(%rbx), %rax
	movq %rax, %cr3
	movq %rcx, %cr0
	xorl %ebp, %ebp
	call ap_start
1:	cli
	hlt
	jmp 1b

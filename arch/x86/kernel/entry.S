/* SPDX-License-Identifier: GPL-2.0 */
/* Interrupt entry stubs: one per vector, all funnel into trap_entry(). */
#include <asm/layout.h>

/* Vectors where the CPU pushes an error code. */
#define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

	.text
	.align 16
	.globl trap_stubs
trap_stubs:
	vector = 0
	.rept 256
	.align 16
	.if HAS_ERR(vector)
	nop
	nop
	.else
	pushq $0
	.endif
	pushq $vector
	jmp trap_common
	vector = vector + 1
	.endr

trap_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	movq %rsp, %rdi
	/* Frame record so backtraces walk through the trap. */
	pushq 17 * 8(%rsp) /* rip */
	pushq %rbp
	movq %rsp, %rbp
	call trap_entry
	addq $16, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp /* vector, error */
	iretq

/* capture_regs(tf): the caller's registers, rip = return address. */
	.globl capture_regs
capture_regs:
	movq %r15, 0(%rdi)
	movq %r14, 8(%rdi)
	movq %r13, 16(%rdi)
	movq %r12, 24(%rdi)
	movq %r11, 32(%rdi)
	movq %r10, 40(%rdi)
	movq %r9, 48(%rdi)
	movq %r8, 56(%rdi)
	movq %rbp, 64(%rdi)
	movq %rdi, 72(%rdi)
	movq %rsi, 80(%rdi)
	movq %rdx, 88(%rdi)
	movq %rcx, 96(%rdi)
	movq %rbx, 104(%rdi)
	movq %rax, 112(%rdi)
	movq $0, 120(%rdi)
	movq $0, 128(%rdi)
	movq (%rsp), %rax
	movq %rax, 136(%rdi)
	movq %cs, %rax
	movq %rax, 144(%rdi)
	pushfq
	popq 152(%rdi)
	leaq 8(%rsp), %rax
	movq %rax, 160(%rdi)
	movq %ss, %rax
	movq %rax, 168(%rdi)
	movq 112(%rdi), %rax
	ret

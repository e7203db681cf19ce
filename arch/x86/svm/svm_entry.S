/* SPDX-License-Identifier: GPL-2.0 */
/*
 * svm_vmrun: one guest run. Called from inline asm in svm.c with its own
 * convention, so the C caller saves only the registers it needs:
 *   in:  RDI = struct svm_vcpu (guest VMCB, host VMSAVE area, GPR array;
 *        RAX and RSP travel in the VMCB, the rest in x86_regs order)
 *   out: every GPR but RSP and RBP clobbered
 * Runs with GIF=0. VMRUN keeps only part of the host state: FS, GS (our
 * per-CPU pointer), TR, LDTR, KernelGSbase and the SYSCALL/SYSENTER MSRs
 * are switched here with VMLOAD/VMSAVE; the host's copy was saved once per
 * CPU by svm_cpu_enable. After #VMEXIT the host RSP and RAX (the VMCB
 * address) are back; every other GPR holds the guest's value.
 */
#include "svm.h"

#define G_RCX 8
#define G_RDX 16
#define G_RBX 24
#define G_RBP 40
#define G_RSI 48
#define G_RDI 56
#define G_R(n) (8 * (n))

	.text
	.globl svm_vmrun
	.type svm_vmrun, @function
svm_vmrun:
	push	%rbp
	push	%rdi			/* the svm_vcpu */
	mov	SV_VMCB_PA(%rdi), %rax
	mov	SV_GPRS(%rdi), %rdi

	mov	G_RCX(%rdi), %rcx
	mov	G_RDX(%rdi), %rdx
	mov	G_RBX(%rdi), %rbx
	mov	G_RBP(%rdi), %rbp
	mov	G_RSI(%rdi), %rsi
	mov	G_R(8)(%rdi), %r8
	mov	G_R(9)(%rdi), %r9
	mov	G_R(10)(%rdi), %r10
	mov	G_R(11)(%rdi), %r11
	mov	G_R(12)(%rdi), %r12
	mov	G_R(13)(%rdi), %r13
	mov	G_R(14)(%rdi), %r14
	mov	G_R(15)(%rdi), %r15
	mov	G_RDI(%rdi), %rdi

	vmload	%rax
	vmrun	%rax
	/* #VMEXIT: RAX = the guest VMCB again. */
	vmsave	%rax

	push	%rdi			/* free a register for the GPR array */
	mov	8(%rsp), %rdi
	mov	SV_GPRS(%rdi), %rdi
	mov	%rcx, G_RCX(%rdi)
	mov	%rdx, G_RDX(%rdi)
	mov	%rbx, G_RBX(%rdi)
	mov	%rbp, G_RBP(%rdi)
	mov	%rsi, G_RSI(%rdi)
	mov	%r8, G_R(8)(%rdi)
	mov	%r9, G_R(9)(%rdi)
	mov	%r10, G_R(10)(%rdi)
	mov	%r11, G_R(11)(%rdi)
	mov	%r12, G_R(12)(%rdi)
	mov	%r13, G_R(13)(%rdi)
	mov	%r14, G_R(14)(%rdi)
	mov	%r15, G_R(15)(%rdi)
	popq	G_RDI(%rdi)

	pop	%rdi
	mov	SV_HOST_PA(%rdi), %rax
	vmload	%rax			/* the host's GS base is back from here */
	pop	%rbp
	ret
	.size svm_vmrun, . - svm_vmrun

	.section .note.GNU-stack, "", @progbits

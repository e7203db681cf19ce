/* SPDX-License-Identifier: GPL-2.0 */
/* Interrupt stubs for vectors 0..GUEST_NR_VECTORS-1: a common frame
 * (struct frame in guest.h) handed to isr_dispatch(). */
#include "guest_vectors.h"

	.altmacro
	.macro stub n
isr\n:
	.if (\n == 8) || (\n >= 10 && \n <= 14) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
	.else
	pushl $0
	.endif
	pushl $\n
	jmp isr_common
	.endm

	.macro entry n
	.long isr\n
	.endm

	.text
	.code32
	.set i, 0
	.rept GUEST_NR_VECTORS
	stub %i
	.set i, i + 1
	.endr

isr_common:
	pushal
	pushl %esp
	call isr_dispatch
	addl $4, %esp
	popal
	addl $8, %esp
	iretl

	.section .rodata
	.align 4
	.globl isr_table
isr_table:
	.set i, 0
	.rept GUEST_NR_VECTORS
	entry %i
	.set i, i + 1
	.endr

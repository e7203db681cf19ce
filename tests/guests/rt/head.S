/* SPDX-License-Identifier: GPL-2.0 */
/* Test-guest entry: Multiboot1 header, own flat GDT, stack, rt_start(). */
#define MB_FLAGS 0x3 /* page-aligned modules, memory information */

	.section .multiboot, "a"
	.align 4
	.long 0x1BADB002, MB_FLAGS, -(0x1BADB002 + MB_FLAGS)

	.section .text.entry, "ax"
	.code32
	.globl _start
_start:
	cli
	movl $stack_top, %esp
	lgdt gdt_desc
	ljmp $0x08, $1f
1:	movw $0x10, %cx
	movw %cx, %ds
	movw %cx, %es
	movw %cx, %fs
	movw %cx, %gs
	movw %cx, %ss
	pushl %ebx
	pushl %eax
	call rt_start
2:	cli
	hlt
	jmp 2b

	.section .rodata
	.align 8
gdt:
	.quad 0
	.quad 0x00CF9A000000FFFF /* 0x08: flat 32-bit code */
	.quad 0x00CF92000000FFFF /* 0x10: flat data */
gdt_end:
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt

	.section .bss
	.align 16
	.space 16384
stack_top:

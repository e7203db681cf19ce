/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry from a Multiboot1 (qemu -kernel) or Multiboot2 (GRUB, BIOS or UEFI)
 * loader: 32-bit protected mode, paging off. Builds boot page tables
 * (identity + direct map of the first 4 GiB with 2 MiB pages, kernel image
 * at -2 GiB), enters long mode and calls kmain(magic, info).
 *
 * The image is linked at KERNEL_VMA + physical; 32-bit code runs at the
 * physical address, so it names every symbol as (sym - KERNEL_VMA).
 */
#include <asm/layout.h>

#define PHYS(x) ((x) - KERNEL_VMA)

#define MB1_MAGIC 0x1BADB002
#define MB1_FLAGS 0x00010003 /* page-align modules, mem info, a.out kludge */
#define MB2_MAGIC 0xE85250D6

#define PTE_P 0x1
#define PTE_W 0x2
#define PTE_PS 0x80

	.section .multiboot, "a"
	.align 4
mb1_header:
	.long MB1_MAGIC
	.long MB1_FLAGS
	.long -(MB1_MAGIC + MB1_FLAGS)
	.long PHYS(mb1_header)
	.long PHYS(_kernel_start)
	.long PHYS(_edata)
	.long PHYS(_end)
	.long PHYS(_start32)

	.align 8
mb2_header:
	.long MB2_MAGIC
	.long 0 /* i386 protected mode */
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + (mb2_header_end - mb2_header))
	/* address tag: load the flat image like the a.out kludge */
	.align 8
	.short 2, 0
	.long 24
	.long PHYS(mb2_header)
	.long PHYS(_kernel_start)
	.long PHYS(_edata)
	.long PHYS(_end)
	/* entry address tag */
	.align 8
	.short 3, 0
	.long 12
	.long PHYS(_start32)
	/* end tag */
	.align 8
	.short 0, 0
	.long 8
mb2_header_end:

	.section .boot.text, "ax"
	.code32
	.globl _start32
_start32:
	cli
	cld
	movl %eax, %edi /* loader magic */
	movl %ebx, %esi /* info structure, physical */
	movl $PHYS(boot_stack_top), %esp

	/* Long mode available? */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	testl $(1 << 29), %edx
	jz no_long_mode
	movl %edx, %ebp /* remember NX (bit 20) */

	/* Loaders zero the BSS, but the tables must not depend on it. */
	movl %edi, %edx
	movl $PHYS(boot_pml4), %edi
	movl $(7 * 4096 / 4), %ecx
	xorl %eax, %eax
	rep stosl
	movl %edx, %edi

	/* PML4: [0] identity, [256] direct map, [511] kernel image. */
	movl $PHYS(boot_pml4), %ebx
	movl $PHYS(boot_pdpt_low), %eax
	orl $(PTE_P | PTE_W), %eax
	movl %eax, (%ebx)
	movl %eax, 256 * 8(%ebx)
	movl $PHYS(boot_pdpt_high), %eax
	orl $(PTE_P | PTE_W), %eax
	movl %eax, 511 * 8(%ebx)

	/* pdpt_low[0..3] -> the four page directories (4 GiB). */
	movl $PHYS(boot_pdpt_low), %ebx
	movl $PHYS(boot_pd), %eax
	orl $(PTE_P | PTE_W), %eax
	movl $4, %ecx
1:	movl %eax, (%ebx)
	addl $8, %ebx
	addl $4096, %eax
	loop 1b

	/* pdpt_high[510] -> first page directory (kernel at -2 GiB). */
	movl $PHYS(boot_pd), %eax
	orl $(PTE_P | PTE_W), %eax
	movl %eax, PHYS(boot_pdpt_high) + 510 * 8

	/* 2048 2 MiB entries: physical 0..4 GiB. */
	movl $PHYS(boot_pd), %ebx
	xorl %ecx, %ecx
2:	movl %ecx, %eax
	shll $21, %eax
	orl $(PTE_P | PTE_W | PTE_PS), %eax
	movl %eax, (%ebx, %ecx, 8)
	movl %ecx, %eax
	shrl $11, %eax /* high dword: bits 32+ of the address */
	movl %eax, 4(%ebx, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jb 2b

	/* CR4.PAE|PGE, CR3, EFER.LME (+NXE), CR0.PG|WP. */
	movl %cr4, %eax
	orl $((1 << 5) | (1 << 7)), %eax
	movl %eax, %cr4
	movl $PHYS(boot_pml4), %eax
	movl %eax, %cr3
	movl $0xC0000080, %ecx
	rdmsr
	orl $(1 << 8), %eax
	testl $(1 << 20), %ebp
	jz 3f
	orl $(1 << 11), %eax
3:	wrmsr
	movl %cr0, %eax
	orl $((1 << 31) | (1 << 16) | 1), %eax
	andl $~((1 << 30) | (1 << 29)), %eax /* caches on */
	movl %eax, %cr0

	lgdt PHYS(boot_gdt_ptr32)
	ljmp $0x08, $PHYS(long_entry)

no_long_mode:
	/* No console yet: say it on COM1 and stop. */
	movl $PHYS(msg_no_lm), %ebx
4:	movb (%ebx), %al
	testb %al, %al
	jz 6f
	movw $0x3FD, %dx
5:	inb %dx, %al
	testb $0x20, %al
	jz 5b
	movb (%ebx), %al
	movw $0x3F8, %dx
	outb %al, %dx
	incl %ebx
	jmp 4b
6:	hlt
	jmp 6b

	.code64
long_entry:
	/* Still at the physical address: jump to the linked one. */
	movabsq $high_entry, %rax
	jmp *%rax

	.section .boot.data, "aw"
	.align 16
boot_gdt:
	.quad 0
	.quad 0x00AF9A000000FFFF /* 0x08: 64-bit code */
	.quad 0x00CF92000000FFFF /* 0x10: data */
boot_gdt_end:
boot_gdt_ptr32:
	.short boot_gdt_end - boot_gdt - 1
	.long PHYS(boot_gdt)
msg_no_lm:
	.asciz "PureVisor: this CPU has no long mode (x86-64); halting.\r\n"

	.text
high_entry:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	movabsq $boot_stack_top, %rsp
	xorl %ebp, %ebp
	/* kmain(magic, info_phys): EDI and ESI were set at entry. */
	movl %edi, %edi
	movl %esi, %esi
	call kmain
7:	cli
	hlt
	jmp 7b

	.section .bss.page_aligned, "aw", @nobits
	.align 4096
	.globl boot_pml4
boot_pml4:
	.skip 4096
boot_pdpt_low:
	.skip 4096
boot_pdpt_high:
	.skip 4096
boot_pd:
	.skip 4 * 4096
	.globl boot_stack_bottom, boot_stack_top
boot_stack_bottom:
	.skip BOOT_STACK_SIZE
boot_stack_top:

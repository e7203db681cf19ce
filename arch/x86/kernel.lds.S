/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One PT_LOAD segment, physically contiguous from KERNEL_PHYS: the
 * Multiboot a.out-kludge fields describe it as a flat image.
 */
#include <asm/layout.h>

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(_start32)

PHDRS
{
	image PT_LOAD FLAGS(7);
}

SECTIONS
{
	. = KERNEL_VMA + KERNEL_PHYS;
	_kernel_start = .;

	.boot : AT(ADDR(.boot) - KERNEL_VMA) {
		KEEP(*(.multiboot))
		*(.boot.text)
		*(.boot.data)
	} :image

	. = ALIGN(4096);
	.text : AT(ADDR(.text) - KERNEL_VMA) {
		_text = .;
		*(.text .text.*)
		_etext = .;
	} :image

	. = ALIGN(4096);
	.rodata : AT(ADDR(.rodata) - KERNEL_VMA) {
		_rodata = .;
		*(.rodata .rodata.*)
		. = ALIGN(8);
		__ktest_suites_start = .;
		KEEP(*(.ktest_suites))
		__ktest_suites_end = .;
		. = ALIGN(8);
		__kparams_start = .;
		KEEP(*(.kparams))
		__kparams_end = .;
		/* Last: its size changes between link passes (gen-ksyms.sh). */
		*(.ksyms)
		_erodata = .;
	} :image

	. = ALIGN(4096);
	.data : AT(ADDR(.data) - KERNEL_VMA) {
		_data = .;
		*(.data .data.*)
		. = ALIGN(4096);
		*(.data.page_aligned)
		_edata = .;
	} :image

	. = ALIGN(4096);
	.bss : AT(ADDR(.bss) - KERNEL_VMA) {
		_bss = .;
		*(.bss.page_aligned)
		*(.bss .bss.* COMMON)
		. = ALIGN(4096);
		_end = .;
	} :image

	/DISCARD/ : { *(.note*) *(.comment) *(.eh_frame*) }
}

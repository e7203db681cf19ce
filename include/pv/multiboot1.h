/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Multiboot1 structures (Multiboot Specification 0.6.96): PureVisor reads
 * them when it boots (kernel/bootinfo.c) and writes them when it loads a
 * guest kernel (virt/loader/multiboot.c).
 */
#ifndef PV_MULTIBOOT1_H
#define PV_MULTIBOOT1_H

#include <pv/types.h>

#define MB1_HDR_MAGIC 0x1BADB002u /* in the kernel image's header */
#define MB1_BOOT_MAGIC 0x2BADB002u /* in EAX at the kernel's entry */
#define MB1_HDR_SEARCH 8192 /* the header lies in the first 8 KiB */

/* Header flags. */
#define MB1_F_PAGE_ALIGN (1u << 0)
#define MB1_F_MEMINFO (1u << 1)
#define MB1_F_VIDEO (1u << 2)
#define MB1_F_AOUT (1u << 16)

/* Information block flags. */
#define MBI_MEM (1u << 0)
#define MBI_CMDLINE (1u << 2)
#define MBI_MODS (1u << 3)
#define MBI_MMAP (1u << 6)
#define MBI_LOADER (1u << 9)

struct mb1_header {
	u32 magic, flags, checksum;
	u32 header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

struct mb1_info {
	u32 flags, mem_lower, mem_upper, boot_device, cmdline;
	u32 mods_count, mods_addr;
	u32 syms[4];
	u32 mmap_length, mmap_addr;
	u32 drives_length, drives_addr, config_table, boot_loader_name;
	u32 apm_table;
	u32 vbe[4];
	u64 fb_addr;
	u32 fb_pitch, fb_width, fb_height;
	u8 fb_bpp, fb_type;
	u8 fb_color_info[6];
} __packed __aligned(4); /* u32 fields aligned; fb_addr is not */
_Static_assert(sizeof(struct mb1_info) == 116, "Multiboot info layout");

/* A memory-map entry; size counts the bytes after itself (20). */
struct mb1_mmap {
	u32 size;
	u64 addr, len;
	u32 type;
} __packed;

struct mb1_mod {
	u32 start, end, string, reserved;
};

#endif

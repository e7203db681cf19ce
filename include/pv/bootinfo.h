/* SPDX-License-Identifier: GPL-2.0 */
/* What the loader told us, in one loader-neutral form. */
#ifndef PV_BOOTINFO_H
#define PV_BOOTINFO_H

#include <pv/types.h>
#include <pv/cmdline.h>

/* E820-style region types (the EFI map is converted to these). */
enum mem_type {
	MEM_USABLE = 1,
	MEM_RESERVED = 2,
	MEM_ACPI_RECLAIM = 3,
	MEM_ACPI_NVS = 4,
	MEM_BAD = 5,
};

struct mem_region {
	u64 base;
	u64 len;
	u32 type;
};

struct boot_module {
	u64 start; /* physical */
	u64 end; /* physical, exclusive */
	char name[64]; /* the module's command line */
};

#define BOOT_MAX_REGIONS 128
#define BOOT_MAX_MODULES 16

enum boot_protocol { BOOT_MULTIBOOT1 = 1, BOOT_MULTIBOOT2 = 2 };

struct bootinfo {
	enum boot_protocol protocol;
	bool efi; /* booted from UEFI firmware */
	char loader[48];
	char cmdline[CMDLINE_MAX];
	struct mem_region regions[BOOT_MAX_REGIONS];
	unsigned int nr_regions;
	struct boot_module modules[BOOT_MAX_MODULES];
	unsigned int nr_modules;
	u64 info_start, info_end; /* the loader's info block, physical */
	u64 rsdp; /* physical address of a copy of the RSDP, 0 if none */
	u8 rsdp_copy[36]; /* MB2 hands the RSDP inside the info block */
	bool vga_text; /* a VGA text screen is there */
	u64 fb_addr;
	u32 fb_width, fb_height, fb_pitch;
	u8 fb_bpp;
};

extern struct bootinfo bootinfo;

/* Parse the loader's block (magic/info from the entry registers).
 * Returns 0, or -1 with a message if the magic is unknown. */
int bootinfo_parse(u32 magic, u64 info_phys);
const char *mem_type_name(u32 type);

#endif

// SPDX-License-Identifier: GPL-2.0
/* Multiboot1 and Multiboot2 information → struct bootinfo. */
#include <pv/bootinfo.h>
#include <pv/multiboot1.h>
#include <pv/printk.h>
#include <pv/string.h>
#include <asm/layout.h>

#define MB2_BOOT_MAGIC 0x36D76289

struct bootinfo bootinfo;

static void add_region(u64 base, u64 len, u32 type)
{
	if (!len)
		return;
	if (bootinfo.nr_regions == BOOT_MAX_REGIONS) {
		pr_warn("boot: memory map has over %d entries; rest ignored\n",
			BOOT_MAX_REGIONS);
		return;
	}
	bootinfo.regions[bootinfo.nr_regions++] =
		(struct mem_region){ base, len, type };
}

static void add_module(u64 start, u64 end, const char *name)
{
	struct boot_module *m;

	if (bootinfo.nr_modules == BOOT_MAX_MODULES) {
		pr_warn("boot: over %d modules; '%s' ignored\n",
			BOOT_MAX_MODULES, name);
		return;
	}
	m = &bootinfo.modules[bootinfo.nr_modules++];
	m->start = start;
	m->end = end;
	strlcpy(m->name, name ? name : "", sizeof(m->name));
}

const char *mem_type_name(u32 type)
{
	switch (type) {
	case MEM_USABLE: return "usable";
	case MEM_RESERVED: return "reserved";
	case MEM_ACPI_RECLAIM: return "ACPI data";
	case MEM_ACPI_NVS: return "ACPI NVS";
	case MEM_BAD: return "bad";
	default: return "unknown";
	}
}

/* --- Multiboot1 ----------------------------------------------------- */

static void parse_mb1(u64 info_phys)
{
	const struct mb1_info *mi = phys_to_virt(info_phys);

	bootinfo.protocol = BOOT_MULTIBOOT1;
	bootinfo.info_start = info_phys;
	bootinfo.info_end = info_phys + sizeof(*mi);
	bootinfo.vga_text = true;
	strlcpy(bootinfo.loader, "multiboot1", sizeof(bootinfo.loader));
	if ((mi->flags & MBI_LOADER) && mi->boot_loader_name)
		strlcpy(bootinfo.loader, phys_to_virt(mi->boot_loader_name),
			sizeof(bootinfo.loader));
	if ((mi->flags & MBI_CMDLINE) && mi->cmdline) {
		/* Multiboot1 loaders put the kernel's own path first. */
		const char *c = phys_to_virt(mi->cmdline);

		while (*c && *c != ' ')
			c++;
		while (*c == ' ')
			c++;
		strlcpy(bootinfo.cmdline, c, sizeof(bootinfo.cmdline));
	}
	if (mi->flags & MBI_MMAP) {
		u64 p = mi->mmap_addr, end = p + mi->mmap_length;

		while (p + sizeof(struct mb1_mmap) <= end) {
			const struct mb1_mmap *e = phys_to_virt(p);

			add_region(e->addr, e->len, e->type);
			p += e->size + 4;
		}
	} else if (mi->flags & MBI_MEM) {
		add_region(0, (u64)mi->mem_lower << 10, MEM_USABLE);
		add_region(1ull << 20, (u64)mi->mem_upper << 10, MEM_USABLE);
	}
	if (mi->flags & MBI_MODS) {
		const struct mb1_mod *mod = phys_to_virt(mi->mods_addr);

		for (u32 i = 0; i < mi->mods_count; i++)
			add_module(mod[i].start, mod[i].end,
				   mod[i].string ? phys_to_virt(mod[i].string)
						 : "");
	}
}

/* --- Multiboot2 ----------------------------------------------------- */

enum {
	MB2_TAG_END = 0,
	MB2_TAG_CMDLINE = 1,
	MB2_TAG_LOADER = 2,
	MB2_TAG_MODULE = 3,
	MB2_TAG_MMAP = 6,
	MB2_TAG_FRAMEBUFFER = 8,
	MB2_TAG_EFI64 = 12,
	MB2_TAG_ACPI_OLD = 14,
	MB2_TAG_ACPI_NEW = 15,
	MB2_TAG_EFI_MMAP = 17,
	MB2_TAG_EFI_BS = 18,
};

struct mb2_tag {
	u32 type, size;
};

/* EFI memory types that are free once boot services have exited. */
static u32 efi_type_to_e820(u32 t)
{
	switch (t) {
	case 1:
	case 2:
	case 3:
	case 4:
	case 7: /* loader/boot svcs, conventional */ return MEM_USABLE;
	case 9: return MEM_ACPI_RECLAIM;
	case 10: return MEM_ACPI_NVS;
	case 8: return MEM_BAD;
	default: return MEM_RESERVED;
	}
}

static void parse_mb2(u64 info_phys)
{
	const u8 *base = phys_to_virt(info_phys);
	u32 total = *(const u32 *)base;
	const u8 *p = base + 8, *end = base + total;
	const u8 *efi_mmap = NULL;
	bool have_mmap = false;

	bootinfo.protocol = BOOT_MULTIBOOT2;
	bootinfo.info_start = info_phys;
	bootinfo.info_end = info_phys + total;
	bootinfo.vga_text = true;
	strlcpy(bootinfo.loader, "multiboot2", sizeof(bootinfo.loader));

	while (p + sizeof(struct mb2_tag) <= end) {
		const struct mb2_tag *t = (const void *)p;
		const u8 *body = p + 8;

		if (t->type == MB2_TAG_END || t->size < 8)
			break;
		switch (t->type) {
		case MB2_TAG_CMDLINE:
			strlcpy(bootinfo.cmdline, (const char *)body,
				sizeof(bootinfo.cmdline));
			break;
		case MB2_TAG_LOADER:
			strlcpy(bootinfo.loader, (const char *)body,
				sizeof(bootinfo.loader));
			break;
		case MB2_TAG_MODULE:
			add_module(((const u32 *)body)[0],
				   ((const u32 *)body)[1],
				   (const char *)body + 8);
			break;
		case MB2_TAG_MMAP: {
			u32 esize = ((const u32 *)body)[0];
			const u8 *e = body + 8;

			have_mmap = true;
			for (; esize >= 20 && e + esize <= p + t->size;
			     e += esize)
				add_region(*(const u64 *)e,
					   *(const u64 *)(e + 8),
					   *(const u32 *)(e + 16));
			break;
		}
		case MB2_TAG_EFI_MMAP: efi_mmap = p; break;
		case MB2_TAG_EFI64: bootinfo.efi = true; break;
		case MB2_TAG_ACPI_OLD:
		case MB2_TAG_ACPI_NEW: {
			u32 n = t->size - 8;

			/* Prefer the ACPI 2.0+ RSDP when both are given. */
			if (bootinfo.rsdp && t->type == MB2_TAG_ACPI_OLD)
				break;
			if (n > sizeof(bootinfo.rsdp_copy))
				n = sizeof(bootinfo.rsdp_copy);
			memcpy(bootinfo.rsdp_copy, body, n);
			bootinfo.rsdp = virt_to_phys(bootinfo.rsdp_copy);
			break;
		}
		case MB2_TAG_FRAMEBUFFER:
			bootinfo.fb_addr = *(const u64 *)body;
			bootinfo.fb_pitch = *(const u32 *)(body + 8);
			bootinfo.fb_width = *(const u32 *)(body + 12);
			bootinfo.fb_height = *(const u32 *)(body + 16);
			bootinfo.fb_bpp = body[20];
			/* type 2 = EGA text */
			bootinfo.vga_text = body[21] == 2;
			break;
		}
		p += ALIGN_UP(t->size, 8);
	}

	if (bootinfo.efi)
		bootinfo.vga_text = false;
	if (!have_mmap && efi_mmap) {
		const struct mb2_tag *t = (const void *)efi_mmap;
		u32 dsize = *(const u32 *)(efi_mmap + 8);
		const u8 *d = efi_mmap + 16;

		for (; dsize >= 40 && d + dsize <= efi_mmap + t->size;
		     d += dsize)
			add_region(*(const u64 *)(d + 8),
				   *(const u64 *)(d + 24) << 12,
				   efi_type_to_e820(*(const u32 *)d));
	}
}

int bootinfo_parse(u32 magic, u64 info_phys)
{
	if (magic == MB1_BOOT_MAGIC) {
		parse_mb1(info_phys);
	} else if (magic == MB2_BOOT_MAGIC) {
		parse_mb2(info_phys);
	} else {
		pr_emerg(
			"boot: unknown loader magic %#x: boot through Multiboot1 or Multiboot2\n",
			magic);
		return -1;
	}
	return 0;
}

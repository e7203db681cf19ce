// SPDX-License-Identifier: GPL-2.0
/*
 * Linux x86 boot protocol loader (Documentation/x86/boot.rst): a bzImage's
 * protected-mode kernel, its initrd and command line, the boot_params
 * "zero page" with an e820 map, and the 64-bit entry state (identity page
 * tables, GDT). The real-mode setup code is never run. Every address is
 * checked against guest RAM before a byte is written; guest memory is
 * reached only through vm_write_phys/gpa_to_hva, so host tests run this.
 */
#include <pv/loader.h>
#include <pv/compiler.h>
#include <pv/printf.h>
#include <pv/string.h>
#include <pv/vm.h>
#include <asm/cpu.h>
#include "loader.h"

#define MIB (1ull << 20)
#define PAGE 4096ull

/* Setup header fields, as offsets in the image (and in boot_params). */
#define HDR_START 0x1F1 /* setup_sects: the first header byte */
#define HDR_SETUP_SECTS 0x1F1
#define HDR_SYSSIZE 0x1F4
#define HDR_BOOT_FLAG 0x1FE
#define HDR_JUMP_OFF 0x201 /* header end = 0x202 + this byte */
#define HDR_MAGIC 0x202
#define HDR_VERSION 0x206
#define HDR_TYPE_OF_LOADER 0x210
#define HDR_LOADFLAGS 0x211
#define HDR_RAMDISK_IMAGE 0x218
#define HDR_RAMDISK_SIZE 0x21C
#define HDR_HEAP_END_PTR 0x224
#define HDR_CMD_LINE_PTR 0x228
#define HDR_INITRD_ADDR_MAX 0x22C
#define HDR_KERNEL_ALIGNMENT 0x230
#define HDR_RELOCATABLE 0x234
#define HDR_XLOADFLAGS 0x236
#define HDR_CMDLINE_SIZE 0x238
#define HDR_PREF_ADDRESS 0x258
#define HDR_INIT_SIZE 0x260
#define HDR_MIN_END 0x264 /* a 2.10+ header reaches past init_size */

#define BOOT_FLAG 0xAA55
#define HDR_SIGNATURE 0x53726448 /* "HdrS" */
#define LOADER_UNDEFINED 0xFF
#define LF_CAN_USE_HEAP 0x80
#define XLF_KERNEL_64 0x1
#define HEAP_END 0xFE00 /* conventional; only the real-mode code uses it */

/* boot_params fields outside the setup header. */
#define BP_ACPI_RSDP 0x070
#define BP_EXT_RAMDISK_IMAGE 0x0C0
#define BP_EXT_RAMDISK_SIZE 0x0C4
#define BP_EXT_CMD_LINE_PTR 0x0C8
#define BP_E820_ENTRIES 0x1E8
#define BP_HDR_END 0x290 /* edd_mbr_sig_buffer follows the header */
#define BP_E820_TABLE 0x2D0
#define BP_E820_MAX 128
#define E820_ENTRY_SIZE 20

#define E820_RAM 1
#define E820_RESERVED 2

/* BIOS data area words Linux reads to find the top of low memory. */
#define BDA_EBDA_SEG 0x40E
#define BDA_BASE_KIB 0x413

/* Guest-physical layout of the platform (mirrors virt/dev/platform.h). */
#define EBDA_BASE 0x9FC00ull
#define LOW_RAM_END 0xA0000ull
#define BIOS_BASE 0xE0000ull /* ACPI tables, then the BIOS area */
#define HIGH_MEM 0x100000ull
#define IOAPIC_BASE 0xFEC00000ull
#define LAPIC_BASE 0xFEE00000ull

/* Page-table and descriptor bits. */
#define PTE_P 0x1ull
#define PTE_RW 0x2ull
#define PTE_PWT 0x8ull
#define PTE_PCD 0x10ull
#define PTE_PS 0x80ull
#define GDT_CODE64 0x00AF9B000000FFFFull /* G, L, P, S, exec/read, accessed */
#define GDT_DATA 0x00CF93000000FFFFull /* G, D/B, P, S, read/write, accessed */
#define GDT_ENTRIES 6 /* null, null, CS, DS, 16-byte TSS */
#define TSS_LIMIT 0x67
#define TYPE_TSS64_BUSY 0xB
#define TYPE_LDT 0x2

/* CR0_PE, CR0_PG, CR4_PAE, EFER_LME/LMA come from <asm/cpu.h>. */
#define CR0_MP (1ul << 1)
#define CR0_ET (1ul << 4)
#define CR0_NE (1ul << 5)

#define fail(err, errsz, ...)                          \
	({                                             \
		snprintf((err), (errsz), __VA_ARGS__); \
		-1;                                    \
	})

static u16 get16(const u8 *p)
{
	u16 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static u32 get32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static u64 get64(const u8 *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void put16(u8 *p, u16 v)
{
	memcpy(p, &v, sizeof(v));
}

static void put32(u8 *p, u32 v)
{
	memcpy(p, &v, sizeof(v));
}

static void put64(u8 *p, u64 v)
{
	memcpy(p, &v, sizeof(v));
}

static bool is_pow2(u64 v)
{
	return v && !(v & (v - 1));
}

int linux_probe(const void *bzimage, size_t size, struct linux_image *img,
		char *err, size_t errsz)
{
	const u8 *b = bzimage;
	unsigned int sects;
	u64 ksize, end;

	memset(img, 0, sizeof(*img));
	if (size < HDR_MIN_END + 4)
		return fail(err, errsz, "not a bzImage: only %zu bytes", size);
	if (get16(b + HDR_BOOT_FLAG) != BOOT_FLAG)
		return fail(err, errsz,
			    "not a bzImage: no 0x55AA boot signature at 0x1FE");
	if (get32(b + HDR_MAGIC) != HDR_SIGNATURE)
		return fail(err, errsz, "not a bzImage: no HdrS signature");
	img->protocol = get16(b + HDR_VERSION);
	if (img->protocol < LINUX_MIN_PROTOCOL)
		return fail(err, errsz,
			    "boot protocol %u.%02u too old (need %u.%02u)",
			    img->protocol >> 8, img->protocol & 0xFF,
			    LINUX_MIN_PROTOCOL >> 8, LINUX_MIN_PROTOCOL & 0xFF);
	img->hdr_end = 0x202 + b[HDR_JUMP_OFF];
	if (img->hdr_end < HDR_MIN_END)
		return fail(err, errsz,
			    "setup header ends at %#x, before init_size",
			    img->hdr_end);
	img->xloadflags = get16(b + HDR_XLOADFLAGS);
	if (!(img->xloadflags & XLF_KERNEL_64))
		return fail(err, errsz,
			    "kernel has no 64-bit entry (XLF_KERNEL_64)");
	img->loadflags = b[HDR_LOADFLAGS];
	img->relocatable = b[HDR_RELOCATABLE];
	sects = b[HDR_SETUP_SECTS] ? b[HDR_SETUP_SECTS] : 4;
	img->setup_size = (sects + 1) * 512;
	/* syssize counts 16-byte units; bytes after them (a signature)
	 * are not the kernel's. */
	ksize = get32(b + HDR_SYSSIZE) * 16ull;
	if (!ksize)
		return fail(err, errsz, "no protected-mode kernel (syssize 0)");
	end = img->setup_size + ksize;
	if (end > size)
		return fail(err, errsz,
			    "truncated: setup (%u bytes) and kernel (%llu "
			    "bytes) need %llu bytes, the file has %zu",
			    img->setup_size, (unsigned long long)ksize,
			    (unsigned long long)end, size);
	img->kernel_size = ksize;
	img->pref_address = get64(b + HDR_PREF_ADDRESS);
	img->kernel_alignment = get32(b + HDR_KERNEL_ALIGNMENT);
	img->init_size = get32(b + HDR_INIT_SIZE);
	img->initrd_addr_max = get32(b + HDR_INITRD_ADDR_MAX);
	img->cmdline_size = get32(b + HDR_CMDLINE_SIZE);
	if (img->relocatable && !is_pow2(img->kernel_alignment))
		return fail(err, errsz,
			    "kernel_alignment %#x is not a power of two",
			    img->kernel_alignment);
	return 0;
}

/* Where the kernel goes and how much it needs there. */
static int place_kernel(struct vm *vm, const struct linux_image *img,
			struct linux_entry *e, char *err, size_t errsz)
{
	u64 load = img->pref_address, need;

	if (img->relocatable)
		load = ALIGN_UP(load, (u64)img->kernel_alignment);
	if (load < HIGH_MEM)
		return fail(err, errsz,
			    "kernel wants to load at %#llx, below 1 MiB",
			    (unsigned long long)load);
	need = MAX((u64)img->init_size, (u64)img->kernel_size);
	if (load >= vm->ram_size || need > vm->ram_size - load)
		return fail(err, errsz,
			    "kernel needs %llu MiB of RAM (%llu MiB at %#llx) "
			    "but the VM has %llu MiB",
			    (unsigned long long)((load + need + MIB - 1) / MIB),
			    (unsigned long long)((need + MIB - 1) / MIB),
			    (unsigned long long)load,
			    (unsigned long long)(vm->ram_size / MIB));
	e->kernel_gpa = load;
	e->kernel_end = ALIGN_UP(load + need, PAGE);
	return 0;
}

/* As high as it may go, page-aligned, above the kernel. */
static int place_initrd(struct vm *vm, const struct linux_image *img,
			size_t size, struct linux_entry *e, char *err,
			size_t errsz)
{
	u64 max = img->initrd_addr_max ? img->initrd_addr_max : 0x37FFFFFF;
	u64 limit = MIN(max + 1, vm->ram_size);

	limit = MIN(limit, 1ull << 32);
	if (size > limit || ALIGN_DOWN(limit - size, PAGE) < e->kernel_end)
		return fail(err, errsz,
			    "initrd too large: %zu bytes do not fit between "
			    "the kernel's end %#llx and %#llx",
			    size, (unsigned long long)e->kernel_end,
			    (unsigned long long)limit);
	e->initrd_gpa = ALIGN_DOWN(limit - size, PAGE);
	e->initrd_size = size;
	return 0;
}

static void put_e820(u8 *bp, unsigned int *n, u64 addr, u64 size, u32 type)
{
	u8 *ent = bp + BP_E820_TABLE + *n * E820_ENTRY_SIZE;

	put64(ent, addr);
	put64(ent + 8, size);
	put32(ent + 16, type);
	(*n)++;
}

static void build_boot_params(struct vm *vm, u8 *bp, const u8 *image,
			      const struct linux_entry *e, u64 rsdp_gpa)
{
	u32 hdr_end = MIN(e->image.hdr_end, (u32)BP_HDR_END);
	unsigned int n = 0;

	memset(bp, 0, PAGE); /* the sentinel at 0x1EF stays 0 */
	memcpy(bp + HDR_START, image + HDR_START, hdr_end - HDR_START);
	bp[HDR_TYPE_OF_LOADER] = LOADER_UNDEFINED;
	bp[HDR_LOADFLAGS] |= LF_CAN_USE_HEAP;
	put16(bp + HDR_HEAP_END_PTR, HEAP_END - 0x200);
	put32(bp + HDR_CMD_LINE_PTR, (u32)e->cmdline_gpa);
	put32(bp + BP_EXT_CMD_LINE_PTR, (u32)(e->cmdline_gpa >> 32));
	put32(bp + HDR_RAMDISK_IMAGE, (u32)e->initrd_gpa);
	put32(bp + HDR_RAMDISK_SIZE, (u32)e->initrd_size);
	put32(bp + BP_EXT_RAMDISK_IMAGE, (u32)(e->initrd_gpa >> 32));
	put32(bp + BP_EXT_RAMDISK_SIZE, (u32)(e->initrd_size >> 32));
	/* acpi_rsdp_addr exists from protocol 2.14 on. */
	if (e->image.protocol >= 0x020E)
		put64(bp + BP_ACPI_RSDP, rsdp_gpa);

	put_e820(bp, &n, 0, EBDA_BASE, E820_RAM);
	put_e820(bp, &n, EBDA_BASE, LOW_RAM_END - EBDA_BASE, E820_RESERVED);
	put_e820(bp, &n, BIOS_BASE, HIGH_MEM - BIOS_BASE, E820_RESERVED);
	put_e820(bp, &n, HIGH_MEM, vm->ram_size - HIGH_MEM, E820_RAM);
	put_e820(bp, &n, IOAPIC_BASE, PAGE, E820_RESERVED);
	put_e820(bp, &n, LAPIC_BASE, PAGE, E820_RESERVED);
	bp[BP_E820_ENTRIES] = n;
}

/* PML4 -> one PDPT -> four PDs of 2 MiB pages: 0..4 GiB identity. The
 * top GiB (MMIO: IOAPIC, LAPIC) is uncached. */
static void build_page_tables(u8 *low)
{
	u8 *pml4 = low + LINUX_PT_GPA, *pdpt = pml4 + PAGE;

	memset(pml4, 0, LINUX_PT_END - LINUX_PT_GPA);
	put64(pml4, (LINUX_PT_GPA + PAGE) | PTE_P | PTE_RW);
	for (unsigned int i = 0; i < 4; i++) {
		u64 pd_gpa = LINUX_PT_GPA + (2 + i) * PAGE;
		u8 *pd = low + pd_gpa;

		put64(pdpt + i * 8, pd_gpa | PTE_P | PTE_RW);
		for (unsigned int j = 0; j < 512; j++) {
			u64 pa = ((u64)i << 30) | ((u64)j << 21);
			u64 flags = PTE_P | PTE_RW | PTE_PS;

			if (i == 3)
				flags |= PTE_PCD | PTE_PWT;
			put64(pd + j * 8, pa | flags);
		}
	}
}

/* A 64-bit TSS descriptor (16 bytes). */
static void put_tss_desc(u8 *p, u64 base, u32 limit)
{
	u64 lo = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) |
		 ((u64)TYPE_TSS64_BUSY << 40) | (1ull << 47) |
		 ((u64)((limit >> 16) & 0xF) << 48) |
		 (((base >> 24) & 0xFF) << 56);

	put64(p, lo);
	put64(p + 8, base >> 32);
}

static void build_gdt(u8 *low)
{
	u8 *gdt = low + LINUX_GDT_GPA;

	memset(gdt, 0, PAGE); /* the TSS too */
	put64(gdt + LINUX_BOOT_CS, GDT_CODE64);
	put64(gdt + LINUX_BOOT_DS, GDT_DATA);
	put_tss_desc(gdt + LINUX_BOOT_TSS, LINUX_TSS_GPA, TSS_LIMIT);
}

static void fill_entry(struct linux_entry *e)
{
	e->rip = e->kernel_gpa + 0x200;
	e->rsi = LINUX_BOOT_PARAMS_GPA;
	e->rsp = LINUX_STACK_GPA;
	e->rflags = 0x2;
	e->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_PG;
	e->cr3 = LINUX_PT_GPA;
	e->cr4 = CR4_PAE;
	e->efer = EFER_LME | EFER_LMA;
	e->gdt = (struct vcpu_dtable){ LINUX_GDT_GPA, GDT_ENTRIES * 8 - 1 };
	e->cs = (struct vcpu_seg){
		.sel = LINUX_BOOT_CS,
		.attr = 0xB | SEG_ATTR_S | SEG_ATTR_P | SEG_ATTR_L | SEG_ATTR_G,
		.limit = 0xFFFFFFFF,
	};
	e->ds = (struct vcpu_seg){
		.sel = LINUX_BOOT_DS,
		.attr = 0x3 | SEG_ATTR_S | SEG_ATTR_P | SEG_ATTR_DB |
			SEG_ATTR_G,
		.limit = 0xFFFFFFFF,
	};
	e->tr = (struct vcpu_seg){
		.sel = LINUX_BOOT_TSS,
		.attr = TYPE_TSS64_BUSY | SEG_ATTR_P,
		.limit = TSS_LIMIT,
		.base = LINUX_TSS_GPA,
	};
}

int linux_load(struct vm *vm, const void *bzimage, size_t size,
	       const void *initrd, size_t initrd_size, const char *cmdline,
	       u64 rsdp_gpa, struct linux_entry *out, char *err, size_t errsz)
{
	const u8 *image = bzimage;
	struct linux_entry e = { 0 };
	u16 bda[2] = { EBDA_BASE >> 4, EBDA_BASE >> 10 };
	size_t len, max;
	u8 *low;

	if (linux_probe(bzimage, size, &e.image, err, errsz))
		return -1;
	/* Everything below 1 MiB is reached through one chunk mapping. */
	if (vm->ram_size < GMEM_CHUNK_SIZE)
		return fail(err, errsz, "guest RAM below 2 MiB");
	if (place_kernel(vm, &e.image, &e, err, errsz))
		return -1;
	if (initrd && initrd_size &&
	    place_initrd(vm, &e.image, initrd_size, &e, err, errsz))
		return -1;
	low = gpa_to_hva(vm, 0);
	if (!low)
		return fail(err, errsz, "guest RAM not mapped");

	if (vm_write_phys(vm, e.kernel_gpa, image + e.image.setup_size,
			  e.image.kernel_size))
		return fail(err, errsz, "kernel write to guest RAM failed");
	if (e.initrd_size &&
	    vm_write_phys(vm, e.initrd_gpa, initrd, e.initrd_size))
		return fail(err, errsz, "initrd write to guest RAM failed");

	/* The command line, cut to what the kernel accepts. */
	if (!cmdline)
		cmdline = "";
	max = e.image.cmdline_size ? e.image.cmdline_size : 255;
	max = MIN(max, (size_t)LINUX_CMDLINE_MAX - 1);
	len = strlen(cmdline);
	if (len > max) {
		len = max;
		e.cmdline_truncated = true;
	}
	e.cmdline_gpa = LINUX_CMDLINE_GPA;
	memcpy(low + LINUX_CMDLINE_GPA, cmdline, len);
	low[LINUX_CMDLINE_GPA + len] = 0;

	memcpy(low + BDA_EBDA_SEG, &bda[0], 2);
	memcpy(low + BDA_BASE_KIB, &bda[1], 2);
	build_boot_params(vm, low + LINUX_BOOT_PARAMS_GPA, image, &e, rsdp_gpa);
	build_page_tables(low);
	build_gdt(low);
	fill_entry(&e);
	*out = e;
	return 0;
}

void linux_entry_sregs(const struct linux_entry *e, struct vcpu_sregs *s)
{
	memset(s, 0, sizeof(*s));
	s->cr0 = e->cr0;
	s->cr3 = e->cr3;
	s->cr4 = e->cr4;
	s->efer = e->efer;
	s->cs = e->cs;
	s->ds = e->ds;
	s->es = e->ds;
	s->fs = e->ds;
	s->gs = e->ds;
	s->ss = e->ds;
	s->tr = e->tr;
	/* No LDT: unusable, but with a consistent LDT type for SVM. */
	s->ldtr = (struct vcpu_seg){ .attr = TYPE_LDT | SEG_ATTR_P,
				     .limit = 0xFFFF,
				     .unusable = true };
	s->gdtr = e->gdt;
	s->idtr = (struct vcpu_dtable){ 0, 0 };
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Linux boot protocol loader (virt/loader/linux.c) on a fake VM whose RAM
 * is a host buffer: synthetic bzImages for every rejection, the zero page
 * (setup header, e820, initrd, command line, RSDP), the 64-bit entry state
 * (page tables walked, GDT decoded), and a real Debian kernel when one is
 * at hand (PV_TEST_VMLINUZ, or /tmp/pv-linux/boot/vmlinuz-*).
 */
#include <glob.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pv/loader.h>
#include <pv/vm.h>
#include "fake_ram.h"
#include "unit.h"

#define MIB (1ull << 20)
#define BP LINUX_BOOT_PARAMS_GPA

static char err[160];

static bool untouched(void)
{
	for (u64 i = 0; i < fake_vm.ram_size; i++)
		if (ram[i] != POISON)
			return false;
	return true;
}

static u16 rd16(const u8 *p)
{
	u16 v;

	memcpy(&v, p, 2);
	return v;
}

static u32 rd32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return v;
}

static u64 rd64(const u8 *p)
{
	u64 v;

	memcpy(&v, p, 8);
	return v;
}

static void wr16(u8 *p, u16 v)
{
	memcpy(p, &v, 2);
}

static void wr32(u8 *p, u32 v)
{
	memcpy(p, &v, 4);
}

static void wr64(u8 *p, u64 v)
{
	memcpy(p, &v, 8);
}

/* ---- a synthetic bzImage ------------------------------------------- */

#define SETUP_SECTS 4
#define SETUP_SIZE ((SETUP_SECTS + 1) * 512)
#define KERNEL_SIZE (64 * 1024)
#define SIG_SIZE 256 /* trailing bytes after syssize*16 (a signature) */
#define IMG_SIZE (SETUP_SIZE + KERNEL_SIZE + SIG_SIZE)

static u8 img[IMG_SIZE];

/* Protocol 2.15, 64-bit, relocatable, 8 MiB init_size at 16 MiB. */
static void make_image(void)
{
	memset(img, 0, sizeof(img));
	/* Stray bytes the loader must not take for header fields. */
	memset(img, 0x5C, 0x1F1);
	memset(img + 0x26C, 0xEE, SETUP_SIZE - 0x26C);
	img[0x1F1] = SETUP_SECTS;
	wr32(img + 0x1F4, KERNEL_SIZE / 16);
	wr16(img + 0x1FA, 0xFFFF); /* vid_mode: kept as the image says */
	wr16(img + 0x1FE, 0xAA55);
	img[0x200] = 0xEB;
	img[0x201] = 0x6A; /* header ends at 0x26C */
	memcpy(img + 0x202, "HdrS", 4);
	wr16(img + 0x206, 0x020F);
	img[0x211] = 0x01; /* LOADED_HIGH */
	wr32(img + 0x214, 0x100000);
	wr32(img + 0x22C, 0x7FFFFFFF);
	wr32(img + 0x230, 0x200000);
	img[0x234] = 1;
	img[0x235] = 21;
	wr16(img + 0x236, 0x7F);
	wr32(img + 0x238, 2047);
	wr64(img + 0x258, 0x1000000);
	wr32(img + 0x260, 8 * MIB);
	for (unsigned int i = 0; i < KERNEL_SIZE; i++)
		img[SETUP_SIZE + i] = (u8)(i * 7 + 3);
	memset(img + SETUP_SIZE + KERNEL_SIZE, 0x5A, SIG_SIZE);
}

static int load(u64 ram_size, const void *initrd, size_t isize,
		const char *cmdline, struct linux_entry *e)
{
	new_vm(ram_size);
	memset(e, 0, sizeof(*e));
	err[0] = 0;
	return linux_load(&fake_vm, img, sizeof(img), initrd, isize, cmdline,
			  0xE0000, e, err, sizeof(err));
}

/* Walk the loader's page tables like the MMU (4-level, 2M/1G pages);
 * returns the physical address or -1 if not present. */
static s64 walk(u64 cr3, u64 va)
{
	u64 table = cr3 & ~0xFFFull;
	static const int shifts[] = { 39, 30, 21, 12 };

	for (int lvl = 0; lvl < 4; lvl++) {
		u64 idx = (va >> shifts[lvl]) & 511;
		u64 ent;

		if (table + idx * 8 + 8 > fake_vm.ram_size)
			return -1;
		ent = rd64(ram + table + idx * 8);
		if (!(ent & 1))
			return -1;
		if ((lvl == 1 || lvl == 2) && (ent & 0x80)) {
			u64 mask = (1ull << shifts[lvl]) - 1;

			return (ent & 0x000FFFFFFFFFF000ull & ~mask) |
			       (va & mask);
		}
		table = ent & 0x000FFFFFFFFFF000ull;
	}
	return table | (va & 0xFFF);
}

/* ---- accepted images ------------------------------------------------ */

UNIT_TEST(places_kernel_and_fills_zero_page)
{
	static u8 initrd[3 * 4096 + 100];
	struct linux_entry e;
	u8 *bp;

	make_image();
	memset(initrd, 0x1D, sizeof(initrd));
	CHECK_EQ(load(64 * MIB, initrd, sizeof(initrd), "console=ttyS0 quiet",
		      &e),
		 0);
	if (err[0])
		fprintf(stderr, "  err: %s\n", err);
	bp = ram + BP;

	/* The protected-mode kernel, without the trailing signature. */
	CHECK_EQ(e.kernel_gpa, 0x1000000);
	CHECK_EQ(e.kernel_end, 0x1000000 + 8 * MIB);
	CHECK(!memcmp(ram + 0x1000000, img + SETUP_SIZE, KERNEL_SIZE));
	CHECK_EQ(ram[0x1000000 + KERNEL_SIZE], POISON);
	CHECK_EQ(ram[0x1000000 - 1], POISON);
	CHECK_EQ(e.rip, 0x1000200);
	CHECK_EQ(e.rsi, BP);
	CHECK_EQ(e.image.protocol, 0x020F);
	CHECK_EQ(e.image.setup_size, SETUP_SIZE);
	CHECK_EQ(e.image.kernel_size, KERNEL_SIZE);

	/* Setup header: 0x1F1 up to 0x202 + byte 0x201, then our fields. */
	CHECK_EQ(bp[0x1F1], SETUP_SECTS);
	CHECK_EQ(rd32(bp + 0x1F4), KERNEL_SIZE / 16);
	CHECK_EQ(rd16(bp + 0x1FA), 0xFFFF);
	CHECK_EQ(rd16(bp + 0x1FE), 0xAA55);
	CHECK(!memcmp(bp + 0x202, "HdrS", 4));
	CHECK_EQ(rd16(bp + 0x206), 0x020F);
	CHECK_EQ(rd64(bp + 0x258), 0x1000000);
	CHECK_EQ(rd32(bp + 0x260), 8 * MIB);
	CHECK_EQ(bp[0x210], 0xFF); /* type_of_loader: undefined */
	CHECK_EQ(bp[0x211], 0x81); /* LOADED_HIGH kept, CAN_USE_HEAP */
	CHECK_EQ(rd32(bp + 0x228), LINUX_CMDLINE_GPA);
	CHECK_EQ(rd32(bp + 0xC8), 0);
	CHECK_STR((char *)ram + LINUX_CMDLINE_GPA, "console=ttyS0 quiet");
	CHECK(!e.cmdline_truncated);
	/* Nothing before the header or after its end came from the image;
	 * the sentinel is 0. */
	for (unsigned int i = 0; i < 0x1F1; i++)
		if ((i < 0x70 || i >= 0x78) && i != 0x1E8 && bp[i]) {
			CHECK_EQ(i, -1);
			break;
		}
	CHECK_EQ(bp[0x1EF], 0);
	for (unsigned int i = 0x26C; i < 0x2D0; i++)
		if (bp[i]) {
			CHECK_EQ(i, -1);
			break;
		}

	/* Initrd: page-aligned, as high as it goes (end of RAM here). */
	CHECK_EQ(e.initrd_size, sizeof(initrd));
	CHECK_EQ(e.initrd_gpa % 4096, 0);
	CHECK(e.initrd_gpa + sizeof(initrd) <= 64 * MIB);
	CHECK(e.initrd_gpa + sizeof(initrd) + 4096 > 64 * MIB);
	CHECK(e.initrd_gpa >= e.kernel_end);
	CHECK_EQ(rd32(bp + 0x218), e.initrd_gpa);
	CHECK_EQ(rd32(bp + 0x21C), sizeof(initrd));
	CHECK_EQ(rd32(bp + 0xC0), 0);
	CHECK_EQ(rd32(bp + 0xC4), 0);
	CHECK(!memcmp(ram + e.initrd_gpa, initrd, sizeof(initrd)));

	/* ACPI RSDP (2.14+). */
	CHECK_EQ(rd64(bp + 0x70), 0xE0000);

	/* BIOS data area: EBDA segment and base memory. */
	CHECK_EQ(rd16(ram + 0x40E), 0x9FC0);
	CHECK_EQ(rd16(ram + 0x413), 639);
}

UNIT_TEST(e820_map)
{
	static const struct {
		u64 addr, size;
		u32 type;
	} want[] = {
		{ 0, 0x9FC00, 1 },	   { 0x9FC00, 0x400, 2 },
		{ 0xE0000, 0x20000, 2 },   { 0x100000, 96 * MIB - 0x100000, 1 },
		{ 0xFEC00000, 0x1000, 2 }, { 0xFEE00000, 0x1000, 2 },
	};
	struct linux_entry e;
	const u8 *t;

	make_image();
	CHECK_EQ(load(96 * MIB, NULL, 0, NULL, &e), 0);
	CHECK_EQ(ram[BP + 0x1E8], 6);
	t = ram + BP + 0x2D0;
	for (unsigned int i = 0; i < 6; i++, t += 20) {
		CHECK_EQ(rd64(t), want[i].addr);
		CHECK_EQ(rd64(t + 8), want[i].size);
		CHECK_EQ(rd32(t + 16), want[i].type);
	}
	CHECK_EQ(rd64(t), 0); /* no seventh entry */
	/* Everything the loader built lies in e820 RAM below the EBDA. */
	CHECK(LINUX_PT_END <= 0x9FC00 &&
	      LINUX_CMDLINE_GPA + LINUX_CMDLINE_MAX <= 0x9FC00);
	/* No initrd: zero fields; NULL command line: empty string. */
	CHECK_EQ(e.initrd_gpa, 0);
	CHECK_EQ(rd32(ram + BP + 0x218), 0);
	CHECK_EQ(rd32(ram + BP + 0x21C), 0);
	CHECK_EQ(ram[LINUX_CMDLINE_GPA], 0);
}

UNIT_TEST(setup_sects_zero_means_four)
{
	struct linux_entry e;

	make_image();
	img[0x1F1] = 0;
	CHECK_EQ(load(64 * MIB, NULL, 0, "", &e), 0);
	CHECK_EQ(e.image.setup_size, 5 * 512);
	CHECK(!memcmp(ram + 0x1000000, img + 5 * 512, KERNEL_SIZE));
}

UNIT_TEST(load_address_alignment)
{
	struct linux_entry e;

	make_image();
	wr64(img + 0x258, 0x1100000); /* not 2 MiB aligned */
	CHECK_EQ(load(64 * MIB, NULL, 0, "", &e), 0);
	CHECK_EQ(e.kernel_gpa, 0x1200000);
	CHECK_EQ(e.rip, 0x1200200);
	CHECK(!memcmp(ram + 0x1200000, img + SETUP_SIZE, KERNEL_SIZE));

	/* A fixed kernel goes exactly where it asks. */
	img[0x234] = 0;
	CHECK_EQ(load(64 * MIB, NULL, 0, "", &e), 0);
	CHECK_EQ(e.kernel_gpa, 0x1100000);
	CHECK_EQ(e.rip, 0x1100200);
}

UNIT_TEST(initrd_limits)
{
	size_t sz = 5 * MIB + 1;
	u8 *rd = calloc(1, 40 * MIB);
	struct linux_entry e;

	make_image();
	/* initrd_addr_max below the end of RAM: the initrd's last byte is
	 * at most initrd_addr_max. */
	wr32(img + 0x22C, 0x1FFFFFF); /* 32 MiB - 1 */
	CHECK_EQ(load(64 * MIB, rd, sz, "", &e), 0);
	CHECK(e.initrd_gpa + sz <= 32 * MIB);
	CHECK(e.initrd_gpa + sz + 4096 > 32 * MIB);
	CHECK_EQ(e.initrd_gpa % 4096, 0);

	/* It may end right at the kernel's end, never overlap it: 64 MiB
	 * RAM, kernel [16, 24) MiB, so 40 MiB fit and one page more not. */
	wr32(img + 0x22C, 0x7FFFFFFF);
	CHECK_EQ(load(64 * MIB, rd, 40 * MIB, "", &e), 0);
	CHECK_EQ(e.initrd_gpa, 24 * MIB);
	CHECK_EQ(load(64 * MIB, rd, 40 * MIB + 1, "", &e), -1);
	CHECK(!strncmp(err, "initrd too large", 16));
	CHECK(untouched());
	/* The limit from initrd_addr_max can push it under the kernel. */
	wr32(img + 0x22C, 0x1FFFFFF);
	CHECK_EQ(load(64 * MIB, rd, 9 * MIB, "", &e), -1);
	CHECK(!strncmp(err, "initrd too large", 16));
	free(rd);
}

UNIT_TEST(cmdline_truncation)
{
	struct linux_entry e;

	make_image();
	wr32(img + 0x238, 16); /* cmdline_size: 16 bytes + NUL */
	CHECK_EQ(load(64 * MIB, NULL, 0, "0123456789abcdef", &e), 0);
	CHECK(!e.cmdline_truncated);
	CHECK_STR((char *)ram + LINUX_CMDLINE_GPA, "0123456789abcdef");
	CHECK_EQ(load(64 * MIB, NULL, 0, "0123456789abcdefXYZ", &e), 0);
	CHECK(e.cmdline_truncated);
	CHECK_STR((char *)ram + LINUX_CMDLINE_GPA, "0123456789abcdef");
}

UNIT_TEST(rsdp_only_from_protocol_2_14)
{
	struct linux_entry e;

	make_image();
	wr16(img + 0x206, 0x020D);
	CHECK_EQ(load(64 * MIB, NULL, 0, "", &e), 0);
	CHECK_EQ(rd64(ram + BP + 0x70), 0);
	wr16(img + 0x206, 0x020E);
	CHECK_EQ(load(64 * MIB, NULL, 0, "", &e), 0);
	CHECK_EQ(rd64(ram + BP + 0x70), 0xE0000);
}

/* ---- rejections: the reason, and not a byte of RAM written ---------- */

enum mut {
	M_SHORT,
	M_BOOTFLAG,
	M_MAGIC,
	M_OLD,
	M_NO64,
	M_SHORTHDR,
	M_NOSYS,
	M_TRUNC,
	M_ALIGN,
	M_LOW,
	M_BIG,
	M_FIXED_BIG,
	M_SMALL_RAM,
};

static const struct {
	enum mut m;
	u64 ram;
	const char *msg;
} rejects[] = {
	{ M_SHORT, 64 * MIB, "not a bzImage: only 512 bytes" },
	{ M_BOOTFLAG, 64 * MIB,
	  "not a bzImage: no 0x55AA boot signature at 0x1FE" },
	{ M_MAGIC, 64 * MIB, "not a bzImage: no HdrS signature" },
	{ M_OLD, 64 * MIB, "boot protocol 2.02 too old (need 2.12)" },
	{ M_NO64, 64 * MIB, "kernel has no 64-bit entry (XLF_KERNEL_64)" },
	{ M_SHORTHDR, 64 * MIB,
	  "setup header ends at 0x242, before init_size" },
	{ M_NOSYS, 64 * MIB, "no protected-mode kernel (syssize 0)" },
	{ M_TRUNC, 64 * MIB,
	  "truncated: setup (2560 bytes) and kernel (65808 bytes) need "
	  "68368 bytes, the file has 68352" },
	{ M_ALIGN, 64 * MIB,
	  "kernel_alignment 0x300000 is not a power of two" },
	{ M_LOW, 64 * MIB, "kernel wants to load at 0x80000, below 1 MiB" },
	{ M_BIG, 64 * MIB,
	  "kernel needs 76 MiB of RAM (60 MiB at 0x1000000) but the VM has "
	  "64 MiB" },
	{ M_FIXED_BIG, 64 * MIB,
	  "kernel needs 71 MiB of RAM (8 MiB at 0x3f00000) but the VM has "
	  "64 MiB" },
	{ M_SMALL_RAM, 16 * MIB,
	  "kernel needs 24 MiB of RAM (8 MiB at 0x1000000) but the VM has "
	  "16 MiB" },
};

UNIT_TEST(reject_table)
{
	for (unsigned int i = 0; i < sizeof(rejects) / sizeof(rejects[0]);
	     i++) {
		struct linux_entry e;
		size_t size = sizeof(img);

		make_image();
		switch (rejects[i].m) {
		case M_SHORT: size = 512; break;
		case M_BOOTFLAG: wr16(img + 0x1FE, 0); break;
		case M_MAGIC: img[0x205] = 'Z'; break;
		case M_OLD: wr16(img + 0x206, 0x0202); break;
		case M_NO64: wr16(img + 0x236, 0x7E); break;
		case M_SHORTHDR: img[0x201] = 0x40; break;
		case M_NOSYS: wr32(img + 0x1F4, 0); break;
		case M_TRUNC:
			wr32(img + 0x1F4, (KERNEL_SIZE + SIG_SIZE) / 16 + 1);
			break;
		case M_ALIGN: wr32(img + 0x230, 0x300000); break;
		case M_LOW:
			img[0x234] = 0;
			wr64(img + 0x258, 0x80000);
			break;
		case M_BIG: wr32(img + 0x260, 60 * MIB); break;
		case M_FIXED_BIG:
			img[0x234] = 0;
			wr64(img + 0x258, 0x3F00000);
			break;
		case M_SMALL_RAM: break;
		}
		new_vm(rejects[i].ram);
		err[0] = 0;
		CHECK_EQ(linux_load(&fake_vm, img, size, NULL, 0, "x", 0, &e,
				    err, sizeof(err)),
			 -1);
		if (strcmp(err, rejects[i].msg))
			fprintf(stderr, "  case %u: got '%s'\n", i, err);
		CHECK_STR(err, rejects[i].msg);
		CHECK(untouched());
	}
}

/* ---- the 64-bit entry state ----------------------------------------- */

UNIT_TEST(identity_page_tables)
{
	static const u64 vas[] = { 0,	       0x7000,	   0x20000,
				   0x1000200,  0x3FFFFFF,  0x40000000,
				   0xBFFFFFFF, 0xFEE00000, 0xFFFFFFFF };
	struct linux_entry e;

	make_image();
	CHECK_EQ(load(64 * MIB, NULL, 0, "", &e), 0);
	CHECK_EQ(e.cr3, LINUX_PT_GPA);
	for (unsigned int i = 0; i < sizeof(vas) / sizeof(vas[0]); i++)
		CHECK_EQ(walk(e.cr3, vas[i]), vas[i]);
	/* Nothing at or above 4 GiB. */
	CHECK_EQ(walk(e.cr3, 1ull << 32), -1);
	CHECK_EQ(walk(e.cr3, 0x7FFFFFFFF000ull), -1);
	/* Writable; the MMIO GiB uncached, RAM cached. */
	CHECK(rd64(ram + LINUX_PT_GPA + 2 * 4096) & 2);
	CHECK_EQ(rd64(ram + LINUX_PT_GPA + 2 * 4096) & 0x18, 0);
	CHECK_EQ(rd64(ram + LINUX_PT_GPA + 5 * 4096 + 503 * 8) & 0x18, 0x18);
	/* The tables stay clear of the zero page, cmdline and kernel. */
	CHECK(LINUX_PT_GPA >= BP + 4096);
	CHECK(LINUX_PT_END <= LINUX_CMDLINE_GPA);
}

/* The access-rights form (vcpu_seg.attr) of a GDT descriptor. */
static u16 desc_attr(u64 d)
{
	return (d >> 40) & 0xF0FF;
}

UNIT_TEST(gdt_and_sregs)
{
	struct linux_entry e;
	struct vcpu_sregs s;
	const u8 *gdt;
	u64 tss_lo, tss_hi;

	make_image();
	CHECK_EQ(load(64 * MIB, NULL, 0, "", &e), 0);
	gdt = ram + LINUX_GDT_GPA;
	CHECK_EQ(e.gdt.base, LINUX_GDT_GPA);
	CHECK_EQ(e.gdt.limit, 6 * 8 - 1);
	CHECK_EQ(rd64(gdt), 0);
	/* __BOOT_CS: present 64-bit code, D=0; __BOOT_DS: flat data. */
	CHECK_EQ(desc_attr(rd64(gdt + 0x10)), e.cs.attr);
	CHECK_EQ(desc_attr(rd64(gdt + 0x18)), e.ds.attr);
	CHECK(e.cs.attr & SEG_ATTR_L);
	CHECK(!(e.cs.attr & SEG_ATTR_DB));
	CHECK_EQ(SEG_ATTR_TYPE(e.cs.attr), 0xB);
	CHECK_EQ(SEG_ATTR_TYPE(e.ds.attr), 0x3);
	CHECK_EQ(SEG_ATTR_DPL(e.cs.attr), 0);
	/* The TSS descriptor points at the TSS TR names. */
	tss_lo = rd64(gdt + 0x20);
	tss_hi = rd64(gdt + 0x28);
	CHECK_EQ(((tss_lo >> 16) & 0xFFFFFF) | ((tss_lo >> 56) << 24) |
			 (tss_hi << 32),
		 LINUX_TSS_GPA);
	CHECK_EQ(tss_lo & 0xFFFF, 0x67);
	CHECK_EQ(desc_attr(tss_lo), e.tr.attr);

	linux_entry_sregs(&e, &s);
	CHECK_EQ(s.cr0 & 0x80000001ull, 0x80000001ull); /* PG, PE */
	CHECK(s.cr0 & 0x20); /* NE: VMX demands it */
	CHECK_EQ(s.cr4 & 0x20, 0x20); /* PAE */
	CHECK_EQ(s.efer & 0x500, 0x500); /* LME, LMA */
	CHECK_EQ(s.cr3, LINUX_PT_GPA);
	CHECK_EQ(s.cs.sel, 0x10);
	CHECK(!s.cs.unusable);
	CHECK_EQ(s.cs.limit, 0xFFFFFFFF);
	CHECK_EQ(s.ds.sel, 0x18);
	CHECK_EQ(s.es.sel, 0x18);
	CHECK_EQ(s.ss.sel, 0x18);
	CHECK_EQ(s.fs.sel, 0x18);
	CHECK_EQ(s.gs.sel, 0x18);
	CHECK(s.ss.attr & SEG_ATTR_P);
	/* TR: busy 64-bit TSS, present, system segment; LDTR unusable. */
	CHECK_EQ(SEG_ATTR_TYPE(s.tr.attr), 11);
	CHECK(s.tr.attr & SEG_ATTR_P);
	CHECK(!(s.tr.attr & SEG_ATTR_S));
	CHECK(!s.tr.unusable);
	CHECK_EQ(s.tr.sel, 0x20);
	CHECK(s.ldtr.unusable);
	CHECK_EQ(SEG_ATTR_TYPE(s.ldtr.attr), 2);
	CHECK_EQ(s.gdtr.base, LINUX_GDT_GPA);
	CHECK_EQ(s.gdtr.limit, 47);
	CHECK_EQ(e.rflags & 0x200, 0); /* interrupts off */
}

/* ---- a real Debian kernel ------------------------------------------- */

static u8 *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	u8 *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n);
	if (buf && fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = n;
	return buf;
}

UNIT_TEST(real_debian_kernel)
{
	const char *path = getenv("PV_TEST_VMLINUZ");
	static u8 initrd[2 * MIB];
	struct linux_entry e;
	glob_t g = { 0 };
	size_t size;
	u8 *k;

	if (!path && !glob("/tmp/pv-linux/boot/vmlinuz-*", 0, NULL, &g) &&
	    g.gl_pathc)
		path = g.gl_pathv[0];
	k = path ? read_file(path, &size) : NULL;
	if (!k) {
		printf("# skip: no vmlinuz\n");
		globfree(&g);
		return;
	}
	printf("# real kernel: %s\n", path);
	memset(initrd, 0x42, sizeof(initrd));
	new_vm(256 * MIB);
	CHECK_EQ(linux_load(&fake_vm, k, size, initrd, sizeof(initrd),
			    "console=ttyS0", 0xE0000, &e, err, sizeof(err)),
		 0);
	if (err[0])
		fprintf(stderr, "  err: %s\n", err);
	CHECK(e.image.protocol >= 0x020F);
	CHECK(e.image.xloadflags & 1);
	CHECK(e.image.relocatable);
	CHECK(e.image.kernel_size <= size - e.image.setup_size);
	CHECK_EQ(e.kernel_gpa, e.image.pref_address);
	CHECK_EQ(e.rip, e.kernel_gpa + 0x200);
	CHECK(!memcmp(ram + e.kernel_gpa, k + e.image.setup_size,
		      e.image.kernel_size));
	/* startup_64 begins with cld; cli. */
	CHECK_EQ(ram[e.rip], 0xFC);
	CHECK_EQ(ram[e.rip + 1], 0xFA);
	CHECK(e.initrd_gpa >= e.kernel_gpa + e.image.init_size);
	CHECK(e.initrd_gpa + sizeof(initrd) <= 256 * MIB);
	CHECK_EQ(rd16(ram + BP + 0x206), e.image.protocol);
	CHECK(!memcmp(ram + BP + 0x202, "HdrS", 4));
	CHECK_EQ(rd32(ram + BP + 0x218), e.initrd_gpa);
	CHECK_STR((char *)ram + LINUX_CMDLINE_GPA, "console=ttyS0");
	CHECK_EQ(walk(e.cr3, e.rip), e.rip);
	printf("# protocol %u.%02u, pref %#llx, init_size %u MiB, "
	       "kernel %u bytes\n",
	       e.image.protocol >> 8, e.image.protocol & 0xFF,
	       (unsigned long long)e.image.pref_address,
	       e.image.init_size >> 20, e.image.kernel_size);
	free(k);
	globfree(&g);
}

UNIT_MAIN()

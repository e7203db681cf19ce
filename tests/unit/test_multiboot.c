// SPDX-License-Identifier: GPL-2.0
/*
 * Multiboot1 and flat loaders (virt/loader/) on a fake VM whose RAM is a
 * host buffer: ELF32/ELF64 segments and BSS, entry translation, the
 * information block, modules, a.out kludge, and the reject cases.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pv/loader.h>
#include <pv/vm.h>
#include "fake_ram.h"
#include "unit.h"

#define RAM_SIZE (8u << 20)

static u32 rd32(u64 gpa)
{
	u32 v;

	memcpy(&v, ram + gpa, 4);
	return v;
}

static u64 rd64(u64 gpa)
{
	u64 v;

	memcpy(&v, ram + gpa, 8);
	return v;
}

static bool all(u64 gpa, u64 len, u8 val)
{
	for (u64 i = 0; i < len; i++)
		if (ram[gpa + i] != val)
			return false;
	return true;
}

/* ---- image builders ---------------------------------------------- */

struct tseg {
	u64 vaddr, paddr;
	u32 filesz, memsz;
};

#define SEG_DATA 0x1000 /* file offset of segment i: SEG_DATA + i * 0x800 */
#define HDR_OFF 0x200

static u8 img[0x4000];

static void put_mb_header(u32 flags)
{
	u32 h[3] = { 0x1BADB002, flags, -(0x1BADB002 + flags) };

	memcpy(img + HDR_OFF, h, sizeof(h));
}

static size_t mk_elf(int cls, const struct tseg *segs, int n, u64 entry)
{
	memset(img, 0, sizeof(img));
	memcpy(img, "\177ELF", 4);
	img[4] = cls == 64 ? 2 : 1;
	img[5] = 1;
	img[6] = 1;
	if (cls == 32) {
		u16 hdr16[] = { 2, 3 }; /* ET_EXEC, EM_386 */
		u32 e = entry, phoff = 52;
		u16 phent = 32, phnum = n;

		memcpy(img + 16, hdr16, 4);
		memcpy(img + 24, &e, 4);
		memcpy(img + 28, &phoff, 4);
		memcpy(img + 42, &phent, 2);
		memcpy(img + 44, &phnum, 2);
		for (int i = 0; i < n; i++) {
			u32 ph[8] = { 1,
				      SEG_DATA + i * 0x800,
				      segs[i].vaddr,
				      segs[i].paddr,
				      segs[i].filesz,
				      segs[i].memsz,
				      7,
				      0x1000 };
			memcpy(img + 52 + i * 32, ph, 32);
		}
	} else {
		u16 hdr16[] = { 2, 62 }; /* ET_EXEC, EM_X86_64 */
		u64 phoff = 64;
		u16 phent = 56, phnum = n;

		memcpy(img + 16, hdr16, 4);
		memcpy(img + 24, &entry, 8);
		memcpy(img + 32, &phoff, 8);
		memcpy(img + 54, &phent, 2);
		memcpy(img + 56, &phnum, 2);
		for (int i = 0; i < n; i++) {
			u32 tf[2] = { 1, 7 };
			u64 ph[6] = { SEG_DATA + i * 0x800, segs[i].vaddr,
				      segs[i].paddr,	    segs[i].filesz,
				      segs[i].memsz,	    0x1000 };

			memcpy(img + 64 + i * 56, tf, 8);
			memcpy(img + 64 + i * 56 + 8, ph, 48);
		}
	}
	for (int i = 0; i < n; i++)
		memset(img + SEG_DATA + i * 0x800, 0x11 * (i + 1), 0x800);
	put_mb_header(3);
	return SEG_DATA + n * 0x800;
}

static char err[160];
static struct boot_state bs;

static int load(size_t size, const char *cmdline,
		const struct loader_module *mods, unsigned int nr)
{
	err[0] = 0;
	return mb1_load(new_vm(RAM_SIZE), img, size, cmdline, mods, nr, &bs,
			err, sizeof(err));
}

/* ---- accepted images ---------------------------------------------- */

static const struct tseg two_segs[] = {
	{ 0x100000, 0x100000, 0x300, 0x300 },
	{ 0x200000, 0x200000, 0x80, 0x3000 }, /* 0x2f80 bytes of BSS */
};

static void check_segments(void)
{
	CHECK(all(0x100000, 0x300, 0x11));
	CHECK_EQ(ram[0x100300], POISON); /* nothing past filesz = memsz */
	CHECK(all(0x200000, 0x80, 0x22));
	CHECK(all(0x200080, 0x3000 - 0x80, 0)); /* BSS zeroed */
	CHECK_EQ(ram[0x203000], POISON);
	CHECK_EQ(ram[0xFFFFF], POISON);
}

static void check_info(const char *cmdline)
{
	u32 mbi = bs.ebx, mmap, len;

	CHECK_EQ(bs.eax, 0x2BADB002);
	CHECK_EQ(mbi, MB1_INFO_GPA);
	/* mem, cmdline, mods, mmap, loader name */
	CHECK_EQ(rd32(mbi) & 0x24d, 0x24d);
	CHECK_EQ(rd32(mbi + 4), 640);
	CHECK_EQ(rd32(mbi + 8), (RAM_SIZE - 0x100000) / 1024);
	CHECK_STR((char *)ram + rd32(mbi + 16), cmdline);
	CHECK_STR((char *)ram + rd32(mbi + 64), "PureVisor");
	len = rd32(mbi + 44);
	mmap = rd32(mbi + 48);
	CHECK_EQ(len, 48);
	CHECK_EQ(rd32(mmap), 20);
	CHECK_EQ(rd64(mmap + 4), 0);
	CHECK_EQ(rd64(mmap + 12), 0xA0000);
	CHECK_EQ(rd32(mmap + 20), 1);
	CHECK_EQ(rd32(mmap + 24), 20);
	CHECK_EQ(rd64(mmap + 28), 0x100000);
	CHECK_EQ(rd64(mmap + 36), RAM_SIZE - 0x100000);
	CHECK_EQ(rd32(mmap + 44), 1);
	/* Everything the loader wrote for the info block is inside it. */
	CHECK(mmap >= MB1_INFO_GPA && mmap + len <= MB1_INFO_END);
}

UNIT_TEST(elf32_segments_bss_info)
{
	size_t n = mk_elf(32, two_segs, 2, 0x100010);

	CHECK_EQ(load(n, "guest a=1", NULL, 0), 0);
	CHECK_STR(err, "");
	CHECK_EQ(bs.entry, 0x100010);
	check_segments();
	check_info("guest a=1");
	CHECK_EQ(rd32(bs.ebx + 20), 0); /* no modules */
}

UNIT_TEST(elf64_entry_translated_to_physical)
{
	static const struct tseg s[] = {
		{ 0xFFFFFFFF80100000ull, 0x100000, 0x300, 0x300 },
		{ 0xFFFFFFFF80200000ull, 0x200000, 0x80, 0x3000 },
	};
	size_t n = mk_elf(64, s, 2, 0xFFFFFFFF80100040ull);

	CHECK_EQ(load(n, "", NULL, 0), 0);
	CHECK_STR(err, "");
	CHECK_EQ(bs.entry, 0x100040);
	check_segments();
	check_info("");
}

UNIT_TEST(modules_after_kernel_page_aligned)
{
	static const u8 m0[5] = { 1, 2, 3, 4, 5 };
	static u8 m1[0x1800];
	struct loader_module mods[2] = { { m0, sizeof(m0), "first x=y" },
					 { m1, sizeof(m1), "second" } };
	size_t n = mk_elf(32, two_segs, 2, 0x100000);
	u32 list, s0, e0, s1, e1;

	memset(m1, 0x5A, sizeof(m1));
	CHECK_EQ(load(n, "c", mods, 2), 0);
	CHECK_STR(err, "");
	CHECK_EQ(rd32(bs.ebx + 20), 2);
	list = rd32(bs.ebx + 24);
	s0 = rd32(list);
	e0 = rd32(list + 4);
	s1 = rd32(list + 16);
	e1 = rd32(list + 20);
	CHECK_EQ(s0, 0x203000); /* first page after the BSS */
	CHECK_EQ(e0, s0 + 5);
	CHECK_EQ(s1, 0x204000);
	CHECK_EQ(e1, s1 + sizeof(m1));
	CHECK(!memcmp(ram + s0, m0, 5));
	CHECK(all(s1, sizeof(m1), 0x5A));
	CHECK_STR((char *)ram + rd32(list + 8), "first x=y");
	CHECK_STR((char *)ram + rd32(list + 24), "second");
	CHECK(all(0x200080, 0x3000 - 0x80, 0)); /* BSS before the module */
}

UNIT_TEST(aout_kludge)
{
	/* Header at file offset 0x200, loaded with the file at 0x100000. */
	u32 h[8] = { 0x1BADB002, 0x10003,  0,	     0x100200,
		     0x100000,	 0x101000, 0x104000, 0x100400 };

	memset(img, 0x77, sizeof(img));
	h[2] = -(h[0] + h[1]);
	memcpy(img + HDR_OFF, h, sizeof(h));
	CHECK_EQ(load(0x2000, "", NULL, 0), 0);
	CHECK_STR(err, "");
	CHECK_EQ(bs.entry, 0x100400);
	CHECK(all(0x100000, 0x200, 0x77));
	CHECK(!memcmp(ram + 0x100200, h, sizeof(h)));
	CHECK(all(0x101000, 0x3000, 0)); /* to bss_end_addr */
	CHECK_EQ(ram[0x104000], POISON);
}

UNIT_TEST(flat_binary)
{
	static const u8 code[16] = { 0xf4, 0xeb, 0xfd };
	struct vm *vm = new_vm(RAM_SIZE);

	CHECK_EQ(flat_load(vm, code, sizeof(code), 0x7c00, 0x7c01, &bs, err,
			   sizeof(err)),
		 0);
	CHECK_EQ(bs.entry, 0x7c01);
	CHECK_EQ(ram[0x7c00], 0xf4);
	CHECK_EQ(ram[0x7c10], POISON);
	CHECK_EQ(flat_load(vm, code, sizeof(code), RAM_SIZE - 8, RAM_SIZE - 8,
			   &bs, err, sizeof(err)),
		 -1);
	CHECK(strstr(err, "outside guest RAM"));
	CHECK_EQ(flat_load(vm, code, sizeof(code), 0x7c00, 0x7c10, &bs, err,
			   sizeof(err)),
		 -1);
	CHECK(strstr(err, "entry 0x7c10 outside the image"));
}

/* ---- rejected images ---------------------------------------------- */

struct reject {
	const char *what;
	void (*mutate)(size_t *n);
	const char *msg;
};

static void no_header(size_t *n)
{
	memset(img + HDR_OFF, 0, 12);
}

static void bad_checksum(size_t *n)
{
	img[HDR_OFF + 8] ^= 1;
}

static void video_flag_unknown(size_t *n)
{
	put_mb_header(0x8003);
}

static void seg_beyond_ram(size_t *n)
{
	u32 pa = RAM_SIZE - 0x100;

	memcpy(img + 52 + 32 + 12, &pa, 4); /* segment 1 paddr */
}

static void seg_wraps(size_t *n)
{
	u32 pa = 0xFFFFF000;

	memcpy(img + 52 + 32 + 12, &pa, 4);
}

static void filesz_gt_memsz(size_t *n)
{
	u32 fs = 0x4000;

	memcpy(img + 52 + 32 + 16, &fs, 4);
}

static void file_bytes_missing(size_t *n)
{
	*n = SEG_DATA + 0x800 + 0x40; /* segment 1 truncated */
}

static void hits_info_block(size_t *n)
{
	u32 pa = 0x8000;

	memcpy(img + 52 + 32 + 12, &pa, 4);
}

static void wrong_machine(size_t *n)
{
	img[18] = 62;
}

static void phdrs_truncated(size_t *n)
{
	u16 phnum = 0x4000;

	memcpy(img + 44, &phnum, 2);
}

static void entry_nowhere(size_t *n)
{
	u32 e = 0x500000;

	memcpy(img + 24, &e, 4);
}

static const struct reject rejects[] = {
	{ "no header", no_header,
	  "no Multiboot1 header in the first 8192 bytes" },
	{ "bad checksum", bad_checksum,
	  "no Multiboot1 header in the first 8192 bytes" },
	{ "unknown required flag", video_flag_unknown,
	  "Multiboot header asks for unsupported features (flags 0x8003)" },
	{ "beyond RAM", seg_beyond_ram,
	  "segment 1 [0x7fff00-0x802f00) outside guest RAM (8 MiB)" },
	{ "wraps 4G", seg_wraps,
	  "segment 1 [0xfffff000-0x100002000) outside guest RAM (8 MiB)" },
	{ "filesz > memsz", filesz_gt_memsz,
	  "segment 1: file size 0x4000 > memory size 0x3000" },
	{ "file truncated", file_bytes_missing,
	  "segment 1: file bytes [0x1800+0x80] beyond the image (6208 "
	  "bytes)" },
	{ "info block", hits_info_block,
	  "segment 1 [0x8000-0xb000) overlaps the boot information block "
	  "[0x1000-0x10000)" },
	{ "machine", wrong_machine, "ELF32: not an i386 executable" },
	{ "phdrs", phdrs_truncated, "ELF program headers beyond the image" },
	{ "entry", entry_nowhere, "entry 0x500000 is in no loaded segment" },
};

UNIT_TEST(reject_table)
{
	for (unsigned int i = 0; i < sizeof(rejects) / sizeof(rejects[0]);
	     i++) {
		size_t n = mk_elf(32, two_segs, 2, 0x100000);

		rejects[i].mutate(&n);
		CHECK_EQ(load(n, "", NULL, 0), -1);
		if (strcmp(err, rejects[i].msg))
			fprintf(stderr, "  case '%s': got '%s'\n",
				rejects[i].what, err);
		CHECK_STR(err, rejects[i].msg);
	}
}

UNIT_TEST(module_that_does_not_fit)
{
	static u8 big[1 << 16];
	struct loader_module m = { big, sizeof(big), "big" };
	static const struct tseg s[] = {
		{ 0x100000, 0x100000, 0x100, RAM_SIZE - 0x100000 - 0x1000 },
	};
	size_t n = mk_elf(32, s, 1, 0x100000);

	CHECK_EQ(load(n, "", &m, 1), -1);
	CHECK_STR(err, "module 0 [0x7ff000-0x80f000) outside guest RAM "
		       "(8 MiB)");
}

UNIT_MAIN()

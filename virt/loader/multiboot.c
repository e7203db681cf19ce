// SPDX-License-Identifier: GPL-2.0
/*
 * Multiboot1 guest loader: ELF32/ELF64 kernels (PT_LOAD at p_paddr) or the
 * a.out kludge (header flag 16), modules, and the information block the
 * guest finds through EBX. Every address is checked against guest RAM
 * before a byte is written.
 */
#include <pv/loader.h>
#include <pv/multiboot1.h>
#include <pv/compiler.h>
#include <pv/printf.h>
#include <pv/string.h>
#include <pv/vm.h>
#include "loader.h"

/* Required-feature bits we do not implement make the load fail. */
#define MB1_F_UNKNOWN_REQUIRED 0xFFF8u

#define LOW_MEM_END 0xA0000u /* 640 KiB */
#define HIGH_MEM 0x100000u /* 1 MiB */

/* ELF, the fields we use. */
#define EI_CLASS 4
#define EI_DATA 5
#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define ET_EXEC 2
#define EM_386 3
#define EM_X86_64 62
#define PT_LOAD 1

struct elf32_ehdr {
	u8 ident[16];
	u16 type, machine;
	u32 version, entry, phoff, shoff, flags;
	u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf32_phdr {
	u32 type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

struct elf64_ehdr {
	u8 ident[16];
	u16 type, machine;
	u32 version;
	u64 entry, phoff, shoff;
	u32 flags;
	u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	u32 type, flags;
	u64 offset, vaddr, paddr, filesz, memsz, align;
};

/* One segment in a class-neutral form. */
struct seg {
	u64 offset, vaddr, paddr, filesz, memsz;
};

struct load_ctx {
	struct vm *vm;
	const u8 *image;
	size_t size;
	char *err;
	size_t errsz;
	u64 kernel_end; /* highest byte loaded + 1 */
};

#define fail(c, ...)                                         \
	({                                                   \
		snprintf((c)->err, (c)->errsz, __VA_ARGS__); \
		-1;                                          \
	})

/* A range of guest RAM, without overflow, outside the info block. */
static int check_range(struct load_ctx *c, const char *what, u64 gpa, u64 len)
{
	u64 ram = c->vm->ram_size;

	if (gpa > ram || len > ram - gpa)
		return fail(c, "%s [%#llx-%#llx) outside guest RAM (%llu MiB)",
			    what, (unsigned long long)gpa,
			    (unsigned long long)(gpa + len),
			    (unsigned long long)(ram >> 20));
	if (len && gpa < MB1_INFO_END && gpa + len > MB1_INFO_GPA)
		return fail(c,
			    "%s [%#llx-%#llx) overlaps the boot information "
			    "block [%#x-%#x)",
			    what, (unsigned long long)gpa,
			    (unsigned long long)(gpa + len), MB1_INFO_GPA,
			    MB1_INFO_END);
	return 0;
}

static int load_seg(struct load_ctx *c, unsigned int i, const struct seg *s)
{
	char what[24];

	snprintf(what, sizeof(what), "segment %u", i);
	if (s->filesz > s->memsz)
		return fail(c, "%s: file size %#llx > memory size %#llx", what,
			    (unsigned long long)s->filesz,
			    (unsigned long long)s->memsz);
	if (s->offset > c->size || s->filesz > c->size - s->offset)
		return fail(c,
			    "%s: file bytes [%#llx+%#llx] beyond the "
			    "image (%zu bytes)",
			    what, (unsigned long long)s->offset,
			    (unsigned long long)s->filesz, c->size);
	if (check_range(c, what, s->paddr, s->memsz))
		return -1;
	if (vm_write_phys(c->vm, s->paddr, c->image + s->offset, s->filesz) ||
	    loader_zero(c->vm, s->paddr + s->filesz, s->memsz - s->filesz))
		return fail(c, "%s: write to guest RAM failed", what);
	c->kernel_end = MAX(c->kernel_end, s->paddr + s->memsz);
	return 0;
}

/* Load every PT_LOAD; translate the ELF entry (virtual) to physical. */
static int load_elf(struct load_ctx *c, u64 *entry)
{
	const struct elf32_ehdr *e32 = (const void *)c->image;
	const struct elf64_ehdr *e64 = (const void *)c->image;
	bool is64 = c->image[EI_CLASS] == ELFCLASS64;
	u64 phoff, ventry;
	unsigned int phnum, phentsize, loaded = 0;
	bool entry_found = false;

	if (c->size < sizeof(*e64) ||
	    (c->image[EI_CLASS] != ELFCLASS32 && !is64) ||
	    c->image[EI_DATA] != ELFDATA2LSB)
		return fail(c, "not a little-endian ELF32/ELF64 file");
	if (is64) {
		if (e64->type != ET_EXEC || e64->machine != EM_X86_64)
			return fail(c, "ELF64: not an x86-64 executable");
		phoff = e64->phoff;
		phnum = e64->phnum;
		phentsize = e64->phentsize;
		ventry = e64->entry;
	} else {
		if (e32->type != ET_EXEC || e32->machine != EM_386)
			return fail(c, "ELF32: not an i386 executable");
		phoff = e32->phoff;
		phnum = e32->phnum;
		phentsize = e32->phentsize;
		ventry = e32->entry;
	}
	if (phentsize < (is64 ? sizeof(struct elf64_phdr)
			      : sizeof(struct elf32_phdr)) ||
	    phoff > c->size || (u64)phnum * phentsize > c->size - phoff)
		return fail(c, "ELF program headers beyond the image");

	for (unsigned int i = 0; i < phnum; i++) {
		const u8 *ph = c->image + phoff + (u64)i * phentsize;
		struct seg s;
		u32 type;

		if (is64) {
			struct elf64_phdr p;

			memcpy(&p, ph, sizeof(p));
			type = p.type;
			s = (struct seg){ p.offset, p.vaddr, p.paddr, p.filesz,
					  p.memsz };
		} else {
			struct elf32_phdr p;

			memcpy(&p, ph, sizeof(p));
			type = p.type;
			s = (struct seg){ p.offset, p.vaddr, p.paddr, p.filesz,
					  p.memsz };
		}
		if (type != PT_LOAD || !s.memsz)
			continue;
		if (load_seg(c, i, &s))
			return -1;
		loaded++;
		if (!entry_found && ventry >= s.vaddr &&
		    ventry - s.vaddr < s.memsz) {
			*entry = ventry - s.vaddr + s.paddr;
			entry_found = true;
		}
	}
	if (!loaded)
		return fail(c, "ELF has no loadable segment");
	if (!entry_found)
		return fail(c, "entry %#llx is in no loaded segment",
			    (unsigned long long)ventry);
	return 0;
}

/* Header flag 16: the header's addresses say where the file goes. */
static int load_aout(struct load_ctx *c, const struct mb1_header *h,
		     size_t hdr_off, u64 *entry)
{
	u64 file_off, load_len, mem_len;

	if (h->header_addr < h->load_addr ||
	    h->header_addr - h->load_addr > hdr_off)
		return fail(c, "a.out kludge: header_addr/load_addr "
			       "inconsistent with the header's file offset");
	file_off = hdr_off - (h->header_addr - h->load_addr);
	load_len = h->load_end_addr ? (u64)h->load_end_addr - h->load_addr
				    : c->size - file_off;
	if (h->load_end_addr && h->load_end_addr < h->load_addr)
		return fail(c, "a.out kludge: load_end_addr < load_addr");
	if (load_len > c->size - file_off)
		return fail(c, "a.out kludge: load range beyond the image");
	mem_len = load_len;
	if (h->bss_end_addr) {
		if (h->bss_end_addr < h->load_addr + load_len)
			return fail(c, "a.out kludge: bss_end_addr below the "
				       "loaded image");
		mem_len = (u64)h->bss_end_addr - h->load_addr;
	}
	if (load_seg(c, 0,
		     &(struct seg){ file_off, h->load_addr, h->load_addr,
				    load_len, mem_len }))
		return -1;
	if (h->entry_addr < h->load_addr ||
	    h->entry_addr - h->load_addr >= mem_len)
		return fail(c, "a.out kludge: entry %#x outside the image",
			    h->entry_addr);
	*entry = h->entry_addr;
	return 0;
}

static const struct mb1_header *find_header(const u8 *image, size_t size,
					    size_t *off)
{
	for (size_t o = 0; o + 12 <= MIN(size, (size_t)MB1_HDR_SEARCH);
	     o += 4) {
		const struct mb1_header *h = (const void *)(image + o);

		if (h->magic == MB1_HDR_MAGIC &&
		    h->magic + h->flags + h->checksum == 0) {
			*off = o;
			return h;
		}
	}
	return NULL;
}

/* Bump allocator over the info block. */
struct info_area {
	u64 next;
};

static int info_put(struct load_ctx *c, struct info_area *a, const void *p,
		    size_t len, u32 *gpa)
{
	u64 at = ALIGN_UP(a->next, 8);

	if (at + len > MB1_INFO_END)
		return fail(c, "boot information block over %u bytes",
			    MB1_INFO_END - MB1_INFO_GPA);
	if (vm_write_phys(c->vm, at, p, len))
		return fail(c, "boot information block outside guest RAM");
	*gpa = at;
	a->next = at + len;
	return 0;
}

static int info_str(struct load_ctx *c, struct info_area *a, const char *s,
		    u32 *gpa)
{
	return info_put(c, a, s, strlen(s) + 1, gpa);
}

static int load_modules(struct load_ctx *c, struct info_area *a,
			struct mb1_info *mbi, const struct loader_module *mods,
			unsigned int nr)
{
	struct mb1_mod list[LOADER_MAX_MODULES];
	u64 at = ALIGN_UP(MAX(c->kernel_end, (u64)HIGH_MEM), 4096);

	if (nr > LOADER_MAX_MODULES)
		return fail(c, "more than %d modules", LOADER_MAX_MODULES);
	for (unsigned int i = 0; i < nr; i++) {
		char what[24];

		snprintf(what, sizeof(what), "module %u", i);
		if (check_range(c, what, at, mods[i].size))
			return -1;
		if (vm_write_phys(c->vm, at, mods[i].data, mods[i].size))
			return fail(c, "%s: write failed", what);
		list[i] = (struct mb1_mod){ at, at + mods[i].size, 0, 0 };
		if (info_str(c, a, mods[i].cmdline ? mods[i].cmdline : "",
			     &list[i].string))
			return -1;
		at = ALIGN_UP(at + mods[i].size, 4096);
	}
	if (nr && info_put(c, a, list, nr * sizeof(list[0]), &mbi->mods_addr))
		return -1;
	mbi->mods_count = nr;
	mbi->flags |= MBI_MODS;
	return 0;
}

int mb1_load(struct vm *vm, const void *image, size_t size, const char *cmdline,
	     const struct loader_module *mods, unsigned int nr_mods,
	     struct boot_state *bs, char *err, size_t errsz)
{
	struct load_ctx c = { vm, image, size, err, errsz, 0 };
	struct info_area a = { MB1_INFO_GPA };
	struct mb1_info mbi = { 0 };
	struct mb1_mmap mmap[2];
	const struct mb1_header *h;
	u64 entry = 0;
	size_t hdr_off;
	u32 info_gpa;

	if (vm->ram_size < 2 * HIGH_MEM)
		return fail(&c, "guest RAM below 2 MiB");
	h = find_header(image, size, &hdr_off);
	if (!h)
		return fail(&c, "no Multiboot1 header in the first %d bytes",
			    MB1_HDR_SEARCH);
	if (h->flags & MB1_F_UNKNOWN_REQUIRED)
		return fail(&c,
			    "Multiboot header asks for unsupported "
			    "features (flags %#x)",
			    h->flags);
	if ((h->flags & MB1_F_AOUT) && hdr_off + sizeof(*h) > size)
		return fail(&c, "a.out kludge: header truncated");
	if ((h->flags & MB1_F_AOUT) ? load_aout(&c, h, hdr_off, &entry)
				    : load_elf(&c, &entry))
		return -1;
	if (entry >= (1ull << 32))
		return fail(&c, "entry %#llx above 4 GiB",
			    (unsigned long long)entry);

	/* The info block itself first, so it gets MB1_INFO_GPA. */
	if (info_put(&c, &a, &mbi, sizeof(mbi), &info_gpa))
		return -1;
	mbi.flags = MBI_MEM | MBI_MMAP | MBI_CMDLINE | MBI_LOADER;
	mbi.mem_lower = LOW_MEM_END >> 10;
	mbi.mem_upper = (vm->ram_size - HIGH_MEM) >> 10;
	mmap[0] = (struct mb1_mmap){ 20, 0, LOW_MEM_END, 1 };
	mmap[1] = (struct mb1_mmap){ 20, HIGH_MEM, vm->ram_size - HIGH_MEM, 1 };
	mbi.mmap_length = sizeof(mmap);
	if (info_put(&c, &a, mmap, sizeof(mmap), &mbi.mmap_addr) ||
	    info_str(&c, &a, cmdline ? cmdline : "", &mbi.cmdline) ||
	    info_str(&c, &a, "PureVisor", &mbi.boot_loader_name) ||
	    load_modules(&c, &a, &mbi, mods, nr_mods))
		return -1;
	if (vm_write_phys(vm, info_gpa, &mbi, sizeof(mbi)))
		return fail(&c, "boot information block outside guest RAM");

	bs->entry = entry;
	bs->eax = MB1_BOOT_MAGIC;
	bs->ebx = info_gpa;
	return 0;
}

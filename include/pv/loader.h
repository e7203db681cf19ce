/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest image loaders (virt/loader/): put a kernel into a VM's RAM and say
 * how to enter it. Loading touches guest memory only through
 * vm_write_phys/gpa_to_hva, so the host unit tests run it on a fake VM;
 * loader_enter() programs the vCPU and is kernel-only.
 */
#ifndef PV_LOADER_H
#define PV_LOADER_H

#include <pv/types.h>
#include <pv/vcpu.h>

struct vm;
struct vcpu;

/* Where the boot vCPU starts: 32-bit protected mode, paging off, flat
 * segments, EAX/EBX as given. */
struct boot_state {
	u64 entry;
	u32 eax, ebx;
};

/* A boot module handed to the guest. */
struct loader_module {
	const void *data;
	size_t size;
	const char *cmdline;
};

/* The Multiboot information block and its strings live in this low range
 * of guest RAM; kernel segments must stay out of it. */
#define MB1_INFO_GPA 0x1000u
#define MB1_INFO_END 0x10000u

/*
 * Load a Multiboot1 kernel: ELF32/ELF64 PT_LOAD segments at their physical
 * addresses (BSS zeroed), or the a.out-kludge layout of header flag 16;
 * then its modules (page-aligned, after the kernel) and the information
 * block. Returns 0, or -1 with the reason in err.
 */
int mb1_load(struct vm *vm, const void *image, size_t size, const char *cmdline,
	     const struct loader_module *mods, unsigned int nr_mods,
	     struct boot_state *bs, char *err, size_t errsz);

/* Copy a flat binary to load; entered at entry with EAX = EBX = 0. */
int flat_load(struct vm *vm, const void *image, size_t size, u64 load,
	      u64 entry, struct boot_state *bs, char *err, size_t errsz);

/* Put vcpu in the boot state (via vcpu_ops->set_sregs and vcpu->regs). */
void loader_enter(struct vcpu *v, const struct boot_state *bs);

/* ---- Linux x86 boot protocol (virt/loader/linux.c) -------------------- */
/*
 * A bzImage is entered through its 64-bit entry point (boot protocol
 * 2.12+, XLF_KERNEL_64): long mode, paging on with an identity map of the
 * first 4 GiB, a GDT with __BOOT_CS/__BOOT_DS, RSI = boot_params.
 * Everything the loader builds sits below 1 MiB at these guest-physical
 * addresses; the kernel goes to its pref_address (16 MiB for Debian),
 * the initrd as high as it may below the end of RAM.
 */
#define LINUX_BOOT_PARAMS_GPA 0x7000u /* struct boot_params, 4 KiB */
#define LINUX_STACK_GPA 0x7000u /* initial RSP, grows down (unused by Linux) */
#define LINUX_GDT_GPA 0x8000u /* null, null, CS 0x10, DS 0x18, TSS 0x20 */
#define LINUX_TSS_GPA 0x8080u /* 104-byte 64-bit TSS (zero) */
#define LINUX_PT_GPA 0x9000u /* PML4, PDPT, then 4 PDs: 0x9000-0xEFFF */
#define LINUX_PT_END 0xF000u
#define LINUX_CMDLINE_GPA 0x20000u
#define LINUX_CMDLINE_MAX 0x10000u /* bytes with the NUL */
#define LINUX_IDMAP_SIZE (4ull << 30) /* identity-mapped at entry */

#define LINUX_BOOT_CS 0x10u
#define LINUX_BOOT_DS 0x18u
#define LINUX_BOOT_TSS 0x20u
#define LINUX_MIN_PROTOCOL 0x020Cu /* 2.12: xloadflags */

/* What linux_probe reads from the setup header. */
struct linux_image {
	u16 protocol; /* 0x020F = 2.15 */
	u16 xloadflags;
	u8 loadflags;
	bool relocatable;
	u32 setup_size; /* bytes before the protected-mode kernel */
	u32 kernel_size; /* protected-mode kernel bytes (syssize * 16) */
	u64 pref_address;
	u32 kernel_alignment;
	u32 init_size; /* memory the kernel needs from its load address */
	u32 initrd_addr_max; /* highest byte the initrd may occupy */
	u32 cmdline_size; /* longest command line, NUL excluded */
	u32 hdr_end; /* setup header ends here (0x202 + byte at 0x201) */
};

/* The boot vCPU's entry state and what was put where. */
struct linux_entry {
	u64 rip; /* kernel_gpa + 0x200: the 64-bit entry */
	u64 rsi; /* boot_params */
	u64 rsp, rflags; /* RFLAGS: IF=0 */
	u64 cr0, cr3, cr4, efer; /* PE|MP|ET|NE|PG, PML4, PAE, LME|LMA */
	struct vcpu_dtable gdt;
	struct vcpu_seg cs; /* 0x10, 64-bit code (L=1) */
	struct vcpu_seg ds; /* 0x18, flat data: also ES, SS, FS, GS */
	struct vcpu_seg tr; /* 0x20, busy 64-bit TSS */

	struct linux_image image;
	u64 kernel_gpa, kernel_end; /* [load, load + init_size) */
	u64 initrd_gpa, initrd_size; /* 0 if none */
	u64 cmdline_gpa;
	bool cmdline_truncated; /* cut to the kernel's cmdline_size */
};

/* Check a bzImage's setup header; 0, or -1 with the reason in err (e.g.
 * "not a bzImage: no HdrS signature"). */
int linux_probe(const void *bzimage, size_t size, struct linux_image *img,
		char *err, size_t errsz);

/*
 * Load a bzImage into vm: the protected-mode kernel at its pref_address,
 * the initrd (may be NULL), the command line (truncated to the kernel's
 * cmdline_size), boot_params with the e820 map and acpi_rsdp_addr =
 * rsdp_gpa (0: none; the kernel then scans 0xE0000), identity page tables
 * and the GDT; fill *out. Returns 0, or -1 with the reason in err.
 */
int linux_load(struct vm *vm, const void *bzimage, size_t size,
	       const void *initrd, size_t initrd_size, const char *cmdline,
	       u64 rsdp_gpa, struct linux_entry *out, char *err, size_t errsz);

/* The control and segment registers of e, for vcpu_ops->set_sregs. */
void linux_entry_sregs(const struct linux_entry *e, struct vcpu_sregs *s);

/* Kernel only: set_sregs plus RIP/RSI/RSP/RFLAGS, other GPRs zero. */
void linux_enter(struct vcpu *v, const struct linux_entry *e);

#endif

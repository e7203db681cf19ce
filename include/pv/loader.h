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

#endif

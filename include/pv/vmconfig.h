/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VM configuration text (docs/vm-config.md): "vm NAME" blocks of indented
 * "key = value" lines. The parser needs nothing but lib/ so the host unit
 * tests run it; boot_vms.c turns its output into VMs.
 */
#ifndef PV_VMCONFIG_H
#define PV_VMCONFIG_H

#include <pv/types.h>

#define VMCONF_MAX_VMS 16
#define VMCONF_NAME_MAX 32 /* = VM_NAME_MAX */
#define VMCONF_MODNAME_MAX 64 /* = boot module name buffer */
#define VMCONF_CMDLINE_MAX 256
#define VMCONF_MAX_MODULES 4
#define VMCONF_MAX_VCPUS 8 /* = VM_MAX_VCPUS */
#define VMCONF_MAX_ERRORS 16
#define VMCONF_ERR_MAX 128

/* Guest RAM bounds: whole 2 MiB chunks, below the 32-bit PCI hole. */
#define VMCONF_MEM_MIN (2ull << 20)
#define VMCONF_MEM_MAX (3ull << 30)
#define VMCONF_MEM_ALIGN (2ull << 20)
#define VMCONF_MEM_DEFAULT (16ull << 20)

enum vmconf_type { VMCONF_MULTIBOOT, VMCONF_FLAT };

#define VMCONF_DEV_UART 1u
#define VMCONF_DEV_DEBUG_EXIT 2u
#define VMCONF_DEV_DEFAULT (VMCONF_DEV_UART | VMCONF_DEV_DEBUG_EXIT)

struct vmconf_vm {
	char name[VMCONF_NAME_MAX];
	unsigned int line; /* of the "vm NAME" line */
	u64 memory;
	unsigned int vcpus;
	int type; /* enum vmconf_type */
	char kernel[VMCONF_MODNAME_MAX]; /* boot module name */
	char cmdline[VMCONF_CMDLINE_MAX];
	u64 load, entry; /* flat images */
	unsigned int devices; /* VMCONF_DEV_* */
	/* The guest's own boot modules: "NAME [ARGS]" as written. */
	char modules[VMCONF_MAX_MODULES][VMCONF_MODNAME_MAX];
	unsigned int nr_modules;
	/* Keys seen (duplicate detection and defaults). */
	unsigned int seen;
};

struct vmconf {
	struct vmconf_vm vms[VMCONF_MAX_VMS];
	unsigned int nr_vms; /* valid ones only */
	/* "vmconfig:LINE: ..." messages; the VM they belong to is dropped. */
	char errors[VMCONF_MAX_ERRORS][VMCONF_ERR_MAX];
	unsigned int nr_errors; /* may exceed VMCONF_MAX_ERRORS (not stored) */
};

/* Parse len bytes of text (not NUL-terminated) into *conf. Every VM with
 * an error is left out and its first error recorded; the rest are kept.
 * Returns the number of valid VMs. */
unsigned int vmconf_parse(const char *text, size_t len, struct vmconf *conf);

/* The boot module name a module command line stands for: the basename of
 * its first word (GRUB passes "/boot/x.elf args", QEMU "path args"). */
void vmconf_module_name(const char *cmdline, char *out, size_t outsz);

/* Kernel (virt/boot_vms.c): create and start the VMs of every *.vmconf
 * boot module; returns how many started. With vms.exit_after=S on the
 * command line it then waits for them and exits the machine. */
unsigned int boot_vms(void);

#endif

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
#define VMCONF_CMDLINE_MAX 1024
#define VMCONF_MAX_MODULES 4
#define VMCONF_MAX_VCPUS 8 /* = VM_MAX_VCPUS */
#define VMCONF_MAX_ERRORS 16
#define VMCONF_ERR_MAX 128

/* Guest RAM bounds: whole 2 MiB chunks, below the 32-bit PCI hole. */
#define VMCONF_MEM_MIN (2ull << 20)
#define VMCONF_MEM_MAX (3ull << 30)
#define VMCONF_MEM_ALIGN (2ull << 20)
#define VMCONF_MEM_DEFAULT (16ull << 20)
#define VMCONF_MEM_DEFAULT_LINUX (256ull << 20)

enum vmconf_type { VMCONF_MULTIBOOT, VMCONF_FLAT, VMCONF_LINUX };

#define VMCONF_DEV_UART 1u
#define VMCONF_DEV_DEBUG_EXIT 2u
#define VMCONF_DEV_DEFAULT (VMCONF_DEV_UART | VMCONF_DEV_DEBUG_EXIT)

/* Linux guests: where the console is (console = uart|virtio|both). */
#define VMCONF_CONSOLE_UART 1u /* the 16550 at 0x3F8 (ttyS0) */
#define VMCONF_CONSOLE_VIRTIO 2u /* a virtio-console PCI device (hvc0) */
#define VMCONF_CONSOLE_BOTH (VMCONF_CONSOLE_UART | VMCONF_CONSOLE_VIRTIO)

/* platform = none|pc: the PC platform (interrupt controllers, timers,
 * CMOS, ACPI, PCI host bridge) and the PCI devices disk/nic need. Linux
 * VMs always have it; multiboot and flat VMs on request. */
#define VMCONF_PLATFORM_NONE 0u
#define VMCONF_PLATFORM_PC 1u

#define VMCONF_MAX_DISKS 4
#define VMCONF_MAX_NICS 4
#define VMCONF_LINK_MAX 32 /* link (switch) name, NUL included */
#define VMCONF_VLAN_DEFAULT 1

/* disk = MODULE [ro]: a virtio-blk disk whose contents are a boot module. */
struct vmconf_disk {
	char module[VMCONF_MODNAME_MAX];
	bool ro;
};

/* nic = LINK [mac=..] [vlan=N] [isolated]: a virtio-net NIC on the named
 * link (a virtual switch, include/pv/vnet.h). */
struct vmconf_nic {
	char link[VMCONF_LINK_MAX];
	u8 mac[6]; /* unicast, not all zero; valid if has_mac */
	bool has_mac; /* else boot_vms.c picks one */
	u16 vlan; /* access VLAN 1..4094, VMCONF_VLAN_DEFAULT if not given */
	bool isolated; /* may talk to the link's uplinks only */
};

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
	unsigned int platform; /* VMCONF_PLATFORM_*; always PC for linux */
	/* type = linux only (the parser refuses it elsewhere). */
	char initrd[VMCONF_MODNAME_MAX]; /* boot module name, "" = none */
	/* Disks and NICs: linux or platform = pc only. */
	struct vmconf_disk disks[VMCONF_MAX_DISKS];
	unsigned int nr_disks;
	struct vmconf_nic nics[VMCONF_MAX_NICS];
	unsigned int nr_nics;
	unsigned int console; /* VMCONF_CONSOLE_*; 0 for other types */
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

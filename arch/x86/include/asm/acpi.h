/* SPDX-License-Identifier: GPL-2.0 */
/* ACPI: find the RSDP and system tables; what the MADT says about CPUs. */
#ifndef ASM_ACPI_H
#define ASM_ACPI_H

#include <pv/types.h>

struct acpi_header {
	char signature[4];
	u32 length;
	u8 revision;
	u8 checksum;
	char oem_id[6];
	char oem_table_id[8];
	u32 oem_revision;
	u32 creator_id;
	u32 creator_revision;
} __packed;

/* MADT interrupt-source-override / NMI flags (MPS INTI flags). */
#define ACPI_POL_MASK 0x3
#define ACPI_POL_HIGH 0x1
#define ACPI_POL_LOW 0x3
#define ACPI_TRIG_MASK 0xC
#define ACPI_TRIG_EDGE 0x4
#define ACPI_TRIG_LEVEL 0xC

#define ACPI_MAX_CPUS 256
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_OVERRIDES 16
#define ACPI_MAX_NMIS 16
/* An NMI entry with this processor UID applies to every CPU. */
#define ACPI_UID_ALL 0xFFFFFFFFu

struct acpi_cpu {
	u32 apic_id;
	u32 uid; /* ACPI processor UID */
};

struct acpi_ioapic {
	u8 id;
	u32 phys;
	u32 gsi_base;
};

struct acpi_override {
	u8 irq; /* ISA IRQ */
	u32 gsi;
	u16 flags;
};

struct acpi_lapic_nmi {
	u32 uid;
	u8 lint;
	u16 flags;
};

struct acpi_madt_info {
	bool valid;
	u64 lapic_phys;
	bool pic_present; /* PCAT_COMPAT: dual 8259s are there */
	unsigned int nr_cpus; /* enabled CPUs, in MADT order (BSP first) */
	unsigned int nr_disabled; /* listed but neither enabled nor onlinable */
	struct acpi_cpu cpus[ACPI_MAX_CPUS];
	unsigned int nr_ioapics;
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	unsigned int nr_overrides;
	struct acpi_override overrides[ACPI_MAX_OVERRIDES];
	unsigned int nr_nmis;
	struct acpi_lapic_nmi nmis[ACPI_MAX_NMIS];
};

extern struct acpi_madt_info acpi_madt;

/* Find the RSDP and root table and parse the MADT; -1 without ACPI. */
int acpi_init(void);
/* A table by signature ("APIC", "FACP", ...) with a valid checksum. */
const struct acpi_header *acpi_find_table(const char *sig);
/* Sum of len bytes (0 for a valid ACPI checksum). */
u8 acpi_checksum(const void *p, size_t len);

#endif

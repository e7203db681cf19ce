// SPDX-License-Identifier: GPL-2.0
/*
 * ACPI for full guests: the tables an unmodified OS reads to find its CPUs,
 * the IOAPIC, the PCI root bridge and how to power off, and the PM1 block
 * that powers the VM off.
 *
 * Tables (ACPI 6.0 layouts) are laid out in a build buffer, then copied
 * into guest RAM at PLAT_ACPI_BASE: RSDP (revision 2, in the BIOS scan
 * area), FACS, XSDT and RSDT (FADT, MADT), FADT (revision 6, not hardware
 * reduced, PM1a event/control blocks at PLAT_ACPI_PM_PORT, SCI on IRQ 9,
 * no SMI command port: ACPI mode is always on), MADT, and a DSDT in AML
 * emitted here: the PCI root \_SB.PCI0 (PNP0A03) with its windows and
 * _PRT, a processor device per vCPU and \_S5.
 *
 * PCI interrupt routing (the bridge in pci.c wires the same): pin P of
 * slot S is GSI 16 + (S + P) % 4, so pin A of slot S is 16 + S % 4.
 */
#include <pv/compiler.h>
#include <pv/printk.h>
#include <pv/string.h>
#include <pv/virt.h>
#include "isa.h"
#include "platform.h"

/* The sleep type value \_S5 names for PM1a and PM1b. */
#define SLP_TYP_S5 5

#define OEM_ID "PUREVS"
#define OEM_TABLE_ID "PVPLATFM"
#define CREATOR_ID "PVAM"

#define SDT_HDR 36
#define RSDP_LEN 36
#define FACS_LEN 64
#define FADT_LEN 276 /* revision 6 */

#define PCI_SLOTS 32
#define PCI_GSI_BASE 16

/* ---- build buffer --------------------------------------------------- */

#define BUILD_MAX 8192

struct abuf {
	u8 *b;
	unsigned int len;
	bool overflow;
};

/* Building is rare (VM creation): one buffer, taken under a lock. */
static u8 build_buf[BUILD_MAX];
static spinlock_t build_lock = SPINLOCK_INIT;

static void put_bytes(struct abuf *a, const void *p, unsigned int n)
{
	if (a->overflow || n > BUILD_MAX - a->len) {
		a->overflow = true;
		return;
	}
	memcpy(a->b + a->len, p, n);
	a->len += n;
}

static void put_le(struct abuf *a, u64 v, unsigned int n)
{
	u8 tmp[8];

	for (unsigned int i = 0; i < n; i++)
		tmp[i] = (u8)(v >> 8 * i);
	put_bytes(a, tmp, n);
}

static void put8(struct abuf *a, u8 v)
{
	put_le(a, v, 1);
}

static void put16(struct abuf *a, u16 v)
{
	put_le(a, v, 2);
}

static void put32(struct abuf *a, u32 v)
{
	put_le(a, v, 4);
}

static void put64(struct abuf *a, u64 v)
{
	put_le(a, v, 8);
}

static void put_zeros(struct abuf *a, unsigned int n)
{
	while (n--)
		put8(a, 0);
}

static void align_to(struct abuf *a, unsigned int al)
{
	put_zeros(a, ALIGN_UP(a->len, al) - a->len);
}

/* Overwrite n little-endian bytes at off (already emitted). */
static void patch_le(struct abuf *a, unsigned int off, u64 v, unsigned int n)
{
	if (a->overflow)
		return;
	for (unsigned int i = 0; i < n; i++)
		a->b[off + i] = (u8)(v >> 8 * i);
}

static u8 checksum(const u8 *p, unsigned int n)
{
	u8 s = 0;

	while (n--)
		s = (u8)(s + *p++);
	return (u8)-s;
}

/* ---- system description table headers ------------------------------- */

/* Start a table at the current position; returns its offset. */
static unsigned int sdt_begin(struct abuf *a, const char *sig, u8 rev)
{
	unsigned int start;

	align_to(a, 16);
	start = a->len;
	put_bytes(a, sig, 4);
	put32(a, 0); /* length, patched by sdt_end() */
	put8(a, rev);
	put8(a, 0); /* checksum */
	put_bytes(a, OEM_ID, 6);
	put_bytes(a, OEM_TABLE_ID, 8);
	put32(a, 1); /* OEM revision */
	put_bytes(a, CREATOR_ID, 4);
	put32(a, 1); /* creator revision */
	return start;
}

static void sdt_end(struct abuf *a, unsigned int start)
{
	if (a->overflow)
		return;
	patch_le(a, start + 4, a->len - start, 4);
	a->b[start + 9] = checksum(a->b + start, a->len - start);
}

/* Generic Address Structure: I/O port block of bits wide, word access. */
static void put_gas_io(struct abuf *a, u16 port, u8 bits)
{
	put8(a, port ? 1 : 0); /* system I/O */
	put8(a, port ? bits : 0);
	put8(a, 0); /* bit offset */
	put8(a, port ? 2 : 0); /* access size: word */
	put64(a, port);
}

/* ---- AML ------------------------------------------------------------ */

#define AML_ZERO 0x00
#define AML_ONE 0x01
#define AML_NAME 0x08
#define AML_BYTE 0x0A
#define AML_WORD 0x0B
#define AML_DWORD 0x0C
#define AML_STRING 0x0D
#define AML_QWORD 0x0E
#define AML_SCOPE 0x10
#define AML_BUFFER 0x11
#define AML_PACKAGE 0x12
#define AML_EXT 0x5B
#define AML_DEVICE 0x82 /* after AML_EXT */
#define AML_ROOT '\\'
#define AML_DUAL_NAME 0x2E
#define AML_MULTI_NAME 0x2F

/* A PkgLength opens here: remember where its body starts. */
static unsigned int aml_pkg_begin(struct abuf *a)
{
	return a->len;
}

/*
 * Close the package that started at start: insert its PkgLength (which
 * counts itself) in front of the body. One byte up to 63, else a lead
 * byte with the low nibble and the count of following bytes, which carry
 * the rest 8 bits at a time.
 */
static void aml_pkg_end(struct abuf *a, unsigned int start)
{
	unsigned int body = a->len - start, n, total;
	u8 enc[4];

	if (a->overflow)
		return;
	if (body + 1 < 64)
		n = 1;
	else if (body + 2 < (1u << 12))
		n = 2;
	else if (body + 3 < (1u << 20))
		n = 3;
	else
		n = 4;
	total = body + n;
	if (n == 1) {
		enc[0] = (u8)total;
	} else {
		enc[0] = (u8)((n - 1) << 6 | (total & 0xF));
		for (unsigned int i = 1; i < n; i++)
			enc[i] = (u8)(total >> (4 + 8 * (i - 1)));
	}
	put_zeros(a, n); /* room (and the overflow check) */
	if (a->overflow)
		return;
	memmove(a->b + start + n, a->b + start, body);
	memcpy(a->b + start, enc, n);
}

/* A name segment: up to 4 characters, padded with '_'. */
static void aml_seg(struct abuf *a, const char *s, unsigned int len)
{
	for (unsigned int i = 0; i < 4; i++)
		put8(a, i < len ? (u8)s[i] : '_');
}

/* A name path like "\\_SB_.PCI0" or "_HID". */
static void aml_namestring(struct abuf *a, const char *path)
{
	unsigned int segs = 1;

	if (*path == AML_ROOT) {
		put8(a, AML_ROOT);
		path++;
	}
	for (const char *p = path; *p; p++)
		segs += *p == '.';
	if (segs == 2) {
		put8(a, AML_DUAL_NAME);
	} else if (segs > 2) {
		put8(a, AML_MULTI_NAME);
		put8(a, (u8)segs);
	}
	while (*path) {
		unsigned int len = 0;

		while (path[len] && path[len] != '.')
			len++;
		aml_seg(a, path, len);
		path += len;
		if (*path == '.')
			path++;
	}
}

static void aml_int(struct abuf *a, u64 v)
{
	if (v == 0) {
		put8(a, AML_ZERO);
	} else if (v == 1) {
		put8(a, AML_ONE);
	} else if (v <= 0xFF) {
		put8(a, AML_BYTE);
		put8(a, (u8)v);
	} else if (v <= 0xFFFF) {
		put8(a, AML_WORD);
		put16(a, (u16)v);
	} else if (v <= 0xFFFFFFFFull) {
		put8(a, AML_DWORD);
		put32(a, (u32)v);
	} else {
		put8(a, AML_QWORD);
		put64(a, v);
	}
}

static void aml_string(struct abuf *a, const char *s)
{
	put8(a, AML_STRING);
	put_bytes(a, s, (unsigned int)strlen(s) + 1);
}

/* EISAID("PNP0A03"): three 5-bit letters and four hex digits, as the
 * bytes of a little-endian dword. */
static u32 eisa_id(const char *id)
{
	u32 l1 = (u32)(id[0] - '@') & 0x1F, l2 = (u32)(id[1] - '@') & 0x1F;
	u32 l3 = (u32)(id[2] - '@') & 0x1F, prod = 0;

	for (unsigned int i = 3; i < 7; i++) {
		char c = id[i];

		prod = prod << 4 |
		       (u32)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return (l1 << 2 | l2 >> 3) | ((l2 << 5 & 0xE0) | l3) << 8 |
	       (prod >> 8 & 0xFF) << 16 | (prod & 0xFF) << 24;
}

/* Name(name, ...) : the object follows. */
static void aml_name(struct abuf *a, const char *name)
{
	put8(a, AML_NAME);
	aml_namestring(a, name);
}

static unsigned int aml_device_begin(struct abuf *a, const char *name)
{
	unsigned int start;

	put8(a, AML_EXT);
	put8(a, AML_DEVICE);
	start = aml_pkg_begin(a);
	aml_namestring(a, name);
	return start;
}

static unsigned int aml_scope_begin(struct abuf *a, const char *name)
{
	unsigned int start;

	put8(a, AML_SCOPE);
	start = aml_pkg_begin(a);
	aml_namestring(a, name);
	return start;
}

static unsigned int aml_package_begin(struct abuf *a, u8 nelem)
{
	unsigned int start;

	put8(a, AML_PACKAGE);
	start = aml_pkg_begin(a);
	put8(a, nelem);
	return start;
}

/* ---- resource descriptors (inside a ResourceTemplate buffer) --------- */

#define RES_WORD_ADDR 0x88
#define RES_DWORD_ADDR 0x87
#define RES_IO 0x47
#define RES_END 0x79
#define ADDR_MEM 0
#define ADDR_IO 1
#define ADDR_BUS 2
#define ADDR_FIXED 0x0C /* min and max fixed; producer, positive decode */

static void res_word_addr(struct abuf *a, u8 type, u8 tflags, u16 min, u16 max)
{
	put8(a, RES_WORD_ADDR);
	put16(a, 13);
	put8(a, type);
	put8(a, ADDR_FIXED);
	put8(a, tflags);
	put16(a, 0); /* granularity */
	put16(a, min);
	put16(a, max);
	put16(a, 0); /* translation */
	put16(a, (u16)(max - min + 1));
}

static void res_dword_mem(struct abuf *a, u8 tflags, u32 min, u32 max)
{
	put8(a, RES_DWORD_ADDR);
	put16(a, 23);
	put8(a, ADDR_MEM);
	put8(a, ADDR_FIXED);
	put8(a, tflags);
	put32(a, 0);
	put32(a, min);
	put32(a, max);
	put32(a, 0);
	put32(a, max - min + 1);
}

static void res_io(struct abuf *a, u16 port, u8 len)
{
	put8(a, RES_IO);
	put8(a, 1); /* 16-bit decode */
	put16(a, port);
	put16(a, port);
	put8(a, 1);
	put8(a, len);
}

/* The root bridge's resources: bus 0, the config ports it consumes, the
 * legacy I/O ports below them, the I/O BAR window (the bridge reaches
 * I/O BARs there only), the VGA hole and the 32-bit BAR window. */
static void pci_crs(struct abuf *a)
{
	unsigned int pkg, body;

	put8(a, AML_BUFFER);
	pkg = aml_pkg_begin(a);
	/* The size is a DWordConst so that it can be patched in place. */
	put8(a, AML_DWORD);
	put32(a, 0);
	body = a->len;
	res_word_addr(a, ADDR_BUS, 0, 0, 0);
	res_io(a, 0xCF8, 8);
	res_word_addr(a, ADDR_IO, 3, 0x0000, 0x0CF7);
	res_word_addr(a, ADDR_IO, 3, PLAT_PCI_PIO_BASE, PLAT_PCI_PIO_END - 1);
	res_dword_mem(a, 0x3, 0xA0000, 0xBFFFF); /* cacheable, RW */
	res_dword_mem(a, 0x1, (u32)PLAT_PCI_MMIO_BASE,
		      (u32)(PLAT_PCI_MMIO_END - 1)); /* uncached, RW */
	put8(a, RES_END);
	put8(a, 0); /* checksum 0: treated as valid */
	patch_le(a, body - 4, a->len - body, 4);
	aml_pkg_end(a, pkg);
}

/* _PRT: every slot's INTA-INTD to GSI 16 + (slot + pin) % 4. */
static void pci_prt(struct abuf *a)
{
	unsigned int outer = aml_package_begin(a, PCI_SLOTS * 4);

	for (unsigned int s = 0; s < PCI_SLOTS; s++) {
		for (unsigned int pin = 0; pin < 4; pin++) {
			unsigned int e = aml_package_begin(a, 4);

			aml_int(a, (u64)s << 16 | 0xFFFF);
			aml_int(a, pin);
			aml_int(a, 0); /* no link device: a GSI */
			aml_int(a, PCI_GSI_BASE + (s + pin) % 4);
			aml_pkg_end(a, e);
		}
	}
	aml_pkg_end(a, outer);
}

static void build_dsdt_body(struct abuf *a, unsigned int ncpus)
{
	unsigned int sb = aml_scope_begin(a, "\\_SB_"), dev, pkg;

	dev = aml_device_begin(a, "PCI0");
	aml_name(a, "_HID");
	put8(a, AML_DWORD);
	put32(a, eisa_id("PNP0A03"));
	aml_name(a, "_UID");
	aml_int(a, 0);
	aml_name(a, "_SEG");
	aml_int(a, 0);
	aml_name(a, "_BBN");
	aml_int(a, 0);
	aml_name(a, "_CRS");
	pci_crs(a);
	aml_name(a, "_PRT");
	pci_prt(a);
	aml_pkg_end(a, dev);

	for (unsigned int i = 0; i < ncpus; i++) {
		char name[5] = { 'C', '0', '0', (char)('0' + i), 0 };

		dev = aml_device_begin(a, name);
		aml_name(a, "_HID");
		aml_string(a, "ACPI0007");
		aml_name(a, "_UID");
		aml_int(a, i);
		aml_pkg_end(a, dev);
	}
	aml_pkg_end(a, sb);

	/* \_S5: SLP_TYPa, SLP_TYPb, reserved. */
	aml_name(a, "\\_S5_");
	pkg = aml_package_begin(a, 4);
	aml_int(a, SLP_TYP_S5);
	aml_int(a, SLP_TYP_S5);
	aml_int(a, 0);
	aml_int(a, 0);
	aml_pkg_end(a, pkg);
}

/* ---- the tables ------------------------------------------------------- */

#define MADT_PCAT_COMPAT 1
#define MPS_HIGH 0x1
#define MPS_EDGE (0x1 << 2)
#define MPS_LEVEL (0x3 << 2)

static void build_madt(struct abuf *a, unsigned int ncpus)
{
	unsigned int t = sdt_begin(a, "APIC", 4);

	put32(a, (u32)PLAT_LAPIC_BASE);
	put32(a, MADT_PCAT_COMPAT);
	for (unsigned int i = 0; i < ncpus; i++) {
		put8(a, 0); /* processor local APIC */
		put8(a, 8);
		put8(a, (u8)i); /* ACPI processor UID */
		put8(a, (u8)i); /* APIC ID */
		put32(a, 1); /* enabled */
	}
	put8(a, 1); /* I/O APIC */
	put8(a, 12);
	put8(a, (u8)ncpus); /* its ID follows the LAPICs' */
	put8(a, 0);
	put32(a, (u32)PLAT_IOAPIC_BASE);
	put32(a, 0); /* GSI base */
	put8(a, 2); /* interrupt source override: PIT IRQ 0 -> GSI 2 */
	put8(a, 10);
	put8(a, 0); /* ISA */
	put8(a, ISA_IRQ_PIT);
	put32(a, 2);
	put16(a, MPS_EDGE | MPS_HIGH);
	/* SCI: level-triggered, active high (as QEMU's): the PM block never
	 * asserts it, and an idle low line must not look asserted. */
	put8(a, 2);
	put8(a, 10);
	put8(a, 0);
	put8(a, ISA_IRQ_SCI);
	put32(a, ISA_IRQ_SCI);
	put16(a, MPS_LEVEL | MPS_HIGH);
	put8(a, 4); /* local APIC NMI: LINT1 of every processor */
	put8(a, 6);
	put8(a, 0xFF);
	put16(a, MPS_EDGE | MPS_HIGH);
	put8(a, 1);
	sdt_end(a, t);
}

#define FADT_WBINVD (1u << 0)
#define FADT_PROC_C1 (1u << 2)
#define FADT_PWR_BUTTON (1u << 4) /* no fixed power button */
#define FADT_SLP_BUTTON (1u << 5) /* no fixed sleep button */
#define FADT_FIX_RTC (1u << 6) /* no RTC wake status */
#define FADT_TMR_VAL_EXT (1u << 8) /* the PM timer counts 32 bits */
#define BOOT_LEGACY_DEVICES (1u << 0)
#define BOOT_VGA_ABSENT (1u << 2)

static void build_fadt(struct abuf *a, u32 facs, u32 dsdt)
{
	unsigned int t = sdt_begin(a, "FACP", 6);

	put32(a, facs); /* FIRMWARE_CTRL */
	put32(a, dsdt);
	put8(a, 0); /* reserved */
	put8(a, 0); /* preferred PM profile: unspecified */
	put16(a, ISA_IRQ_SCI);
	put32(a, 0); /* SMI_CMD: none, ACPI mode is always on */
	put8(a, 0); /* ACPI_ENABLE */
	put8(a, 0); /* ACPI_DISABLE */
	put8(a, 0); /* S4BIOS_REQ */
	put8(a, 0); /* PSTATE_CNT */
	put32(a, PLAT_ACPI_PM_PORT); /* PM1a_EVT_BLK */
	put32(a, 0); /* PM1b_EVT_BLK */
	put32(a, PLAT_ACPI_PM_PORT + 4); /* PM1a_CNT_BLK */
	put32(a, 0); /* PM1b_CNT_BLK */
	put32(a, 0); /* PM2_CNT_BLK */
	put32(a, PLAT_ACPI_PMTMR_PORT); /* PM_TMR_BLK */
	put32(a, 0); /* GPE0_BLK */
	put32(a, 0); /* GPE1_BLK */
	put8(a, 4); /* PM1_EVT_LEN */
	put8(a, 2); /* PM1_CNT_LEN */
	put8(a, 0); /* PM2_CNT_LEN */
	put8(a, 4); /* PM_TMR_LEN */
	put8(a, 0); /* GPE0_BLK_LEN */
	put8(a, 0); /* GPE1_BLK_LEN */
	put8(a, 0); /* GPE1_BASE */
	put8(a, 0); /* CST_CNT */
	put16(a, 101); /* P_LVL2_LAT: no C2 */
	put16(a, 1001); /* P_LVL3_LAT: no C3 */
	put16(a, 0); /* FLUSH_SIZE */
	put16(a, 0); /* FLUSH_STRIDE */
	put8(a, 0); /* DUTY_OFFSET */
	put8(a, 0); /* DUTY_WIDTH */
	put8(a, 0); /* DAY_ALRM */
	put8(a, 0); /* MON_ALRM */
	put8(a, 0); /* CENTURY */
	/* Legacy devices; no 8042, no VGA; MSI works. */
	put16(a, BOOT_LEGACY_DEVICES | BOOT_VGA_ABSENT);
	put8(a, 0);
	put32(a, FADT_WBINVD | FADT_PROC_C1 | FADT_PWR_BUTTON |
			 FADT_SLP_BUTTON | FADT_FIX_RTC | FADT_TMR_VAL_EXT);
	put_gas_io(a, 0, 0); /* RESET_REG: none */
	put8(a, 0); /* RESET_VALUE */
	put16(a, 0); /* ARM_BOOT_ARCH */
	put8(a, 0); /* FADT minor version */
	put64(a, 0); /* X_FIRMWARE_CTRL: FIRMWARE_CTRL is used */
	put64(a, dsdt); /* X_DSDT */
	put_gas_io(a, PLAT_ACPI_PM_PORT, 32); /* X_PM1a_EVT_BLK */
	put_gas_io(a, 0, 0); /* X_PM1b_EVT_BLK */
	put_gas_io(a, PLAT_ACPI_PM_PORT + 4, 16); /* X_PM1a_CNT_BLK */
	put_gas_io(a, 0, 0); /* X_PM1b_CNT_BLK */
	put_gas_io(a, 0, 0); /* X_PM2_CNT_BLK */
	put_gas_io(a, PLAT_ACPI_PMTMR_PORT, 32); /* X_PM_TMR_BLK */
	put_gas_io(a, 0, 0); /* X_GPE0_BLK */
	put_gas_io(a, 0, 0); /* X_GPE1_BLK */
	put_gas_io(a, 0, 0); /* SLEEP_CONTROL_REG */
	put_gas_io(a, 0, 0); /* SLEEP_STATUS_REG */
	put_bytes(a, "PureVisr", 8); /* hypervisor vendor identity */
	sdt_end(a, t);
}

static void build_facs(struct abuf *a)
{
	unsigned int start;

	align_to(a, 64);
	start = a->len;
	put_bytes(a, "FACS", 4);
	put32(a, FACS_LEN);
	put_zeros(a, 24); /* signature, waking vectors, lock, flags */
	put8(a, 2); /* version */
	put_zeros(a, FACS_LEN - (a->len - start));
}

/* Returns the length of the tables, 0 if the buffer overflowed. Offsets
 * in the buffer are offsets from base in guest memory. */
static unsigned int build_tables(struct abuf *a, u64 base, unsigned int ncpus)
{
	unsigned int rsdp, facs, dsdt, fadt, madt, xsdt, rsdt;

	rsdp = a->len;
	put_zeros(a, RSDP_LEN);
	facs = ALIGN_UP(a->len, 64u);
	build_facs(a);
	dsdt = sdt_begin(a, "DSDT", 2);
	build_dsdt_body(a, ncpus);
	sdt_end(a, dsdt);
	fadt = ALIGN_UP(a->len, 16u);
	build_fadt(a, (u32)(base + facs), (u32)(base + dsdt));
	madt = ALIGN_UP(a->len, 16u);
	build_madt(a, ncpus);
	xsdt = sdt_begin(a, "XSDT", 1);
	put64(a, base + fadt);
	put64(a, base + madt);
	sdt_end(a, xsdt);
	rsdt = sdt_begin(a, "RSDT", 1);
	put32(a, (u32)(base + fadt));
	put32(a, (u32)(base + madt));
	sdt_end(a, rsdt);
	if (a->overflow)
		return 0;

	/* RSDP: the first 20 bytes (ACPI 1.0) and all 36 are checksummed. */
	memcpy(a->b + rsdp, "RSD PTR ", 8);
	memcpy(a->b + rsdp + 9, OEM_ID, 6);
	a->b[rsdp + 15] = 2; /* revision */
	patch_le(a, rsdp + 16, base + rsdt, 4);
	patch_le(a, rsdp + 20, RSDP_LEN, 4);
	patch_le(a, rsdp + 24, base + xsdt, 8);
	a->b[rsdp + 8] = checksum(a->b + rsdp, 20);
	a->b[rsdp + 32] = checksum(a->b + rsdp, RSDP_LEN);
	return a->len;
}

u64 acpi_build(struct vm *vm, unsigned int ncpus)
{
	struct abuf a = { .b = build_buf };
	unsigned int len;
	int ret;

	if (!ncpus || ncpus > VM_MAX_VCPUS)
		return 0;
	spin_lock(&build_lock);
	memset(build_buf, 0, sizeof(build_buf));
	len = build_tables(&a, PLAT_ACPI_BASE, ncpus);
	ret = len && len <= PLAT_ACPI_SIZE
		      ? vm_write_phys(vm, PLAT_ACPI_BASE, build_buf, len)
		      : -1;
	spin_unlock(&build_lock);
	if (ret) {
		pr_err("vm %s: acpi: tables do not fit\n", vm->name);
		return 0;
	}
	return PLAT_ACPI_BASE;
}

/* ---- PM1 block ---------------------------------------------------------- */

#define PM1_STS 0
#define PM1_EN 1
#define PM1_CNT 2
#define PM1_EN_MASK 0x0721 /* TMR, GBL, PWRBTN, SLPBTN, RTC */
#define PM1_CNT_SCI_EN 0x0001
#define PM1_CNT_SLP_TYP_SHIFT 10
#define PM1_CNT_SLP_TYP (7u << PM1_CNT_SLP_TYP_SHIFT)
#define PM1_CNT_SLP_EN 0x2000
#define PM1_CNT_STORED 0x1C02 /* BM_RLD, SLP_TYP (GBL_RLS reads 0) */

struct acpi_pm {
	struct vm *vm;
	spinlock_t lock;
	u16 reg[3]; /* status, enable, control */
	u64 bad_sleep; /* sleep requests for states other than S5 */
};

static u16 pm_reg_read(const struct acpi_pm *pm, unsigned int r)
{
	if (r == PM1_CNT) /* SCI_EN: always in ACPI mode */
		return pm->reg[r] | PM1_CNT_SCI_EN;
	return pm->reg[r];
}

static u64 pm_read(void *dev, u64 off, unsigned int size)
{
	struct acpi_pm *pm = dev;
	u64 v = 0, flags = spin_lock_irqsave(&pm->lock);

	for (unsigned int i = 0; i < size && off + i < 6; i++) {
		unsigned int b = (unsigned int)off + i;

		v |= (u64)(pm_reg_read(pm, b / 2) >> (b & 1) * 8 & 0xFF)
		     << i * 8;
	}
	spin_unlock_irqrestore(&pm->lock, flags);
	return v;
}

/* Returns the SLP_TYP of a sleep request (SLP_EN written), or -1. */
static int pm_reg_write(struct acpi_pm *pm, unsigned int r, u16 v, u16 be)
{
	switch (r) {
	case PM1_STS: /* write 1 to clear */
		pm->reg[r] &= (u16) ~(v & be);
		return -1;
	case PM1_EN:
		pm->reg[r] = (u16)((pm->reg[r] & ~be) | (v & be & PM1_EN_MASK));
		return -1;
	default:
		pm->reg[r] =
			(u16)((pm->reg[r] & ~be) | (v & be & PM1_CNT_STORED));
		if (!(v & be & PM1_CNT_SLP_EN))
			return -1;
		return (pm->reg[r] & PM1_CNT_SLP_TYP) >> PM1_CNT_SLP_TYP_SHIFT;
	}
}

static void pm_write(void *dev, u64 off, u64 val, unsigned int size)
{
	struct acpi_pm *pm = dev;
	u16 v[3] = { 0 }, be[3] = { 0 };
	int typ = -1, t;
	u64 flags;

	for (unsigned int i = 0; i < size && off + i < 6; i++) {
		unsigned int b = (unsigned int)off + i, sh = (b & 1) * 8;

		v[b / 2] |= (u16)((val >> i * 8 & 0xFF) << sh);
		be[b / 2] |= (u16)(0xFF << sh);
	}
	flags = spin_lock_irqsave(&pm->lock);
	for (unsigned int r = 0; r < 3; r++) {
		if (!be[r])
			continue;
		t = pm_reg_write(pm, r, v[r], be[r]);
		if (t >= 0)
			typ = t;
	}
	if (typ >= 0 && typ != SLP_TYP_S5)
		pm->bad_sleep++;
	spin_unlock_irqrestore(&pm->lock, flags);
	if (typ == SLP_TYP_S5)
		vm_stop(pm->vm, VM_STOP_EXIT, 0, "powered off (ACPI S5)");
	else if (typ >= 0)
		pr_warn("vm %s: acpi: sleep type %d ignored (%llu so far)\n",
			pm->vm->name, typ, (unsigned long long)pm->bad_sleep);
}

static const struct io_ops pm_ops = { .read = pm_read, .write = pm_write };

/*
 * The ACPI PM timer: a free-running 32-bit count at 3.579545 MHz, read
 * from guest time. It gives a guest a clock source that needs no
 * calibration (Linux prefers it when it cannot trust the TSC).
 */
#define PMTMR_HZ 3579545ull

static u64 pmtmr_read(void *dev, u64 off, unsigned int size)
{
	return (u32)ns_to_ticks(vclock_ns(), PMTMR_HZ) >> (off * 8);
}

static const struct io_ops pmtmr_ops = { .read = pmtmr_read };

int acpi_pm_attach(struct vm *vm)
{
	struct acpi_pm *pm = vm_dev_zalloc(vm, sizeof(*pm));

	if (!pm)
		return -1;
	pm->vm = vm;
	if (io_bus_register(&vm->pio, PLAT_ACPI_PMTMR_PORT, 4, &pmtmr_ops, pm,
			    "acpi-pmtimer"))
		return -1;
	return io_bus_register(&vm->pio, PLAT_ACPI_PM_PORT, 6, &pm_ops, pm,
			       "acpi-pm1");
}

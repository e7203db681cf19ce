// SPDX-License-Identifier: GPL-2.0
/*
 * ACPI for full guests (virt/dev/acpi.c): the tables as found in fake guest
 * RAM (pointers, lengths, checksums, FADT fields, MADT entries, the AML of
 * the DSDT parsed here), then the independent oracle: iasl (acpica-tools)
 * disassembles each table and compiles the result back. And the PM1 block:
 * SCI_EN reads 1, SLP_EN with SLP_TYP S5 powers off with status 0.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <string.h>
#include "../../virt/dev/platform.h"
#include "unit.h"

/* ---- stand-ins ----------------------------------------------------------- */

#define RAM_SIZE 0x100000
static u8 ram[RAM_SIZE];
static u64 ram_limit = RAM_SIZE; /* to make writes fail */
static void *allocs[16];
static unsigned int nallocs, warnings, stops;
static int stop_reason, stop_status;
static char stop_msg[96];

int vm_write_phys(struct vm *vm, gpa_t gpa, const void *src, size_t len)
{
	if (gpa > ram_limit || len > ram_limit - gpa)
		return -1;
	memcpy(ram + gpa, src, len);
	return 0;
}

void *vm_dev_zalloc(struct vm *vm, size_t size)
{
	void *p = calloc(1, size);

	if (nallocs < 16)
		allocs[nallocs++] = p;
	return p;
}

void vm_stop(struct vm *vm, int reason, int status, const char *fmt, ...)
{
	va_list ap;

	stops++;
	stop_reason = reason;
	stop_status = status;
	va_start(ap, fmt);
	vsnprintf(stop_msg, sizeof(stop_msg), fmt, ap);
	va_end(ap);
}

static u64 fake_ns;

u64 vclock_ns(void)
{
	return fake_ns;
}

void printk(int level, const char *fmt, ...)
{
	if (level == 4)
		warnings++;
}

/* ---- table access -------------------------------------------------------- */

static u32 rd16(u64 a)
{
	return ram[a] | ram[a + 1] << 8;
}

static u32 rd32(u64 a)
{
	return rd16(a) | rd16(a + 2) << 16;
}

static u64 rd64(u64 a)
{
	return rd32(a) | (u64)rd32(a + 4) << 32;
}

static u8 sum(u64 a, u64 len)
{
	u8 s = 0;

	for (u64 i = 0; i < len; i++)
		s = (u8)(s + ram[a + i]);
	return s;
}

static bool sig_at(u64 a, const char *sig)
{
	return a + 4 <= RAM_SIZE && !memcmp(ram + a, sig, 4);
}

/* A table from the XSDT, checked for a valid header; 0 if absent. */
static u64 xsdt_find(const char *sig)
{
	u64 xsdt = rd64(PLAT_ACPI_BASE + 24);
	u32 len = rd32(xsdt + 4);

	for (u64 e = xsdt + 36; e + 8 <= xsdt + len; e += 8) {
		u64 t = rd64(e);

		if (t < RAM_SIZE && sig_at(t, sig))
			return t;
	}
	return 0;
}

static u64 build(unsigned int ncpus)
{
	struct vm vm;

	memset(&vm, 0, sizeof(vm));
	strcpy(vm.name, "t");
	memset(ram, 0xEE, sizeof(ram));
	return acpi_build(&vm, ncpus);
}

UNIT_TEST(rsdp_xsdt_rsdt_checksums_and_pointers)
{
	u64 rsdt, xsdt;

	CHECK_EQ(build(2), PLAT_ACPI_BASE);
	CHECK(!memcmp(ram + PLAT_ACPI_BASE, "RSD PTR ", 8));
	CHECK_EQ(PLAT_ACPI_BASE % 16, 0);
	CHECK_EQ(sum(PLAT_ACPI_BASE, 20), 0);
	CHECK_EQ(sum(PLAT_ACPI_BASE, 36), 0);
	CHECK_EQ(ram[PLAT_ACPI_BASE + 15], 2);
	CHECK_EQ(rd32(PLAT_ACPI_BASE + 20), 36);
	rsdt = rd32(PLAT_ACPI_BASE + 16);
	xsdt = rd64(PLAT_ACPI_BASE + 24);
	CHECK(sig_at(rsdt, "RSDT"));
	CHECK(sig_at(xsdt, "XSDT"));
	CHECK_EQ(rd32(xsdt + 4), 36 + 2 * 8);
	CHECK_EQ(rd32(rsdt + 4), 36 + 2 * 4);
	CHECK_EQ(sum(xsdt, rd32(xsdt + 4)), 0);
	CHECK_EQ(sum(rsdt, rd32(rsdt + 4)), 0);
	/* The same tables through both. */
	CHECK_EQ(rd64(xsdt + 36), rd32(rsdt + 36));
	CHECK_EQ(rd64(xsdt + 44), rd32(rsdt + 40));
	CHECK(xsdt_find("FACP") != 0);
	CHECK(xsdt_find("APIC") != 0);
	/* Everything inside the reserved area. */
	for (u64 a = PLAT_ACPI_BASE + 36; a < PLAT_ACPI_BASE + 0x2000; a++)
		if (sig_at(a, "XSDT") || sig_at(a, "RSDT"))
			CHECK(a + rd32(a + 4) <=
			      PLAT_ACPI_BASE + PLAT_ACPI_SIZE);
}

UNIT_TEST(fadt_fields)
{
	u64 f, dsdt, facs;

	build(1);
	f = xsdt_find("FACP");
	CHECK_EQ(rd32(f + 4), 276);
	CHECK_EQ(ram[f + 8], 6);
	CHECK_EQ(sum(f, 276), 0);
	facs = rd32(f + 36);
	dsdt = rd32(f + 40);
	CHECK(sig_at(facs, "FACS"));
	CHECK_EQ(facs % 64, 0);
	CHECK_EQ(rd32(facs + 4), 64);
	CHECK_EQ(ram[facs + 32], 2);
	CHECK(sig_at(dsdt, "DSDT"));
	CHECK_EQ(rd64(f + 140), dsdt); /* X_DSDT */
	CHECK_EQ(rd64(f + 132), 0); /* X_FIRMWARE_CTRL */
	CHECK_EQ(sum(dsdt, rd32(dsdt + 4)), 0);
	CHECK_EQ(rd16(f + 46), 9); /* SCI_INT */
	CHECK_EQ(rd32(f + 48), 0); /* SMI_CMD */
	CHECK_EQ(rd32(f + 56), PLAT_ACPI_PM_PORT);
	CHECK_EQ(rd32(f + 60), 0);
	CHECK_EQ(rd32(f + 64), PLAT_ACPI_PM_PORT + 4);
	CHECK_EQ(rd32(f + 76), PLAT_ACPI_PMTMR_PORT); /* PM_TMR_BLK */
	CHECK(rd32(f + 112) & (1u << 8)); /* TMR_VAL_EXT: 32 bits */
	CHECK_EQ(ram[f + 88], 4);
	CHECK_EQ(ram[f + 89], 2);
	CHECK_EQ(ram[f + 91], 4); /* PM_TMR_LEN */
	/* IAPC_BOOT_ARCH: legacy devices, no 8042, no VGA, MSI allowed. */
	CHECK_EQ(rd16(f + 109), 0x5);
	CHECK_EQ(rd32(f + 112) & (1u << 20), 0); /* not HW-reduced */
	CHECK_EQ(rd32(f + 112) & 1, 1); /* WBINVD */
	/* X_PM1a_EVT_BLK / X_PM1a_CNT_BLK: system I/O, 32 / 16 bits. */
	CHECK_EQ(ram[f + 148], 1);
	CHECK_EQ(ram[f + 149], 32);
	CHECK_EQ(rd64(f + 152), PLAT_ACPI_PM_PORT);
	CHECK_EQ(ram[f + 172], 1);
	CHECK_EQ(ram[f + 173], 16);
	CHECK_EQ(rd64(f + 176), PLAT_ACPI_PM_PORT + 4);
	CHECK_EQ(ram[f + 208], 1); /* X_PM_TMR_BLK: system I/O, 32 bits */
	CHECK_EQ(ram[f + 209], 32);
	CHECK_EQ(rd64(f + 212), PLAT_ACPI_PMTMR_PORT);
}

UNIT_TEST(madt_entries)
{
	for (unsigned int n = 1; n <= VM_MAX_VCPUS; n += 3) {
		u64 m, e, end;
		unsigned int lapics = 0, ioapics = 0, isos = 0, nmis = 0;

		CHECK_EQ(build(n), PLAT_ACPI_BASE);
		m = xsdt_find("APIC");
		CHECK(m != 0);
		end = m + rd32(m + 4);
		CHECK_EQ(rd32(m + 4), 44 + 8 * n + 12 + 2 * 10 + 6);
		CHECK_EQ(sum(m, end - m), 0);
		CHECK_EQ(rd32(m + 36), 0xFEE00000);
		CHECK_EQ(rd32(m + 40), 1); /* PCAT_COMPAT */
		for (e = m + 44; e < end && ram[e + 1]; e += ram[e + 1]) {
			switch (ram[e]) {
			case 0:
				CHECK_EQ(ram[e + 1], 8);
				CHECK_EQ(ram[e + 2], lapics); /* UID */
				CHECK_EQ(ram[e + 3], lapics); /* APIC ID */
				CHECK_EQ(rd32(e + 4), 1);
				lapics++;
				break;
			case 1:
				CHECK_EQ(ram[e + 1], 12);
				CHECK_EQ(ram[e + 2], n);
				CHECK_EQ(rd32(e + 4), PLAT_IOAPIC_BASE);
				CHECK_EQ(rd32(e + 8), 0);
				ioapics++;
				break;
			case 2:
				CHECK_EQ(ram[e + 1], 10);
				CHECK_EQ(ram[e + 2], 0);
				if (ram[e + 3] == 0) {
					CHECK_EQ(rd32(e + 4), 2);
					CHECK_EQ(rd16(e + 8), 0x5);
				} else {
					CHECK_EQ(ram[e + 3], 9);
					CHECK_EQ(rd32(e + 4), 9);
					CHECK_EQ(rd16(e + 8), 0xD);
				}
				isos++;
				break;
			case 4:
				CHECK_EQ(ram[e + 1], 6);
				CHECK_EQ(ram[e + 2], 0xFF);
				CHECK_EQ(ram[e + 5], 1); /* LINT1 */
				nmis++;
				break;
			default: CHECK(0);
			}
		}
		CHECK_EQ(e, end);
		CHECK_EQ(lapics, n);
		CHECK_EQ(ioapics, 1);
		CHECK_EQ(isos, 2);
		CHECK_EQ(nmis, 1);
	}
}

UNIT_TEST(build_fails_cleanly)
{
	CHECK_EQ(build(0), 0);
	CHECK_EQ(build(VM_MAX_VCPUS + 1), 0);
	ram_limit = PLAT_ACPI_BASE + 0x100; /* RAM ends inside the area */
	CHECK_EQ(build(2), 0);
	ram_limit = RAM_SIZE;
}

/* ---- the DSDT's AML, parsed here ------------------------------------- */

/* PkgLength at a: the length it encodes, and its own size in *n. */
static u32 pkglen(u64 a, unsigned int *n)
{
	u8 b0 = ram[a];
	u32 len;

	*n = 1 + (b0 >> 6);
	if (*n == 1)
		return b0 & 0x3F;
	len = b0 & 0xF;
	for (unsigned int i = 1; i < *n; i++)
		len |= (u32)ram[a + i] << (4 + 8 * (i - 1));
	return len;
}

/* An integer term at *a (advanced past it). */
static u64 aml_int(u64 *a)
{
	u8 op = ram[(*a)++];
	u64 v;

	switch (op) {
	case 0x00:
	case 0x01: return op;
	case 0xFF: return ~0ull;
	case 0x0A:
		v = ram[*a];
		*a += 1;
		return v;
	case 0x0B:
		v = rd16(*a);
		*a += 2;
		return v;
	case 0x0C:
		v = rd32(*a);
		*a += 4;
		return v;
	case 0x0E:
		v = rd64(*a);
		*a += 8;
		return v;
	}
	CHECK(!"integer term");
	return 0xBAD;
}

static u64 find_bytes(u64 from, u64 end, const void *pat, size_t n)
{
	for (u64 a = from; a + n <= end; a++)
		if (!memcmp(ram + a, pat, n))
			return a;
	return 0;
}

/* Name(name, Package) at the first match: the package's element count
 * and where its elements start; end of the package in *pend. */
static unsigned int name_package(u64 dsdt, u64 end, const void *pat, size_t n,
				 u64 *elems, u64 *pend)
{
	u64 a = find_bytes(dsdt + 36, end, pat, n);
	unsigned int nb;
	u32 len;

	CHECK(a != 0);
	if (!a)
		return 0;
	a += n;
	CHECK_EQ(ram[a], 0x12);
	len = pkglen(a + 1, &nb);
	*pend = a + 1 + len;
	*elems = a + 1 + nb + 1;
	return ram[a + 1 + nb];
}

UNIT_TEST(dsdt_aml_structure)
{
	static const u8 prt[] = { 0x08, '_', 'P', 'R', 'T' };
	static const u8 s5[] = { 0x08, '\\', '_', 'S', '5', '_' };
	static const u8 hid[] = { 0x08, '_', 'H', 'I', 'D', 0x0C };
	u64 dsdt, end, a, pend, s5at;
	unsigned int nb, count;
	u32 len;

	build(3);
	dsdt = rd32(xsdt_find("FACP") + 40);
	end = dsdt + rd32(dsdt + 4);
	CHECK_EQ(ram[dsdt + 8], 2); /* 64-bit integers */

	/* Scope(\_SB_) spans up to the Name(\_S5_). */
	CHECK_EQ(ram[dsdt + 36], 0x10);
	len = pkglen(dsdt + 37, &nb);
	CHECK_EQ(nb, 2);
	CHECK(!memcmp(ram + dsdt + 37 + nb, "\\_SB_", 5));
	s5at = find_bytes(dsdt + 36, end, s5, sizeof(s5));
	CHECK_EQ(dsdt + 37 + len, s5at);
	/* Device(PCI0) first in it, with _HID EISAID("PNP0A03"). */
	a = dsdt + 37 + nb + 5;
	CHECK_EQ(ram[a], 0x5B);
	CHECK_EQ(ram[a + 1], 0x82);
	len = pkglen(a + 2, &nb);
	CHECK(!memcmp(ram + a + 2 + nb, "PCI0", 4));
	CHECK(!memcmp(ram + a + 2 + nb + 4, hid, sizeof(hid)));
	CHECK_EQ(rd32(a + 2 + nb + 4 + sizeof(hid)), 0x030AD041);
	/* The processor devices follow PCI0. */
	a += 2 + len;
	for (unsigned int i = 0; i < 3 && a + 8 < end; i++) {
		char name[5] = { 'C', '0', '0', (char)('0' + i), 0 };

		CHECK_EQ(ram[a], 0x5B);
		CHECK_EQ(ram[a + 1], 0x82);
		len = pkglen(a + 2, &nb);
		CHECK(!memcmp(ram + a + 2 + nb, name, 4));
		CHECK(find_bytes(a, a + 2 + len, "ACPI0007", 8) != 0);
		a += 2 + len;
	}
	CHECK_EQ(a, s5at);

	/* _PRT: pin P of slot S -> GSI 16 + (S + P) % 4, pin A of slot S
	 * on GSI 16 + S % 4 as the bridge wires it. */
	count = name_package(dsdt, end, prt, sizeof(prt), &a, &pend);
	CHECK_EQ(count, 128);
	for (unsigned int i = 0; i < count && a + 16 < end; i++) {
		u64 e = a, eend;

		CHECK_EQ(ram[e], 0x12);
		len = pkglen(e + 1, &nb);
		eend = e + 1 + len;
		CHECK(eend <= end);
		if (eend > end)
			break;
		CHECK_EQ(ram[e + 1 + nb], 4);
		e += 1 + nb + 1;
		CHECK_EQ(aml_int(&e), (u64)(i / 4) << 16 | 0xFFFF);
		CHECK_EQ(aml_int(&e), i % 4);
		CHECK_EQ(aml_int(&e), 0);
		CHECK_EQ(aml_int(&e), 16 + (i / 4 + i % 4) % 4);
		if (i % 4 == 0)
			CHECK_EQ(16 + (i / 4) % 4, 16 + (i / 4 + i % 4) % 4);
		CHECK_EQ(e, eend);
		a = eend;
	}
	CHECK_EQ(a, pend);

	/* \_S5_: SLP_TYP 5 for PM1a and PM1b. */
	count = name_package(dsdt, end, s5, sizeof(s5), &a, &pend);
	CHECK_EQ(count, 4);
	CHECK_EQ(aml_int(&a), 5);
	CHECK_EQ(aml_int(&a), 5);
	CHECK_EQ(aml_int(&a), 0);
	CHECK_EQ(aml_int(&a), 0);
	CHECK_EQ(a, pend);
	CHECK_EQ(pend, end); /* the last object */
}

UNIT_TEST(dsdt_crs_windows)
{
	static const u8 crs[] = { 0x08, '_', 'C', 'R', 'S', 0x11 };
	u64 dsdt, end, a, bend;
	unsigned int nb, io_cf8 = 0, io_win = 0, mem_win = 0, bus = 0;
	bool end_tag = false;
	u32 len;

	build(1);
	dsdt = rd32(xsdt_find("FACP") + 40);
	end = dsdt + rd32(dsdt + 4);
	a = find_bytes(dsdt + 36, end, crs, sizeof(crs));
	CHECK(a != 0);
	a += sizeof(crs);
	len = pkglen(a, &nb);
	bend = a + len;
	a += nb;
	len = (u32)aml_int(&a);
	CHECK_EQ(a + len, bend);
	while (a < bend && !end_tag) {
		u8 t = ram[a];

		if (t == 0x79) {
			end_tag = true;
			a += 2;
		} else if (t == 0x47) {
			CHECK_EQ(rd16(a + 2), 0xCF8);
			CHECK_EQ(ram[a + 7], 8);
			io_cf8++;
			a += 8;
		} else if (t == 0x88) {
			u32 min = rd16(a + 8), max = rd16(a + 10);

			CHECK_EQ(rd16(a + 1), 13);
			CHECK_EQ(rd16(a + 14), max - min + 1);
			if (ram[a + 3] == 2) {
				CHECK_EQ(min, 0);
				CHECK_EQ(max, 0);
				bus++;
			} else {
				CHECK_EQ(ram[a + 3], 1);
				/* The config ports are not in a window. */
				CHECK(max < 0xCF8 || min > 0xCFF);
				CHECK((min == 0 && max == 0xCF7) ||
				      (min == PLAT_PCI_PIO_BASE &&
				       max == PLAT_PCI_PIO_END - 1));
				io_win++;
			}
			a += 16;
		} else if (t == 0x87) {
			u32 min = rd32(a + 10), max = rd32(a + 14);

			CHECK_EQ(rd16(a + 1), 23);
			CHECK_EQ(ram[a + 3], 0);
			CHECK_EQ(rd32(a + 22), max - min + 1);
			CHECK((min == 0xA0000 && max == 0xBFFFF) ||
			      (min == PLAT_PCI_MMIO_BASE &&
			       max == PLAT_PCI_MMIO_END - 1));
			mem_win++;
			a += 26;
		} else {
			CHECK(!"resource descriptor");
			break;
		}
	}
	CHECK(end_tag);
	CHECK_EQ(a, bend);
	CHECK_EQ(bus, 1);
	CHECK_EQ(io_cf8, 1);
	CHECK_EQ(io_win, 2);
	CHECK_EQ(mem_win, 2);
}

/* ---- iasl, the independent oracle -------------------------------------- */

static bool file_has(const char *path, const char *s)
{
	char line[512];
	bool found = false;
	FILE *f = fopen(path, "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, s) != NULL;
	fclose(f);
	return found;
}

static int run(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* Write the table at a to dir/name.dat, disassemble it, compile the
 * disassembly back; returns the .dsl path in dsl. */
static void iasl_check(const char *dir, const char *name, u64 a, char *dsl,
		       size_t dsl_len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.dat", dir, name);
	f = fopen(path, "wb");
	CHECK(f != NULL);
	if (!f)
		return;
	fwrite(ram + a, 1, rd32(a + 4), f);
	fclose(f);
	snprintf(dsl, dsl_len, "%s/%s.dsl", dir, name);
	CHECK_EQ(run("cd %s && iasl -d %s.dat > %s.dis.log 2>&1", dir, name,
		     name),
		 0);
	CHECK(!file_has(dsl, "Incorrect checksum"));
	CHECK(!file_has(dsl, "**** "));
	CHECK(!file_has(dsl, "Unknown"));
	/* The disassembly is valid ASL: it compiles back without errors. */
	CHECK_EQ(run("cd %s && iasl -p %s.re %s.dsl > %s.asl.log 2>&1", dir,
		     name, name, name),
		 0);
	snprintf(path, sizeof(path), "%s/%s.asl.log", dir, name);
	CHECK(file_has(path, " 0 Errors, 0 Warnings"));
}

UNIT_TEST(iasl_disassembles_and_recompiles)
{
	char dir[] = "/tmp/vacpi.XXXXXX", dsl[256];
	u64 fadt;

	if (system("command -v iasl > /dev/null 2>&1 && "
		   "command -v acpiexec > /dev/null 2>&1")) {
		printf("# skip: iasl (acpica-tools) is not installed\n");
		return;
	}
	CHECK(mkdtemp(dir) != NULL);
	build(4);
	fadt = xsdt_find("FACP");

	iasl_check(dir, "dsdt", rd32(fadt + 40), dsl, sizeof(dsl));
	CHECK(file_has(dsl, "EisaId (\"PNP0A03\")"));
	CHECK(file_has(dsl, "Name (_PRT, Package (0x80)"));
	CHECK(file_has(dsl, "0x001FFFFF,"));
	CHECK(file_has(dsl, "Name (\\_S5, Package (0x04)"));
	CHECK(file_has(dsl, "Device (C003)"));
	CHECK(file_has(dsl, "0xC0000000,         // Range Minimum"));
	CHECK(file_has(dsl, "0xFEBFFFFF,         // Range Maximum"));
	CHECK(file_has(dsl, "0x0CF7,             // Range Maximum"));

	iasl_check(dir, "facp", fadt, dsl, sizeof(dsl));
	CHECK(file_has(dsl, "PM1A Event Block Address : 00000600"));
	CHECK(file_has(dsl, "PM1A Control Block Address : 00000604"));
	CHECK(file_has(dsl, "SCI Interrupt : 0009"));
	CHECK(file_has(dsl, "Hardware Reduced (V5) : 0"));

	iasl_check(dir, "apic", xsdt_find("APIC"), dsl, sizeof(dsl));
	CHECK(file_has(dsl, "Local Apic Address : FEE00000"));
	CHECK(file_has(dsl, "Local Apic ID : 03"));
	CHECK(file_has(dsl, "Address : FEC00000"));

	iasl_check(dir, "xsdt", rd64(PLAT_ACPI_BASE + 24), dsl, sizeof(dsl));

	/* ACPICA's interpreter (what Linux runs) loads FADT, MADT and DSDT
	 * without complaint and evaluates the objects Linux uses. */
	CHECK_EQ(run("cd %s && acpiexec -b 'evaluate \\_S5; evaluate "
		     "\\_SB.PCI0._HID; evaluate \\_SB.PCI0._PRT; evaluate "
		     "\\_SB.C003._UID' dsdt.dat facp.dat apic.dat "
		     "> exec.log 2>&1",
		     dir),
		 0);
	snprintf(dsl, sizeof(dsl), "%s/exec.log", dir);
	CHECK(!file_has(dsl, "ACPI Error"));
	CHECK(!file_has(dsl, "ACPI Warning"));
	CHECK(!file_has(dsl, "ACPI Exception"));
	CHECK(file_has(dsl, "FACP 0x"));
	CHECK(file_has(dsl, "APIC 0x"));
	CHECK(file_has(dsl, "Contains 128 Elements"));
	CHECK(file_has(dsl, "[Integer] = 0000000000000005"));
	CHECK(file_has(dsl, "[Integer] = 00000000030AD041"));
	CHECK(file_has(dsl, "[Integer] = 0000000000000003"));
	if (unit_failures == 0)
		run("rm -rf %s", dir);
	else
		printf("# iasl files kept in %s\n", dir);
}

/* ---- PM1 ------------------------------------------------------------------ */

static struct vm pm_vm;

static void pm_setup(void)
{
	for (unsigned int i = 0; i < nallocs; i++)
		free(allocs[i]);
	nallocs = 0;
	memset(&pm_vm, 0, sizeof(pm_vm));
	strcpy(pm_vm.name, "t");
	stops = 0;
	warnings = 0;
	CHECK_EQ(acpi_pm_attach(&pm_vm), 0);
}

#define PM PLAT_ACPI_PM_PORT

UNIT_TEST(pm_timer_counts_at_3_579545_mhz_and_wraps)
{
	pm_setup();
	fake_ns = 0;
	CHECK_EQ(io_bus_read(&pm_vm.pio, PLAT_ACPI_PMTMR_PORT, 4), 0);
	fake_ns = 1000000000ull; /* one second */
	CHECK_EQ(io_bus_read(&pm_vm.pio, PLAT_ACPI_PMTMR_PORT, 4), 3579545);
	/* Byte reads see the same count. */
	CHECK_EQ(io_bus_read(&pm_vm.pio, PLAT_ACPI_PMTMR_PORT + 1, 1),
		 (3579545 >> 8) & 0xFF);
	/* 2^32 ticks = about 1199.9 s: the count wraps, no overflow. */
	fake_ns = 1200ull * 1000000000ull;
	CHECK_EQ(io_bus_read(&pm_vm.pio, PLAT_ACPI_PMTMR_PORT, 4),
		 (u32)(1200ull * 3579545ull));
	fake_ns = 86400ull * 365 * 1000000000ull; /* a year: no 64-bit wrap */
	CHECK_EQ(io_bus_read(&pm_vm.pio, PLAT_ACPI_PMTMR_PORT, 4),
		 (u32)(86400ull * 365 * 3579545ull));
	/* Writes are ignored and counted as unclaimed. */
	io_bus_write(&pm_vm.pio, PLAT_ACPI_PMTMR_PORT, 0, 4);
	CHECK_EQ(pm_vm.pio.unclaimed_writes, 1);
}

UNIT_TEST(pm1_registers)
{
	pm_setup();
	CHECK_EQ(acpi_pm_attach(&pm_vm), -1); /* ports taken */
	CHECK_EQ(io_bus_read(&pm_vm.pio, PM + 4, 2), 1); /* SCI_EN */
	CHECK_EQ(io_bus_read(&pm_vm.pio, PM + 4, 1), 1);
	CHECK_EQ(io_bus_read(&pm_vm.pio, PM, 4), 0);
	/* Enable bits are kept (only defined ones); status is RW1C. */
	io_bus_write(&pm_vm.pio, PM + 2, 0xFFFF, 2);
	CHECK_EQ(io_bus_read(&pm_vm.pio, PM + 2, 2), 0x0721);
	io_bus_write(&pm_vm.pio, PM, 0x01000000, 4);
	CHECK_EQ(io_bus_read(&pm_vm.pio, PM, 4), 0x01000000);
	io_bus_write(&pm_vm.pio, PM, 0xFFFF, 2);
	CHECK_EQ(io_bus_read(&pm_vm.pio, PM, 2), 0);
	/* SLP_TYP without SLP_EN: stored, nothing happens. */
	io_bus_write(&pm_vm.pio, PM + 4, 5 << 10, 2);
	CHECK_EQ(io_bus_read(&pm_vm.pio, PM + 4, 2), 5 << 10 | 1);
	CHECK_EQ(stops, 0);
	CHECK_EQ(io_bus_read(&pm_vm.pio, PM + 6, 1), 0xFF); /* not ours */
}

UNIT_TEST(pm1_s5_powers_off)
{
	pm_setup();
	io_bus_write(&pm_vm.pio, PM + 4, 5 << 10, 2);
	io_bus_write(&pm_vm.pio, PM + 4, 5 << 10 | 1 << 13, 2);
	CHECK_EQ(stops, 1);
	CHECK_EQ(stop_reason, VM_STOP_EXIT);
	CHECK_EQ(stop_status, 0);
	CHECK(strstr(stop_msg, "S5") != NULL);
	CHECK_EQ(io_bus_read(&pm_vm.pio, PM + 4, 2) & (1 << 13), 0);

	/* The high byte alone does it too. */
	pm_setup();
	io_bus_write(&pm_vm.pio, PM + 5, (5 << 2) | 0x20, 1);
	CHECK_EQ(stops, 1);
}

UNIT_TEST(pm1_other_sleep_states_ignored)
{
	pm_setup();
	for (unsigned int typ = 0; typ < 8; typ++)
		if (typ != 5)
			io_bus_write(&pm_vm.pio, PM + 4, typ << 10 | 1 << 13,
				     2);
	CHECK_EQ(stops, 0);
	CHECK_EQ(warnings, 7);
}

UNIT_MAIN()

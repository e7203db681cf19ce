// SPDX-License-Identifier: GPL-2.0
/*
 * Local APIC driver. x2APIC is used when the CPU has it, CONFIG_X2APIC is
 * set and "apic=xapic" was not given; otherwise the xAPIC MMIO page.
 */
#include <pv/cmdline.h>
#include <pv/panic.h>
#include <pv/printk.h>
#include <pv/string.h>
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/cpufeature.h>
#include <asm/io.h>
#include <asm/layout.h>
#include <asm/paging.h>
#include <asm/traps.h>

#define APIC_BASE_BSP (1ull << 8)
#define APIC_BASE_EXTD (1ull << 10)
#define APIC_BASE_EN (1ull << 11)
#define X2APIC_MSR(reg) (0x800u + ((reg) >> 4))
#define X2APIC_ICR 0x830
#define X2APIC_SELF_IPI 0x83F

bool x2apic_mode;
u64 lapic_phys;
static u8 __iomem *lapic_mmio;
static enum { APIC_AUTO, APIC_FORCE_XAPIC } apic_pref;

static int parse_apic(const char *val)
{
	if (!strcmp(val, "xapic"))
		apic_pref = APIC_FORCE_XAPIC;
	else if (!strcmp(val, "auto") || !strcmp(val, "x2apic"))
		apic_pref = APIC_AUTO;
	else
		return -1;
	return 0;
}
KPARAM("apic", parse_apic,
       "'xapic' forces MMIO mode; 'x2apic'/'auto' uses x2APIC when present");

u32 lapic_read(u32 reg)
{
	if (x2apic_mode)
		return (u32)rdmsr(X2APIC_MSR(reg));
	return mmio_read32(lapic_mmio + reg);
}

void lapic_write(u32 reg, u32 v)
{
	if (x2apic_mode)
		wrmsr(X2APIC_MSR(reg), v);
	else
		mmio_write32(lapic_mmio + reg, v);
}

u32 lapic_id(void)
{
	if (x2apic_mode)
		return (u32)rdmsr(X2APIC_MSR(APIC_ID));
	return lapic_read(APIC_ID) >> 24;
}

void lapic_eoi(void)
{
	lapic_write(APIC_EOI, 0);
}

static int xapic_wait_icr(void)
{
	for (unsigned int i = 0; i < 10000000; i++) {
		if (!(lapic_read(APIC_ICR_LO) & APIC_ICR_BUSY))
			return 0;
		cpu_relax();
	}
	return -1;
}

int lapic_send_ipi(u32 apic_id, u32 icr_low)
{
	u64 flags;
	int ret;

	if (x2apic_mode) {
		wrmsr(X2APIC_ICR, (u64)apic_id << 32 | icr_low);
		return 0;
	}
	/* The ICR is two registers: no IPI from an interrupt in between. */
	flags = irq_save();
	ret = xapic_wait_icr();
	lapic_write(APIC_ICR_HI, apic_id << 24);
	lapic_write(APIC_ICR_LO, icr_low);
	if (xapic_wait_icr())
		ret = -1;
	irq_restore(flags);
	if (ret)
		pr_err("apic: IPI %#x to APIC %u stuck in delivery\n", icr_low,
		       apic_id);
	return ret;
}

int lapic_ipi_fixed(u32 apic_id, u8 vector)
{
	return lapic_send_ipi(apic_id,
			      APIC_DM_FIXED | APIC_ICR_ASSERT | vector);
}

int lapic_ipi_nmi(u32 apic_id)
{
	return lapic_send_ipi(apic_id, APIC_DM_NMI | APIC_ICR_ASSERT);
}

int lapic_ipi_init(u32 apic_id)
{
	return lapic_send_ipi(apic_id, APIC_DM_INIT | APIC_ICR_ASSERT);
}

int lapic_ipi_sipi(u32 apic_id, u8 page)
{
	return lapic_send_ipi(apic_id, APIC_DM_SIPI | APIC_ICR_ASSERT | page);
}

int lapic_self_ipi(u8 vector)
{
	if (x2apic_mode) {
		wrmsr(X2APIC_SELF_IPI, vector);
		return 0;
	}
	return lapic_send_ipi(0, APIC_DEST_SELF | APIC_DM_FIXED |
					 APIC_ICR_ASSERT | vector);
}

static void spurious_irq(struct trap_frame *tf, void *data)
{
	/* Counted in irq_counts; not acknowledged (trap_entry knows). */
}

static void error_irq(struct trap_frame *tf, void *data)
{
	u32 esr;

	lapic_write(APIC_ESR, 0);
	esr = lapic_read(APIC_ESR);
	pr_err("apic: error interrupt on APIC %u, ESR %#x\n", lapic_id(), esr);
}

/* LINT0/1 as the MADT says: NMI where listed for this CPU, else masked. */
static void setup_lints(u32 apic_id)
{
	u32 lvt[2] = { APIC_LVT_MASKED, APIC_LVT_MASKED };
	u32 uid = ACPI_UID_ALL - 1;

	for (unsigned int i = 0; i < acpi_madt.nr_cpus; i++)
		if (acpi_madt.cpus[i].apic_id == apic_id)
			uid = acpi_madt.cpus[i].uid;
	for (unsigned int i = 0; i < acpi_madt.nr_nmis; i++) {
		const struct acpi_lapic_nmi *n = &acpi_madt.nmis[i];
		u32 v = APIC_DM_NMI;

		if (n->uid != ACPI_UID_ALL && n->uid != uid)
			continue;
		if ((n->flags & ACPI_POL_MASK) == ACPI_POL_LOW)
			v |= APIC_LVT_ACTIVE_LOW;
		/* NMI delivery is always edge-triggered in the LVT. */
		lvt[n->lint] = v;
	}
	lapic_write(APIC_LVT_LINT0, lvt[0]);
	lapic_write(APIC_LVT_LINT1, lvt[1]);
}

void lapic_init_cpu(void)
{
	u64 base = rdmsr(MSR_APIC_BASE);

	if (!(base & APIC_BASE_EN))
		wrmsr(MSR_APIC_BASE, base |= APIC_BASE_EN);
	if (x2apic_mode && !(base & APIC_BASE_EXTD))
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_EXTD);

	lapic_write(APIC_TPR, 0);
	lapic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	if ((lapic_read(APIC_VERSION) >> 16 & 0xFF) >= 4)
		lapic_write(APIC_LVT_PMC, APIC_LVT_MASKED);
	setup_lints(lapic_id());
	lapic_write(APIC_LVT_ERROR, APIC_ERROR_VECTOR);
	/* The ESR latches on write: write, then clear what firmware left. */
	lapic_write(APIC_ESR, 0);
	lapic_write(APIC_ESR, 0);
	lapic_write(APIC_SVR, APIC_SVR_ENABLE | APIC_SPURIOUS_VECTOR);
	/* Drop an in-service interrupt the loader may have left behind. */
	lapic_eoi();
}

int lapic_init(void)
{
	u64 base;

	if (!cpu.apic) {
		pr_err("apic: CPU has no local APIC\n");
		return -1;
	}
	base = rdmsr(MSR_APIC_BASE);
	lapic_phys = base & 0x000FFFFFFFFFF000ull;
	if (acpi_madt.valid && acpi_madt.lapic_phys != lapic_phys)
		pr_warn("apic: MADT says LAPIC at %#llx, MSR says %#llx; using the MSR\n",
			(unsigned long long)acpi_madt.lapic_phys,
			(unsigned long long)lapic_phys);

	x2apic_mode = IS_ENABLED(CONFIG_X2APIC) && cpu.x2apic &&
		      apic_pref != APIC_FORCE_XAPIC;
	if (!x2apic_mode && (base & APIC_BASE_EXTD)) {
		/* x2APIC -> xAPIC must pass through "disabled". */
		wrmsr(MSR_APIC_BASE, base & ~(APIC_BASE_EN | APIC_BASE_EXTD));
		wrmsr(MSR_APIC_BASE, base & ~APIC_BASE_EXTD);
	}
	if (!x2apic_mode) {
		lapic_mmio = ioremap(lapic_phys, PAGE_SIZE);
		if (!lapic_mmio) {
			pr_err("apic: cannot map the xAPIC page\n");
			return -1;
		}
	}

	irq_register(APIC_SPURIOUS_VECTOR, spurious_irq, NULL);
	irq_register(APIC_ERROR_VECTOR, error_irq, NULL);
	lapic_init_cpu();
	irq_eoi = lapic_eoi;
	pr_info("apic: %s mode, BSP APIC ID %u, version %#x%s\n",
		x2apic_mode ? "x2APIC" : "xAPIC", lapic_id(),
		lapic_read(APIC_VERSION) & 0xFF,
		cpu.x2apic && !x2apic_mode ? " (x2APIC available, not used)"
					   : "");
	return 0;
}

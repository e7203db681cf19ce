// SPDX-License-Identifier: GPL-2.0
/* SMP suite: every MADT CPU online, cross-CPU calls and IPIs, spinlocks. */
#include <pv/ktest.h>
#include <pv/pmm.h>
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/layout.h>
#include <asm/paging.h>
#include <asm/percpu.h>
#include <asm/smp.h>
#include <asm/spinlock.h>
#include <asm/timer.h>
#include <asm/traps.h>

static void all_cpus_online(struct ktest *t)
{
	unsigned int want =
		MIN(acpi_madt.nr_cpus, (unsigned int)CONFIG_NR_CPUS);

	ktest_log(t, "MADT lists %u CPUs, %u online", acpi_madt.nr_cpus,
		  nr_cpus_online);
	KTEST_EXPECT(t, acpi_madt.nr_cpus >= 1);
	KTEST_EXPECT_EQ(t, READ_ONCE(nr_cpus_online), want);
	for (unsigned int c = 0; c < want; c++) {
		struct percpu *pc = percpu_of(c);
		bool listed = false;

		KTEST_ASSERT(t, cpu_online(c));
		KTEST_EXPECT_EQ(t, pc->cpu_id, c);
		KTEST_EXPECT(t, pc->self == pc);
		for (unsigned int i = 0; i < acpi_madt.nr_cpus; i++)
			listed |= acpi_madt.cpus[i].apic_id == pc->apic_id;
		KTEST_EXPECT(t, listed);
		for (unsigned int o = 0; o < c; o++)
			KTEST_EXPECT(t, percpu_of(o)->apic_id != pc->apic_id);
	}
	KTEST_EXPECT(t, !cpu_online(want));
	KTEST_EXPECT_EQ(t, smp_processor_id(), 0);
}

struct whoami {
	u32 apic_id;
	unsigned int cpu;
	u64 gs_self;
};

static void report_id(void *arg)
{
	struct whoami *w = arg;

	w->apic_id = lapic_id();
	w->cpu = smp_processor_id();
	w->gs_self = (u64)(uintptr_t)this_cpu()->self;
}

static void call_returns_apic_id(struct ktest *t)
{
	for (unsigned int c = 0; c < CONFIG_NR_CPUS; c++) {
		struct whoami w = { 0xFFFFFFFF, ~0u, 0 };

		if (!cpu_online(c))
			continue;
		KTEST_EXPECT_EQ(t, smp_call_function(c, report_id, &w, true),
				0);
		KTEST_EXPECT_EQ(t, w.apic_id, percpu_of(c)->apic_id);
		KTEST_EXPECT_EQ(t, w.cpu, c);
		KTEST_EXPECT_EQ(t, w.gs_self, (u64)(uintptr_t)percpu_of(c));
	}
	/* Offline or nonexistent CPUs are refused. */
	KTEST_EXPECT(t, smp_call_function(CONFIG_NR_CPUS, report_id, NULL,
					  true) < 0);
}

static struct {
	unsigned int hits;
	unsigned int cpu;
} ipi_seen;

static void ap_ipi(struct trap_frame *tf, void *data)
{
	ipi_seen.cpu = smp_processor_id();
	__atomic_fetch_add(&ipi_seen.hits, 1, __ATOMIC_RELEASE);
}

static void fixed_ipi_each_cpu(struct ktest *t)
{
	int v = irq_alloc_vector();

	KTEST_ASSERT(t, v >= 48);
	KTEST_ASSERT_EQ(t, irq_register((unsigned int)v, ap_ipi, NULL), 0);
	for (unsigned int c = 1; c < CONFIG_NR_CPUS; c++) {
		u64 start;

		if (!cpu_online(c))
			continue;
		ipi_seen.hits = 0;
		ipi_seen.cpu = ~0u;
		KTEST_EXPECT_EQ(
			t, lapic_ipi_fixed(percpu_of(c)->apic_id, (u8)v), 0);
		start = uptime_ns();
		while (!__atomic_load_n(&ipi_seen.hits, __ATOMIC_ACQUIRE) &&
		       uptime_ns() - start < 1000000000)
			cpu_relax();
		KTEST_EXPECT_EQ(t, ipi_seen.hits, 1);
		KTEST_EXPECT_EQ(t, ipi_seen.cpu, c);
	}
	irq_unregister((unsigned int)v);
}

#define ROUNDS 1000

static spinlock_t counter_lock = SPINLOCK_INIT;
static u64 counter;
static unsigned int finished;

static void bump(void *arg)
{
	for (int i = 0; i < ROUNDS; i++) {
		u64 f = spin_lock_irqsave(&counter_lock);
		/* A torn read-modify-write shows up if the lock fails. */
		u64 v = READ_ONCE(counter);

		cpu_relax();
		WRITE_ONCE(counter, v + 1);
		spin_unlock_irqrestore(&counter_lock, f);
	}
	__atomic_fetch_add(&finished, 1, __ATOMIC_RELEASE);
}

static void spinlock_counter(struct ktest *t)
{
	unsigned int n = 0;
	u64 start;

	counter = 0;
	finished = 0;
	for (unsigned int c = 1; c < CONFIG_NR_CPUS; c++) {
		if (cpu_online(c) && !smp_call_function(c, bump, NULL, false))
			n++;
	}
	bump(NULL);
	n++;
	start = uptime_ns();
	while (__atomic_load_n(&finished, __ATOMIC_ACQUIRE) < n &&
	       uptime_ns() - start < 20000000000ull)
		cpu_relax();
	ktest_log(t, "%u CPUs x %d increments", n, ROUNDS);
	KTEST_EXPECT_EQ(t, finished, n);
	KTEST_EXPECT_EQ(t, READ_ONCE(counter), (u64)n * ROUNDS);
	KTEST_EXPECT(t, !spin_is_locked(&counter_lock));
}

/* Away from the direct map, the ioremap window and paging_test's page. */
#define SHOOT_VA 0xFFFFD00000000000ull

static void read_va(void *arg)
{
	u64 *out = arg;

	*out = READ_ONCE(*(const u64 *)SHOOT_VA);
}

/* Each AP reads SHOOT_VA; returns how many saw want. */
static unsigned int aps_read(u64 want)
{
	unsigned int ok = 0;

	for (unsigned int c = 1; c < CONFIG_NR_CPUS; c++) {
		u64 v = 0;

		if (cpu_online(c) && !smp_call_function(c, read_va, &v, true))
			ok += v == want;
	}
	return ok;
}

/*
 * APs cache a translation, the BSP remaps the page: without a shootdown
 * they would keep reading the old frame.
 */
static void tlb_shootdown_reaches_aps(struct ktest *t)
{
	phys_addr_t a = pmm_alloc_zeroed_page(), b = pmm_alloc_zeroed_page();
	unsigned int aps = READ_ONCE(nr_cpus_online) - 1;

	if (!aps) {
		ktest_skip(t, "no application processors");
		goto out;
	}
	KTEST_ASSERT(t, a && b && tlb_shootdown);
	*(u64 *)phys_to_virt(a) = 0xAAAA;
	*(u64 *)phys_to_virt(b) = 0xBBBB;
	KTEST_ASSERT_EQ(t,
			map_range(&kernel_pgtable, SHOOT_VA, a, PAGE_SIZE,
				  PG_WRITE | PG_NX),
			0);
	KTEST_EXPECT_EQ(t, aps_read(0xAAAA), aps);
	KTEST_EXPECT_EQ(t, unmap_range(&kernel_pgtable, SHOOT_VA, PAGE_SIZE),
			0);
	KTEST_EXPECT_EQ(t,
			map_range(&kernel_pgtable, SHOOT_VA, b, PAGE_SIZE,
				  PG_WRITE | PG_NX),
			0);
	KTEST_EXPECT_EQ(t, aps_read(0xBBBB), aps);
	unmap_range(&kernel_pgtable, SHOOT_VA, PAGE_SIZE);
out:
	if (a)
		pmm_free_pages(a, 0);
	if (b)
		pmm_free_pages(b, 0);
}

static const struct ktest_case smp_cases[] = {
	KTEST_CASE(all_cpus_online),	       KTEST_CASE(call_returns_apic_id),
	KTEST_CASE(fixed_ipi_each_cpu),	       KTEST_CASE(spinlock_counter),
	KTEST_CASE(tlb_shootdown_reaches_aps),
};
KTEST_SUITE("smp", smp_cases);

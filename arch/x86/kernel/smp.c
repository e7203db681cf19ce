// SPDX-License-Identifier: GPL-2.0
/*
 * SMP bring-up: every enabled CPU in the MADT gets INIT-SIPI-SIPI, runs
 * the trampoline into ap_start(), sets up its own GDT/TSS, IDT, LAPIC and
 * timer, and then idles, running smp_call_function() work.
 */
#include <pv/heap.h>
#include <pv/panic.h>
#include <pv/pmm.h>
#include <pv/printk.h>
#include <pv/string.h>
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/cpufeature.h>
#include <asm/layout.h>
#include <asm/paging.h>
#include <asm/percpu.h>
#include <asm/smp.h>
#include <asm/timer.h>
#include <asm/traps.h>

#define AP_STACK_SIZE 16384
#define AP_START_TIMEOUT_MS 2000

extern const char trampoline_start[], trampoline_end[], trampoline_params[];

unsigned int smp_cpus_expected = 1;
static u64 bsp_pat;
static bool smp_stopping;
static unsigned int nr_stopped;

void ap_start(struct percpu *pc) __noreturn;

bool cpu_online(unsigned int cpu)
{
	struct percpu *pc = percpu_of(cpu);

	return pc &&
	       __atomic_load_n(&pc->state, __ATOMIC_ACQUIRE) == CPU_ONLINE;
}

static void call_ipi(struct trap_frame *tf, void *data)
{
	struct percpu *pc = this_cpu();
	u32 req = __atomic_load_n(&pc->call_req, __ATOMIC_ACQUIRE);
	void (*fn)(void *) = pc->call_fn;
	void *arg = pc->call_arg;

	if (req == pc->call_taken)
		return;
	/* Taken: the sender may queue the next call once this is out. */
	__atomic_store_n(&pc->call_taken, req, __ATOMIC_RELEASE);
	fn(arg);
	__atomic_store_n(&pc->call_done, req, __ATOMIC_RELEASE);
}

void (*idle_work)(void);

static void __noreturn idle_loop(void)
{
	irq_enable();
	for (;;) {
		halt();
		if (READ_ONCE(idle_work))
			idle_work();
	}
}

int smp_call_function(unsigned int cpu, void (*fn)(void *), void *arg,
		      bool wait)
{
	struct percpu *pc = percpu_of(cpu);
	u32 req;

	if (!cpu_online(cpu))
		return -1;
	if (pc == this_cpu()) {
		fn(arg);
		return 0;
	}
	spin_lock(&pc->call_lock);
	pc->call_fn = fn;
	pc->call_arg = arg;
	req = pc->call_req + 1;
	__atomic_store_n(&pc->call_req, req, __ATOMIC_RELEASE);
	lapic_ipi_fixed(pc->apic_id, IPI_CALL_VECTOR);
	while (__atomic_load_n(&pc->call_taken, __ATOMIC_ACQUIRE) != req)
		cpu_relax();
	spin_unlock(&pc->call_lock);
	while (wait && (s32)(__atomic_load_n(&pc->call_done, __ATOMIC_ACQUIRE) -
			     req) < 0)
		cpu_relax();
	return 0;
}

struct tlb_range {
	u64 va, size;
};

static void flush_local(void *arg)
{
	const struct tlb_range *r = arg;

	flush_tlb_range(r->va, r->size);
}

/* The kernel's tables changed: every other online CPU flushes too. */
static void smp_tlb_shootdown(u64 va, u64 size)
{
	struct tlb_range r = { va, size };
	unsigned int self = smp_processor_id();

	for (unsigned int c = 0; c < CONFIG_NR_CPUS; c++)
		if (c != self && cpu_online(c))
			smp_call_function(c, flush_local, &r, true);
}

/* NMI from smp_stop_others(): park this CPU for good. */
static bool stop_nmi(struct trap_frame *tf)
{
	if (!READ_ONCE(smp_stopping))
		return false;
	__atomic_store_n(&this_cpu()->state, CPU_STOPPED, __ATOMIC_RELEASE);
	__atomic_fetch_add(&nr_stopped, 1, __ATOMIC_RELEASE);
	halt_forever();
}

static void smp_stop_others(void)
{
	unsigned int others = READ_ONCE(nr_cpus_online) - 1;

	if (!others || READ_ONCE(smp_stopping))
		return;
	WRITE_ONCE(smp_stopping, true);
	lapic_send_ipi(0, APIC_DEST_OTHERS | APIC_DM_NMI | APIC_ICR_ASSERT);
	for (int i = 0; i < 1000; i++) {
		if (__atomic_load_n(&nr_stopped, __ATOMIC_ACQUIRE) >= others)
			return;
		udelay(100);
	}
}

void ap_start(struct percpu *pc)
{
	if (cpu.pat)
		wrmsr(MSR_PAT, bsp_pat);
	percpu_install(pc);
	gdt_init_cpu(pc->cpu_id, pc->ist);
	idt_load();
	lapic_init_cpu();
	if (lapic_id() != pc->apic_id)
		pr_warn("smp: CPU %u expected APIC ID %u, has %u\n", pc->cpu_id,
			pc->apic_id, lapic_id());
	timer_init_cpu();
	__atomic_fetch_add(&nr_cpus_online, 1, __ATOMIC_RELEASE);
	__atomic_store_n(&pc->state, CPU_ONLINE, __ATOMIC_RELEASE);
	idle_loop();
}

static bool boot_ap(unsigned int id, u32 apic_id, u8 *tramp, phys_addr_t pa)
{
	struct percpu *pc = percpu_alloc(id);
	u8 *params = tramp + (trampoline_params - trampoline_start);
	volatile u32 *started = (volatile u32 *)(params + TR_STARTED);
	u64 v;

	if (!pc)
		return false;
	if (!pc->stack) {
		pc->stack = kzalloc(AP_STACK_SIZE);
		pc->ist = kzalloc(3 * IST_STACK_SIZE);
		if (!pc->stack || !pc->ist) {
			pr_err("smp: no memory for CPU %u's stacks\n", id);
			return false;
		}
	}
	pc->apic_id = apic_id;
	pc->stack_top =
		ALIGN_DOWN((u64)(uintptr_t)pc->stack + AP_STACK_SIZE, 16);
	__atomic_store_n(&pc->state, CPU_BOOTING, __ATOMIC_RELEASE);

	*started = 0;
	v = rdmsr(MSR_EFER) & (EFER_NXE | EFER_SCE);
	*(u32 *)(params + TR_EFER) = (u32)(v | EFER_LME);
	*(u32 *)(params + TR_BOOT_CR3) = (u32)virt_to_phys(boot_pml4);
	*(u64 *)(params + TR_CR0) = read_cr0();
	*(u64 *)(params + TR_CR4) = read_cr4();
	*(u64 *)(params + TR_KERNEL_CR3) = read_cr3();
	*(u64 *)(params + TR_STACK) = pc->stack_top;
	*(u64 *)(params + TR_PERCPU) = (u64)(uintptr_t)pc;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	lapic_ipi_init(apic_id);
	mdelay(10);
	lapic_ipi_sipi(apic_id, (u8)(pa >> PAGE_SHIFT));
	udelay(200);
	if (!*started) {
		lapic_ipi_sipi(apic_id, (u8)(pa >> PAGE_SHIFT));
		udelay(200);
	}
	for (int ms = 0; ms < AP_START_TIMEOUT_MS; ms++) {
		if (cpu_online(id))
			return true;
		mdelay(1);
	}
	pr_err("smp: CPU %u (APIC ID %u) did not come up (%s)\n", id, apic_id,
	       *started ? "started the trampoline" : "no response to SIPI");
	__atomic_store_n(&pc->state, CPU_OFFLINE, __ATOMIC_RELEASE);
	return false;
}

int smp_init(void)
{
	struct percpu *bsp = this_cpu();
	size_t tsize = (size_t)(trampoline_end - trampoline_start);
	unsigned int next = 1, ignored = 0;
	phys_addr_t pa;
	u8 *tramp;

	bsp->apic_id = lapic_id();
	panic_stop_others = smp_stop_others;
	trap_set_handler(X86_NMI, stop_nmi);
	irq_register(IPI_CALL_VECTOR, call_ipi, NULL);
	tlb_shootdown = smp_tlb_shootdown;

	if (!IS_ENABLED(CONFIG_SMP) || acpi_madt.nr_cpus <= 1) {
		if (acpi_madt.nr_cpus > 1)
			pr_info("smp: CONFIG_SMP is off; %u other CPUs stay idle\n",
				acpi_madt.nr_cpus - 1);
		pr_info("smp: 1 CPU online\n");
		return 0;
	}
	pa = pmm_alloc_low_page();
	if (!pa || pa >= 0x100000 || tsize > PAGE_SIZE) {
		pr_err("smp: no low page for the AP trampoline; APs stay off\n");
		return -1;
	}
	tramp = phys_to_virt(pa);
	memcpy(tramp, trampoline_start, tsize);
	if (cpu.pat)
		bsp_pat = rdmsr(MSR_PAT);

	for (unsigned int i = 0; i < acpi_madt.nr_cpus; i++) {
		u32 apic_id = acpi_madt.cpus[i].apic_id;

		if (apic_id == bsp->apic_id)
			continue;
		if (next >= CONFIG_NR_CPUS) {
			ignored++;
			continue;
		}
		/* A CPU that failed keeps its slot: it may still wake up. */
		boot_ap(next++, apic_id, tramp, pa);
	}
	smp_cpus_expected =
		MIN(acpi_madt.nr_cpus, (unsigned int)CONFIG_NR_CPUS);
	if (ignored)
		pr_warn("smp: %u CPUs ignored (CONFIG_NR_CPUS=%u)\n", ignored,
			CONFIG_NR_CPUS);
	pr_info("smp: %u CPUs online\n", READ_ONCE(nr_cpus_online));
	if (READ_ONCE(nr_cpus_online) != smp_cpus_expected)
		return -1; /* a late AP may still run the trampoline: keep it */
	pmm_free_low_page(pa);
	return 0;
}

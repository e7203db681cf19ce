// SPDX-License-Identifier: GPL-2.0
/* IRQ suite: exception handlers resume, IPIs and IOAPIC lines arrive. */
#include <pv/ktest.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/ioapic.h>
#include <asm/timer.h>
#include <asm/traps.h>

static unsigned int bp_hits, ud_hits;
static u64 ud_rip;

static bool bp_handler(struct trap_frame *tf)
{
	bp_hits++;
	return true; /* #BP is a trap: RIP is already past int3 */
}

static void int3_caught(struct ktest *t)
{
	trap_handler_t old = trap_set_handler(X86_BP, bp_handler);
	u64 count = irq_counts[X86_BP];
	volatile int after = 0;

	bp_hits = 0;
	__asm__ __volatile__("int3" ::: "memory");
	after = 1;
	trap_set_handler(X86_BP, old);
	KTEST_EXPECT_EQ(t, bp_hits, 1);
	KTEST_EXPECT_EQ(t, after, 1);
	KTEST_EXPECT_EQ(t, irq_counts[X86_BP], count + 1);
}

static bool ud_handler(struct trap_frame *tf)
{
	const u8 *ip = (const u8 *)tf->rip;

	if (ip[0] != 0x0F || ip[1] != 0x0B)
		return false;
	ud_hits++;
	ud_rip = tf->rip;
	tf->rip += 2; /* skip ud2 */
	return true;
}

static void ud2_caught(struct ktest *t)
{
	trap_handler_t old = trap_set_handler(X86_UD, ud_handler);
	u64 here;

	ud_hits = 0;
	__asm__ __volatile__("leaq 1f(%%rip), %0\n\t"
			     "1: ud2"
			     : "=r"(here)
			     :
			     : "memory");
	trap_set_handler(X86_UD, old);
	KTEST_EXPECT_EQ(t, ud_hits, 1);
	KTEST_EXPECT_EQ(t, ud_rip, here);
}

struct ipi_probe {
	unsigned int hits;
	unsigned int vector;
};

static void probe_irq(struct trap_frame *tf, void *data)
{
	struct ipi_probe *p = data;

	p->hits++;
	p->vector = (unsigned int)tf->vector;
}

static void self_ipi(struct ktest *t)
{
	struct ipi_probe p = { 0, 0 };
	int v = irq_alloc_vector();
	u64 flags, count;

	KTEST_ASSERT(t, v >= 48);
	KTEST_ASSERT_EQ(t, irq_register((unsigned int)v, probe_irq, &p), 0);
	/* A second registration on the same vector is refused. */
	KTEST_EXPECT(t, irq_register((unsigned int)v, probe_irq, &p) < 0);
	count = irq_counts[v];
	flags = irq_save();
	KTEST_EXPECT_EQ(t, lapic_self_ipi((u8)v), 0);
	udelay(100);
	/* Pending while interrupts are off... */
	KTEST_EXPECT_EQ(t, READ_ONCE(p.hits), 0);
	irq_enable();
	for (int i = 0; i < 1000 && !READ_ONCE(p.hits); i++)
		udelay(100);
	irq_restore(flags);
	irq_unregister((unsigned int)v);
	KTEST_EXPECT_EQ(t, p.hits, 1);
	KTEST_EXPECT_EQ(t, p.vector, v);
	KTEST_EXPECT_EQ(t, irq_counts[v], count + 1);
}

/* PIT channel 0, mode 0: OUT0 rises once after count ticks -> ISA IRQ 0. */
static void ioapic_pit_irq(struct ktest *t)
{
	struct ipi_probe p = { 0, 0 };
	int v = irq_alloc_vector();
	u32 gsi = isa_irq_to_gsi(0);
	u16 count = 1193; /* ~1 ms */
	u64 flags;

	if (!ioapic_nr_pins()) {
		ktest_skip(t, "no IOAPIC");
		return;
	}
	ktest_log(t, "ISA IRQ 0 is GSI %u", gsi);
	KTEST_ASSERT(t, v >= 48);
	KTEST_ASSERT_EQ(t, irq_register((unsigned int)v, probe_irq, &p), 0);
	flags = irq_save();
	outb(0x43, 0x30); /* channel 0, lo/hi, mode 0: OUT0 goes low */
	KTEST_EXPECT_EQ(t, ioapic_route_isa_irq(0, (u8)v, lapic_id()), 0);
	outb(0x40, (u8)(count & 0xFF));
	outb(0x40, (u8)(count >> 8));
	irq_enable();
	for (int i = 0; i < 500 && !READ_ONCE(p.hits); i++)
		udelay(1000);
	mdelay(20); /* mode 0 fires once */
	irq_disable();
	ioapic_mask_gsi(gsi, true);
	irq_restore(flags);
	irq_unregister((unsigned int)v);
	KTEST_EXPECT_EQ(t, p.hits, 1);
	KTEST_EXPECT_EQ(t, p.vector, v);
	/* No IOAPIC pin serves a GSI past the last one. */
	KTEST_EXPECT(t, ioapic_mask_gsi(0xFFFFFFF0u, true) < 0);
}

static const struct ktest_case irq_cases[] = {
	KTEST_CASE(int3_caught),
	KTEST_CASE(ud2_caught),
	KTEST_CASE(self_ipi),
	KTEST_CASE(ioapic_pit_irq),
};
KTEST_SUITE("irq", irq_cases);

// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the local APIC (virt/dev/lapic.c) and the APIC bus / MSI
 * decoder (virt/dev/apicbus.c), with stand-ins for the services they
 * use: a clock the tests advance, vtimers that record their deadline,
 * vCPU services that count calls, and the MMIO page reached through the
 * ops lapic_create registered.
 */
#include <string.h>
#include "../../virt/dev/platform.h"
#include "unit.h"

#define NCPU 4
#define TSC_DEADLINE 0x6E0
#define APIC_BASE 0x1B

/* ---- stand-ins -------------------------------------------------------- */

static struct vm vm;
static struct vplat plat;
static struct vcpu vc[NCPU];
static struct vcpu *cur;
static u64 now;
static struct vtimer *timers[NCPU];
static unsigned int kicks[NCPU], nmis[NCPU], inits[NCPU], sipis[NCPU];
static u8 sipi_vec[NCPU];
static int eoi_vec[8];
static unsigned int neoi;
static const struct io_ops *lapic_ops;
static void *lapic_dev;
static void *allocs[16];
static unsigned int nallocs;

u64 vclock_ns(void)
{
	return now;
}

u64 vclock_tsc(struct vm *vm)
{
	return now * 2 + (u64)vm->tsc_offset;
}

u64 vclock_tsc_to_ns(struct vm *vm, u64 tsc)
{
	return (tsc - (u64)vm->tsc_offset) / 2; /* a 2 GHz TSC */
}

int vtimer_init(struct vtimer *t, struct vcpu *owner,
		void (*fire)(struct vtimer *t, u64 now), void *data)
{
	t->deadline = 0;
	t->fire = fire;
	t->owner = owner;
	t->data = data;
	timers[owner->id] = t;
	return 0;
}

void vtimer_arm(struct vtimer *t, u64 deadline)
{
	t->deadline = deadline;
}

void vtimer_cancel(struct vtimer *t)
{
	t->deadline = 0;
}

struct vcpu *current_vcpu(void)
{
	return cur;
}

void vcpu_kick(struct vcpu *v)
{
	kicks[v->id]++;
}

void vcpu_deliver_nmi(struct vcpu *v)
{
	nmis[v->id]++;
}

void vcpu_deliver_init(struct vcpu *v)
{
	inits[v->id]++;
}

void vcpu_deliver_sipi(struct vcpu *v, u8 vector)
{
	sipis[v->id]++;
	sipi_vec[v->id] = vector;
}

void vioapic_eoi(struct vioapic *io, u8 vector)
{
	CHECK(io == (struct vioapic *)&plat);
	if (neoi < 8)
		eoi_vec[neoi] = vector;
	neoi++;
}

void *vm_dev_zalloc(struct vm *v, size_t size)
{
	void *p = calloc(1, size);

	CHECK(v == &vm);
	CHECK(nallocs < 16);
	allocs[nallocs++] = p;
	return p;
}

int io_bus_register(struct io_bus *bus, u64 base, u64 len,
		    const struct io_ops *ops, void *dev, const char *name)
{
	CHECK(bus == &vm.mmio);
	CHECK_EQ(base, PLAT_LAPIC_BASE);
	CHECK_EQ(len, 0x1000);
	CHECK(!lapic_ops); /* once per VM */
	lapic_ops = ops;
	lapic_dev = dev;
	return 0;
}

/* ---- helpers ---------------------------------------------------------- */

static void setup(void)
{
	for (unsigned int i = 0; i < nallocs; i++)
		free(allocs[i]);
	nallocs = 0;
	memset(&vm, 0, sizeof(vm));
	memset(&plat, 0, sizeof(plat));
	memset(vc, 0, sizeof(vc));
	memset(timers, 0, sizeof(timers));
	memset(kicks, 0, sizeof(kicks));
	memset(nmis, 0, sizeof(nmis));
	memset(inits, 0, sizeof(inits));
	memset(sipis, 0, sizeof(sipis));
	neoi = 0;
	lapic_ops = NULL;
	now = 1000000;
	vm.plat = &plat;
	vm.nr_vcpus = NCPU;
	/* Any non-NULL pointer: the stand-in checks it is passed on. */
	plat.ioapic = (struct vioapic *)&plat;
	plat.vm = &vm;
	for (unsigned int i = 0; i < NCPU; i++) {
		vc[i].vm = &vm;
		vc[i].id = i;
		vm.vcpus[i] = &vc[i];
		CHECK(lapic_create(&vc[i]) == plat.lapic[i]);
		CHECK(plat.lapic[i] != NULL);
	}
	CHECK_EQ(nallocs, 1); /* all of a VM's LAPICs in one allocation */
}

static u32 rd(unsigned int cpu, u32 off)
{
	cur = &vc[cpu];
	return (u32)lapic_ops->read(lapic_dev, off, 4);
}

static void wr(unsigned int cpu, u32 off, u32 val)
{
	cur = &vc[cpu];
	lapic_ops->write(lapic_dev, off, val, 4);
}

static void enable(unsigned int cpu)
{
	wr(cpu, 0xF0, 0x1FF);
}

static bool irr(unsigned int cpu, unsigned int v)
{
	return rd(cpu, 0x200 + (v / 32) * 0x10) & (1u << (v % 32));
}

static bool isr(unsigned int cpu, unsigned int v)
{
	return rd(cpu, 0x100 + (v / 32) * 0x10) & (1u << (v % 32));
}

static bool tmr(unsigned int cpu, unsigned int v)
{
	return rd(cpu, 0x180 + (v / 32) * 0x10) & (1u << (v % 32));
}

static unsigned int irr_count(unsigned int v)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < NCPU; i++)
		n += irr(i, v);
	return n;
}

/* The vtimer service fires (and disarms) the timer at time t. */
static void fire(unsigned int cpu, u64 t)
{
	struct vtimer *vt = timers[cpu];

	now = t;
	vt->deadline = 0;
	vt->fire(vt, t);
}

static void send(unsigned int cpu, u32 dest8, u32 icr)
{
	wr(cpu, 0x310, dest8 << 24);
	wr(cpu, 0x300, icr);
}

static void accept(unsigned int cpu, u8 vector, bool level)
{
	struct apic_msg m = { .delivery = MSG_DM_FIXED,
			      .vector = vector,
			      .level = level,
			      .assert = true };

	lapic_accept_msg(plat.lapic[cpu], &m);
}

static int to_x2apic(unsigned int cpu)
{
	return lapic_wrmsr(plat.lapic[cpu], APIC_BASE, 0xFEE00000ull | 0xC00);
}

/* ---- reset and registers --------------------------------------------- */

UNIT_TEST(reset_state)
{
	u64 base;

	setup();
	for (unsigned int i = 0; i < NCPU; i++) {
		CHECK_EQ(rd(i, 0x20), i << 24);
		CHECK_EQ(rd(i, 0x30), 0x00050014);
		CHECK_EQ(rd(i, 0xF0), 0xFF);
		CHECK_EQ(rd(i, 0xE0), 0xFFFFFFFF);
		for (u32 off = 0x320; off <= 0x370; off += 0x10)
			CHECK_EQ(rd(i, off), 0x10000);
		CHECK_EQ(lapic_rdmsr(plat.lapic[i], APIC_BASE, &base), 0);
		CHECK_EQ(base, 0xFEE00800ull | (i ? 0 : 0x100));
	}
	CHECK(lapic_msr_owned(0x1B) && lapic_msr_owned(0x6E0));
	CHECK(lapic_msr_owned(0x800) && lapic_msr_owned(0x8FF));
	CHECK(!lapic_msr_owned(0x900) && !lapic_msr_owned(0x7FF));
	CHECK(vcpu_lapic(&vc[2]) == plat.lapic[2]);
	/* LVT writes keep their writable bits only; SW-disabled forces mask */
	wr(0, 0x350, 0x0001F7FF);
	CHECK_EQ(rd(0, 0x350), 0x0001A7FF);
	wr(0, 0x350, 0x700);
	CHECK_EQ(rd(0, 0x350), 0x10700);
	enable(0);
	wr(0, 0x350, 0x700);
	CHECK_EQ(rd(0, 0x350), 0x700);
	wr(0, 0x370, 0xFFFFFFFF);
	CHECK_EQ(rd(0, 0x370), 0x100FF);
	/* LDR keeps 31:24, DFR keeps the model bits, ICR delivery status 0 */
	wr(0, 0xD0, 0x12345678);
	CHECK_EQ(rd(0, 0xD0), 0x12000000);
	wr(0, 0xE0, 0);
	CHECK_EQ(rd(0, 0xE0), 0x0FFFFFFF);
	/* Disabling in SVR masks every LVT again. */
	wr(0, 0xF0, 0x0FF);
	CHECK_EQ(rd(0, 0x350), 0x10700);
	CHECK_EQ(rd(0, 0x370), 0x100FF);
}

/* ---- timer ---------------------------------------------------------- */

UNIT_TEST(timer_oneshot_every_divider)
{
	static const struct {
		u32 dcr, div;
	} d[] = { { 0x0, 2 },  { 0x1, 4 },  { 0x2, 8 },	  { 0x3, 16 },
		  { 0x8, 32 }, { 0x9, 64 }, { 0xA, 128 }, { 0xB, 1 } };

	for (unsigned int i = 0; i < ARRAY_SIZE(d); i++) {
		u64 t0, dl;

		setup();
		enable(1);
		wr(1, 0x3E0, d[i].dcr);
		CHECK_EQ(rd(1, 0x3E0), d[i].dcr);
		wr(1, 0x320, 0x40); /* one-shot, vector 0x40 */
		t0 = now;
		wr(1, 0x380, 1000);
		dl = t0 + 1000ull * d[i].div;
		CHECK_EQ(timers[1]->deadline, dl);
		CHECK_EQ(rd(1, 0x390), 1000);
		now = t0 + d[i].div - 1;
		CHECK_EQ(rd(1, 0x390), 1000); /* a count lasts a full tick */
		now = t0 + d[i].div;
		CHECK_EQ(rd(1, 0x390), 999);
		now = t0 + 250ull * d[i].div;
		CHECK_EQ(rd(1, 0x390), 750);
		CHECK(!irr(1, 0x40));
		fire(1, dl);
		CHECK(irr(1, 0x40));
		CHECK_EQ(kicks[1], 1);
		CHECK_EQ(rd(1, 0x390), 0);
		CHECK_EQ(timers[1]->deadline, 0); /* one-shot: not re-armed */
		CHECK_EQ(lapic_pending_vector(plat.lapic[1]), 0x40);
		now = dl + 5000000;
		CHECK_EQ(rd(1, 0x390), 0);
	}
}

UNIT_TEST(timer_oneshot_stop_and_early_fire)
{
	u64 t0;

	setup();
	enable(0);
	wr(0, 0x3E0, 0xB); /* divide by 1 */
	wr(0, 0x320, 0x41);
	t0 = now;
	wr(0, 0x380, 5000);
	/* A fire that arrives before the deadline (re-armed meanwhile)
	 * re-arms the vtimer and raises nothing. */
	fire(0, t0 + 100);
	CHECK(!irr(0, 0x41));
	CHECK_EQ(timers[0]->deadline, t0 + 5000);
	/* Writing 0 to the initial count stops the timer. */
	wr(0, 0x380, 0);
	CHECK_EQ(timers[0]->deadline, 0);
	CHECK_EQ(rd(0, 0x390), 0);
	/* Re-loading restarts from the new count. */
	now = t0 + 7000;
	wr(0, 0x380, 300);
	CHECK_EQ(timers[0]->deadline, t0 + 7300);
}

UNIT_TEST(timer_periodic_no_drift)
{
	u64 t0, period = 100000ull * 16;

	setup();
	enable(2);
	wr(2, 0x3E0, 0x3); /* divide by 16 */
	wr(2, 0x320, 0x20000 | 0x50); /* periodic */
	t0 = now;
	wr(2, 0x380, 100000);
	CHECK_EQ(timers[2]->deadline, t0 + period);
	/* Fired 300 ns late: the next expiry is still t0 + 2 periods. */
	fire(2, t0 + period + 300);
	CHECK(irr(2, 0x50));
	CHECK_EQ(timers[2]->deadline, t0 + 2 * period);
	CHECK_EQ(rd(2, 0x390), 99982); /* ceil((period - 300) / 16) */
	/* Three and a half periods missed: one interrupt, next on the grid. */
	lapic_ack_vector(plat.lapic[2], 0x50);
	fire(2, t0 + 5 * period + period / 2);
	CHECK(irr(2, 0x50));
	CHECK_EQ(timers[2]->deadline, t0 + 6 * period);
	/* A read while a late expiry is still pending wraps modulo. */
	now = t0 + 6 * period + 16 * 10;
	CHECK_EQ(rd(2, 0x390), 100000 - 10);
	/* Switching to one-shot: the current count finishes, no re-arm. */
	wr(2, 0x320, 0x50);
	fire(2, t0 + 6 * period);
	CHECK_EQ(timers[2]->deadline, 0);
}

UNIT_TEST(timer_masked_still_counts)
{
	u64 t0;

	setup();
	enable(0);
	wr(0, 0x3E0, 0xB);
	wr(0, 0x320, 0x30000 | 0x60); /* periodic, masked */
	t0 = now;
	wr(0, 0x380, 100000);
	now = t0 + 40000;
	CHECK_EQ(rd(0, 0x390), 60000);
	fire(0, t0 + 100000);
	CHECK(!irr(0, 0x60));
	CHECK_EQ(kicks[0], 0);
	CHECK_EQ(timers[0]->deadline, t0 + 200000);
	/* Unmasked: the next period interrupts. */
	wr(0, 0x320, 0x20000 | 0x60);
	fire(0, t0 + 200000);
	CHECK(irr(0, 0x60));
}

UNIT_TEST(timer_divider_change_midway)
{
	u64 t0;

	setup();
	enable(0);
	wr(0, 0x3E0, 0xB); /* 1 ns per count */
	wr(0, 0x320, 0x44);
	t0 = now;
	wr(0, 0x380, 1000);
	now = t0 + 400;
	wr(0, 0x3E0, 0x0); /* 2 ns per count: 600 counts left */
	CHECK_EQ(rd(0, 0x390), 600);
	CHECK_EQ(timers[0]->deadline, t0 + 400 + 1200);
}

UNIT_TEST(timer_tsc_deadline)
{
	struct lapic *l;
	u64 v;

	setup();
	l = plat.lapic[3];
	enable(3);
	/* One-shot mode: the MSR reads 0 and ignores writes. */
	CHECK_EQ(lapic_wrmsr(l, TSC_DEADLINE, 123456), 0);
	CHECK_EQ(lapic_rdmsr(l, TSC_DEADLINE, &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(timers[3]->deadline, 0);
	wr(3, 0x320, 0x40000 | 0x70); /* TSC-deadline mode */
	CHECK_EQ(lapic_wrmsr(l, TSC_DEADLINE, 4000000), 0);
	CHECK_EQ(timers[3]->deadline, 2000000); /* vclock_tsc_to_ns */
	/* The deadline is in the VM's TSC (host TSC + its offset). */
	vm.tsc_offset = -1000000;
	CHECK_EQ(lapic_wrmsr(l, TSC_DEADLINE, 4000000), 0);
	CHECK_EQ(timers[3]->deadline, 2500000);
	vm.tsc_offset = 0;
	CHECK_EQ(lapic_wrmsr(l, TSC_DEADLINE, 4000000), 0);
	CHECK_EQ(lapic_rdmsr(l, TSC_DEADLINE, &v), 0);
	CHECK_EQ(v, 4000000);
	/* The initial count is ignored and the current count reads 0. */
	wr(3, 0x380, 77);
	CHECK_EQ(rd(3, 0x380), 0);
	CHECK_EQ(rd(3, 0x390), 0);
	fire(3, 2000000);
	CHECK(irr(3, 0x70));
	CHECK_EQ(lapic_rdmsr(l, TSC_DEADLINE, &v), 0);
	CHECK_EQ(v, 0); /* 0 once fired */
	CHECK_EQ(timers[3]->deadline, 0);
	/* 0 disarms; a deadline in the past still arms (fires at once). */
	CHECK_EQ(lapic_wrmsr(l, TSC_DEADLINE, 8000000), 0);
	CHECK_EQ(lapic_wrmsr(l, TSC_DEADLINE, 0), 0);
	CHECK_EQ(timers[3]->deadline, 0);
	CHECK_EQ(lapic_wrmsr(l, TSC_DEADLINE, 1), 0);
	CHECK_EQ(timers[3]->deadline, 1);
	/* Leaving TSC-deadline mode disarms it. */
	CHECK_EQ(lapic_wrmsr(l, TSC_DEADLINE, 9000000), 0);
	wr(3, 0x320, 0x70);
	CHECK_EQ(timers[3]->deadline, 0);
	wr(3, 0x320, 0x40000 | 0x70);
	CHECK_EQ(lapic_rdmsr(l, TSC_DEADLINE, &v), 0);
	CHECK_EQ(v, 0);
}

/* ---- priorities ------------------------------------------------------ */

UNIT_TEST(tpr_ppr_gating_and_isr_nesting)
{
	struct lapic *l;

	setup();
	l = plat.lapic[0];
	accept(0, 0x55, false); /* software-disabled: dropped */
	CHECK(!irr(0, 0x55));
	CHECK_EQ(lapic_pending_vector(l), -1);
	enable(0);
	wr(0, 0x80, 0x50);
	accept(0, 0x55, false);
	CHECK(irr(0, 0x55));
	CHECK_EQ(kicks[0], 0); /* not deliverable: no kick */
	CHECK_EQ(lapic_pending_vector(l), -1); /* class 5 not above TPR 5 */
	CHECK_EQ(rd(0, 0xA0), 0x50);
	wr(0, 0x80, 0x4F);
	CHECK_EQ(kicks[0], 1); /* lowering TPR uncovers it */
	CHECK_EQ(lapic_pending_vector(l), 0x55);
	lapic_ack_vector(l, 0x55);
	CHECK(!irr(0, 0x55) && isr(0, 0x55));
	CHECK_EQ(rd(0, 0xA0), 0x50); /* PPR = ISRV class above TPR */
	wr(0, 0x80, 0x5F);
	CHECK_EQ(rd(0, 0xA0), 0x5F); /* TPR class >= ISRV: PPR = TPR */
	wr(0, 0x80, 0);
	accept(0, 0x52, false);
	CHECK_EQ(lapic_pending_vector(l), -1); /* same class as in service */
	accept(0, 0x61, false);
	CHECK_EQ(lapic_pending_vector(l), 0x61);
	lapic_ack_vector(l, 0x61);
	CHECK_EQ(rd(0, 0xA0), 0x60);
	CHECK_EQ(lapic_pending_vector(l), -1);
	/* EOI retires the highest in-service vector first. */
	wr(0, 0xB0, 0);
	CHECK(!isr(0, 0x61) && isr(0, 0x55));
	CHECK_EQ(lapic_pending_vector(l), -1);
	wr(0, 0xB0, 0);
	CHECK(!isr(0, 0x55));
	CHECK_EQ(lapic_pending_vector(l), 0x52);
	CHECK_EQ(neoi, 0); /* edge vectors never reach the IOAPIC */
	/* Acking a vector that is not requested changes nothing. */
	lapic_ack_vector(l, 0x90);
	CHECK(!isr(0, 0x90));
	/* Software-disable: nothing pending, IRR held. */
	wr(0, 0xF0, 0xFF);
	CHECK_EQ(lapic_pending_vector(l), -1);
	CHECK(irr(0, 0x52));
}

UNIT_TEST(level_eoi_reaches_ioapic)
{
	struct lapic *l;

	setup();
	l = plat.lapic[1];
	enable(1);
	accept(1, 0x70, true);
	accept(1, 0x38, false);
	CHECK(tmr(1, 0x70) && !tmr(1, 0x38));
	CHECK_EQ(kicks[1], 2);
	lapic_ack_vector(l, 0x70);
	lapic_ack_vector(l, 0x38);
	wr(1, 0xB0, 0);
	CHECK_EQ(neoi, 1);
	CHECK_EQ(eoi_vec[0], 0x70);
	wr(1, 0xB0, 0);
	CHECK_EQ(neoi, 1); /* 0x38 was edge */
	wr(1, 0xB0, 0); /* nothing in service: nothing happens */
	CHECK_EQ(neoi, 1);
}

UNIT_TEST(error_register_and_illegal_vectors)
{
	setup();
	enable(0);
	enable(1);
	wr(0, 0x370, 0xFE); /* error LVT vector 0xFE */
	send(0, 1, 0x4005); /* fixed vector 5: illegal, not sent */
	CHECK(!irr(1, 5));
	CHECK_EQ(rd(0, 0x280), 0); /* not latched until ESR is written */
	CHECK(irr(0, 0xFE));
	wr(0, 0x280, 0);
	CHECK_EQ(rd(0, 0x280), 0x20);
	wr(0, 0x280, 0);
	CHECK_EQ(rd(0, 0x280), 0);
	accept(1, 3, false);
	CHECK(!irr(1, 3));
	wr(1, 0x280, 0);
	CHECK_EQ(rd(1, 0x280), 0x40);
}

/* ---- IPIs --------------------------------------------------------------- */

UNIT_TEST(ipi_physical_and_shorthands)
{
	setup();
	for (unsigned int i = 0; i < NCPU; i++)
		enable(i);
	send(0, 2, 0x4030); /* fixed, physical 2 */
	CHECK(irr(2, 0x30));
	CHECK_EQ(irr_count(0x30), 1);
	CHECK_EQ(kicks[2], 1);
	CHECK_EQ(rd(0, 0x300), 0x4030); /* delivery status reads idle */
	CHECK_EQ(rd(0, 0x310), 2u << 24);
	send(1, 0xFF, 0x4031); /* physical broadcast */
	CHECK_EQ(irr_count(0x31), NCPU);
	send(3, 0, 0x44032); /* self */
	CHECK(irr(3, 0x32));
	CHECK_EQ(irr_count(0x32), 1);
	send(1, 0, 0x84033); /* all including self */
	CHECK_EQ(irr_count(0x33), NCPU);
	send(1, 0, 0xC4034); /* all excluding self */
	CHECK_EQ(irr_count(0x34), NCPU - 1);
	CHECK(!irr(1, 0x34));
	send(0, 7, 0x4035); /* no such APIC */
	CHECK_EQ(irr_count(0x35), 0);
	/* A software-disabled target drops fixed IPIs. */
	wr(2, 0xF0, 0xFF);
	send(0, 2, 0x4036);
	CHECK_EQ(irr_count(0x36), 0);
}

UNIT_TEST(ipi_logical_flat_and_cluster)
{
	setup();
	for (unsigned int i = 0; i < NCPU; i++) {
		enable(i);
		wr(i, 0xD0, (1u << i) << 24); /* flat: one bit each */
	}
	send(0, 0x06, 0x4840); /* logical MDA 0b0110 */
	CHECK(irr(1, 0x40) && irr(2, 0x40));
	CHECK_EQ(irr_count(0x40), 2);
	send(0, 0xFF, 0x4841); /* logical broadcast */
	CHECK_EQ(irr_count(0x41), NCPU);
	/* Cluster model: cluster in 7:4, member bits in 3:0. */
	static const u8 ldr[NCPU] = { 0x11, 0x12, 0x21, 0x22 };

	for (unsigned int i = 0; i < NCPU; i++) {
		wr(i, 0xE0, 0x0FFFFFFF);
		wr(i, 0xD0, (u32)ldr[i] << 24);
	}
	send(0, 0x13, 0x4842);
	CHECK(irr(0, 0x42) && irr(1, 0x42));
	CHECK_EQ(irr_count(0x42), 2);
	send(0, 0x22, 0x4843);
	CHECK(irr(3, 0x43));
	CHECK_EQ(irr_count(0x43), 1);
	send(0, 0xF1, 0x4844); /* member 1 of every cluster */
	CHECK(irr(0, 0x44) && irr(2, 0x44));
	CHECK_EQ(irr_count(0x44), 2);
	send(0, 0x31, 0x4845); /* empty cluster */
	CHECK_EQ(irr_count(0x45), 0);
}

UNIT_TEST(ipi_lowest_priority_picks_one)
{
	unsigned int seen = 0;

	setup();
	for (unsigned int i = 0; i < NCPU; i++) {
		enable(i);
		wr(i, 0xD0, (1u << i) << 24);
	}
	for (unsigned int n = 0; n < NCPU; n++) {
		u8 v = (u8)(0x50 + n);

		send(0, 0x0F, 0x4900 | v); /* lowest priority, logical */
		CHECK_EQ(irr_count(v), 1);
		for (unsigned int i = 0; i < NCPU; i++)
			if (irr(i, v))
				seen |= 1u << i;
	}
	CHECK_EQ(seen, 0xF); /* round robin reached every candidate */
	/* Only one candidate: always that one. */
	send(0, 0x04, 0x4960);
	CHECK(irr(2, 0x60));
	CHECK_EQ(irr_count(0x60), 1);
}

UNIT_TEST(ipi_nmi_init_sipi)
{
	setup();
	enable(0);
	enable(1);
	accept(1, 0x77, false);
	wr(1, 0x80, 0x20);
	send(0, 1, 0x4400); /* NMI */
	CHECK_EQ(nmis[1], 1);
	send(0, 1, 0xC500); /* INIT, level assert */
	CHECK_EQ(inits[1], 1);
	/* INIT reset: registers back to power-on, the ID stays. */
	CHECK_EQ(rd(1, 0xF0), 0xFF);
	CHECK_EQ(rd(1, 0x80), 0);
	CHECK(!irr(1, 0x77));
	CHECK_EQ(rd(1, 0x20), 1u << 24);
	send(0, 1, 0x8500); /* INIT level de-assert: ignored */
	CHECK_EQ(inits[1], 1);
	send(0, 1, 0x4699); /* SIPI, start at 0x99000 */
	CHECK_EQ(sipis[1], 1);
	CHECK_EQ(sipi_vec[1], 0x99);
	/* INIT/SIPI reach a software-disabled APIC; "others" sends to all
	 * three APs. */
	send(0, 0, 0xC4500);
	CHECK_EQ(inits[1], 2);
	CHECK_EQ(inits[2], 1);
	CHECK_EQ(inits[3], 1);
	CHECK_EQ(inits[0], 0);
	send(0, 0, 0xC4610);
	CHECK_EQ(sipis[2], 1);
	CHECK_EQ(sipi_vec[3], 0x10);
	/* A hardware-disabled APIC hears nothing. */
	CHECK_EQ(lapic_wrmsr(plat.lapic[2], APIC_BASE, 0xFEE00000ull), 0);
	send(0, 2, 0x4400);
	CHECK_EQ(nmis[2], 0);
}

/* ---- x2APIC ------------------------------------------------------------ */

UNIT_TEST(x2apic_mode_transitions)
{
	struct lapic *l;
	u64 v;

	setup();
	l = plat.lapic[1];
	CHECK_EQ(lapic_rdmsr(l, 0x802, &v), -1); /* xAPIC: x2APIC MSRs #GP */
	CHECK_EQ(lapic_wrmsr(l, 0x808, 0), -1);
	CHECK_EQ(lapic_wrmsr(l, APIC_BASE, 0xFEE00000ull | 0x400), -1);
	CHECK_EQ(lapic_wrmsr(l, APIC_BASE, 0xFEE00000ull | 0x801), -1);
	CHECK_EQ(lapic_wrmsr(l, APIC_BASE, 0xFEE00000ull | 0xA00), -1);
	CHECK_EQ(to_x2apic(1), 0);
	CHECK_EQ(lapic_rdmsr(l, APIC_BASE, &v), 0);
	CHECK_EQ(v, 0xFEE00C00ull);
	CHECK_EQ(rd(1, 0x20), 0xFFFFFFFF); /* MMIO no longer decoded */
	CHECK_EQ(lapic_rdmsr(l, 0x802, &v), 0);
	CHECK_EQ(v, 1);
	/* x2APIC -> xAPIC is illegal; -> disabled -> xAPIC is fine. */
	CHECK_EQ(lapic_wrmsr(l, APIC_BASE, 0xFEE00000ull | 0x800), -1);
	CHECK_EQ(lapic_wrmsr(l, APIC_BASE, 0xFEE00000ull), 0);
	CHECK_EQ(rd(1, 0x20), 0xFFFFFFFF); /* disabled: not decoded */
	CHECK_EQ(lapic_rdmsr(l, 0x802, &v), -1);
	/* disabled -> x2APIC directly is illegal */
	CHECK_EQ(lapic_wrmsr(l, APIC_BASE, 0xFEE00000ull | 0xC00), -1);
	CHECK_EQ(lapic_wrmsr(l, APIC_BASE, 0xFEE00000ull | 0x800), 0);
	CHECK_EQ(rd(1, 0x20), 1u << 24);
	CHECK_EQ(rd(1, 0xF0), 0xFF); /* re-enabled in the power-up state */
	/* The BSP bit cannot be set on an AP, nor the base moved. */
	CHECK_EQ(lapic_wrmsr(l, APIC_BASE, 0xFED00000ull | 0x900), 0);
	CHECK_EQ(lapic_rdmsr(l, APIC_BASE, &v), 0);
	CHECK_EQ(v, 0xFEE00800ull);
}

UNIT_TEST(x2apic_msr_semantics)
{
	struct lapic *l;
	u64 v;

	setup();
	for (unsigned int i = 0; i < NCPU; i++)
		CHECK_EQ(to_x2apic(i), 0);
	l = plat.lapic[3];
	CHECK_EQ(lapic_rdmsr(l, 0x80D, &v), 0);
	CHECK_EQ(v, 1u << 3); /* cluster 0, bit 3 */
	CHECK_EQ(lapic_rdmsr(l, 0x803, &v), 0);
	CHECK_EQ(v, 0x00050014);
	/* Read-only, write-only and absent registers #GP. */
	CHECK_EQ(lapic_wrmsr(l, 0x802, 5), -1); /* ID */
	CHECK_EQ(lapic_wrmsr(l, 0x80D, 0), -1); /* LDR */
	CHECK_EQ(lapic_wrmsr(l, 0x80A, 0), -1); /* PPR */
	CHECK_EQ(lapic_wrmsr(l, 0x839, 0), -1); /* current count */
	CHECK_EQ(lapic_rdmsr(l, 0x80B, &v), -1); /* EOI */
	CHECK_EQ(lapic_rdmsr(l, 0x83F, &v), -1); /* SELF IPI */
	CHECK_EQ(lapic_rdmsr(l, 0x80E, &v), -1); /* no DFR */
	CHECK_EQ(lapic_rdmsr(l, 0x831, &v), -1); /* no ICR2 */
	CHECK_EQ(lapic_rdmsr(l, 0x809, &v), -1); /* no APR */
	CHECK_EQ(lapic_rdmsr(l, 0x82F, &v), -1); /* no CMCI */
	CHECK_EQ(lapic_rdmsr(l, 0x8FF, &v), -1);
	/* Reserved bits #GP. */
	CHECK_EQ(lapic_wrmsr(l, 0x808, 0x100), -1);
	CHECK_EQ(lapic_wrmsr(l, 0x808, 1ull << 32), -1);
	CHECK_EQ(lapic_wrmsr(l, 0x80B, 1), -1);
	CHECK_EQ(lapic_wrmsr(l, 0x828, 1), -1);
	CHECK_EQ(lapic_wrmsr(l, 0x80F, 0x11FF), -1); /* no EOI suppression */
	CHECK_EQ(lapic_wrmsr(l, 0x832, 0x60040), -1); /* timer mode 3 */
	CHECK_EQ(lapic_wrmsr(l, 0x837, 0x400FE), -1);
	CHECK_EQ(lapic_wrmsr(l, 0x83E, 0x4), -1);
	CHECK_EQ(lapic_wrmsr(l, 0x830, 0x2030), -1); /* ICR bit 13 */
	CHECK_EQ(lapic_wrmsr(l, 0x83F, 0x130), -1);
	/* Legal writes. */
	for (unsigned int i = 0; i < NCPU; i++)
		CHECK_EQ(lapic_wrmsr(plat.lapic[i], 0x80F, 0x1FF), 0);
	CHECK_EQ(lapic_wrmsr(l, 0x808, 0x20), 0);
	CHECK_EQ(lapic_rdmsr(l, 0x808, &v), 0);
	CHECK_EQ(v, 0x20);
	CHECK_EQ(lapic_rdmsr(l, 0x80A, &v), 0);
	CHECK_EQ(v, 0x20);
	CHECK_EQ(lapic_wrmsr(l, 0x828, 0), 0);
	/* ICR: one 64-bit register, destination in 63:32. */
	CHECK_EQ(lapic_wrmsr(l, 0x830, (2ull << 32) | 0x4031), 0);
	CHECK(lapic_pending_vector(plat.lapic[2]) == 0x31);
	CHECK_EQ(lapic_rdmsr(l, 0x830, &v), 0);
	CHECK_EQ(v, (2ull << 32) | 0x4031);
	/* x2APIC logical: cluster 0, members 1 and 2. */
	CHECK_EQ(lapic_wrmsr(l, 0x830, (0x6ull << 32) | 0x4832), 0);
	CHECK_EQ(lapic_pending_vector(plat.lapic[1]), 0x32);
	CHECK_EQ(lapic_pending_vector(plat.lapic[0]), -1);
	/* Cluster 1 has nobody. */
	CHECK_EQ(lapic_wrmsr(l, 0x830, (0x10006ull << 32) | 0x4833), 0);
	CHECK_EQ(lapic_pending_vector(plat.lapic[0]), -1);
	/* Broadcast 0xFFFFFFFF. */
	CHECK_EQ(lapic_wrmsr(l, 0x830, (0xFFFFFFFFull << 32) | 0x4034), 0);
	CHECK_EQ(lapic_pending_vector(plat.lapic[0]), 0x34);
	/* SELF IPI. */
	CHECK_EQ(lapic_wrmsr(l, 0x83F, 0x45), 0);
	CHECK_EQ(lapic_pending_vector(l), 0x45);
	CHECK_EQ(lapic_rdmsr(l, 0x820 + 0x45 / 32, &v), 0);
	CHECK_EQ(v, 1u << (0x45 % 32));
	/* EOI via MSR 0x80B. */
	lapic_ack_vector(l, 0x45);
	CHECK_EQ(lapic_rdmsr(l, 0x810 + 0x45 / 32, &v), 0);
	CHECK_EQ(v, 1u << (0x45 % 32));
	CHECK_EQ(lapic_wrmsr(l, 0x80B, 0), 0);
	CHECK_EQ(lapic_rdmsr(l, 0x810 + 0x45 / 32, &v), 0);
	CHECK_EQ(v, 0);
	/* Timer through MSRs. */
	CHECK_EQ(lapic_wrmsr(l, 0x83E, 0xB), 0);
	CHECK_EQ(lapic_wrmsr(l, 0x832, 0x48), 0);
	CHECK_EQ(lapic_wrmsr(l, 0x838, 500), 0);
	CHECK_EQ(timers[3]->deadline, now + 500);
	now += 100;
	CHECK_EQ(lapic_rdmsr(l, 0x839, &v), 0);
	CHECK_EQ(v, 400);
}

/* ---- MSI --------------------------------------------------------------- */

UNIT_TEST(msi_decode)
{
	setup();
	for (unsigned int i = 0; i < NCPU; i++) {
		enable(i);
		wr(i, 0xD0, (1u << i) << 24);
	}
	plat_msi(&vm, 0xFEE02000, 0x0031); /* physical 2, fixed, edge */
	CHECK(irr(2, 0x31));
	CHECK_EQ(irr_count(0x31), 1);
	CHECK(!tmr(2, 0x31));
	plat_msi(&vm, 0xFEE03004, 0xC032); /* logical 0b0011, level */
	CHECK(irr(0, 0x32) && irr(1, 0x32));
	CHECK_EQ(irr_count(0x32), 2);
	CHECK(tmr(0, 0x32));
	plat_msi(&vm, 0xFEE0F00C, 0x0133); /* lowest priority, RH, logical */
	CHECK_EQ(irr_count(0x33), 1);
	plat_msi(&vm, 0xFEE01000, 0x0400); /* NMI to 1 */
	CHECK_EQ(nmis[1], 1);
	wr(3, 0xD0, 0x80u << 24);
	plat_msi(&vm, 0xFEE80004, 0x0035); /* all 8 destination bits */
	CHECK(irr(3, 0x35));
	CHECK_EQ(irr_count(0x35), 1);
	CHECK_EQ(plat.msi_dropped, 0);
	plat_msi(&vm, 0xFED02000, 0x0034); /* not the interrupt window */
	plat_msi(&vm, 0x1FEE02000ull, 0x0034);
	CHECK_EQ(plat.msi_dropped, 2);
	CHECK_EQ(irr_count(0x34), 0);
}

UNIT_TEST(accepts_pic)
{
	struct lapic *l0;

	setup();
	l0 = plat.lapic[0];
	CHECK(lapic_accepts_pic(l0)); /* software-disabled after reset */
	CHECK(!lapic_accepts_pic(plat.lapic[1]));
	enable(0);
	CHECK(!lapic_accepts_pic(l0)); /* LINT0 masked */
	wr(0, 0x350, 0x700); /* ExtINT, unmasked */
	CHECK(lapic_accepts_pic(l0));
	wr(0, 0x350, 0x400); /* NMI delivery: not the PIC */
	CHECK(!lapic_accepts_pic(l0));
	wr(0, 0x350, 0x10700);
	CHECK(!lapic_accepts_pic(l0));
	CHECK_EQ(lapic_wrmsr(l0, APIC_BASE, 0xFEE00000ull), 0);
	CHECK(lapic_accepts_pic(l0)); /* globally disabled */
}

UNIT_TEST(mmio_access_sizes)
{
	setup();
	enable(0);
	cur = &vc[0];
	wr(0, 0x80, 0xAB);
	CHECK_EQ(lapic_ops->read(lapic_dev, 0x80, 1), 0xAB);
	CHECK_EQ(lapic_ops->read(lapic_dev, 0x30, 2), 0x0014);
	CHECK_EQ(lapic_ops->read(lapic_dev, 0x32, 2), 0x0005);
	/* Sub-dword and misaligned writes do not reach the register. */
	lapic_ops->write(lapic_dev, 0x80, 0x12, 1);
	lapic_ops->write(lapic_dev, 0x84, 0x12, 4);
	CHECK_EQ(rd(0, 0x80), 0xAB);
	/* No current vCPU (or another VM's): all-ones, writes dropped. */
	cur = NULL;
	CHECK_EQ(lapic_ops->read(lapic_dev, 0x80, 4), 0xFFFFFFFF);
	lapic_ops->write(lapic_dev, 0x80, 0, 4);
	CHECK_EQ(rd(0, 0x80), 0xAB);
	/* lapic_reset: power-on state again. */
	lapic_reset(plat.lapic[0]);
	CHECK_EQ(rd(0, 0x80), 0);
	CHECK_EQ(rd(0, 0xF0), 0xFF);
}

UNIT_MAIN()

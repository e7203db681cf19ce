// SPDX-License-Identifier: GPL-2.0
/*
 * The local APIC of each vCPU (Intel SDM vol. 3, "Advanced Programmable
 * Interrupt Controller"): xAPIC registers in the MMIO page at
 * PLAT_LAPIC_BASE and, once IA32_APIC_BASE.EXTD is set, the x2APIC MSRs
 * 0x800-0x8FF. Version 0x14 with six LVT entries (timer, thermal, perf,
 * LINT0, LINT1, error; no CMCI), no directed-EOI support.
 *
 * The timer counts at a fixed bus clock of 1 GHz (LAPIC_BUS_NS ns per
 * tick before the divider). Linux calibrates the timer against the PIT
 * (or uses TSC-deadline mode), so the rate only has to be constant.
 * One-shot and periodic expiries are kept as vclock_ns() deadlines; a
 * periodic timer re-arms from its previous deadline, so it never drifts.
 *
 * Locking: one spinlock per LAPIC (IRR is set from any CPU). Calls that
 * may come back into a LAPIC (the IOAPIC's EOI, the APIC bus, kicking a
 * vCPU) are made after the lock is dropped; the vtimer calls are made
 * under it so arming and cancelling stay ordered with the registers.
 */
#include <pv/virt.h>
#include <pv/string.h>
#include "platform.h"

#define LAPIC_BUS_NS 1 /* 1 GHz bus clock */
/* Shortest period a periodic timer re-arms with (no interrupt storms). */
#define LAPIC_MIN_PERIOD_NS 50000ull

#define MSR_APIC_BASE 0x1B
#define MSR_TSC_DEADLINE 0x6E0
#define MSR_X2APIC_FIRST 0x800
#define MSR_X2APIC_LAST 0x8FF

#define APIC_BASE_ADDR PLAT_LAPIC_BASE
#define APIC_BASE_BSP (1ull << 8)
#define APIC_BASE_EXTD (1ull << 10)
#define APIC_BASE_EN (1ull << 11)
/* Bits 7:0, 9 and those above a 52-bit physical address are reserved. */
#define APIC_BASE_RSVD (0xFFull | (1ull << 9) | (0xFFFull << 52))

/* Register offsets in the xAPIC page (x2APIC MSR = 0x800 + off / 16). */
#define REG_ID 0x020
#define REG_VER 0x030
#define REG_TPR 0x080
#define REG_APR 0x090
#define REG_PPR 0x0A0
#define REG_EOI 0x0B0
#define REG_RRD 0x0C0
#define REG_LDR 0x0D0
#define REG_DFR 0x0E0
#define REG_SVR 0x0F0
#define REG_ISR 0x100
#define REG_TMR 0x180
#define REG_IRR 0x200
#define REG_ESR 0x280
#define REG_ICR 0x300
#define REG_ICR2 0x310
#define REG_LVT 0x320 /* timer, thermal, perf, LINT0, LINT1, error */
#define REG_TMICT 0x380
#define REG_TMCCT 0x390
#define REG_TDCR 0x3E0
#define REG_SELF_IPI 0x3F0

#define APIC_VERSION 0x00050014u /* max LVT index 5, version 0x14 */

#define SVR_ENABLE (1u << 8)
#define SVR_WRITABLE 0x3FFu /* vector, enable, focus check */

#define LVT_TIMER 0
#define LVT_LINT0 3
#define LVT_ERROR 5
#define NR_LVT 6
#define LVT_MASKED (1u << 16)
#define LVT_DM(v) (((v) >> 8) & 7)
#define TIMER_MODE(v) (((v) >> 17) & 3)
#define TIMER_ONESHOT 0
#define TIMER_PERIODIC 1
#define TIMER_DEADLINE 2

#define ICR_WRITABLE 0x000CCFFFu /* vector, mode, dest mode, level, trig, SH */
#define ICR_LOGICAL (1u << 11)
#define ICR_ASSERT (1u << 14)
#define ICR_LEVEL (1u << 15)

#define ESR_SEND_ILLEGAL (1u << 5)
#define ESR_RECV_ILLEGAL (1u << 6)

/* What each LVT keeps of a write (reads show delivery status 0). */
static const u32 lvt_writable[NR_LVT] = {
	0x000700FF, /* timer: vector, mask, mode */
	0x000107FF, /* thermal: vector, delivery mode, mask */
	0x000107FF, /* perf */
	0x0001A7FF, /* LINT0: + polarity, trigger */
	0x0001A7FF, /* LINT1 */
	0x000100FF, /* error */
};

struct lapic {
	spinlock_t lock;
	struct vcpu *vcpu;
	struct vm *vm;
	u32 idx; /* vCPU index: APIC ID, and index in the VM's array */
	u64 apic_base;
	u32 tpr, ldr, dfr, svr;
	u32 esr, esr_acc; /* latched by an ESR write / gathered since */
	u32 icr_lo, icr_hi;
	u32 lvt[NR_LVT];
	u32 isr[8], tmr[8], irr[8];
	u32 tmict, tdcr;
	u64 t_deadline; /* next expiry (vclock ns), 0 = not running */
	u64 t_period; /* periodic: ns between expiries */
	u64 tsc_deadline; /* IA32_TSC_DEADLINE while armed, else 0 */
	struct vtimer timer;
};

/* Work to do once the lock is dropped. */
struct fx {
	bool kick; /* a vector may have become deliverable */
	int eoi; /* level vector to EOI at the IOAPIC, or -1 */
	bool send;
	struct apic_msg msg;
};

static u64 lock(struct lapic *l)
{
	return spin_lock_irqsave(&l->lock);
}

static void unlock(struct lapic *l, u64 flags)
{
	spin_unlock_irqrestore(&l->lock, flags);
}

/* ---- 256-bit vector registers ----------------------------------------- */

static bool vtest(const u32 *r, unsigned int v)
{
	return r[v >> 5] & (1u << (v & 31));
}

static void vset(u32 *r, unsigned int v)
{
	r[v >> 5] |= 1u << (v & 31);
}

static void vclear(u32 *r, unsigned int v)
{
	r[v >> 5] &= ~(1u << (v & 31));
}

static int vhighest(const u32 *r)
{
	for (int i = 7; i >= 0; i--)
		if (r[i])
			return i * 32 + 31 - __builtin_clz(r[i]);
	return -1;
}

/* ---- state ----------------------------------------------------------- */

static bool hw_enabled(const struct lapic *l)
{
	return l->apic_base & APIC_BASE_EN;
}

static bool x2apic_mode(const struct lapic *l)
{
	return (l->apic_base & (APIC_BASE_EN | APIC_BASE_EXTD)) ==
	       (APIC_BASE_EN | APIC_BASE_EXTD);
}

static bool sw_enabled(const struct lapic *l)
{
	return l->svr & SVR_ENABLE;
}

static u32 x2apic_ldr(u32 id)
{
	return ((id >> 4) << 16) | (1u << (id & 15));
}

static u32 ldr_value(const struct lapic *l)
{
	return x2apic_mode(l) ? x2apic_ldr(l->idx) : l->ldr;
}

/* PPR: TPR, or the class of the highest in-service vector if above. */
static u32 ppr(const struct lapic *l)
{
	int isrv = vhighest(l->isr);
	u32 isr_class = isrv < 0 ? 0 : (u32)isrv & 0xF0;

	return (l->tpr & 0xF0) >= isr_class ? l->tpr : isr_class;
}

static u32 apr(const struct lapic *l)
{
	int isrv = vhighest(l->isr), irrv = vhighest(l->irr);
	u32 tpc = l->tpr & 0xF0;
	u32 isc = isrv < 0 ? 0 : (u32)isrv & 0xF0;
	u32 irc = irrv < 0 ? 0 : (u32)irrv & 0xF0;

	if (tpc >= irc && tpc > isc)
		return l->tpr;
	return MAX(tpc, MAX(isc, irc));
}

static int pending_locked(const struct lapic *l)
{
	int v;

	if (!hw_enabled(l) || !sw_enabled(l))
		return -1;
	v = vhighest(l->irr);
	if (v < 0 || ((u32)v & 0xF0) <= (ppr(l) & 0xF0))
		return -1;
	return v;
}

/* An internal error: latch it and raise the error LVT if it is open. */
static void apic_error(struct lapic *l, u32 bit, struct fx *fx)
{
	u32 lvt = l->lvt[LVT_ERROR];

	l->esr_acc |= bit;
	if (!(lvt & LVT_MASKED) && (lvt & 0xFF) >= 16 && sw_enabled(l)) {
		vset(l->irr, lvt & 0xFF);
		vclear(l->tmr, lvt & 0xFF);
		fx->kick = true;
	}
}

/* A fixed interrupt arrives: into IRR, TMR says its trigger mode. */
static void accept_fixed(struct lapic *l, u8 vector, bool level, struct fx *fx)
{
	if (!sw_enabled(l))
		return; /* a software-disabled APIC takes no fixed interrupts */
	if (vector < 16) {
		apic_error(l, ESR_RECV_ILLEGAL, fx);
		return;
	}
	vset(l->irr, vector);
	if (level)
		vset(l->tmr, vector);
	else
		vclear(l->tmr, vector);
	fx->kick = true;
}

static void finish(struct lapic *l, u64 flags, struct fx *fx)
{
	struct vplat *p = vm_plat(l->vm);
	bool kick = fx->kick && pending_locked(l) >= 0;

	unlock(l, flags);
	if (fx->eoi >= 0 && p && p->ioapic)
		vioapic_eoi(p->ioapic, (u8)fx->eoi);
	if (fx->send)
		apic_bus_deliver(l->vm, &fx->msg, l->vcpu);
	if (kick)
		vcpu_kick(l->vcpu);
}

/* ---- timer ----------------------------------------------------------- */

static u32 timer_mode(const struct lapic *l)
{
	u32 m = TIMER_MODE(l->lvt[LVT_TIMER]);

	return m == 3 ? TIMER_ONESHOT : m;
}

/* ns per count: 2, 4, ... 128 bus ticks, or 1 (DCR 1011b). */
static u64 tick_ns(const struct lapic *l)
{
	u32 v = (l->tdcr & 3) | ((l->tdcr >> 1) & 4);

	return (v == 7 ? 1ull : 2ull << v) * LAPIC_BUS_NS;
}

static void timer_stop(struct lapic *l)
{
	l->t_deadline = 0;
	l->tsc_deadline = 0;
	vtimer_cancel(&l->timer);
}

/* Count from count ticks at now (one-shot or periodic mode). */
static void timer_load(struct lapic *l, u64 now, u32 count)
{
	u64 ns = (u64)count * tick_ns(l);

	if (!count) {
		timer_stop(l);
		return;
	}
	l->t_period = MAX(ns, LAPIC_MIN_PERIOD_NS);
	l->t_deadline = now + ns;
	vtimer_arm(&l->timer, l->t_deadline);
}

static u32 timer_current(const struct lapic *l, u64 now)
{
	u64 rem, tick = tick_ns(l), cur;

	if (timer_mode(l) == TIMER_DEADLINE || !l->t_deadline)
		return 0;
	if (now < l->t_deadline)
		rem = l->t_deadline - now;
	else if (timer_mode(l) == TIMER_PERIODIC)
		rem = l->t_period - (now - l->t_deadline) % l->t_period;
	else
		return 0;
	cur = (rem + tick - 1) / tick; /* counts down once per full tick */
	return (u32)MIN(cur, (u64)l->tmict);
}

static void timer_fire(struct vtimer *t, u64 now)
{
	struct lapic *l = container_of(t, struct lapic, timer);
	struct fx fx = { .eoi = -1 };
	u64 flags = lock(l);
	u32 lvt = l->lvt[LVT_TIMER];

	if (!l->t_deadline) {
		unlock(l, flags);
		return;
	}
	if (now < l->t_deadline) { /* re-armed later meanwhile */
		vtimer_arm(&l->timer, l->t_deadline);
		unlock(l, flags);
		return;
	}
	if (timer_mode(l) == TIMER_PERIODIC) {
		u64 next = l->t_deadline + l->t_period;

		if (next <= now) /* missed periods coalesce into one */
			next += ((now - next) / l->t_period + 1) * l->t_period;
		l->t_deadline = next;
		vtimer_arm(&l->timer, next);
	} else {
		l->t_deadline = 0;
		l->tsc_deadline = 0;
	}
	if (!(lvt & LVT_MASKED))
		accept_fixed(l, lvt & 0xFF, false, &fx);
	finish(l, flags, &fx);
}

static void write_lvt(struct lapic *l, unsigned int i, u32 val)
{
	u32 old_mode = timer_mode(l);

	val &= lvt_writable[i];
	if (!sw_enabled(l))
		val |= LVT_MASKED;
	l->lvt[i] = val;
	/* Entering or leaving TSC-deadline mode disarms the timer. */
	if (i == LVT_TIMER &&
	    (old_mode == TIMER_DEADLINE) != (timer_mode(l) == TIMER_DEADLINE)) {
		l->tmict = 0;
		timer_stop(l);
	}
}

static void write_tdcr(struct lapic *l, u32 val)
{
	u64 now = vclock_ns();
	u32 cur = timer_current(l, now);

	l->tdcr = val & 0xB;
	if (l->t_deadline && cur) { /* the remaining counts, new rate */
		l->t_period =
			MAX((u64)l->tmict * tick_ns(l), LAPIC_MIN_PERIOD_NS);
		l->t_deadline = now + (u64)cur * tick_ns(l);
		vtimer_arm(&l->timer, l->t_deadline);
	}
}

/* ---- reset ------------------------------------------------------------ */

/* Registers after INIT (and power-on): everything but the ID and
 * IA32_APIC_BASE. */
static void reset_regs(struct lapic *l)
{
	l->tpr = 0;
	l->ldr = 0;
	l->dfr = 0xFFFFFFFF;
	l->svr = 0xFF;
	l->esr = 0;
	l->esr_acc = 0;
	l->icr_lo = 0;
	l->icr_hi = 0;
	for (unsigned int i = 0; i < NR_LVT; i++)
		l->lvt[i] = LVT_MASKED;
	memset(l->isr, 0, sizeof(l->isr));
	memset(l->tmr, 0, sizeof(l->tmr));
	memset(l->irr, 0, sizeof(l->irr));
	l->tmict = 0;
	l->tdcr = 0;
	timer_stop(l);
}

void lapic_reset(struct lapic *l)
{
	u64 flags = lock(l);

	l->apic_base =
		APIC_BASE_ADDR | APIC_BASE_EN | (l->idx ? 0 : APIC_BASE_BSP);
	reset_regs(l);
	unlock(l, flags);
}

/* ---- registers ---------------------------------------------------------- */

static u32 reg_read(struct lapic *l, u32 off)
{
	if (off >= REG_ISR && off < REG_ISR + 0x80)
		return l->isr[(off - REG_ISR) >> 4];
	if (off >= REG_TMR && off < REG_TMR + 0x80)
		return l->tmr[(off - REG_TMR) >> 4];
	if (off >= REG_IRR && off < REG_IRR + 0x80)
		return l->irr[(off - REG_IRR) >> 4];
	if (off >= REG_LVT && off < REG_LVT + NR_LVT * 0x10)
		return l->lvt[(off - REG_LVT) >> 4];
	switch (off) {
	case REG_ID: return x2apic_mode(l) ? l->idx : l->idx << 24;
	case REG_VER: return APIC_VERSION;
	case REG_TPR: return l->tpr;
	case REG_APR: return apr(l);
	case REG_PPR: return ppr(l);
	case REG_LDR: return ldr_value(l);
	case REG_DFR: return l->dfr;
	case REG_SVR: return l->svr;
	case REG_ESR: return l->esr;
	case REG_ICR: return l->icr_lo; /* delivery status: always idle */
	case REG_ICR2: return l->icr_hi;
	case REG_TMICT: return l->tmict;
	case REG_TMCCT: return timer_current(l, vclock_ns());
	case REG_TDCR: return l->tdcr;
	default: return 0;
	}
}

/* ICR written: the IPI goes out once the lock is dropped. */
static void send_ipi(struct lapic *l, u32 dest, bool x2apic, struct fx *fx)
{
	u32 lo = l->icr_lo;
	struct apic_msg *m = &fx->msg;
	u8 dm = LVT_DM(lo);

	if ((dm == MSG_DM_FIXED || dm == MSG_DM_LOWEST) && (lo & 0xFF) < 16) {
		apic_error(l, ESR_SEND_ILLEGAL, fx);
		return;
	}
	m->dest = dest;
	m->logical = lo & ICR_LOGICAL;
	m->delivery = dm;
	m->vector = lo & 0xFF;
	m->level = lo & ICR_LEVEL;
	m->assert = lo & ICR_ASSERT;
	m->shorthand = (lo >> 18) & 3;
	m->x2apic = x2apic;
	fx->send = true;
}

static void do_eoi(struct lapic *l, struct fx *fx)
{
	int v = vhighest(l->isr);

	if (v < 0)
		return;
	vclear(l->isr, v);
	if (vtest(l->tmr, v))
		fx->eoi = v;
	fx->kick = true; /* a lower vector may be deliverable now */
}

static void write_svr(struct lapic *l, u32 val)
{
	l->svr = val & SVR_WRITABLE;
	if (!sw_enabled(l))
		for (unsigned int i = 0; i < NR_LVT; i++)
			l->lvt[i] |= LVT_MASKED;
}

/* A register write common to both modes (x2APIC checks come first). */
static void reg_write(struct lapic *l, u32 off, u32 val, struct fx *fx)
{
	if (off >= REG_LVT && off < REG_LVT + NR_LVT * 0x10) {
		write_lvt(l, (off - REG_LVT) >> 4, val);
		return;
	}
	switch (off) {
	case REG_TPR:
		l->tpr = val & 0xFF;
		fx->kick = true;
		break;
	case REG_EOI: do_eoi(l, fx); break;
	case REG_LDR: l->ldr = val & 0xFF000000; break;
	case REG_DFR: l->dfr = val | 0x0FFFFFFF; break;
	case REG_SVR:
		write_svr(l, val);
		fx->kick = true;
		break;
	case REG_ESR:
		l->esr = l->esr_acc;
		l->esr_acc = 0;
		break;
	case REG_ICR:
		l->icr_lo = val & ICR_WRITABLE;
		send_ipi(l, l->icr_hi >> 24, false, fx);
		break;
	case REG_ICR2: l->icr_hi = val & 0xFF000000; break;
	case REG_TMICT:
		if (timer_mode(l) != TIMER_DEADLINE) {
			l->tmict = val;
			timer_load(l, vclock_ns(), val);
		}
		break;
	case REG_TDCR: write_tdcr(l, val); break;
	}
}

/* ---- xAPIC MMIO -------------------------------------------------------- */

static struct lapic *this_lapic(void *dev)
{
	struct vcpu *v = current_vcpu();

	if (!v || v->vm != dev)
		return NULL;
	return vcpu_lapic(v);
}

static u64 mmio_read(void *dev, u64 off, unsigned int size)
{
	struct lapic *l = this_lapic(dev);
	u64 flags, val = ~0ull;
	unsigned int in = off & 0xF;

	if (l) {
		flags = lock(l);
		/* Hardware-disabled or x2APIC: the page is not decoded. */
		if (hw_enabled(l) && !x2apic_mode(l))
			val = in + size <= 4
				      ? reg_read(l, off & 0xFF0) >> (in * 8)
				      : 0;
		unlock(l, flags);
	}
	return size >= 8 ? val : val & ((1ull << (size * 8)) - 1);
}

static void mmio_write(void *dev, u64 off, u64 val, unsigned int size)
{
	struct lapic *l = this_lapic(dev);
	struct fx fx = { .eoi = -1 };
	u64 flags;

	if (!l)
		return;
	flags = lock(l);
	/* Only aligned 32-bit (or wider) stores reach a register. */
	if (hw_enabled(l) && !x2apic_mode(l) && !(off & 0xF) && size >= 4)
		reg_write(l, (u32)off, (u32)val, &fx);
	finish(l, flags, &fx);
}

static const struct io_ops lapic_mmio_ops = {
	.read = mmio_read,
	.write = mmio_write,
};

/* ---- MSRs ------------------------------------------------------------- */

bool lapic_msr_owned(u32 msr)
{
	return msr == MSR_APIC_BASE || msr == MSR_TSC_DEADLINE ||
	       (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST);
}

static bool x2apic_readable(u32 off)
{
	if (off >= REG_ISR && off < REG_IRR + 0x80)
		return true; /* ISR, TMR, IRR */
	if (off >= REG_LVT && off < REG_LVT + NR_LVT * 0x10)
		return true;
	switch (off) {
	case REG_ID:
	case REG_VER:
	case REG_TPR:
	case REG_PPR:
	case REG_LDR:
	case REG_SVR:
	case REG_ESR:
	case REG_ICR:
	case REG_TMICT:
	case REG_TMCCT:
	case REG_TDCR: return true;
	default: return false; /* APR, RRD, DFR, ICR2, EOI, SELF IPI... */
	}
}

int lapic_rdmsr(struct lapic *l, u32 msr, u64 *val)
{
	u64 flags;
	u32 off;
	int ret = 0;

	if (!lapic_msr_owned(msr))
		return -1;
	flags = lock(l);
	if (msr == MSR_APIC_BASE) {
		*val = l->apic_base;
	} else if (msr == MSR_TSC_DEADLINE) {
		*val = timer_mode(l) == TIMER_DEADLINE ? l->tsc_deadline : 0;
	} else {
		off = (msr - MSR_X2APIC_FIRST) << 4;
		if (!x2apic_mode(l) || !x2apic_readable(off))
			ret = -1;
		else if (off == REG_ICR)
			*val = (u64)l->icr_hi << 32 | l->icr_lo;
		else
			*val = reg_read(l, off);
	}
	unlock(l, flags);
	return ret;
}

/* IA32_APIC_BASE: disabled <-> xAPIC -> x2APIC -> disabled (SDM
 * "x2APIC State Transitions"); anything else is #GP. The base address
 * cannot move and BSP is read-only. */
static int write_apic_base(struct lapic *l, u64 val)
{
	bool en = val & APIC_BASE_EN, extd = val & APIC_BASE_EXTD;
	bool was_en = hw_enabled(l), was_x2 = x2apic_mode(l);

	if (val & APIC_BASE_RSVD)
		return -1;
	if (extd && !en)
		return -1; /* invalid state */
	if (en && extd && !was_en)
		return -1; /* disabled -> x2APIC must pass through xAPIC */
	if (en && !extd && was_x2)
		return -1; /* x2APIC -> xAPIC must pass through disabled */
	if (!en && was_en)
		reset_regs(l); /* re-enabling finds the power-up state */
	if (en && extd && !was_x2)
		l->icr_hi = 0; /* the 8-bit destination has no meaning now */
	l->apic_base = (l->apic_base & (~0ull << 12)) |
		       (l->apic_base & APIC_BASE_BSP) |
		       (en ? APIC_BASE_EN : 0) | (extd ? APIC_BASE_EXTD : 0);
	return 0;
}

static int write_tsc_deadline(struct lapic *l, u64 val)
{
	u64 ns;

	/* Other timer modes (or no APIC): writes are ignored. */
	if (!hw_enabled(l) || timer_mode(l) != TIMER_DEADLINE)
		return 0;
	if (!val) {
		timer_stop(l);
		return 0;
	}
	ns = vclock_tsc_to_ns(l->vm, val);
	l->tsc_deadline = val;
	l->t_deadline = ns ? ns : 1; /* a past deadline fires at once */
	vtimer_arm(&l->timer, l->t_deadline);
	return 0;
}

/* An x2APIC register write: reserved bits and read-only registers #GP
 * (SDM "Reserved Bit Checking"). */
static int x2apic_write(struct lapic *l, u32 off, u64 val, struct fx *fx)
{
	u32 lo = (u32)val;

	if (off == REG_ICR) {
		if (lo & ~ICR_WRITABLE)
			return -1;
		l->icr_lo = lo;
		l->icr_hi = (u32)(val >> 32);
		send_ipi(l, l->icr_hi, true, fx);
		return 0;
	}
	if (val >> 32)
		return -1;
	if (off >= REG_LVT && off < REG_LVT + NR_LVT * 0x10) {
		unsigned int i = (off - REG_LVT) >> 4;

		if ((lo & ~lvt_writable[i]) ||
		    (i == LVT_TIMER && TIMER_MODE(lo) == 3))
			return -1;
		write_lvt(l, i, lo);
		return 0;
	}
	switch (off) {
	case REG_TPR:
		if (lo & ~0xFFu)
			return -1;
		break;
	case REG_EOI:
	case REG_ESR:
		if (lo)
			return -1;
		break;
	case REG_SVR:
		if (lo & ~SVR_WRITABLE)
			return -1;
		break;
	case REG_TMICT: break;
	case REG_TDCR:
		if (lo & ~0xBu)
			return -1;
		break;
	case REG_SELF_IPI:
		if (lo & ~0xFFu)
			return -1;
		accept_fixed(l, (u8)lo, false, fx);
		return 0;
	default: return -1; /* read-only or not there */
	}
	reg_write(l, off, lo, fx);
	return 0;
}

int lapic_wrmsr(struct lapic *l, u32 msr, u64 val)
{
	struct fx fx = { .eoi = -1 };
	u64 flags;
	int ret;

	if (!lapic_msr_owned(msr))
		return -1;
	flags = lock(l);
	if (msr == MSR_APIC_BASE)
		ret = write_apic_base(l, val);
	else if (msr == MSR_TSC_DEADLINE)
		ret = write_tsc_deadline(l, val);
	else if (!x2apic_mode(l))
		ret = -1;
	else
		ret = x2apic_write(l, (msr - MSR_X2APIC_FIRST) << 4, val, &fx);
	finish(l, flags, &fx);
	return ret;
}

/* ---- interrupt delivery ------------------------------------------------ */

bool lapic_match_dest(struct lapic *l, u32 dest, bool logical, bool x2apic)
{
	u64 flags = lock(l);
	bool x2 = x2apic_mode(l), r;
	u32 ldr = ldr_value(l), mda = dest & 0xFF;

	if (!hw_enabled(l))
		r = false;
	else if (x2apic ? dest == 0xFFFFFFFF : mda == 0xFF)
		r = true; /* broadcast, physical or logical */
	else if (!logical)
		r = (x2apic ? dest : mda) == l->idx;
	else if (x2) /* x2APIC logical: cluster in 31:16, one bit in 15:0 */
		r = (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xFFFF);
	else if ((l->dfr >> 28) == 0xF) /* flat: a bit per APIC */
		r = mda & (ldr >> 24);
	else /* cluster: cluster in 7:4 (15 = all), a bit per APIC */
		r = ((mda >> 4) == 0xF || (mda >> 4) == (ldr >> 28)) &&
		    (mda & (ldr >> 24) & 0xF);
	unlock(l, flags);
	return r;
}

void lapic_accept_msg(struct lapic *l, const struct apic_msg *m)
{
	struct fx fx = { .eoi = -1 };
	u64 flags = lock(l);

	if (!hw_enabled(l)) { /* a globally disabled APIC hears nothing */
		unlock(l, flags);
		return;
	}
	switch (m->delivery) {
	case MSG_DM_FIXED:
	case MSG_DM_LOWEST:
		accept_fixed(l, m->vector, m->level, &fx);
		finish(l, flags, &fx);
		return;
	case MSG_DM_NMI:
		unlock(l, flags);
		vcpu_deliver_nmi(l->vcpu);
		return;
	case MSG_DM_INIT:
		if (m->level && !m->assert) { /* level de-assert: no effect */
			unlock(l, flags);
			return;
		}
		reset_regs(l);
		unlock(l, flags);
		vcpu_deliver_init(l->vcpu);
		return;
	case MSG_DM_SIPI:
		unlock(l, flags);
		vcpu_deliver_sipi(l->vcpu, m->vector);
		return;
	default: /* SMI, ExtINT: not modelled */ unlock(l, flags); return;
	}
}

int lapic_pending_vector(struct lapic *l)
{
	u64 flags = lock(l);
	int v = pending_locked(l);

	unlock(l, flags);
	return v;
}

void lapic_ack_vector(struct lapic *l, u8 vector)
{
	u64 flags = lock(l);

	if (vtest(l->irr, vector)) {
		vclear(l->irr, vector);
		vset(l->isr, vector);
	}
	unlock(l, flags);
}

bool lapic_accepts_pic(struct lapic *l)
{
	u64 flags;
	u32 lint0;
	bool r;

	if (l->idx != 0)
		return false;
	flags = lock(l);
	lint0 = l->lvt[LVT_LINT0];
	r = !hw_enabled(l) || !sw_enabled(l) ||
	    (!(lint0 & LVT_MASKED) && LVT_DM(lint0) == MSG_DM_EXTINT);
	unlock(l, flags);
	return r;
}

/* ---- creation ---------------------------------------------------------- */

struct lapic *vcpu_lapic(struct vcpu *v)
{
	struct vplat *p = vm_plat(v->vm);

	return p && v->id < VM_MAX_VCPUS ? p->lapic[v->id] : NULL;
}

/* A VM's LAPICs live in one array (one device allocation, indexed by
 * vCPU); the first one created registers the shared MMIO page. */
struct lapic *lapic_create(struct vcpu *v)
{
	struct vm *vm = v->vm;
	struct vplat *p = vm_plat(vm);
	struct lapic *set = NULL, *l;

	if (!p || v->id >= VM_MAX_VCPUS)
		return NULL;
	for (unsigned int i = 0; i < VM_MAX_VCPUS && !set; i++)
		if (p->lapic[i])
			set = p->lapic[i] - p->lapic[i]->idx;
	if (!set) {
		set = vm_dev_zalloc(vm, sizeof(*set) * VM_MAX_VCPUS);
		if (!set)
			return NULL;
		if (io_bus_register(&vm->mmio, PLAT_LAPIC_BASE, 0x1000,
				    &lapic_mmio_ops, vm, "lapic"))
			return NULL;
	}
	l = &set[v->id];
	if (l->vcpu)
		return l;
	l->vm = vm;
	l->idx = v->id;
	if (vtimer_init(&l->timer, v, timer_fire, l))
		return NULL;
	l->vcpu = v;
	lapic_reset(l);
	p->lapic[v->id] = l;
	return l;
}

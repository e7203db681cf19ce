// SPDX-License-Identifier: GPL-2.0
/*
 * The i8254 PIT at 0x40-0x43 and port 0x61 (channel 2 gate, speaker, OUT2
 * readback). Nothing ticks: a channel remembers the tick of the PIT clock
 * (1.193182 MHz since the VM was created) at which its count was loaded,
 * and its count and OUT are computed from vclock_ns() when read. Modes 0-5,
 * binary and BCD, lobyte/hibyte/lohi access, counter latch and read-back.
 *
 * Channel 0 drives ISA IRQ 0 with a pulse at each rising edge of its OUT,
 * from a vtimer of vCPU 0. A late timer gives one pulse, and the next is
 * scheduled on the channel's own period grid (missed periods are dropped,
 * never replayed in a burst). Channel 1 (DRAM refresh) has its gate tied
 * high like channel 0; channel 2's gate is port 0x61 bit 0.
 *
 * Simplifications: a count takes effect when its last byte is written (no
 * extra load clock; the first byte of a lohi write does not stop mode 0).
 */
#include <pv/string.h>
#include "../virt.h"
#include "platform.h"
#include "isa.h"

#define PIT_HZ 1193182ull
#define REFRESH_NS 15085 /* port 0x61 bit 4 toggles at this period */
/* IRQ 0 pulses at most this often (~100 us): a tiny periodic count must
 * not turn the vtimer into a storm. Counts are not affected. */
#define MIN_IRQ_TICKS 119

enum { RW_LATCH = 0, RW_LO = 1, RW_HI = 2, RW_LOHI = 3 };

struct pit_chan {
	u8 mode, rw;
	bool bcd;
	bool loaded; /* a count was written since the control word */
	bool armed; /* modes 1 and 5: triggered by the gate */
	bool gate;
	bool stopped; /* the gate holds counting (modes 0, 2, 3, 4) */
	bool null_count;
	u32 count; /* initial count N: 1..65536 (binary) or 10000 (BCD) */
	u64 start; /* PIT tick at which counting of N began */
	u64 frozen; /* elapsed ticks when the gate stopped it */
	/* Modes 2 and 3: a count written while counting, loaded at the
	 * end of the current period (tick next_at). */
	bool next_pending;
	u32 next_count;
	u64 next_at;
	u8 wlsb; /* lohi write: the low byte, waiting for the high */
	bool wflip, rflip;
	u16 latch;
	u8 latched; /* count latch: 0 none, 1 whole value, 2 high byte left */
	bool status_latched;
	u8 status;
};

struct vpit {
	struct vm *vm;
	spinlock_t lock;
	u64 epoch; /* vclock_ns() at tick 0 */
	struct pit_chan ch[3];
	u8 port61; /* bits 0-3 as written */
	struct vtimer timer; /* channel 0's next rising edge */
	u64 irq_next; /* its PIT tick, 0 = none */
};

static u64 now_tick(struct vpit *p, u64 now)
{
	return now > p->epoch ? ns_to_ticks(now - p->epoch, PIT_HZ) : 0;
}

static u32 modulus(const struct pit_chan *c)
{
	return c->bcd ? 10000 : 65536;
}

/* Take a count written during a period once that period has ended. */
static void settle(struct pit_chan *c, u64 t)
{
	if (c->next_pending && !c->stopped && t >= c->next_at) {
		c->start = c->next_at;
		c->count = c->next_count;
		c->next_pending = false;
	}
}

static u64 elapsed(struct pit_chan *c, u64 t)
{
	settle(c, t);
	if (c->stopped)
		return c->frozen;
	return t >= c->start ? t - c->start : 0;
}

static bool counting(const struct pit_chan *c)
{
	if (!c->loaded)
		return false;
	if (c->mode == 1 || c->mode == 5)
		return c->armed;
	return true;
}

/* The counting element at tick t. */
static u32 chan_count(struct pit_chan *c, u64 t)
{
	u32 n = c->count, m = modulus(c), v;
	u64 d, p;

	if (!counting(c))
		return n % m;
	d = elapsed(c, t);
	switch (c->mode) {
	case 2: v = n - (u32)(d % n); break;
	case 3:
		p = d % n;
		if (!(n & 1)) {
			v = n - 2 * (u32)(p % (n / 2));
		} else if (p < (n + 1) / 2) { /* high half: N, N-1, N-3... */
			v = p ? n + 1 - 2 * (u32)p : n;
		} else { /* low half: N, N-3, N-5... */
			p -= (n + 1) / 2;
			v = p ? n - 1 - 2 * (u32)p : n;
		}
		break;
	default: /* 0, 1, 4, 5: count down and wrap */
		v = (u32)((n + m - d % m) % m);
		break;
	}
	return v % m;
}

static bool chan_out(struct pit_chan *c, u64 t)
{
	u32 n = c->count;
	u64 d;

	if (!c->loaded)
		return c->mode != 0;
	if ((c->mode == 2 || c->mode == 3) && c->stopped)
		return true;
	if (!counting(c))
		return true; /* modes 1, 5 before their trigger */
	d = elapsed(c, t);
	switch (c->mode) {
	case 0: return d >= n;
	case 1: return d >= n;
	case 2: return d % n != n - 1;
	case 3: return d % n < (n + 1) / 2;
	default: return d != n; /* 4, 5: one-tick strobe */
	}
}

/* Channel 0: the first rising edge of OUT after tick t, or 0. */
static u64 next_edge(struct pit_chan *c, u64 t)
{
	u64 d;

	if (!counting(c) || c->stopped)
		return 0;
	d = elapsed(c, t);
	if (c->next_pending && c->next_at != ~0ull)
		return c->next_at;
	switch (c->mode) {
	case 0:
	case 1: return d < c->count ? c->start + c->count : 0;
	case 2:
	case 3:
		if (c->count < MIN_IRQ_TICKS)
			d += MIN_IRQ_TICKS - 1;
		return c->start + (d / c->count + 1) * c->count;
	default: return d <= c->count ? c->start + c->count + 1 : 0;
	}
}

static void arm_ch0(struct vpit *p, u64 t)
{
	p->irq_next = next_edge(&p->ch[0], t);
	if (p->irq_next)
		vtimer_arm(&p->timer,
			   p->epoch + ticks_to_ns(p->irq_next, PIT_HZ));
	else
		vtimer_cancel(&p->timer);
}

static void pit_fire(struct vtimer *tm, u64 now)
{
	struct vpit *p = tm->data;
	bool pulse = false;
	u64 t, f = spin_lock_irqsave(&p->lock);

	t = now_tick(p, now);
	if (p->irq_next && t >= p->irq_next)
		pulse = true;
	arm_ch0(p, t);
	spin_unlock_irqrestore(&p->lock, f);
	if (pulse)
		plat_pulse_irq(p->vm, ISA_IRQ_PIT);
}

static u32 bcd16_to_bin(u16 v)
{
	return (v >> 12) * 1000 + ((v >> 8) & 15) * 100 + ((v >> 4) & 15) * 10 +
	       (v & 15);
}

static u16 bin_to_bcd16(u32 v)
{
	return (u16)(((v / 1000) % 10) << 12 | ((v / 100) % 10) << 8 |
		     ((v / 10) % 10) << 4 | (v % 10));
}

static void restart(struct pit_chan *c, u64 t)
{
	c->start = t;
	c->frozen = 0;
	c->stopped = !c->gate && c->mode != 1 && c->mode != 5;
}

static void load_count(struct pit_chan *c, u16 raw, u64 t)
{
	u32 n = c->bcd ? bcd16_to_bin(raw) : raw;

	if (!n)
		n = modulus(c);
	c->null_count = false;
	if (c->loaded && c->armed) { /* modes 1, 5: at the next trigger */
		c->next_pending = true;
		c->next_count = n;
		c->next_at = ~0ull;
		return;
	}
	if (c->loaded && (c->mode == 2 || c->mode == 3) && !c->stopped) {
		u64 d = elapsed(c, t);

		c->next_pending = true;
		c->next_count = n;
		c->next_at = c->start + (d / c->count + 1) * c->count;
		return;
	}
	c->count = n;
	c->loaded = true;
	c->next_pending = false;
	if (c->mode == 1 || c->mode == 5)
		return; /* the gate's next rising edge starts it */
	restart(c, t);
}

static void set_gate(struct pit_chan *c, bool gate, u64 t)
{
	if (gate == c->gate)
		return;
	if (!gate) {
		c->gate = false;
		if (c->loaded && c->mode != 1 && c->mode != 5) {
			c->frozen = elapsed(c, t);
			c->stopped = true;
		}
		return;
	}
	c->gate = true;
	if (!c->loaded)
		return;
	if (c->next_pending) {
		c->count = c->next_count;
		c->next_pending = false;
	}
	switch (c->mode) {
	case 0:
	case 4: /* resume where it stopped */
		c->start = t - c->frozen;
		c->stopped = false;
		break;
	case 1:
	case 5: /* trigger */
		c->armed = true;
		restart(c, t);
		break;
	default: /* 2, 3: reload */ restart(c, t); break;
	}
}

static void latch_count(struct pit_chan *c, u64 t)
{
	u32 v;

	if (c->latched)
		return;
	v = chan_count(c, t);
	c->latch = c->bcd ? bin_to_bcd16(v) : (u16)v;
	c->latched = 1;
}

static void latch_status(struct pit_chan *c, u64 t)
{
	if (c->status_latched)
		return;
	c->status = (chan_out(c, t) ? 0x80 : 0) | (c->null_count ? 0x40 : 0) |
		    c->rw << 4 | c->mode << 1 | (c->bcd ? 1 : 0);
	c->status_latched = true;
}

static void write_control(struct vpit *p, u8 v, u64 t)
{
	unsigned int sc = v >> 6, rw = (v >> 4) & 3;
	struct pit_chan *c;

	if (sc == 3) { /* read-back */
		for (unsigned int i = 0; i < 3; i++) {
			if (!(v & (2u << i)))
				continue;
			if (!(v & 0x20))
				latch_count(&p->ch[i], t);
			if (!(v & 0x10))
				latch_status(&p->ch[i], t);
		}
		return;
	}
	c = &p->ch[sc];
	if (rw == RW_LATCH) {
		latch_count(c, t);
		return;
	}
	c->rw = rw;
	c->mode = (v >> 1) & 7;
	if (c->mode > 5)
		c->mode -= 4; /* 6, 7 are 2, 3 */
	c->bcd = v & 1;
	c->loaded = c->armed = c->stopped = c->next_pending = false;
	c->null_count = true;
	c->wflip = c->rflip = false;
	c->latched = 0;
	c->status_latched = false;
	if (sc == 0)
		arm_ch0(p, t);
}

static void write_counter(struct vpit *p, unsigned int i, u8 v, u64 t)
{
	struct pit_chan *c = &p->ch[i];

	switch (c->rw) {
	case RW_LO: load_count(c, v, t); break;
	case RW_HI: load_count(c, (u16)(v << 8), t); break;
	case RW_LOHI:
		if (!c->wflip) {
			c->wlsb = v;
			c->wflip = true;
			return;
		}
		c->wflip = false;
		load_count(c, (u16)(c->wlsb | v << 8), t);
		break;
	default: return; /* no control word yet */
	}
	if (i == 0)
		arm_ch0(p, t);
}

static u8 read_counter(struct pit_chan *c, u64 t)
{
	u16 v;

	if (c->status_latched) {
		c->status_latched = false;
		return c->status;
	}
	if (c->latched) {
		v = c->latch;
		if (c->rw == RW_LOHI && c->latched == 1) {
			c->latched = 2;
			return (u8)v;
		}
		c->latched = 0;
		return (u8)(c->rw == RW_LO ? v : v >> 8);
	}
	v = (u16)chan_count(c, t);
	if (c->bcd)
		v = bin_to_bcd16(v);
	switch (c->rw) {
	case RW_LO: return (u8)v;
	case RW_HI: return (u8)(v >> 8);
	default: c->rflip = !c->rflip; return (u8)(c->rflip ? v : v >> 8);
	}
}

static u64 pit_read(void *dev, u64 off, unsigned int size)
{
	struct vpit *p = dev;
	u8 v = 0xFF;
	u64 f = spin_lock_irqsave(&p->lock);

	if (off < 3)
		v = read_counter(&p->ch[off], now_tick(p, vclock_ns()));
	spin_unlock_irqrestore(&p->lock, f);
	return v;
}

static void pit_write(void *dev, u64 off, u64 val, unsigned int size)
{
	struct vpit *p = dev;
	u64 t, f = spin_lock_irqsave(&p->lock);

	t = now_tick(p, vclock_ns());
	if (off == 3)
		write_control(p, (u8)val, t);
	else
		write_counter(p, (unsigned int)off, (u8)val, t);
	spin_unlock_irqrestore(&p->lock, f);
}

static u64 port61_read(void *dev, u64 off, unsigned int size)
{
	struct vpit *p = dev;
	u64 now = vclock_ns(), f = spin_lock_irqsave(&p->lock);
	u8 v = p->port61 & 0x0F;

	if ((now / REFRESH_NS) & 1)
		v |= 0x10;
	if (chan_out(&p->ch[2], now_tick(p, now)))
		v |= 0x20;
	spin_unlock_irqrestore(&p->lock, f);
	return v;
}

static void port61_write(void *dev, u64 off, u64 val, unsigned int size)
{
	struct vpit *p = dev;
	u64 f = spin_lock_irqsave(&p->lock);

	p->port61 = (u8)val & 0x0F;
	set_gate(&p->ch[2], val & 1, now_tick(p, vclock_ns()));
	spin_unlock_irqrestore(&p->lock, f);
}

static const struct io_ops pit_ops = {
	.read = pit_read,
	.write = pit_write,
};

static const struct io_ops port61_ops = {
	.read = port61_read,
	.write = port61_write,
};

/* Channels as at power-on; channel 0 raises nothing until programmed. */
static void pit_power_on(struct vpit *p)
{
	p->epoch = vclock_ns();
	memset(p->ch, 0, sizeof(p->ch));
	for (unsigned int i = 0; i < 3; i++) {
		p->ch[i].gate = i != 2; /* channel 2: port 0x61 bit 0 */
		p->ch[i].count = 65536;
	}
	p->port61 = 0;
	p->irq_next = 0;
}

void vpit_reset(struct vpit *p)
{
	u64 f = spin_lock_irqsave(&p->lock);

	pit_power_on(p);
	vtimer_cancel(&p->timer);
	spin_unlock_irqrestore(&p->lock, f);
}

struct vpit *vpit_create(struct vm *vm)
{
	struct vpit *p = vm_dev_zalloc(vm, sizeof(*p));

	if (!p || !vm->vcpus[0])
		return NULL;
	p->vm = vm;
	p->lock = (spinlock_t)SPINLOCK_INIT;
	pit_power_on(p);
	if (vtimer_init(&p->timer, vm->vcpus[0], pit_fire, p) ||
	    io_bus_register(&vm->pio, 0x40, 4, &pit_ops, p, "pit") ||
	    io_bus_register(&vm->pio, 0x61, 1, &port61_ops, p, "port61"))
		return NULL;
	return p;
}

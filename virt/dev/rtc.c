// SPDX-License-Identifier: GPL-2.0
/*
 * MC146818 RTC and CMOS memory at ports 0x70 (index; bit 7 masks NMI) and
 * 0x71 (data). The time is kept as a Unix time at a vclock instant and is
 * encoded into the clock registers when read (BCD or binary, 12 or 24 h,
 * per register B). The divider chain's phase is that instant: seconds
 * change, and periodic interrupts fall, on a grid that starts there.
 *
 * Register C's flags are set whether or not their interrupts are enabled
 * (PF, AF, UF: evaluated when looked at), and IRQF = flag & enable. ISA
 * IRQ 8 is driven at IRQF's level, so the edge the interrupt controllers
 * see comes when a flag is raised after register C was read — as on a PC,
 * a guest that never reads C gets one interrupt. A vtimer of vCPU 0 raises
 * the first enabled event while IRQF is low.
 *
 * Not modelled: the divider-reset settings of register A (the clock always
 * runs), the square-wave output, daylight saving, a separate day-of-week
 * register (it is derived from the date; writes are ignored).
 */
#include "../virt.h"
#include "platform.h"
#include "isa.h"

#define REG_SEC 0x00
#define REG_SEC_ALARM 0x01
#define REG_MIN 0x02
#define REG_MIN_ALARM 0x03
#define REG_HOUR 0x04
#define REG_HOUR_ALARM 0x05
#define REG_WDAY 0x06
#define REG_MDAY 0x07
#define REG_MON 0x08
#define REG_YEAR 0x09
#define REG_A 0x0A
#define REG_B 0x0B
#define REG_C 0x0C
#define REG_D 0x0D
#define REG_CENTURY 0x32

#define A_UIP 0x80
#define B_SET 0x80
#define B_PIE 0x40
#define B_AIE 0x20
#define B_UIE 0x10
#define B_DM 0x04 /* binary */
#define B_24H 0x02
#define C_IRQF 0x80
#define C_PF 0x40 /* same bits as the enables in B */
#define C_AF 0x20
#define C_UF 0x10
#define D_VRT 0x80

#define RTC_HZ 32768ull
#define UIP_NS 244000ull /* UIP is high this long before an update */
#define SECS_PER_DAY 86400

struct rtc_tm {
	s64 year;
	int mon, mday, hour, min, sec, wday; /* mon 1-12, wday 0 = Sunday */
};

struct vrtc {
	struct vm *vm;
	spinlock_t lock;
	u8 cmos[128];
	u8 index;
	s64 base_sec; /* the Unix time at base_ns */
	u64 base_ns; /* also the divider chain's phase */
	struct rtc_tm frozen; /* the time while SET is held */
	u8 flags; /* PF, AF, UF not yet read from C */
	u64 next_pf, next_uf, next_af; /* vclock of the next events, 0 none */
	bool irq;
	struct vtimer timer;
};

/* ---- calendar ---------------------------------------------------------- */

static s64 floor_div(s64 a, s64 b)
{
	return a / b - (a % b < 0);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's era
 * decomposition: 400-year eras starting in March). */
static s64 days_from_civil(s64 y, int m, int d)
{
	s64 era, yoe, doy, doe;

	y -= m <= 2;
	era = floor_div(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(s64 z, struct rtc_tm *tm)
{
	s64 era, doe, yoe, doy, mp;

	tm->wday = (int)((z % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
	z += 719468;
	era = floor_div(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	tm->mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	tm->mon = (int)(mp < 10 ? mp + 3 : mp - 9);
	tm->year = yoe + era * 400 + (tm->mon <= 2);
}

static void unix_to_tm(s64 t, struct rtc_tm *tm)
{
	s64 days = floor_div(t, SECS_PER_DAY), s = t - days * SECS_PER_DAY;

	civil_from_days(days, tm);
	tm->hour = (int)(s / 3600);
	tm->min = (int)(s / 60 % 60);
	tm->sec = (int)(s % 60);
}

static s64 tm_to_unix(const struct rtc_tm *tm)
{
	return days_from_civil(tm->year, tm->mon, tm->mday) * SECS_PER_DAY +
	       tm->hour * 3600 + tm->min * 60 + tm->sec;
}

/* ---- register encoding -------------------------------------------------- */

static u8 enc(const struct vrtc *r, int v)
{
	if (r->cmos[REG_B] & B_DM)
		return (u8)v;
	return (u8)((v / 10) << 4 | v % 10);
}

static int dec(const struct vrtc *r, u8 v)
{
	if (r->cmos[REG_B] & B_DM)
		return v;
	return (v >> 4) * 10 + (v & 15);
}

static u8 enc_hour(const struct vrtc *r, int h)
{
	int h12;

	if (r->cmos[REG_B] & B_24H)
		return enc(r, h);
	h12 = h % 12 ? h % 12 : 12;
	return enc(r, h12) | (h >= 12 ? 0x80 : 0);
}

static int dec_hour(const struct vrtc *r, u8 v)
{
	if (r->cmos[REG_B] & B_24H)
		return dec(r, v);
	return dec(r, v & 0x7F) % 12 + ((v & 0x80) ? 12 : 0);
}

/* ---- time ---------------------------------------------------------------- */

static u64 since_base(const struct vrtc *r, u64 now)
{
	return now > r->base_ns ? now - r->base_ns : 0;
}

static s64 unix_now(const struct vrtc *r, u64 now)
{
	return r->base_sec + (s64)(since_base(r, now) / NSEC_PER_SEC);
}

static void tm_now(const struct vrtc *r, u64 now, struct rtc_tm *tm)
{
	if (r->cmos[REG_B] & B_SET)
		*tm = r->frozen;
	else
		unix_to_tm(unix_now(r, now), tm);
}

static bool alarm_match(const struct vrtc *r, u8 reg, u8 cur)
{
	u8 a = r->cmos[reg];

	return (a & 0xC0) == 0xC0 || a == cur;
}

/* Seconds from Unix time s to the next alarm match (1..86400), or 0. */
static s64 alarm_delta(const struct vrtc *r, s64 s)
{
	s64 m0 = floor_div(s, 60) * 60;
	bool any_sec = (r->cmos[REG_SEC_ALARM] & 0xC0) == 0xC0;
	int sa = dec(r, r->cmos[REG_SEC_ALARM]);
	struct rtc_tm tm;

	if (!any_sec && (sa < 0 || sa > 59))
		return 0;
	/* Every minute of the next day, in order. */
	for (int i = 0; i <= 1440; i++) {
		s64 ms = m0 + i * 60, cand;

		unix_to_tm(ms, &tm);
		if (!alarm_match(r, REG_MIN_ALARM, enc(r, tm.min)) ||
		    !alarm_match(r, REG_HOUR_ALARM, enc_hour(r, tm.hour)))
			continue;
		if (any_sec) {
			cand = ms > s ? ms : s + 1;
			if (cand >= ms + 60)
				continue;
		} else {
			cand = ms + sa;
			if (cand <= s)
				continue;
		}
		return cand - s;
	}
	return 0;
}

static u8 rate_ticks_shift(const struct vrtc *r)
{
	return r->cmos[REG_A] & 15;
}

/* The next periodic tick after now on the divider grid, 0 if none. */
static u64 next_periodic(const struct vrtc *r, u64 now)
{
	unsigned int rs = rate_ticks_shift(r);
	u64 period, t;

	if (!rs)
		return 0;
	period = rs == 1 ? 128 : rs == 2 ? 256 : 1ull << (rs - 1);
	t = ns_to_ticks(since_base(r, now), RTC_HZ);
	return r->base_ns + ticks_to_ns((t / period + 1) * period, RTC_HZ);
}

static u64 next_update(const struct vrtc *r, u64 now)
{
	if (r->cmos[REG_B] & B_SET)
		return 0;
	return r->base_ns +
	       (since_base(r, now) / NSEC_PER_SEC + 1) * NSEC_PER_SEC;
}

static u64 next_alarm(const struct vrtc *r, u64 now)
{
	s64 d;

	if (r->cmos[REG_B] & B_SET)
		return 0;
	d = alarm_delta(r, unix_now(r, now));
	if (!d)
		return 0;
	return r->base_ns +
	       (since_base(r, now) / NSEC_PER_SEC + (u64)d) * NSEC_PER_SEC;
}

static void reschedule_all(struct vrtc *r, u64 now)
{
	r->next_pf = next_periodic(r, now);
	r->next_uf = next_update(r, now);
	r->next_af = next_alarm(r, now);
}

/* Raise the flags of the events that happened by now. */
static void eval(struct vrtc *r, u64 now)
{
	if (r->next_pf && now >= r->next_pf) {
		r->flags |= C_PF;
		r->next_pf = next_periodic(r, now);
	}
	if (r->next_uf && now >= r->next_uf) {
		r->flags |= C_UF;
		r->next_uf = next_update(r, now);
	}
	if (r->next_af && now >= r->next_af) {
		r->flags |= C_AF;
		r->next_af = next_alarm(r, now);
	}
}

static bool irqf(const struct vrtc *r)
{
	return r->flags & r->cmos[REG_B] & (B_PIE | B_AIE | B_UIE);
}

/* After any change: drive IRQ 8 at IRQF and arm the timer for the first
 * enabled event that would raise it. Lock held (plat_set_irq is a
 * delivery function, callable from any context). */
static void update(struct vrtc *r)
{
	bool level = irqf(r);
	u8 en = r->cmos[REG_B];
	u64 dl = 0;

	if (level != r->irq) {
		r->irq = level;
		plat_set_irq(r->vm, ISA_IRQ_RTC, level);
	}
	if (!level) {
		if ((en & B_PIE) && r->next_pf)
			dl = r->next_pf;
		if ((en & B_UIE) && r->next_uf && (!dl || r->next_uf < dl))
			dl = r->next_uf;
		if ((en & B_AIE) && r->next_af && (!dl || r->next_af < dl))
			dl = r->next_af;
	}
	if (dl)
		vtimer_arm(&r->timer, dl);
	else
		vtimer_cancel(&r->timer);
}

static void rtc_fire(struct vtimer *t, u64 now)
{
	struct vrtc *r = t->data;
	u64 f = spin_lock_irqsave(&r->lock);

	eval(r, now);
	update(r);
	spin_unlock_irqrestore(&r->lock, f);
}

/* ---- registers ----------------------------------------------------------- */

static u8 read_reg(struct vrtc *r, unsigned int i, u64 now)
{
	struct rtc_tm tm;
	u8 v;

	tm_now(r, now, &tm);
	switch (i) {
	case REG_SEC: return enc(r, tm.sec);
	case REG_MIN: return enc(r, tm.min);
	case REG_HOUR: return enc_hour(r, tm.hour);
	case REG_WDAY: return enc(r, tm.wday + 1);
	case REG_MDAY: return enc(r, tm.mday);
	case REG_MON: return enc(r, tm.mon);
	case REG_YEAR: return enc(r, (int)(tm.year % 100));
	case REG_CENTURY: return enc(r, (int)(tm.year / 100));
	case REG_A:
		v = r->cmos[REG_A] & 0x7F;
		if (!(r->cmos[REG_B] & B_SET) &&
		    since_base(r, now) % NSEC_PER_SEC >= NSEC_PER_SEC - UIP_NS)
			v |= A_UIP;
		return v;
	case REG_C:
		eval(r, now);
		v = r->flags | (irqf(r) ? C_IRQF : 0);
		r->flags = 0;
		update(r);
		return v;
	case REG_D: return D_VRT;
	default: return r->cmos[i];
	}
}

/* A new clock value: with SET held it waits in frozen; otherwise it
 * takes effect now, keeping the divider's phase. */
static void set_time(struct vrtc *r, const struct rtc_tm *tm, u64 now)
{
	if (r->cmos[REG_B] & B_SET) {
		r->frozen = *tm;
		return;
	}
	r->base_sec = tm_to_unix(tm) - (s64)(since_base(r, now) / NSEC_PER_SEC);
	reschedule_all(r, now);
}

static void write_b(struct vrtc *r, u8 v, u64 now)
{
	u8 old = r->cmos[REG_B];

	if (v & B_SET)
		v &= ~B_UIE; /* the chip clears UIE while SET is high */
	if ((v & B_SET) && !(old & B_SET)) {
		unix_to_tm(unix_now(r, now), &r->frozen);
		r->cmos[REG_B] = v;
		reschedule_all(r, now);
		return;
	}
	r->cmos[REG_B] = v;
	if (!(v & B_SET) && (old & B_SET)) {
		/* Released: the update cycle restarts from here. */
		r->base_sec = tm_to_unix(&r->frozen);
		r->base_ns = now;
		reschedule_all(r, now);
	} else if ((old ^ v) & (B_DM | B_24H)) {
		r->next_af = next_alarm(r, now); /* alarm bytes re-read */
	}
}

static void write_reg(struct vrtc *r, unsigned int i, u8 v, u64 now)
{
	struct rtc_tm tm;

	tm_now(r, now, &tm);
	switch (i) {
	case REG_SEC: tm.sec = dec(r, v) % 60; break;
	case REG_MIN: tm.min = dec(r, v) % 60; break;
	case REG_HOUR: tm.hour = dec_hour(r, v) % 24; break;
	case REG_MDAY: tm.mday = dec(r, v); break;
	case REG_MON: tm.mon = dec(r, v); break;
	case REG_YEAR: tm.year = tm.year / 100 * 100 + dec(r, v) % 100; break;
	case REG_CENTURY: tm.year = dec(r, v) * 100 + tm.year % 100; break;
	case REG_SEC_ALARM:
	case REG_MIN_ALARM:
	case REG_HOUR_ALARM:
		r->cmos[i] = v;
		r->next_af = next_alarm(r, now);
		return;
	case REG_A:
		r->cmos[REG_A] = v & 0x7F;
		r->next_pf = next_periodic(r, now);
		return;
	case REG_B: write_b(r, v, now); return;
	case REG_WDAY:
	case REG_C:
	case REG_D: return;
	default: r->cmos[i] = v; return;
	}
	/* Out-of-range days and months are kept sane for the calendar. */
	if (tm.mon < 1 || tm.mon > 12)
		tm.mon = 1;
	if (tm.mday < 1 || tm.mday > 31)
		tm.mday = 1;
	set_time(r, &tm, now);
}

static u64 rtc_read(void *dev, u64 off, unsigned int size)
{
	struct vrtc *r = dev;
	u64 f;
	u8 v;

	if (off == 0)
		return r->index;
	f = spin_lock_irqsave(&r->lock);
	v = read_reg(r, r->index & 0x7F, vclock_ns());
	spin_unlock_irqrestore(&r->lock, f);
	return v;
}

static void rtc_write(void *dev, u64 off, u64 val, unsigned int size)
{
	struct vrtc *r = dev;
	u64 f, now;

	if (off == 0) {
		r->index = (u8)val; /* bit 7: NMI mask, kept, not modelled */
		return;
	}
	f = spin_lock_irqsave(&r->lock);
	now = vclock_ns();
	eval(r, now); /* events before the write, under the old settings */
	write_reg(r, r->index & 0x7F, (u8)val, now);
	update(r);
	spin_unlock_irqrestore(&r->lock, f);
}

static const struct io_ops rtc_ops = {
	.read = rtc_read,
	.write = rtc_write,
};

/* The BIOS's memory-size fields and their checksum. */
static void cmos_set_mem(u8 *c, u64 ram)
{
	u64 ext = ram > (1u << 20) ? (ram >> 10) - 1024 : 0;
	u64 above16 = ram > (16u << 20) ? (ram - (16u << 20)) >> 16 : 0;
	u64 above4g = ram > (4ull << 30) ? (ram - (4ull << 30)) >> 16 : 0;
	unsigned int sum = 0;

	if (ext > 0xFFFF)
		ext = 0xFFFF;
	if (above16 > 0xFFFF)
		above16 = 0xFFFF;
	c[0x14] = 0x02; /* equipment: FPU, VGA, no floppy */
	c[0x15] = 640 & 0xFF; /* base memory, KiB */
	c[0x16] = 640 >> 8;
	c[0x17] = c[0x30] = (u8)ext; /* above 1 MiB, KiB */
	c[0x18] = c[0x31] = (u8)(ext >> 8);
	c[0x34] = (u8)above16; /* above 16 MiB, 64 KiB units */
	c[0x35] = (u8)(above16 >> 8);
	c[0x5B] = (u8)above4g;
	c[0x5C] = (u8)(above4g >> 8);
	c[0x5D] = (u8)(above4g >> 16);
	for (unsigned int i = 0x10; i <= 0x2D; i++)
		sum += c[i];
	c[0x2E] = (u8)(sum >> 8);
	c[0x2F] = (u8)sum;
}

struct vrtc *vrtc_create(struct vm *vm, u64 unix_time_at_create)
{
	struct vrtc *r = vm_dev_zalloc(vm, sizeof(*r));
	u64 now = vclock_ns();

	if (!r || !vm->vcpus[0])
		return NULL;
	r->vm = vm;
	r->lock = (spinlock_t)SPINLOCK_INIT;
	r->cmos[REG_A] = 0x26; /* 32.768 kHz, 1024 Hz periodic rate */
	r->cmos[REG_B] = B_24H; /* BCD, 24 h: what Linux expects */
	cmos_set_mem(r->cmos, vm->ram_size);
	r->base_sec = (s64)unix_time_at_create;
	r->base_ns = now;
	reschedule_all(r, now);
	if (vtimer_init(&r->timer, vm->vcpus[0], rtc_fire, r) ||
	    io_bus_register(&vm->pio, 0x70, 2, &rtc_ops, r, "rtc"))
		return NULL;
	return r;
}

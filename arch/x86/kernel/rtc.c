// SPDX-License-Identifier: GPL-2.0
/* The machine's CMOS clock, read once for wall-clock time (guests' RTCs
 * start from it). */
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/rtc.h>

static u8 cmos_read(u8 reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static unsigned int bcd(u8 v, bool binary)
{
	return binary ? v : (v >> 4) * 10 + (v & 0xF);
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static u64 days_from_civil(unsigned int y, unsigned int m, unsigned int d)
{
	static const u16 before[12] = { 0,   31,  59,  90,  120, 151,
					181, 212, 243, 273, 304, 334 };
	u64 days = (u64)(y - 1970) * 365 + before[m - 1] + d - 1;

	/* Leap days before this year, then this year's if past February. */
	days += (y - 1969) / 4 - (y - 1901) / 100 + (y - 1601) / 400;
	if (m > 2 && ((y % 4 == 0 && y % 100) || y % 400 == 0))
		days++;
	return days;
}

u64 rtc_read_unix(void)
{
	u8 s, mi, h, d, mo, y, c, b;
	u64 flags = irq_save();

	/* Wait out an update in progress (UIP), then read twice until two
	 * reads agree so no field rolled over in between. */
	for (int tries = 0; tries < 1000000 && (cmos_read(0x0A) & 0x80);
	     tries++)
		;
	do {
		s = cmos_read(0x00);
		mi = cmos_read(0x02);
		h = cmos_read(0x04);
		d = cmos_read(0x07);
		mo = cmos_read(0x08);
		y = cmos_read(0x09);
		c = cmos_read(0x32);
	} while (s != cmos_read(0x00));
	b = cmos_read(0x0B);
	irq_restore(flags);
	{
		bool bin = b & 0x04, h12 = !(b & 0x02);
		unsigned int hour = bcd(h & 0x7F, bin);
		unsigned int year =
			bcd(y, bin) + (c ? bcd(c, bin) * 100 : 2000);
		unsigned int mon = bcd(mo, bin), day = bcd(d, bin);

		if (h12)
			hour = (hour % 12) + ((h & 0x80) ? 12 : 0);
		if (year < 1970 || mon < 1 || mon > 12 || day < 1 || day > 31)
			return 0;
		return days_from_civil(year, mon, day) * 86400 + hour * 3600 +
		       bcd(mi, bin) * 60 + bcd(s, bin);
	}
}

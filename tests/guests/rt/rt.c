// SPDX-License-Identifier: GPL-2.0
/* Test-guest runtime: console, printf, exit, IDT, KTAP, hypercalls. */
#include "guest.h"

u32 mb_magic;
struct mb_info *mb;
bool ktap_case_ok;
static unsigned int ktap_planned, ktap_done_cases, ktap_failed;
static bool use_vmmcall;

/* ---- libc bits the compiler may call ---------------------------- */

void *memset(void *d, int c, size_t n)
{
	u8 *p = d;

	while (n--)
		*p++ = c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	u8 *p = d;
	const u8 *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *p = a, *q = b;

	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

/* ---- console ----------------------------------------------------- */

void putc(char c)
{
	/* Wait for THRE, but not forever if the UART is missing. */
	for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
		;
	outb(c, COM1);
}

void puts(const char *s)
{
	while (*s)
		putc(*s++);
}

static void put_num(u64 v, unsigned int base, int width, char pad, bool neg)
{
	char buf[24];
	int n = 0;

	/* 64-bit values only in hex (no libgcc division in the guests). */
	if (base == 16) {
		do {
			buf[n++] = "0123456789abcdef"[v & 15];
			v >>= 4;
		} while (v);
	} else {
		u32 w = v;

		do {
			buf[n++] = '0' + w % 10;
			w /= 10;
		} while (w);
	}
	if (neg)
		buf[n++] = '-';
	while (n < width)
		buf[n++] = pad;
	while (n)
		putc(buf[--n]);
}

void vprintf(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		int width = 0, longs = 0;
		bool alt = false;
		char pad = ' ';
		u64 v;

		if (*fmt != '%') {
			putc(*fmt);
			continue;
		}
		fmt++;
		if (*fmt == '#') {
			alt = true;
			fmt++;
		}
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + *fmt++ - '0';
		while (*fmt == 'l') {
			longs++;
			fmt++;
		}
		v = longs >= 2 ? va_arg(ap, u64) : va_arg(ap, u32);
		switch (*fmt) {
		case 'd':
			if ((int)v < 0)
				put_num(-(int)v, 10, width, pad, true);
			else
				put_num(v, 10, width, pad, false);
			break;
		case 'u': put_num(v, 10, width, pad, false); break;
		case 'p':
			alt = true;
			/* fall through */
		case 'x':
			if (alt)
				puts("0x");
			put_num(v, 16, width, pad, false);
			break;
		case 'c': putc(v); break;
		case 's': puts(v ? (const char *)(u32)v : "(null)"); break;
		case '%': putc('%'); break;
		default: putc('?');
		}
	}
}

void printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void guest_exit(u32 status)
{
	outl(status, DEBUG_EXIT_PORT);
	/* Still here: no debug-exit device. */
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* ---- KTAP --------------------------------------------------------- */

void ktap_plan(unsigned int n)
{
	ktap_planned = n;
	printf("KTAP version 1\n1..%u\n", n);
}

void ktap_result(bool ok, const char *name)
{
	ktap_done_cases++;
	if (!ok)
		ktap_failed++;
	printf("%s %u %s\n", ok ? "ok" : "not ok", ktap_done_cases, name);
}

void ktap_case(const char *name, void (*fn)(void))
{
	ktap_case_ok = true;
	fn();
	ktap_result(ktap_case_ok, name);
}

void ktap_done(void)
{
	bool ok = !ktap_failed && ktap_done_cases == ktap_planned;

	printf("# %u/%u passed\n", ktap_done_cases - ktap_failed, ktap_planned);
	guest_exit(ok ? 0 : 1);
}

/* ---- interrupts --------------------------------------------------- */

struct idt_entry {
	u16 off_lo, sel;
	u8 zero, type;
	u16 off_hi;
};

static struct idt_entry idt[GUEST_NR_VECTORS] __attribute__((aligned(8)));
static isr_fn handlers[GUEST_NR_VECTORS];
extern const u32 isr_table[GUEST_NR_VECTORS];

void isr_dispatch(struct frame *f);
void isr_dispatch(struct frame *f)
{
	if (f->vector < GUEST_NR_VECTORS && handlers[f->vector]) {
		handlers[f->vector](f);
		return;
	}
	printf("# unexpected vector %u (error %#x) at eip %#x\n", f->vector,
	       f->error, f->eip);
	guest_exit(2);
}

void set_handler(unsigned int vector, isr_fn fn)
{
	handlers[vector] = fn;
}

void load_idt(void)
{
	struct {
		u16 limit;
		u32 base;
	} __attribute__((packed)) d = { sizeof(idt) - 1, (u32)idt };

	for (unsigned int i = 0; i < GUEST_NR_VECTORS; i++)
		idt[i] = (struct idt_entry){ isr_table[i] & 0xFFFF, 0x08, 0,
					     0x8E, isr_table[i] >> 16 };
	__asm__ volatile("lidt %0" : : "m"(d));
}

/* ---- hypercalls --------------------------------------------------- */

u32 hypercall(u32 nr, u32 a1, u32 a2, u32 a3)
{
	u32 ret;

	if (use_vmmcall)
		__asm__ volatile("vmmcall"
				 : "=a"(ret)
				 : "a"(nr), "b"(a1), "c"(a2), "d"(a3)
				 : "memory");
	else
		__asm__ volatile("vmcall"
				 : "=a"(ret)
				 : "a"(nr), "b"(a1), "c"(a2), "d"(a3)
				 : "memory");
	return ret;
}

void rt_start(u32 magic, struct mb_info *info);
void rt_start(u32 magic, struct mb_info *info)
{
	u32 a, b, c, d;

	mb_magic = magic;
	mb = info;
	cpuid(0, 0, &a, &b, &c, &d);
	use_vmmcall = b == 0x68747541; /* "Auth"enticAMD */
	load_idt();
	if (magic != 0x2BADB002) {
		printf("# bad Multiboot magic %#x\n", magic);
		guest_exit(3);
	}
	guest_main();
	guest_exit(0);
}

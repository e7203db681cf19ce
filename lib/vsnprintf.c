// SPDX-License-Identifier: GPL-2.0
#include <pv/printf.h>
#include <pv/string.h>

struct out {
	char *buf;
	size_t size;
	size_t len; /* what the whole output would take */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

enum {
	F_LEFT = 1,
	F_PLUS = 2,
	F_SPACE = 4,
	F_ALT = 8,
	F_ZERO = 16,
	F_UPPER = 32,
	F_SIGNED = 64, /* d/i: only these take a '+' or ' ' sign */
};

/* A string padded to width (used by %s and for a NULL %p). */
static void put_str(struct out *o, const char *s, int len, int flags, int width)
{
	if (!(flags & F_LEFT))
		pad(o, ' ', width - len);
	for (int i = 0; i < len; i++)
		put(o, s[i]);
	if (flags & F_LEFT)
		pad(o, ' ', width - len);
}

static void put_number(struct out *o, u64 v, bool neg, unsigned int base,
		       int flags, int width, int prec)
{
	const char *digits =
		(flags & F_UPPER) ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, zeros, total;
	const char *prefix = "";
	char sign = 0;

	if (neg)
		sign = '-';
	else if ((flags & (F_SIGNED | F_PLUS)) == (F_SIGNED | F_PLUS))
		sign = '+';
	else if ((flags & (F_SIGNED | F_SPACE)) == (F_SIGNED | F_SPACE))
		sign = ' ';

	if (v == 0 && prec == 0)
		n = 0; /* "%.0d" of zero prints nothing */
	else
		do {
			tmp[n++] = digits[v % base];
			v /= base;
		} while (v);

	if (flags & F_ALT) {
		if (base == 16 && n && !(n == 1 && tmp[0] == '0'))
			prefix = (flags & F_UPPER) ? "0X" : "0x";
		else if (base == 8 && (n == 0 || tmp[n - 1] != '0') &&
			 prec <= n)
			prefix = "0";
	}

	zeros = prec > n ? prec - n : 0;
	total = n + zeros + (int)strlen(prefix) + (sign ? 1 : 0);
	if (prec < 0 && (flags & F_ZERO) && !(flags & F_LEFT) &&
	    width > total) {
		zeros += width - total;
		total = width;
	}
	if (!(flags & F_LEFT))
		pad(o, ' ', width - total);
	if (sign)
		put(o, sign);
	for (; *prefix; prefix++)
		put(o, *prefix);
	pad(o, '0', zeros);
	while (n)
		put(o, tmp[--n]);
	if (flags & F_LEFT)
		pad(o, ' ', width - total);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		int flags = 0, width = 0, prec = -1, lng = 0;
		unsigned int base = 10;
		bool is_signed = false;
		u64 v;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		for (;;) {
			fmt++;
			if (*fmt == '-')
				flags |= F_LEFT;
			else if (*fmt == '+')
				flags |= F_PLUS;
			else if (*fmt == ' ')
				flags |= F_SPACE;
			else if (*fmt == '#')
				flags |= F_ALT;
			else if (*fmt == '0')
				flags |= F_ZERO;
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				/* A negative width means '-'; avoid -INT_MIN. */
				flags |= F_LEFT;
				width = width < -__INT_MAX__ ? 0 : -width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				width = width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					prec = prec * 10 + (*fmt++ - '0');
			}
		}
		/* lng: -2 hh, -1 h, 0 int, 1 long, 2 long long */
		switch (*fmt) {
		case 'h':
			lng = -1;
			if (*++fmt == 'h') {
				lng = -2;
				fmt++;
			}
			break;
		case 'l':
			lng = 1;
			if (*++fmt == 'l') {
				lng = 2;
				fmt++;
			}
			break;
		case 'z':
		case 't':
		case 'j':
			lng = 1;
			fmt++;
			break;
		}

		switch (*fmt) {
		case 'c':
			if (!(flags & F_LEFT))
				pad(&o, ' ', width - 1);
			put(&o, (char)va_arg(ap, int));
			if (flags & F_LEFT)
				pad(&o, ' ', width - 1);
			continue;
		case 's': {
			const char *s = va_arg(ap, const char *);
			int len;

			if (!s)
				s = "(null)";
			len = (int)strnlen(s, prec < 0 ? (size_t)-1
						       : (size_t)prec);
			put_str(&o, s, len, flags, width);
			continue;
		}
		case 'p':
			v = (uintptr_t)va_arg(ap, void *);
			/* glibc's spelling, so host and kernel logs agree. */
			if (!v)
				put_str(&o, "(nil)", 5, flags, width);
			else
				put_number(&o, v, false, 16, flags | F_ALT,
					   width, prec);
			continue;
		case '%': put(&o, '%'); continue;
		case 'd':
		case 'i':
			is_signed = true;
			flags |= F_SIGNED;
			break;
		case 'u': break;
		case 'o': base = 8; break;
		case 'X':
			flags |= F_UPPER;
			/* fall through */
		case 'x': base = 16; break;
		case '\0':
			fmt--; /* a lone '%' at the end */
			continue;
		default:
			/* Unknown conversion: print it as written. */
			put(&o, '%');
			put(&o, *fmt);
			continue;
		}

		if (is_signed) {
			s64 sv;

			if (lng >= 1)
				sv = lng == 2 ? va_arg(ap, long long)
					      : va_arg(ap, long);
			else
				sv = va_arg(ap, int);
			if (lng == -1)
				sv = (short)sv;
			else if (lng == -2)
				sv = (signed char)sv;
			v = sv < 0 ? -(u64)sv : (u64)sv;
			put_number(&o, v, sv < 0, base, flags, width, prec);
		} else {
			if (lng >= 1)
				v = lng == 2 ? va_arg(ap, unsigned long long)
					     : va_arg(ap, unsigned long);
			else
				v = va_arg(ap, unsigned int);
			if (lng == -1)
				v = (unsigned short)v;
			else if (lng == -2)
				v = (unsigned char)v;
			put_number(&o, v, false, base, flags, width, prec);
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

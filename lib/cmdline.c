// SPDX-License-Identifier: GPL-2.0
/* Command-line tokenizing and strict number parsing (host-tested). */
#include <pv/cmdline.h>
#include <pv/string.h>

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Copy one token up to a space (or '=' when stop_eq), honouring quotes. */
static int take(const char **p, char *dst, size_t size, bool stop_eq)
{
	const char *s = *p;
	size_t n = 0;
	bool quoted = false;

	while (*s && (quoted || (!is_space(*s) && !(stop_eq && *s == '=')))) {
		if (*s == '"') {
			quoted = !quoted;
			s++;
			continue;
		}
		if (n + 1 >= size)
			return -1;
		dst[n++] = *s++;
	}
	dst[n] = '\0';
	*p = s;
	return quoted ? -1 : 0;
}

int cmdline_next(const char **p, char *key, size_t keysz, char *val,
		 size_t valsz)
{
	const char *s = *p;
	int err;

	if (!keysz || !valsz)
		return -1;
	while (is_space(*s))
		s++;
	if (!*s) {
		*p = s;
		return 0;
	}
	err = take(&s, key, keysz, true);
	val[0] = '\0';
	if (!err && *s == '=') {
		s++;
		err = take(&s, val, valsz, false);
	}
	if (err) {
		/* Skip the rest of the bad token so the caller can go on. */
		while (*s && !is_space(*s))
			s++;
	}
	*p = s;
	return err ? -1 : 1;
}

static int digit(char c, unsigned int base)
{
	int d;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	else
		return -1;
	return d < (int)base ? d : -1;
}

static int parse_prefix(const char **sp, u64 *out)
{
	const char *s = *sp;
	unsigned int base = 10;
	u64 v = 0;
	int d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (digit(*s, base) < 0)
		return -1;
	for (; (d = digit(*s, base)) >= 0; s++) {
		if (v > (~0ULL - (u64)d) / base)
			return -1;
		v = v * base + (u64)d;
	}
	*sp = s;
	*out = v;
	return 0;
}

int parse_u64(const char *s, u64 *out)
{
	if (!s || parse_prefix(&s, out) || *s)
		return -1;
	return 0;
}

int parse_size(const char *s, u64 *out)
{
	u64 v;
	unsigned int shift = 0;

	if (!s || parse_prefix(&s, &v))
		return -1;
	switch (*s) {
	case 'K':
	case 'k':
		shift = 10;
		s++;
		break;
	case 'M':
	case 'm':
		shift = 20;
		s++;
		break;
	case 'G':
	case 'g':
		shift = 30;
		s++;
		break;
	case 'T':
	case 't':
		shift = 40;
		s++;
		break;
	}
	if (*s || (shift && v > (~0ULL >> shift)))
		return -1;
	*out = v << shift;
	return 0;
}

int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "1", "y", "yes", "on" };
	static const char *const no[] = { "0", "n", "no", "off" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

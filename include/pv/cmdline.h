/* SPDX-License-Identifier: GPL-2.0 */
/* Boot command line: "key=value" options, each claimed by a KPARAM. */
#ifndef PV_CMDLINE_H
#define PV_CMDLINE_H

#include <pv/types.h>

#define CMDLINE_MAX 1024

/*
 * Split the next option off *p into key and value (value is "" when the
 * option has no '='). Values may be double-quoted to hold spaces.
 * Returns 1 with an option, 0 at the end, -1 when a token does not fit
 * its buffer or a quote is unterminated.
 */
int cmdline_next(const char **p, char *key, size_t keysz, char *val,
		 size_t valsz);

/* Strict integer parsing: decimal or 0x hex, optional K/M/G suffix with
 * parse_size. Returns 0 on success, -1 on junk or overflow. */
int parse_u64(const char *s, u64 *out);
int parse_size(const char *s, u64 *out);
/* "1/y/yes/on" and "0/n/no/off". */
int parse_bool(const char *s, bool *out);

struct kparam {
	const char *name;
	/* Returns 0, or -1 if the value is malformed. */
	int (*set)(const char *val);
	const char *help;
};

#define KPARAM(n, fn, h)                                                      \
	static const struct kparam __kparam_##fn __used __section(".kparams") \
		__aligned(8) = { n, fn, h }

/* Apply every option on the command line; report unknown/malformed ones.
 * Returns the number of options rejected. */
int cmdline_apply(const char *cmdline);

#endif

// SPDX-License-Identifier: GPL-2.0
/* Boot options: each KPARAM claims one key; anything else is an error. */
#include <pv/cmdline.h>
#include <pv/printk.h>
#include <pv/string.h>

extern const struct kparam __kparams_start[], __kparams_end[];

static const struct kparam *find_param(const char *key)
{
	for (const struct kparam *k = __kparams_start; k < __kparams_end; k++) {
		if (!strcmp(k->name, key))
			return k;
	}
	return NULL;
}

int cmdline_apply(const char *cmdline)
{
	char key[64], val[256];
	const char *p = cmdline;
	int bad = 0, r;

	while ((r = cmdline_next(&p, key, sizeof(key), val, sizeof(val)))) {
		const struct kparam *k;

		if (r < 0) {
			pr_err("cmdline: malformed option near '%.32s' (too long or unterminated quote)\n",
			       p);
			bad++;
			continue;
		}
		k = find_param(key);
		if (!k) {
			pr_err("cmdline: unknown option '%s' (ignored)\n", key);
			bad++;
		} else if (k->set(val)) {
			pr_err("cmdline: bad value '%s' for '%s': expected %s\n",
			       val, key, k->help);
			bad++;
		}
	}
	return bad;
}

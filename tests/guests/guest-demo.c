// SPDX-License-Identifier: GPL-2.0
/* Demo guest: says hello with what the loader told it, exits 0. */
#include "guest.h"

void guest_main(void)
{
	printf("Hello from a PureVisor guest\n");
	printf("loader '%s', cmdline '%s'\n",
	       (mb->flags & (1u << 9)) ? (const char *)mb->boot_loader_name
				       : "?",
	       (mb->flags & (1u << 2)) ? (const char *)mb->cmdline : "");
	printf("memory: %u KiB low, %u KiB high\n", mb->mem_lower,
	       mb->mem_upper);
	if (mb->flags & (1u << 3)) {
		const u32 *m = (const u32 *)mb->mods_addr;

		/* start, end, string, reserved */
		for (u32 i = 0; i < mb->mods_count; i++, m += 4)
			printf("module %u: '%s', %u bytes at %#x\n", i,
			       (const char *)m[2], m[1] - m[0], m[0]);
	}
	printf("goodbye\n");
	guest_exit(0);
}

// SPDX-License-Identifier: GPL-2.0
/* Runtime for -fstack-protector-strong with a global guard. */
#include <pv/panic.h>
#include <asm/cpu.h>

u64 __stack_chk_guard = 0x595e9fbd94fda766ull;

void __stack_chk_fail(void);
void __stack_chk_fail(void)
{
	panic("stack protector: canary smashed in %p",
	      __builtin_return_address(0));
}

/*
 * Called first thing in kmain (which never returns, so no live frame
 * holds the old value when the guard changes).
 */
void stack_protector_init(void)
{
	u64 tsc = rdtsc();

	__stack_chk_guard ^= tsc * 0x9E3779B97F4A7C15ull;
	/* A zero low byte stops string overflows from copying past it. */
	__stack_chk_guard &= ~0xFFull;
}

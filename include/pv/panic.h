/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PV_PANIC_H
#define PV_PANIC_H

#include <pv/types.h>

struct trap_frame;

void panic(const char *fmt, ...) __noreturn __printf(1, 2);
/* Panic from an exception: prints the trapped registers. */
void panic_frame(const struct trap_frame *tf, const char *fmt, ...) __noreturn
	__printf(2, 3);

/* Print a symbolized frame-pointer backtrace starting at rbp. */
void backtrace_from(u64 rip, u64 rbp);
/* "name+0xoff" for a kernel text address; false if unknown. */
bool ksym_lookup(u64 addr, const char **name, u64 *offset);

/* Stop the machine: isa-debug-exit (QEMU), bochs shutdown port, then halt.
 * QEMU exits with (status << 1) | 1. */
void machine_exit(int status) __noreturn;

/* Pick a boot-time canary (kernel/stackprotector.c). */
void stack_protector_init(void);

/* Hook for SMP: stop every other CPU (set by the SMP code). */
extern void (*panic_stop_others)(void);

#ifdef CONFIG_DEBUG_ASSERT
#define ASSERT(c)                                                            \
	do {                                                                 \
		if (unlikely(!(c)))                                          \
			panic("assertion failed: %s at %s:%d", #c, __FILE__, \
			      __LINE__);                                     \
	} while (0)
#else
#define ASSERT(c) ((void)sizeof(c))
#endif
#define BUG_ON(c) ASSERT(!(c))
#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)

#endif

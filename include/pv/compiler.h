/* SPDX-License-Identifier: GPL-2.0 */
/* Compiler attributes and the sparse annotations used across the tree. */
#ifndef PV_COMPILER_H
#define PV_COMPILER_H

#ifdef __CHECKER__
#define __bitwise __attribute__((bitwise))
#define __force __attribute__((force))
/* Guest-physical pointers: never dereferenced directly (see virt/). */
#define __guest __attribute__((noderef, address_space(__guest)))
#define __iomem __attribute__((noderef, address_space(__iomem)))
#else
#define __bitwise
#define __force
#define __guest
#define __iomem
#endif

#define __packed __attribute__((packed))
#define __aligned(x) __attribute__((aligned(x)))
#define __noreturn __attribute__((noreturn))
#define __unused __attribute__((unused))
#define __used __attribute__((used))
#define __weak __attribute__((weak))
#define __section(s) __attribute__((section(s)))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#ifndef __always_inline /* glibc's sys/cdefs.h has one in host tests */
#define __always_inline inline __attribute__((always_inline))
#endif
#define __noinline __attribute__((noinline))

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define barrier() __asm__ __volatile__("" ::: "memory")
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BUILD_BUG_ON(c) _Static_assert(!(c), #c)

#define offsetof_(t, m) __builtin_offsetof(t, m)
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - __builtin_offsetof(type, member)))

#define ALIGN_UP(x, a) (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a)-1)) == 0)
#define DIV_ROUND_UP(n, d) (((n) + (d)-1) / (d))

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* IS_ENABLED(CONFIG_X): 1 when the option is y, usable in C conditions. */
#define __ARG_PLACEHOLDER_1 0,
#define __take_second_arg(ignored, val, ...) val
#define __is_defined(x) ___is_defined(x)
#define ___is_defined(val) ____is_defined(__ARG_PLACEHOLDER_##val)
#define ____is_defined(arg1_or_junk) __take_second_arg(arg1_or_junk 1, 0, 0)
#define IS_ENABLED(option) __is_defined(option)

#endif

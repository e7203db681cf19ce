/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host builds of lib/string.c and lib/vsnprintf.c: give the kernel's libc
 * names a pv_ prefix so they link beside glibc and can be compared with
 * it. Included by the pvlib_*.c wrappers only, before the kernel source.
 */
#define memcpy pv_memcpy
#define memmove pv_memmove
#define memset pv_memset
#define memcmp pv_memcmp
#define memchr pv_memchr
#define strlen pv_strlen
#define strnlen pv_strnlen
#define strcmp pv_strcmp
#define strncmp pv_strncmp
#define strchr pv_strchr
#define strrchr pv_strrchr
#define strlcpy pv_strlcpy
#define strstr pv_strstr
#define vsnprintf pv_vsnprintf
#define snprintf pv_snprintf

/*
 * The kernel builds with -fno-tree-loop-distribute-patterns; without it
 * GCC turns the byte loops into calls to glibc's memcpy/memset, and the
 * tests and benchmarks would measure glibc.
 */
#pragma GCC optimize("no-tree-loop-distribute-patterns")

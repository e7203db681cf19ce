/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations of the kernel's lib/string.c and lib/vsnprintf.c as built
 * for the host under pv_ names (pvlib_string.c, pvlib_vsnprintf.c), for
 * tests and benchmarks that compare them with glibc.
 */
#ifndef PVLIB_H
#define PVLIB_H

#include <stdarg.h>
#include <stddef.h>

void *pv_memcpy(void *dst, const void *src, size_t n);
void *pv_memmove(void *dst, const void *src, size_t n);
void *pv_memset(void *dst, int c, size_t n);
int pv_memcmp(const void *a, const void *b, size_t n);
void *pv_memchr(const void *s, int c, size_t n);
size_t pv_strlen(const char *s);
size_t pv_strnlen(const char *s, size_t max);
int pv_strcmp(const char *a, const char *b);
int pv_strncmp(const char *a, const char *b, size_t n);
char *pv_strchr(const char *s, int c);
char *pv_strrchr(const char *s, int c);
size_t pv_strlcpy(char *dst, const char *src, size_t size);
char *pv_strstr(const char *hay, const char *needle);
int pv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int pv_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif

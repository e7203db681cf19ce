/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PV_PRINTF_H
#define PV_PRINTF_H

#include <pv/types.h>

/*
 * C99 formatting without floating point: flags "-+ #0", width and
 * precision (also "*"), length hh/h/l/ll/z/t/j, conversions d i u o x X
 * c s p %. Returns the length the full output would have, like C99.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif

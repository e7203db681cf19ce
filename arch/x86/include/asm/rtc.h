/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ASM_RTC_H
#define ASM_RTC_H

#include <pv/types.h>

/* Seconds since 1970 from the CMOS clock (taken as UTC), 0 if invalid. */
u64 rtc_read_unix(void);

#endif

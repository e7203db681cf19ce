/* SPDX-License-Identifier: GPL-2.0 */
/* Stand-in for autoconf.h when kernel code is built for the host. */
#define CONFIG_DEBUG_ASSERT 1
#define CONFIG_DEBUG_HEAP 1
#define CONFIG_NR_CPUS 8
#define CONFIG_LOGLEVEL 7

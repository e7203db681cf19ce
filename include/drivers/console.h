/* SPDX-License-Identifier: GPL-2.0 */
#ifndef DRIVERS_CONSOLE_H
#define DRIVERS_CONSOLE_H

#include <pv/types.h>

void serial_console_init(void);
#ifdef CONFIG_SERIAL_CONSOLE
/* A received byte, or -1 when none is waiting (polled). */
int serial_getc(void);
#else
static inline int serial_getc(void)
{
	return -1;
}
#endif
void vga_console_init(bool text_mode);

#endif

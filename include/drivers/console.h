/* SPDX-License-Identifier: GPL-2.0 */
#ifndef DRIVERS_CONSOLE_H
#define DRIVERS_CONSOLE_H

#include <pv/types.h>

void serial_console_init(void);
void vga_console_init(bool text_mode);

#endif

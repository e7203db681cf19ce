// SPDX-License-Identifier: GPL-2.0
/* 80x25 VGA text console at 0xB8000 (through the direct map). */
#include <pv/printk.h>
#include <pv/string.h>
#include <asm/io.h>
#include <asm/layout.h>
#include <drivers/console.h>

#define COLS 80
#define ROWS 25
#define ATTR 0x0700 /* light grey on black */

static volatile u16 *screen;
static unsigned int row, col;

static void move_cursor(void)
{
	u16 pos = (u16)(row * COLS + col);

	outb(0x3D4, 0x0F);
	outb(0x3D5, (u8)pos);
	outb(0x3D4, 0x0E);
	outb(0x3D5, (u8)(pos >> 8));
}

static void newline(void)
{
	col = 0;
	if (++row < ROWS)
		return;
	for (unsigned int i = 0; i < (ROWS - 1) * COLS; i++)
		screen[i] = screen[i + COLS];
	for (unsigned int i = (ROWS - 1) * COLS; i < ROWS * COLS; i++)
		screen[i] = ATTR | ' ';
	row = ROWS - 1;
}

static void vga_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '\n') {
			newline();
		} else if (c == '\r') {
			col = 0;
		} else if (c == '\t') {
			col = (col + 8) & ~7u;
			if (col >= COLS)
				newline();
		} else {
			screen[row * COLS + col] = (u16)(ATTR | (u8)c);
			if (++col == COLS)
				newline();
		}
	}
	move_cursor();
}

static struct console vga_console = {
	.name = "vga",
	.write = vga_write,
};

void vga_console_init(bool text_mode)
{
	/* UEFI boots have no text mode: writing there would hit nothing. */
	if (!text_mode)
		return;
	screen = phys_to_virt(0xB8000);
	for (unsigned int i = 0; i < ROWS * COLS; i++)
		screen[i] = ATTR | ' ';
	row = col = 0;
	console_register(&vga_console);
}

// SPDX-License-Identifier: GPL-2.0
/* A VM's console output, collected per line and printed with its name. */
#include <pv/printk.h>
#include <pv/string.h>
#include "virt.h"

static void flush_line(struct vm *vm, struct vm_priv *p)
{
	p->con_line[p->con_len] = '\0';
	kprint("[%s] %s\n", vm->name, p->con_line);
	memcpy(p->con_last, p->con_line, p->con_len + 1);
	p->con_len = 0;
}

void vm_console_putc(struct vm *vm, char c)
{
	struct vm_priv *p = to_vmp(vm);
	u64 f = spin_lock_irqsave(&p->con_lock);

	if (c == '\n') {
		flush_line(vm, p);
	} else if (c != '\r') {
		/* Control characters other than tab are shown as '.'. */
		if ((c < 0x20 && c != '\t') || c == 0x7F)
			c = '.';
		p->con_line[p->con_len++] = c;
		if (p->con_len == CONSOLE_LINE_MAX)
			flush_line(vm, p);
	}
	spin_unlock_irqrestore(&p->con_lock, f);
}

const char *vm_console_last_line(struct vm *vm)
{
	return to_vmp(vm)->con_last;
}

void vm_devices_reset(struct vm *vm)
{
	struct vm_priv *p = to_vmp(vm);

	p->con_len = 0;
	p->con_last[0] = '\0';
}

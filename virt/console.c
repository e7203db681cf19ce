// SPDX-License-Identifier: GPL-2.0
/*
 * A VM's console output, collected per line and printed with its name.
 * With vms.console_idle_ms=N a line still unfinished after N ms without
 * output is shown as far as it goes (a shell prompt, typed characters
 * echoed back); its rest follows on the same output line, unprefixed.
 * Escape sequences are dropped, other control characters shown as '.'.
 */
#include <pv/cmdline.h>
#include <pv/printk.h>
#include <pv/string.h>
#include <asm/timer.h>
#include "virt.h"

static u64 idle_ns; /* 0: whole lines only */

static int set_idle_ms(const char *val)
{
	u64 ms;

	if (parse_u64(val, &ms) || ms > 10000)
		return -1;
	idle_ns = ms * 1000000;
	return 0;
}
KPARAM("vms.console_idle_ms", set_idle_ms,
       "show a VM's unfinished console line after N ms idle (0: never)");

/* Print what of the line is not shown yet; the prefix only if none was. */
static void show(struct vm *vm, struct vm_priv *p, bool newline)
{
	p->con_line[p->con_len] = '\0';
	if (p->con_shown)
		kprint("%s%s", p->con_line + p->con_shown, newline ? "\n" : "");
	else
		kprint("[%s] %s%s", vm->name, p->con_line, newline ? "\n" : "");
	p->con_shown = p->con_len;
}

static void flush_line(struct vm *vm, struct vm_priv *p)
{
	show(vm, p, true);
	memcpy(p->con_last, p->con_line, p->con_len + 1);
	p->con_len = 0;
	p->con_shown = 0;
}

void vm_console_putc(struct vm *vm, char c)
{
	struct vm_priv *p = to_vmp(vm);
	u64 f = spin_lock_irqsave(&p->con_lock);

	if (p->con_esc) {
		/* Terminal control (a shell asking for the cursor position,
		 * colours) is not shown: ESC, then one byte or a CSI
		 * "[ params final" sequence. */
		if (p->con_esc == 1 && c == '[')
			p->con_esc = 2;
		else if (p->con_esc == 1 || (c >= 0x40 && c <= 0x7E))
			p->con_esc = 0;
	} else if (c == 0x1B) {
		p->con_esc = 1;
	} else if (c == '\n') {
		flush_line(vm, p);
	} else if (c != '\r') {
		/* Control characters other than tab are shown as '.'. */
		if ((c < 0x20 && c != '\t') || c == 0x7F)
			c = '.';
		p->con_line[p->con_len++] = c;
		if (p->con_len == CONSOLE_LINE_MAX)
			flush_line(vm, p);
	}
	if (idle_ns)
		p->con_ns = uptime_ns();
	spin_unlock_irqrestore(&p->con_lock, f);
}

static void idle_one(struct vm *vm, void *now)
{
	struct vm_priv *p = to_vmp(vm);
	u64 f;

	if (p->con_len == p->con_shown ||
	    *(u64 *)now - READ_ONCE(p->con_ns) < idle_ns)
		return;
	f = spin_lock_irqsave(&p->con_lock);
	if (p->con_len > p->con_shown)
		show(vm, p, false);
	spin_unlock_irqrestore(&p->con_lock, f);
}

void vm_console_idle(void)
{
	u64 now;

	if (!idle_ns)
		return;
	now = uptime_ns();
	vm_for_each(idle_one, &now);
}

const char *vm_console_last_line(struct vm *vm)
{
	return to_vmp(vm)->con_last;
}

void vm_devices_reset(struct vm *vm)
{
	struct vm_priv *p = to_vmp(vm);

	p->con_len = 0;
	p->con_shown = 0;
	p->con_esc = 0;
	p->con_last[0] = '\0';
}

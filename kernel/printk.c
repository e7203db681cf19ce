// SPDX-License-Identifier: GPL-2.0
/* printk: levelled, formatted, serialized across CPUs. */
#include <pv/printk.h>
#include <pv/printf.h>
#include <pv/string.h>
#include <pv/cmdline.h>
#include <asm/spinlock.h>

int console_loglevel = CONFIG_LOGLEVEL;
static struct console *consoles;
static spinlock_t console_lock = SPINLOCK_INIT;

void console_register(struct console *con)
{
	con->next = consoles;
	consoles = con;
}

static void emit(const char *s, size_t n)
{
	for (struct console *c = consoles; c; c = c->next)
		c->write(s, n);
}

/* After a panic other CPUs are stopped: a lock they held must not matter. */
static bool console_lockless;

void console_force_unlock(void)
{
	console_lockless = true;
}

void console_write(const char *s, size_t n)
{
	u64 flags;

	if (console_lockless) {
		emit(s, n);
		return;
	}
	flags = spin_lock_irqsave(&console_lock);
	emit(s, n);
	spin_unlock_irqrestore(&console_lock, flags);
}

void vprintk(int level, const char *fmt, va_list ap)
{
	char buf[512];
	int n;

	if (level > console_loglevel)
		return;
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n >= (int)sizeof(buf)) {
		n = sizeof(buf) - 1;
		buf[n - 1] = '\n';
	}
	console_write(buf, (size_t)n);
}

void printk(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(level, fmt, ap);
	va_end(ap);
}

void kprint(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(LOG_EMERG, fmt, ap);
	va_end(ap);
}

static int parse_loglevel(const char *val)
{
	u64 v;

	if (parse_u64(val, &v) || v > 7)
		return -1;
	console_loglevel = (int)v;
	return 0;
}
KPARAM("loglevel", parse_loglevel, "console log level, 0..7");

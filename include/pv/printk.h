/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PV_PRINTK_H
#define PV_PRINTK_H

#include <pv/types.h>

#define LOG_EMERG 0
#define LOG_ALERT 1
#define LOG_CRIT 2
#define LOG_ERR 3
#define LOG_WARNING 4
#define LOG_NOTICE 5
#define LOG_INFO 6
#define LOG_DEBUG 7

/* A console receives every line printk lets through. */
struct console {
	const char *name;
	void (*write)(const char *s, size_t n);
	struct console *next;
};

void console_register(struct console *con);
/* Raw output to every console, bypassing levels (KTAP, panic). */
void console_write(const char *s, size_t n);

void console_force_unlock(void);

extern int console_loglevel;

void printk(int level, const char *fmt, ...) __printf(2, 3);
void vprintk(int level, const char *fmt, va_list ap);
/* Unfiltered and without prefix: machine-read output such as KTAP. */
void kprint(const char *fmt, ...) __printf(1, 2);

#define pr_emerg(...) printk(LOG_EMERG, __VA_ARGS__)
#define pr_alert(...) printk(LOG_ALERT, __VA_ARGS__)
#define pr_crit(...) printk(LOG_CRIT, __VA_ARGS__)
#define pr_err(...) printk(LOG_ERR, __VA_ARGS__)
#define pr_warn(...) printk(LOG_WARNING, __VA_ARGS__)
#define pr_notice(...) printk(LOG_NOTICE, __VA_ARGS__)
#define pr_info(...) printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) printk(LOG_DEBUG, __VA_ARGS__)

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * virt/console.c: a VM's console output, per line with its name; with
 * vms.console_idle_ms an unfinished line (a shell prompt) is shown after
 * that much idle time and its rest follows unprefixed; escape sequences
 * are dropped. Included, not linked: the option's setter is static.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <asm/spinlock.h>
/* No cli/sti in a host process: the plain lock stands in. */
#define spin_lock_irqsave(l) (spin_lock(l), 0ull)
#define spin_unlock_irqrestore(l, f) ((void)(f), spin_unlock(l))
#include "../../virt/console.c"
#include "unit.h"

static char out[4096];
static size_t out_len;
static u64 now_ns;
static struct vm_priv *the_vm;

void kprint(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_len += vsnprintf(out + out_len, sizeof(out) - out_len, fmt, ap);
	va_end(ap);
}

u64 uptime_ns(void)
{
	return now_ns;
}

void vm_for_each(void (*fn)(struct vm *vm, void *arg), void *arg)
{
	fn(&the_vm->vm, arg);
}

int parse_u64(const char *s, u64 *v)
{
	char *end;

	*v = strtoull(s, &end, 0);
	return *s && !*end ? 0 : -1;
}

static struct vm *setup(u64 idle_ms)
{
	char ms[32];

	snprintf(ms, sizeof(ms), "%llu", (unsigned long long)idle_ms);
	if (set_idle_ms(ms))
		abort();
	the_vm = calloc(1, sizeof(*the_vm));
	strcpy(the_vm->vm.name, "lin");
	the_vm->con_lock = (spinlock_t)SPINLOCK_INIT;
	out[0] = '\0';
	out_len = 0;
	now_ns = 1000000000;
	return &the_vm->vm;
}

static void put(struct vm *vm, const char *s)
{
	while (*s)
		vm_console_putc(vm, *s++);
}

UNIT_TEST(whole_lines_only_by_default)
{
	struct vm *vm = setup(0);

	put(vm, "hello\r\n/ # ");
	now_ns += 5000000000ull;
	vm_console_idle();
	CHECK_STR(out, "[lin] hello\n");
	CHECK_STR(vm_console_last_line(vm), "hello");
	put(vm, "ls\n");
	CHECK_STR(out, "[lin] hello\n[lin] / # ls\n");
	free(the_vm);
}

UNIT_TEST(idle_line_shown_then_continued)
{
	struct vm *vm = setup(50);

	put(vm, "/ # ");
	now_ns += 49000000; /* not idle long enough yet */
	vm_console_idle();
	CHECK_STR(out, "");
	now_ns += 1000000;
	vm_console_idle();
	CHECK_STR(out, "[lin] / # ");
	vm_console_idle(); /* nothing new: nothing printed twice */
	CHECK_STR(out, "[lin] / # ");
	put(vm, "ec");
	now_ns += 60000000;
	vm_console_idle();
	put(vm, "ho\nPV42\n");
	CHECK_STR(out, "[lin] / # echo\n[lin] PV42\n");
	CHECK_STR(vm_console_last_line(vm), "PV42");
	free(the_vm);
}

UNIT_TEST(escape_sequences_dropped)
{
	struct vm *vm = setup(0);

	/* busybox asks for the cursor position; colours; a bare ESC c */
	put(vm, "/ # \x1b[6nls \x1b[1;34mdir\x1b[0m \x1b"
		"cx\x01\n");
	CHECK_STR(out, "[lin] / # ls dir x.\n");
	free(the_vm);
}

UNIT_TEST(long_line_split)
{
	struct vm *vm = setup(0);
	char want[300];

	for (int i = 0; i < CONSOLE_LINE_MAX + 5; i++)
		vm_console_putc(vm, 'a');
	vm_console_putc(vm, '\n');
	snprintf(
		want, sizeof(want), "[lin] %.*s\n[lin] aaaaa\n",
		CONSOLE_LINE_MAX,
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	CHECK_STR(out, want);
	free(the_vm);
}

UNIT_TEST(bad_option_rejected)
{
	CHECK(set_idle_ms("x") == -1);
	CHECK(set_idle_ms("20000") == -1);
	CHECK(set_idle_ms("0") == 0);
}

UNIT_MAIN()

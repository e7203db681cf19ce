// SPDX-License-Identifier: GPL-2.0
/* panic(): say what happened, with registers and a backtrace; stop. */
#include <pv/panic.h>
#include <pv/printk.h>
#include <pv/printf.h>
#include <pv/cmdline.h>
#include <pv/string.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/traps.h>
#include <asm/layout.h>

void (*panic_stop_others)(void);
static bool panic_exit; /* "panic=exit": end QEMU instead of halting */
static volatile int panicking;

static int parse_panic(const char *val)
{
	if (!strcmp(val, "exit"))
		panic_exit = true;
	else if (!strcmp(val, "halt"))
		panic_exit = false;
	else
		return -1;
	return 0;
}
KPARAM("panic", parse_panic,
       "'halt' (default) or 'exit' (leave QEMU with status 2)");

void machine_exit(int status)
{
	static const char bochs_shutdown[] = "Shutdown";

	outl(0xf4, (u32)status); /* QEMU isa-debug-exit */
	for (const char *s = bochs_shutdown; *s; s++)
		outb(0x8900, (u8)*s);
	halt_forever();
}

/* Kernel text symbols, generated at link time (scripts/gen-ksyms.sh). */
extern const u64 ksyms_count;
extern const u64 ksyms_addr[];
extern const u32 ksyms_name_off[];
extern const char ksyms_names[];

bool ksym_lookup(u64 addr, const char **name, u64 *offset)
{
	u64 lo = 0, hi = ksyms_count;

	if (!ksyms_count || addr < ksyms_addr[0] ||
	    addr >= (u64)(uintptr_t)_etext)
		return false;
	while (hi - lo > 1) {
		u64 mid = (lo + hi) / 2;

		if (ksyms_addr[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*name = ksyms_names + ksyms_name_off[lo];
	*offset = addr - ksyms_addr[lo];
	return true;
}

static void print_addr(u64 addr)
{
	const char *name;
	u64 off;

	if (ksym_lookup(addr, &name, &off))
		kprint("  [<%016llx>] %s+%#llx\n", (unsigned long long)addr,
		       name, (unsigned long long)off);
	else
		kprint("  [<%016llx>] ?\n", (unsigned long long)addr);
}

void backtrace_from(u64 rip, u64 rbp)
{
	kprint("Call trace:\n");
	print_addr(rip);
	if (!IS_ENABLED(CONFIG_FRAME_POINTER)) {
		kprint("  (no frame pointers: CONFIG_FRAME_POINTER=n)\n");
		return;
	}
	/* Frame records are {saved rbp, return address}; stop on nonsense. */
	for (int depth = 0; depth < 32 && rbp; depth++) {
		const u64 *frame = (const u64 *)rbp;

		if (rbp & 7 || rbp < DIRECT_MAP)
			break;
		if (!frame[1])
			break;
		print_addr(frame[1] - 1);
		if (frame[0] <= rbp)
			break;
		rbp = frame[0];
	}
}

static void __noreturn finish(void)
{
	kprint("---[ end Kernel panic ]---\n");
	if (panic_exit)
		machine_exit(2);
	halt_forever();
}

static void begin(void)
{
	irq_disable();
	/* A panic inside panic: print what we can and stop this CPU. */
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST)) {
		console_force_unlock();
		kprint("Kernel panic: nested panic, stopping this CPU\n");
		halt_forever();
	}
	if (panic_stop_others)
		panic_stop_others();
	console_force_unlock();
}

void panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	struct trap_frame tf;

	begin();
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kprint("\nKernel panic - not syncing: %s\n", buf);
	capture_regs(&tf);
	dump_regs(&tf);
	backtrace_from(tf.rip, tf.rbp);
	finish();
}

void panic_frame(const struct trap_frame *tf, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	begin();
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kprint("\nKernel panic - not syncing: %s\n", buf);
	dump_regs(tf);
	backtrace_from(tf->rip, tf->rbp);
	finish();
}

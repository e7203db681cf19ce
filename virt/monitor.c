// SPDX-License-Identifier: GPL-2.0
/*
 * The operator's monitor on the hypervisor's serial console. The boot CPU
 * polls the UART between its other work; a line is one command:
 *   help | vms | exits NAME | pause NAME | resume NAME | reset NAME |
 *   destroy NAME | console NAME | net | ping ADDR [COUNT]
 * "console NAME" hands what is typed to the VM's UART receiver until
 * Ctrl-] comes back to the monitor.
 */
#include <pv/cmdline.h>
#include <pv/netnode.h>
#include <pv/printk.h>
#include <pv/string.h>
#include <drivers/console.h>
#include "virt.h"

#define LINE_MAX 64
#define CONSOLE_ESCAPE 0x1D /* Ctrl-] */

/* The VM the console belongs to, "" for the monitor; what was typed for
 * it and its receiver had no room for yet (more is dropped, counted). */
#define CONSOLE_BUF 128
static char console_vm[VM_NAME_MAX];
static char console_buf[CONSOLE_BUF];
static unsigned int console_head, console_len, console_dropped;

static void print_vm(struct vm *vm, void *arg)
{
	kprint("  %-16s %-8s %u vCPU%s %4llu MiB", vm->name,
	       vm_state_name(vm->state), vm->nr_vcpus,
	       vm->nr_vcpus == 1 ? " " : "s",
	       (unsigned long long)(vm->ram_size >> 20));
	if (vm->state == VM_STOPPED)
		kprint("  %s: %s", vm_stop_reason_name(vm->stop_reason),
		       vm->stop_msg);
	kprint("\n");
}

void vm_print_exits(struct vm *vm)
{
	u64 total = 0;

	for (unsigned int r = 0; r < EXIT_NR; r++)
		total += vm->stats.exits[r];
	kprint("[%s] %s, %llu exits:", vm->name, vm_state_name(vm->state),
	       (unsigned long long)total);
	for (unsigned int r = 0; r < EXIT_NR; r++)
		if (vm->stats.exits[r])
			kprint(" %s=%llu", vcpu_exit_name(r),
			       (unsigned long long)vm->stats.exits[r]);
	kprint("\n[%s] unclaimed pio r/w %llu/%llu, mmio r/w %llu/%llu, npf_unbacked %llu, msr_gp %llu, cpuid_unknown %llu, emulation_failures %llu\n",
	       vm->name, (unsigned long long)vm->pio.unclaimed_reads,
	       (unsigned long long)vm->pio.unclaimed_writes,
	       (unsigned long long)vm->mmio.unclaimed_reads,
	       (unsigned long long)vm->mmio.unclaimed_writes,
	       (unsigned long long)vm->stats.npf_unbacked,
	       (unsigned long long)vm->stats.msr_gp,
	       (unsigned long long)vm->stats.cpuid_unknown_leaves,
	       (unsigned long long)vm->stats.emulation_failures);
	for (unsigned int i = 0; i < vm->nr_vcpus && vm->state != VM_STOPPED;
	     i++) {
		static const char *const st[] = { "stopped", "runnable",
						  "running", "halted" };
		struct vcpu *v = vm->vcpus[i];
		unsigned int s = READ_ONCE(v->state);

		/* Where each vCPU is (RIP as of its last exit): a hung
		 * guest's first clue. */
		kprint("[%s] vCPU %u: %s on CPU %d, RIP %#llx, %llu exits\n",
		       vm->name, i, s < ARRAY_SIZE(st) ? st[s] : "?", v->pcpu,
		       (unsigned long long)READ_ONCE(v->regs.rip),
		       (unsigned long long)v->exits);
	}
	if (vm->state == VM_STOPPED)
		kprint("[%s] stopped: %s (%s, status %#x)\n", vm->name,
		       vm->stop_msg, vm_stop_reason_name(vm->stop_reason),
		       vm->exit_status);
}

static void summary_one(struct vm *vm, void *arg)
{
	vm_print_exits(vm);
}

void vm_print_summary(void)
{
	kprint("virt: summary of all VMs\n");
	vm_for_each(summary_one, NULL);
}

/* Splits "cmd arg"; returns arg or "" */
static const char *split(char *s)
{
	char *sp = strchr(s, ' ');

	if (!sp)
		return "";
	*sp++ = '\0';
	while (*sp == ' ')
		sp++;
	return sp;
}

int monitor_exec(const char *cmdline)
{
	char buf[LINE_MAX];
	const char *arg;
	struct vm *vm;
	int r = 0;

	strlcpy(buf, cmdline, sizeof(buf));
	arg = split(buf);
	if (!buf[0])
		return 0;
	if (!strcmp(buf, "help")) {
		kprint("monitor: help | vms | exits NAME | pause NAME | resume NAME | reset NAME | destroy NAME | console NAME | net | ping ADDR [COUNT]\n");
		return 0;
	}
	if (!strcmp(buf, "net")) {
		net_node_print();
		return 0;
	}
	if (!strcmp(buf, "ping")) {
		char addr[LINE_MAX];
		const char *cnt;
		u64 n = 3;

		strlcpy(addr, arg, sizeof(addr));
		cnt = split(addr);
		if (*cnt && (parse_u64(cnt, &n) || !n)) {
			kprint("monitor: ping ADDR [COUNT]\n");
			return -1;
		}
		return net_node_ping(addr, (unsigned int)n) > 0 ? 0 : -1;
	}
	if (!strcmp(buf, "vms")) {
		kprint("  name             state    vcpus   memory\n");
		vm_for_each(print_vm, NULL);
		return 0;
	}
	if (!strcmp(buf, "console")) {
		vm = vm_find(arg);
		if (!vm) {
			kprint("monitor: no VM named '%s'\n", arg);
			return -1;
		}
		strlcpy(console_vm, vm->name, sizeof(console_vm));
		console_head = console_len = console_dropped = 0;
		kprint("monitor: console %s: typing goes to the VM, Ctrl-] returns to the monitor\n",
		       vm->name);
		return 0;
	}
	if (strcmp(buf, "exits") && strcmp(buf, "pause") &&
	    strcmp(buf, "resume") && strcmp(buf, "reset") &&
	    strcmp(buf, "destroy")) {
		kprint("monitor: unknown command '%s' (try help)\n", buf);
		return -1;
	}
	vm = vm_find(arg);
	if (!vm) {
		kprint("monitor: no VM named '%s'\n", arg);
		return -1;
	}
	if (!strcmp(buf, "exits"))
		vm_print_exits(vm);
	else if (!strcmp(buf, "pause"))
		r = vm_pause(vm);
	else if (!strcmp(buf, "resume"))
		r = vm_resume(vm);
	else if (!strcmp(buf, "reset"))
		r = vm_reset(vm);
	else
		vm_destroy(vm);
	kprint("monitor: %s %s: %s\n", buf, arg, r ? "failed" : "done");
	return r;
}

static void console_leave(const char *why)
{
	kprint("\nmonitor: console %s: %s, back to the monitor", console_vm,
	       why);
	if (console_dropped)
		kprint(" (%u typed characters dropped: the VM did not read them)",
		       console_dropped);
	kprint("\n");
	console_vm[0] = '\0';
}

/* Typed characters to the VM. The host UART is read even while the VM's
 * receiver is full, so Ctrl-] always gets back to the monitor. */
static void console_poll(void)
{
	struct vm *vm = vm_find(console_vm);
	int c;

	if (!vm || vm->state == VM_STOPPED) {
		console_leave("the VM stopped");
		return;
	}
	for (int i = 0; i < 64 && (c = serial_getc()) >= 0; i++) {
		if (c == CONSOLE_ESCAPE) {
			console_leave("Ctrl-]");
			return;
		}
		if (console_len == CONSOLE_BUF) {
			console_dropped++;
			continue;
		}
		console_buf[(console_head + console_len++) % CONSOLE_BUF] =
			(char)c;
	}
	while (console_len) {
		int r = vm_console_input(vm, console_buf[console_head]);

		if (r == -2)
			return; /* full: the rest waits for the guest */
		if (r == -1) {
			console_leave("the VM has no UART");
			return;
		}
		console_head = (console_head + 1) % CONSOLE_BUF;
		console_len--;
	}
}

void monitor_poll(void)
{
	static char line[LINE_MAX];
	static unsigned int len;
	static bool ready;
	int c;

	net_node_poll(); /* the node's stack runs on the boot CPU */
	if (!ready) {
		/* Tells a human, and scripts that type, that input is read. */
		kprint("monitor: ready (type help)\n");
		ready = true;
	}
	if (console_vm[0]) {
		console_poll();
		return;
	}

	/* Bounded: a stream of input must not starve the caller. */
	for (int i = 0; i < 64 && (c = serial_getc()) >= 0; i++) {
		if (c == '\r' || c == '\n') {
			if (!len)
				continue;
			line[len] = '\0';
			len = 0;
			kprint("\n");
			monitor_exec(line);
			if (console_vm[0])
				return; /* what follows is the VM's */
		} else if ((c == 0x7F || c == 0x08) && len) {
			len--;
		} else if (c >= 0x20 && c < 0x7F && len < LINE_MAX - 1) {
			line[len++] = (char)c;
			kprint("%c", c); /* echo */
		}
	}
}

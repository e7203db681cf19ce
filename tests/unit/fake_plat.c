// SPDX-License-Identifier: GPL-2.0
/* Platform stand-ins for the legacy device model tests (fake_plat.h). */
#include <stdlib.h>
#include <string.h>
#include "fake_plat.h"

u64 fake_now;
unsigned int fake_kicks;
unsigned int fake_pulses[24];
int fake_level[24];
unsigned int fake_set_calls[24];
char fake_console[256];
unsigned int fake_console_len;
struct vtimer *fake_timers[FAKE_TIMERS];
unsigned int fake_nr_timers;

static struct vcpu fake_vcpu0;
static int fake_plat_dummy;
static void *allocs[32];
static unsigned int nr_allocs;

void fake_vm_init(struct vm *vm, u64 ram_size)
{
	memset(vm, 0, sizeof(*vm));
	vm->ram_size = ram_size;
	vm->vcpus[0] = &fake_vcpu0;
	vm->nr_vcpus = 1;
	vm->plat = (struct vplat *)&fake_plat_dummy;
	fake_kicks = 0;
	memset(fake_pulses, 0, sizeof(fake_pulses));
	memset(fake_level, 0, sizeof(fake_level));
	memset(fake_set_calls, 0, sizeof(fake_set_calls));
	memset(fake_console, 0, sizeof(fake_console));
	fake_console_len = 0;
	fake_nr_timers = 0;
}

void fake_free_all(void)
{
	while (nr_allocs)
		free(allocs[--nr_allocs]);
}

void fake_advance(u64 now)
{
	fake_now = now;
	for (unsigned int i = 0; i < fake_nr_timers; i++) {
		struct vtimer *t = fake_timers[i];

		if (t->deadline && t->deadline <= now) {
			t->deadline = 0;
			t->fire(t, now);
		}
	}
}

u64 vclock_ns(void)
{
	return fake_now;
}

int vtimer_init(struct vtimer *t, struct vcpu *owner,
		void (*fire)(struct vtimer *t, u64 now), void *data)
{
	if (fake_nr_timers == FAKE_TIMERS || !owner)
		return -1;
	t->deadline = 0;
	t->fire = fire;
	t->owner = owner;
	t->data = data;
	fake_timers[fake_nr_timers++] = t;
	return 0;
}

void vtimer_arm(struct vtimer *t, u64 deadline)
{
	t->deadline = deadline ? deadline : 1;
}

void vtimer_cancel(struct vtimer *t)
{
	t->deadline = 0;
}

void plat_set_irq(struct vm *vm, unsigned int irq, int level)
{
	if (irq < 24) {
		fake_level[irq] = level;
		fake_set_calls[irq]++;
	}
}

void plat_pulse_irq(struct vm *vm, unsigned int irq)
{
	if (irq < 24)
		fake_pulses[irq]++;
}

void vcpu_kick(struct vcpu *v)
{
	if (v == &fake_vcpu0)
		fake_kicks++;
}

void *vm_dev_zalloc(struct vm *vm, size_t size)
{
	void *p;

	if (nr_allocs == 32)
		return NULL;
	p = calloc(1, size);
	if (p)
		allocs[nr_allocs++] = p;
	return p;
}

void vm_console_putc(struct vm *vm, char c)
{
	if (fake_console_len < sizeof(fake_console) - 1)
		fake_console[fake_console_len++] = c;
}

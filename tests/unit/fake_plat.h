/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stand-ins for the platform services the legacy device models call
 * (virt/dev/platform.h, <pv/virt.h>): a settable vclock, vtimers the test
 * fires, recorded IRQ lines and kicks, calloc'd device memory, a captured
 * console. Ports are driven through the real I/O bus (virt/iobus.c).
 */
#ifndef FAKE_PLAT_H
#define FAKE_PLAT_H

#include <pv/virt.h>
#include "../../virt/dev/platform.h"

#define FAKE_TIMERS 8

extern u64 fake_now;
extern unsigned int fake_kicks;
extern unsigned int fake_pulses[24]; /* plat_pulse_irq per IRQ */
extern int fake_level[24]; /* plat_set_irq: the last level */
extern unsigned int fake_set_calls[24];
extern char fake_console[256];
extern unsigned int fake_console_len;
extern struct vtimer *fake_timers[FAKE_TIMERS];
extern unsigned int fake_nr_timers;

/* A VM with vCPU 0 and a (dummy) platform; resets all recorded state. */
void fake_vm_init(struct vm *vm, u64 ram_size);
/* Frees what vm_dev_zalloc handed out. */
void fake_free_all(void);
/* Sets the clock to now and fires every armed timer due by then (each
 * at most once, its deadline cleared first, as the real vtimers do). */
void fake_advance(u64 now);

static inline void out8(struct vm *vm, u16 port, u8 v)
{
	io_bus_write(&vm->pio, port, v, 1);
}

static inline u8 in8(struct vm *vm, u16 port)
{
	return (u8)io_bus_read(&vm->pio, port, 1);
}

#endif

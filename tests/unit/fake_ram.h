/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest RAM for loader tests: one flat host buffer behind the guest-memory
 * API of <pv/vm.h> (gpa_to_hva, vm_read_phys, vm_write_phys), filled with
 * POISON so a test can tell which bytes a loader wrote.
 */
#ifndef FAKE_RAM_H
#define FAKE_RAM_H

#include <stdlib.h>
#include <string.h>
#include <pv/vm.h>

#define POISON 0xAA

static u8 *ram;
static struct vm fake_vm;

void *gpa_to_hva(struct vm *vm, gpa_t gpa)
{
	return gpa < vm->ram_size ? ram + gpa : NULL;
}

int vm_write_phys(struct vm *vm, gpa_t gpa, const void *src, size_t len)
{
	if (gpa > vm->ram_size || len > vm->ram_size - gpa)
		return -1;
	memcpy(ram + gpa, src, len);
	return 0;
}

int vm_read_phys(struct vm *vm, gpa_t gpa, void *dst, size_t len)
{
	if (gpa > vm->ram_size || len > vm->ram_size - gpa)
		return -1;
	memcpy(dst, ram + gpa, len);
	return 0;
}

/* A fresh VM with size bytes of poisoned RAM (the previous one freed). */
static inline struct vm *new_vm(u64 size)
{
	free(ram);
	ram = malloc(size);
	memset(ram, POISON, size);
	memset(&fake_vm, 0, sizeof(fake_vm));
	fake_vm.ram_size = size;
	return &fake_vm;
}

#endif

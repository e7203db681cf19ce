// SPDX-License-Identifier: GPL-2.0
/*
 * isa-debug-exit for a VM: a write to the port stops this VM (only) with
 * VM_STOP_EXIT and the value as its status. Unlike QEMU's device the value
 * is kept as written (QEMU exits with value * 2 + 1). Reads return zero.
 */
#include "../virt.h"

static u64 dbg_read(void *dev, u64 off, unsigned int size)
{
	return 0;
}

static void dbg_write(void *dev, u64 off, u64 val, unsigned int size)
{
	vm_stop(dev, VM_STOP_EXIT, (int)val, "debug-exit status %#llx",
		(unsigned long long)val);
}

static const struct io_ops dbg_ops = {
	.read = dbg_read,
	.write = dbg_write,
};

int debugexit_attach(struct vm *vm, u16 port)
{
	return io_bus_register(&vm->pio, port, 4, &dbg_ops, vm, "debug-exit");
}

int vm_add_default_devices(struct vm *vm)
{
	if (uart16550_attach(vm, 0x3F8) || debugexit_attach(vm, 0xF4))
		return -1;
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/* Flat binaries: the file's bytes at one guest-physical address. */
#include <pv/loader.h>
#include <pv/printf.h>
#include <pv/vm.h>

int flat_load(struct vm *vm, const void *image, size_t size, u64 load,
	      u64 entry, struct boot_state *bs, char *err, size_t errsz)
{
	if (load > vm->ram_size || size > vm->ram_size - load) {
		snprintf(err, errsz,
			 "image [%#llx-%#llx) outside guest RAM (%llu MiB)",
			 (unsigned long long)load,
			 (unsigned long long)(load + size),
			 (unsigned long long)(vm->ram_size >> 20));
		return -1;
	}
	if (entry < load || entry - load >= size) {
		snprintf(err, errsz,
			 "entry %#llx outside the image [%#llx-%#llx)",
			 (unsigned long long)entry, (unsigned long long)load,
			 (unsigned long long)(load + size));
		return -1;
	}
	if (vm_write_phys(vm, load, image, size)) {
		snprintf(err, errsz, "write to guest RAM failed");
		return -1;
	}
	bs->entry = entry;
	bs->eax = 0;
	bs->ebx = 0;
	return 0;
}

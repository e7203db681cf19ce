// SPDX-License-Identifier: GPL-2.0
/* Guest-memory helpers of the loaders (host-testable: RAM via gpa_to_hva). */
#include <pv/compiler.h>
#include <pv/string.h>
#include <pv/vm.h>
#include "loader.h"

int loader_zero(struct vm *vm, u64 gpa, u64 len)
{
	if (gpa > vm->ram_size || len > vm->ram_size - gpa)
		return -1;
	while (len) {
		/* gpa_to_hva is valid to the end of its 2 MiB chunk. */
		u64 n = MIN(len,
			    GMEM_CHUNK_SIZE - (gpa & (GMEM_CHUNK_SIZE - 1)));
		void *p = gpa_to_hva(vm, gpa);

		if (!p)
			return -1;
		memset(p, 0, n);
		gpa += n;
		len -= n;
	}
	return 0;
}

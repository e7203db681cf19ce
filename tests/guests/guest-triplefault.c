// SPDX-License-Identifier: GPL-2.0
/* Triple fault on purpose: an empty IDT, then #UD. The hypervisor must stop
 * this VM (and only this one) with "triple fault" as the reason. */
#include "guest.h"

void guest_main(void)
{
	struct {
		u16 limit;
		u32 base;
	} __attribute__((packed)) none = { 0, 0 };

	printf("about to triple fault\n");
	__asm__ volatile("lidt %0\n\tud2" : : "m"(none));
	printf("still running after a triple fault\n");
	guest_exit(1);
}

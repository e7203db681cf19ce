/* SPDX-License-Identifier: GPL-2.0 */
/* I/O APICs: route global system interrupts (GSIs) to CPU vectors. */
#ifndef ASM_IOAPIC_H
#define ASM_IOAPIC_H

#include <pv/types.h>

/* Map every IOAPIC from the MADT and mask all its pins. */
int ioapic_init(void);

/* Route a GSI to vector on the CPU with apic_id (fixed, physical). The
 * pin starts unmasked. Returns -1 if no IOAPIC serves the GSI. */
int ioapic_route_gsi(u32 gsi, u8 vector, u32 apic_id, bool level,
		     bool active_low);
/* The same for an ISA IRQ, honouring the MADT's source overrides. */
int ioapic_route_isa_irq(unsigned int irq, u8 vector, u32 apic_id);
/* ISA IRQ -> GSI (identity unless overridden). */
u32 isa_irq_to_gsi(unsigned int irq);
int ioapic_mask_gsi(u32 gsi, bool masked);
/* Number of IOAPIC pins in total (0 without IOAPICs). */
unsigned int ioapic_nr_pins(void);

#endif

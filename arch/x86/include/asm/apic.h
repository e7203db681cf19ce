/* SPDX-License-Identifier: GPL-2.0 */
/* Local APIC: xAPIC (MMIO page) or x2APIC (MSRs), one API for both. */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <pv/types.h>

/* Register offsets in the xAPIC page; x2APIC MSR = 0x800 + (reg >> 4). */
#define APIC_ID 0x020
#define APIC_VERSION 0x030
#define APIC_TPR 0x080
#define APIC_EOI 0x0B0
#define APIC_SVR 0x0F0
#define APIC_ESR 0x280
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_PMC 0x340
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_COUNT 0x390
#define APIC_TIMER_DIV 0x3E0

#define APIC_SVR_ENABLE (1u << 8)
#define APIC_LVT_MASKED (1u << 16)
#define APIC_LVT_LEVEL (1u << 15)
#define APIC_LVT_ACTIVE_LOW (1u << 13)
#define APIC_LVT_PERIODIC (1u << 17)

/* ICR low word. */
#define APIC_DM_FIXED (0u << 8)
#define APIC_DM_NMI (4u << 8)
#define APIC_DM_INIT (5u << 8)
#define APIC_DM_SIPI (6u << 8)
#define APIC_ICR_BUSY (1u << 12)
#define APIC_ICR_ASSERT (1u << 14)
#define APIC_ICR_LEVEL (1u << 15)
#define APIC_DEST_SELF (1u << 18)
#define APIC_DEST_ALL (2u << 18)
#define APIC_DEST_OTHERS (3u << 18)

/* Fixed vectors (irq_alloc_vector() hands out 48..0xEF). */
#define APIC_TIMER_VECTOR 0xF0
#define IPI_CALL_VECTOR 0xF1
#define APIC_ERROR_VECTOR 0xFE
#define APIC_SPURIOUS_VECTOR 0xFF

extern bool x2apic_mode;
extern u64 lapic_phys;

/* Boot CPU: pick xAPIC/x2APIC, map the page, set irq_eoi; then
 * lapic_init_cpu(). Returns -1 if the CPU has no local APIC. */
int lapic_init(void);
/* Every CPU (BSP included): enable the APIC, LVTs, spurious vector. */
void lapic_init_cpu(void);

u32 lapic_read(u32 reg);
void lapic_write(u32 reg, u32 v);
u32 lapic_id(void);
void lapic_eoi(void);

/* Send an IPI: icr_low carries delivery mode, vector and shorthand. In
 * xAPIC mode waits for the delivery-status bit; -1 if it never clears. */
int lapic_send_ipi(u32 apic_id, u32 icr_low);
int lapic_ipi_fixed(u32 apic_id, u8 vector);
int lapic_ipi_nmi(u32 apic_id);
int lapic_ipi_init(u32 apic_id);
int lapic_ipi_sipi(u32 apic_id, u8 page);
int lapic_self_ipi(u8 vector);

#endif

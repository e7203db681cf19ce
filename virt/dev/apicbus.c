// SPDX-License-Identifier: GPL-2.0
/*
 * The APIC bus of a VM: routes an interrupt message (IPI, IOAPIC
 * redirection, PCI MSI) to the local APICs it names, by shorthand or by
 * physical / logical destination. Lowest-priority messages go to one of
 * the matching APICs, chosen round robin (the SDM leaves the arbitration
 * to the platform). No lock: each LAPIC takes its own.
 */
#include "platform.h"

#define MSI_ADDR_LOGICAL (1u << 2) /* DM */
#define MSI_DATA_ASSERT (1u << 14)
#define MSI_DATA_LEVEL (1u << 15)

static u32 lowest_rr;

static bool addressed(struct lapic *l, const struct apic_msg *m,
		      struct lapic *self)
{
	switch (m->shorthand) {
	case MSG_SH_SELF: return l == self;
	case MSG_SH_ALL: return true;
	case MSG_SH_OTHERS: return l != self;
	default: return lapic_match_dest(l, m->dest, m->logical, m->x2apic);
	}
}

void apic_bus_deliver(struct vm *vm, const struct apic_msg *m, struct vcpu *src)
{
	struct vplat *p = vm_plat(vm);
	struct lapic *to[VM_MAX_VCPUS], *self;
	unsigned int n = 0;

	if (!p)
		return;
	self = src ? vcpu_lapic(src) : NULL;
	for (unsigned int i = 0; i < VM_MAX_VCPUS; i++)
		if (p->lapic[i] && addressed(p->lapic[i], m, self))
			to[n++] = p->lapic[i];
	if (m->delivery == MSG_DM_LOWEST && m->shorthand == MSG_SH_NONE &&
	    n > 1) {
		to[0] = to[__atomic_fetch_add(&lowest_rr, 1, __ATOMIC_RELAXED) %
			   n];
		n = 1;
	}
	for (unsigned int i = 0; i < n; i++)
		lapic_accept_msg(to[i], m);
}

/* MSI address 0xFEE[dest:8][rsvd:4][RH][DM][xx]; data: vector 7:0,
 * delivery mode 10:8, level 14, trigger 15 (PCI Local Bus / SDM
 * "Message Signalled Interrupts"). */
void plat_msi(struct vm *vm, u64 addr, u32 data)
{
	struct vplat *p = vm_plat(vm);
	struct apic_msg m = { 0 };

	if (!p)
		return;
	if ((addr >> 20) != 0xFEE) {
		__atomic_fetch_add(&p->msi_dropped, 1, __ATOMIC_RELAXED);
		return;
	}
	m.dest = (addr >> 12) & 0xFF;
	m.logical = addr & MSI_ADDR_LOGICAL;
	m.vector = data & 0xFF;
	m.delivery = (data >> 8) & 7;
	m.level = data & MSI_DATA_LEVEL;
	m.assert = data & MSI_DATA_ASSERT;
	m.shorthand = MSG_SH_NONE;
	apic_bus_deliver(vm, &m, NULL);
}

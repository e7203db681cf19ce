// SPDX-License-Identifier: GPL-2.0
/*
 * The PC platform of a full guest: creates the models of platform.h in
 * dependency order and routes interrupt lines. An ISA IRQ goes to the PIC
 * pin of the same number and to the IOAPIC pin the MADT names (IRQ 0 ->
 * pin 2, the rest identity); GSIs 16-23 (PCI INTx) only to the IOAPIC.
 */
#include <pv/printk.h>
#include <asm/rtc.h>
#include "../virt.h"
#include "platform.h"

void plat_set_irq(struct vm *vm, unsigned int irq, int level)
{
	struct vplat *p = vm->plat;

	if (!p || irq >= PLAT_IOAPIC_PINS)
		return;
	if (irq < 16 && p->pic)
		vpic_set_irq(p->pic, irq, level);
	if (p->ioapic)
		vioapic_set_pin(p->ioapic, irq == ISA_IRQ_PIT ? 2 : irq, level);
}

void plat_pulse_irq(struct vm *vm, unsigned int irq)
{
	plat_set_irq(vm, irq, 1);
	plat_set_irq(vm, irq, 0);
}

/* After vm_reset cleared RAM: the IOAPIC, PICs and PIT back to power-on,
 * PCI functions too (decoding off, MSI-X off, BARs placed again, each
 * device's reset hook), and the ACPI tables, which live in guest RAM,
 * written again. The RTC keeps its time; the LAPICs were reset with
 * their vCPUs. */
int plat_reset(struct vm *vm)
{
	struct vplat *p = vm->plat;

	vioapic_reset(p->ioapic);
	vpic_reset(p->pic);
	vpit_reset(p->pit);
	vpci_reset(p->pci);
	p->rsdp = acpi_build(vm, vm->nr_vcpus);
	return p->rsdp ? 0 : -1;
}

int plat_create(struct vm *vm)
{
	struct vplat *p = vm_dev_zalloc(vm, sizeof(*p));
	const char *what = "memory";

	if (!p)
		goto fail;
	p->vm = vm;
	vm->plat = p;
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		p->lapic[i] = lapic_create(vm->vcpus[i]);
		if (!p->lapic[i]) {
			what = "local APIC";
			goto fail;
		}
	}
	what = "IOAPIC";
	p->ioapic = vioapic_create(vm);
	if (!p->ioapic)
		goto fail;
	what = "PIC";
	p->pic = vpic_create(vm);
	if (!p->pic)
		goto fail;
	what = "PIT";
	p->pit = vpit_create(vm);
	if (!p->pit)
		goto fail;
	what = "RTC";
	p->rtc = vrtc_create(vm, rtc_read_unix());
	if (!p->rtc)
		goto fail;
	what = "PCI host bridge";
	p->pci = vpci_create(vm);
	if (!p->pci)
		goto fail;
	what = "ACPI PM block";
	if (acpi_pm_attach(vm))
		goto fail;
	what = "ACPI tables";
	p->rsdp = acpi_build(vm, vm->nr_vcpus);
	if (!p->rsdp)
		goto fail;
	return 0;
fail:
	pr_err("vm %s: platform: %s could not be created\n", vm->name, what);
	vm->plat = NULL;
	return -1;
}

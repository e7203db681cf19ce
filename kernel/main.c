// SPDX-License-Identifier: GPL-2.0
/* kmain: bring the machine up in dependency order, then idle or test. */
#include <pv/bootinfo.h>
#include <pv/cmdline.h>
#include <pv/ktest.h>
#include <pv/heap.h>
#include <pv/pmm.h>
#include <pv/panic.h>
#include <pv/netdev.h>
#include <pv/netnode.h>
#include <pv/pci.h>
#include <pv/printk.h>
#include <pv/version.h>
#include <pv/virt.h>
#include <pv/vmconfig.h>
#include <asm/cpu.h>
#include <asm/cpufeature.h>
#include <asm/fpu.h>
#include <asm/layout.h>
#include <asm/paging.h>
#include <asm/pic.h>
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/ioapic.h>
#include <asm/percpu.h>
#include <asm/smp.h>
#include <asm/timer.h>
#include <asm/traps.h>
#include <drivers/console.h>

static u8 bsp_ist[3 * IST_STACK_SIZE] __aligned(4096);

static void print_memory_map(void)
{
	u64 usable = 0;

	pr_info("mem: memory map from %s:\n", bootinfo.loader);
	for (unsigned int i = 0; i < bootinfo.nr_regions; i++) {
		const struct mem_region *r = &bootinfo.regions[i];

		pr_info("mem:   [0x%012llx-0x%012llx] %s\n",
			(unsigned long long)r->base,
			(unsigned long long)(r->base + r->len - 1),
			mem_type_name(r->type));
		if (r->type == MEM_USABLE)
			usable += r->len;
	}
	pr_info("mem: %llu MiB usable\n", (unsigned long long)(usable >> 20));
	for (unsigned int i = 0; i < bootinfo.nr_modules; i++)
		pr_info("boot: module %u at %#llx, %llu bytes: '%s'\n", i,
			(unsigned long long)bootinfo.modules[i].start,
			(unsigned long long)(bootinfo.modules[i].end -
					     bootinfo.modules[i].start),
			bootinfo.modules[i].name);
}

void kmain(u32 magic, u64 info_phys);
void kmain(u32 magic, u64 info_phys)
{
	/* Under qemu -icount shift=0 TSC ticks are instructions (make bench). */
	u64 entry_tsc = rdtsc();
	int bad;

	if (IS_ENABLED(CONFIG_STACK_PROTECTOR))
		stack_protector_init();
	if (IS_ENABLED(CONFIG_SERIAL_CONSOLE))
		serial_console_init();
	if (bootinfo_parse(magic, info_phys))
		halt_forever();
	if (IS_ENABLED(CONFIG_VGA_CONSOLE))
		vga_console_init(bootinfo.vga_text);

	gdt_init_cpu(0, bsp_ist);
	idt_init();
	pic_disable();

	bad = cmdline_apply(bootinfo.cmdline);
	pr_info("PureVisor %s booting (%s%s)\n", PV_VERSION, bootinfo.loader,
		bootinfo.efi ? ", UEFI" : "");
	pr_info("cmdline: '%s'%s\n", bootinfo.cmdline,
		bad ? " (errors above)" : "");

	cpu_features_init();
	fpu_cpu_init(); /* APs copy CR4 from here */
	cpu_features_print();
	print_memory_map();

	/* [mm] physical page allocator, kernel page tables, heap */
	pmm_init();
	paging_init();
	heap_init();

	/* [platform] ACPI, interrupt controllers, timers, SMP */
	percpu_init_bsp();
	acpi_init();
	if (lapic_init())
		panic("no usable local APIC");
	ioapic_init();
	timer_init();
	smp_init();
	pr_info("boot: %u CPUs online, tsc=%llu since kernel entry\n",
		READ_ONCE(nr_cpus_online),
		(unsigned long long)(rdtsc() - entry_tsc));

	/* [net] host PCI bus, NIC drivers (drivers/pci, drivers/net) */
	if (IS_ENABLED(CONFIG_NETDEV))
		netdev_init();
	else if (IS_ENABLED(CONFIG_PCI))
		pci_init();
	net_node_init(); /* uplink + node stack (net/node.c) */

	virt_select_backend();

	/* [virt] enable the backend on every CPU, create VMs from boot modules */
	virt_init();
	boot_vms(); /* VMs from *.vmconf boot modules (virt/boot_vms.c) */
	if (!IS_ENABLED(CONFIG_KTEST) && virt_ready())
		virt_idle(); /* runs VMs, the monitor; never returns */

	if (IS_ENABLED(CONFIG_KTEST))
		ktest_run_all();

	pr_info("PureVisor: idle\n");
	irq_enable();
	for (;;) {
		halt();
		net_node_poll();
	}
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The PC platform a full guest (an unmodified Linux kernel) sees: interrupt
 * controllers, timers, CMOS, PCI, ACPI and virtio devices, and the contracts
 * between them. Private to virt/. Every model here is plain logic over the
 * few services declared in this file, so host unit tests can link a model
 * with stand-ins for those services.
 *
 * Locking: a model may be entered from any vCPU's physical CPU at once
 * (MMIO/PIO exits, IPIs, timers), so each model has its own spinlock and
 * never calls another model with it held, except through the delivery
 * functions marked "any context" below.
 */
#ifndef VIRT_DEV_PLATFORM_H
#define VIRT_DEV_PLATFORM_H

#include <pv/vm.h>

/* ---- guest-physical layout ------------------------------------------ */
/* RAM is at [0, ram_size) with ram_size <= 3 GiB, so it ends below the
 * PCI hole. The e820 map (virt/loader/linux.c) reserves what is below. */
#define PLAT_EBDA_BASE 0x9FC00ull /* 1 KiB, reserved */
#define PLAT_ACPI_BASE 0xE0000ull /* ACPI tables; RSDP first (BIOS scan area) */
#define PLAT_ACPI_SIZE 0x20000ull /* up to 1 MiB, reserved */
#define PLAT_PCI_MMIO_BASE 0xC0000000ull /* 32-bit BAR window */
#define PLAT_PCI_MMIO_END 0xFEC00000ull
#define PLAT_IOAPIC_BASE 0xFEC00000ull
#define PLAT_LAPIC_BASE 0xFEE00000ull
#define PLAT_PCI_PIO_BASE 0xC000u /* I/O BAR window */
#define PLAT_PCI_PIO_END 0x10000u
#define PLAT_ACPI_PM_PORT 0x600u /* PM1a event (4) + control (2) blocks */
#define PLAT_ACPI_PMTMR_PORT 0x608u /* PM timer, 32 bits */
#define PLAT_IOAPIC_PINS 24

/* ISA IRQs: IRQ 0 (PIT) reaches IOAPIC pin 2 (the MADT says so with an
 * interrupt source override); the others are identity mapped. */
#define ISA_IRQ_PIT 0
#define ISA_IRQ_KBD 1
#define ISA_IRQ_COM2 3
#define ISA_IRQ_COM1 4
#define ISA_IRQ_RTC 8
#define ISA_IRQ_SCI 9

/* ---- virtual time (virt/vtime.c) -------------------------------------- */
/*
 * Guest time is host time: vclock_ns() is the host's uptime_ns(), and the
 * guest TSC is the host TSC plus the VM's tsc_offset, at tsc_khz. A vtimer
 * belongs to one vCPU: its callback runs on that vCPU's physical CPU,
 * before an entry or while the vCPU is halted, with no model lock held
 * and interrupts enabled. The owner's CPU is woken for it (a host
 * one-shot is armed for the earliest deadline).
 */
struct vtimer {
	u64 deadline; /* vclock_ns(); 0 = not armed */
	void (*fire)(struct vtimer *t, u64 now);
	struct vcpu *owner;
	void *data;
};

u64 vclock_ns(void);
u64 vclock_tsc(struct vm *vm); /* the VM's guest TSC now */
/* A guest TSC value of vm as a vclock_ns() time. */
u64 vclock_tsc_to_ns(struct vm *vm, u64 tsc);
/* Register (at most VTIMER_PER_VCPU per vCPU, at device creation). */
#define VTIMER_PER_VCPU 8
int vtimer_init(struct vtimer *t, struct vcpu *owner,
		void (*fire)(struct vtimer *t, u64 now), void *data);
/* Any context. A deadline in the past fires at the owner's next entry. */
void vtimer_arm(struct vtimer *t, u64 deadline);
void vtimer_cancel(struct vtimer *t);

/* ---- interrupt lines and messages (virt/dev/platform.c) --------------- */
/* Any context. Drive an ISA IRQ (0-15: PIC pin and IOAPIC pin) or a GSI
 * (16-23: IOAPIC pin only) to a level. Edge devices pulse (1 then 0). */
void plat_set_irq(struct vm *vm, unsigned int irq, int level);
void plat_pulse_irq(struct vm *vm, unsigned int irq);

/* An interrupt message on the APIC bus (from the IOAPIC, an MSI or an
 * IPI), in the fields of the ICR / IOAPIC redirection entry. */
enum apic_delivery {
	MSG_DM_FIXED = 0,
	MSG_DM_LOWEST = 1,
	MSG_DM_SMI = 2,
	MSG_DM_NMI = 4,
	MSG_DM_INIT = 5,
	MSG_DM_SIPI = 6,
	MSG_DM_EXTINT = 7,
};
enum apic_shorthand {
	MSG_SH_NONE = 0,
	MSG_SH_SELF = 1,
	MSG_SH_ALL = 2,
	MSG_SH_OTHERS = 3,
};
struct apic_msg {
	u32 dest; /* APIC ID (physical) or MDA (logical); 0xFF / ~0 broadcast */
	bool logical;
	u8 delivery; /* enum apic_delivery */
	u8 vector;
	bool level; /* level-triggered (the IOAPIC wants an EOI back) */
	bool assert; /* INIT level de-assert is ignored */
	u8 shorthand; /* enum apic_shorthand (IPIs only) */
	bool x2apic; /* dest is a 32-bit x2APIC ID */
};

/* Any context (virt/dev/apicbus.c). src is the sending vCPU for IPIs with
 * a shorthand, else NULL. */
void apic_bus_deliver(struct vm *vm, const struct apic_msg *m,
		      struct vcpu *src);
/* A PCI MSI / MSI-X write: address 0xFEExxxxx, data (vector, delivery,
 * trigger), decoded into an apic_msg. A malformed address is dropped and
 * counted. */
void plat_msi(struct vm *vm, u64 addr, u32 data);

/* ---- local APIC, one per vCPU (virt/dev/lapic.c) ---------------------- */
struct lapic;
/* Created by plat_create() for every vCPU; ID = vCPU index. Registers its
 * timer (a vtimer owned by its vCPU). MMIO at PLAT_LAPIC_BASE is
 * per-vCPU: the handler uses current_vcpu(). */
struct lapic *lapic_create(struct vcpu *v);
struct lapic *vcpu_lapic(struct vcpu *v);
/* Any context: accept a message addressed to this LAPIC (fixed/lowest
 * set IRR; NMI/INIT/SIPI/ExtINT call the vCPU services below). */
void lapic_accept_msg(struct lapic *l, const struct apic_msg *m);
/* Does it match (physical/logical destination with its ID/LDR/DFR)? */
bool lapic_match_dest(struct lapic *l, u32 dest, bool logical, bool x2apic);
/* The run loop, on the vCPU's CPU: highest IRR vector above the
 * processor priority, or -1; then, once it was injected, IRR -> ISR. */
int lapic_pending_vector(struct lapic *l);
void lapic_ack_vector(struct lapic *l, u8 vector);
/* Will the PIC's INTR reach the CPU (LVT LINT0 ExtINT unmasked, or the
 * APIC globally disabled)? Only vCPU 0's LINT0 is wired to the PIC. */
bool lapic_accepts_pic(struct lapic *l);
/* MSRs owned by the LAPIC: IA32_APIC_BASE (0x1B), TSC_DEADLINE (0x6E0)
 * and the x2APIC range 0x800-0x8FF. Return 0, or -1 for #GP. */
bool lapic_msr_owned(u32 msr);
int lapic_rdmsr(struct lapic *l, u32 msr, u64 *val);
int lapic_wrmsr(struct lapic *l, u32 msr, u64 val);
/* Back to the power-on state (vm_reset, INIT). */
void lapic_reset(struct lapic *l);

/* Services the vCPU core gives the LAPIC (virt/run.c). Any context. */
struct vcpu *current_vcpu(void); /* the vCPU this physical CPU runs */
void vcpu_kick(struct vcpu *v); /* re-evaluate pending events now */
void vcpu_deliver_nmi(struct vcpu *v);
void vcpu_deliver_init(struct vcpu *v); /* to wait-for-SIPI (APs) */
void vcpu_deliver_sipi(struct vcpu *v, u8 vector); /* start at vector<<12 */

/* ---- IOAPIC (virt/dev/ioapic.c) ---------------------------------------- */
struct vioapic;
struct vioapic *vioapic_create(struct vm *vm); /* MMIO at PLAT_IOAPIC_BASE */
/* Any context: pin level (the line after the ISA mapping). */
void vioapic_set_pin(struct vioapic *io, unsigned int pin, int level);
/* A LAPIC EOI'd a level-triggered vector: clear Remote IRR on the pins
 * that sent it, and resend if the line is still high. */
void vioapic_eoi(struct vioapic *io, u8 vector);
/* Power-on state (vm_reset): every pin masked. */
void vioapic_reset(struct vioapic *io);

/* ---- i8259 PIC pair (virt/dev/pic.c) ------------------------------------ */
struct vpic;
struct vpic *
vpic_create(struct vm *vm); /* ports 0x20/0x21, 0xA0/0xA1, ELCR 0x4D0/0x4D1 */
void vpic_set_irq(struct vpic *p, unsigned int irq, int level); /* 0-15 */
/* INTR line: an unmasked request above the in-service priority. */
bool vpic_has_intr(struct vpic *p);
/* Interrupt acknowledge: returns the vector (the spurious IRQ 7/15
 * vector if the request went away) and updates ISR/IRR. */
u8 vpic_ack(struct vpic *p);
/* Power-on state (vm_reset): uninitialised, all masked. */
void vpic_reset(struct vpic *p);

/* ---- i8254 PIT (virt/dev/pit.c), with port 0x61 (channel 2 gate,
 * speaker, OUT2 readback). Channel 0 drives ISA IRQ 0 through a vtimer
 * owned by vCPU 0. */
struct vpit;
struct vpit *vpit_create(struct vm *vm);
/* Power-on state (vm_reset): channels unprogrammed, no IRQ 0. */
void vpit_reset(struct vpit *p);

/* ---- MC146818 RTC + CMOS (virt/dev/rtc.c), ports 0x70/0x71; time from
 * the host's wall clock at VM creation plus vclock; periodic, alarm and
 * update-ended interrupts on ISA IRQ 8; CMOS memory size fields. */
struct vrtc;
struct vrtc *vrtc_create(struct vm *vm, u64 unix_time_at_create);

/* ---- PCI host bridge and devices (virt/dev/pci.c) ---------------------- */
/*
 * Configuration mechanism #1 at 0xCF8/0xCFC, bus 0 only, 32 slots,
 * function 0. The host bridge (00:00.0) is built in. A device supplies
 * its IDs, class, BAR sizes and capabilities; the bridge owns BAR sizing
 * and placement (the guest programs BARs; accesses in the PIO/MMIO
 * windows are dispatched to the device whose enabled BAR contains them),
 * the command register (memory/IO decode, bus master, INTx disable), the
 * capability list, MSI-X (table and PBA in a BAR of the device's choice)
 * and INTx (pin A routed to GSI 16 + (slot % 4), level-triggered and
 * active-low as ACPI mandates for _PRT GSIs: the bridge drives an idle
 * line high and an asserted one low; the ACPI _PRT names the same GSIs).
 */
#define VPCI_MAX_BARS 6
#define VPCI_CFG_SIZE 256

struct vpci_dev;

struct vpci_bar_ops {
	/* offset is from the BAR start; size 1, 2, 4 or 8. */
	u64 (*read)(struct vpci_dev *d, unsigned int bar, u64 off,
		    unsigned int size);
	void (*write)(struct vpci_dev *d, unsigned int bar, u64 off, u64 val,
		      unsigned int size);
};

struct vpci_bar {
	u64 size; /* power of two >= 16 (MMIO >= 4 KiB), 0 = unused */
	bool io; /* I/O space, else 32-bit memory */
	bool mem64; /* 64-bit memory BAR (takes two slots) */
	u64 addr; /* placed at plug, then as the guest programs it */
};

struct vpci_dev {
	const char *name;
	u16 vendor, device, subsys_vendor, subsys;
	u32 class_rev; /* class << 8 | revision */
	struct vpci_bar bar[VPCI_MAX_BARS];
	const struct vpci_bar_ops *ops;
	/* Device-specific config space above the standard header and the
	 * capabilities the bridge built (vendor capabilities are added
	 * with vpci_add_cap). NULL: reads 0, writes ignored. */
	u32 (*cfg_read)(struct vpci_dev *d, unsigned int off,
			unsigned int size);
	void (*cfg_write)(struct vpci_dev *d, unsigned int off, u32 val,
			  unsigned int size);
	/* Called when the guest resets the function (FLR is not offered)
	 * or the command register turns bus mastering off. */
	void (*reset)(struct vpci_dev *d);
	void *priv;
	/* Bridge state (do not touch from devices). */
	struct vm *vm;
	struct vpci_host *host;
	unsigned int slot;
	u8 cfg[VPCI_CFG_SIZE];
	u8 cap_next; /* where the next capability goes */
	u16 msix_nvec;
	u8 msix_cap, msix_bar;
	u32 msix_off; /* table offset in msix_bar; PBA follows it */
	u32 *msix_table; /* nvec * 4 dwords */
	u64 msix_pending; /* PBA, up to 64 vectors */
	int intx_level;
};

struct vpci_host;
struct vpci_host *vpci_create(struct vm *vm);
/* Plug into the next free slot (or slot >= 0). -1 if the bus is full or
 * the BAR layout is invalid. */
int vpci_register(struct vpci_host *h, struct vpci_dev *d, int slot);
/* Append a capability with these bytes (cap ID first, next pointer
 * filled in by the bridge); returns its config offset, 0 if no room. */
u8 vpci_add_cap(struct vpci_dev *d, const void *cap, unsigned int len);
/* MSI-X with nvec (<= 64) vectors, table at offset in BAR bar. */
int vpci_msix_init(struct vpci_dev *d, unsigned int nvec, unsigned int bar,
		   u32 offset);
bool vpci_msix_enabled(struct vpci_dev *d);
/* Any context: signal vector (MSI-X: message or pending bit if masked;
 * nothing while MSI-X is off: the device uses INTx then). */
void vpci_msix_notify(struct vpci_dev *d, unsigned int vector);
/* Any context: INTx level (ignored while INTx disable is set). */
void vpci_set_intx(struct vpci_dev *d, int level);
/* Is bus mastering on (device DMA allowed)? */
bool vpci_bus_master(struct vpci_dev *d);
/* Platform reset (vm_reset): every function back to its power-on state
 * (decoding off, BARs re-placed, MSI-X off with entries masked, INTx
 * idle), then each device's reset hook. */
void vpci_reset(struct vpci_host *h);

/* ---- ACPI (virt/dev/acpi.c) ------------------------------------------- */
/* Build RSDP/XSDT/MADT (ncpus LAPICs, the IOAPIC, ISO IRQ0->GSI2 and
 * SCI level/high), FADT (PM1a at PLAT_ACPI_PM_PORT, SCI 9, no SMI), FACS,
 * DSDT (PCI root PNP0A03 with _CRS windows and _PRT, \_S5) into guest
 * RAM at PLAT_ACPI_BASE. Returns the RSDP's guest address, 0 on error. */
u64 acpi_build(struct vm *vm, unsigned int ncpus);
/* The PM1 block: SLP_EN with SLP_TYP S5 powers the VM off (status 0). */
int acpi_pm_attach(struct vm *vm);

/* ---- the platform of a VM (virt/dev/platform.c) ---------------------- */
struct vplat {
	struct vm *vm;
	struct vpic *pic;
	struct vioapic *ioapic;
	struct vpit *pit;
	struct vrtc *rtc;
	struct vpci_host *pci;
	struct lapic *lapic[VM_MAX_VCPUS];
	u64 msi_dropped; /* malformed MSI addresses */
	u64 rsdp; /* guest address of the ACPI RSDP */
};

/* The PC platform for vm (all of the above, ACPI tables included). */
int plat_create(struct vm *vm);
/* vm_reset, after RAM was cleared: devices to power-on, tables again. */
int plat_reset(struct vm *vm);
static inline struct vplat *vm_plat(struct vm *vm)
{
	return vm->plat;
}

#endif

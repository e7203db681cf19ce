/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host PCI: enumeration over configuration mechanism #1 (ports 0xCF8/0xCFC),
 * BAR decoding and sizing, capability walks, MSI/MSI-X/INTx set-up and a
 * small driver registry that binds drivers by vendor/device ID.
 *
 * Devices are found once by pci_init(); pci_register_driver() binds the
 * driver to every matching device already found (and pci_init() binds
 * drivers registered earlier). Everything here runs at boot on one CPU;
 * configuration accesses are serialised by a lock all the same.
 */
#ifndef PV_PCI_H
#define PV_PCI_H

#include <pv/types.h>
#include <asm/traps.h>

#define PCI_MAX_DEVS 64
#define PCI_MAX_BARS 6
#define PCI_MAX_DRIVERS 8

/* Configuration space offsets (type 0 header unless noted). */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_REVISION 0x08
#define PCI_CLASS_PROG 0x09
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0 0x10
#define PCI_SECONDARY_BUS 0x19 /* type 1 (bridge) header */
#define PCI_CAP_PTR 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d

#define PCI_CMD_IO (1u << 0)
#define PCI_CMD_MEM (1u << 1)
#define PCI_CMD_MASTER (1u << 2)
#define PCI_CMD_INTX_DISABLE (1u << 10)
#define PCI_STATUS_CAP_LIST (1u << 4)

#define PCI_CAP_ID_MSI 0x05
#define PCI_CAP_ID_VENDOR 0x09
#define PCI_CAP_ID_MSIX 0x11

struct pci_bar {
	u64 base; /* bus address (I/O port number for I/O BARs) */
	u64 size; /* 0: BAR not implemented */
	bool io;
	bool mem64; /* this BAR and the next form one 64-bit BAR */
	bool prefetch;
};

enum pci_irq_mode {
	PCI_IRQ_NONE,
	PCI_IRQ_INTX, /* level-triggered pin through the IOAPIC, may be shared */
	PCI_IRQ_MSI,
	PCI_IRQ_MSIX,
};

struct pci_driver;

struct pci_dev {
	u8 bus, slot, fn;
	u16 vendor, device;
	u8 class, subclass, prog_if, revision;
	u8 header_type; /* without the multi-function bit */
	u8 irq_line, irq_pin; /* as firmware left them; pin 0: none */
	struct pci_bar bar[PCI_MAX_BARS];
	u8 msi_cap, msix_cap; /* config offsets, 0 if absent */
	const struct pci_driver *driver;
	void *drvdata;
	/* Interrupt set up by pci_irq_setup(). */
	enum pci_irq_mode irq_mode;
	int vector; /* host vector, -1 if none */
	u32 gsi; /* INTx only */
	volatile void __iomem *msix_table;
	irq_handler_t irq_fn;
	void *irq_data;
};

struct pci_device_id {
	u16 vendor, device; /* 0xffff device: any of the vendor's */
};

struct pci_driver {
	const char *name;
	const struct pci_device_id *ids; /* ends with vendor 0 */
	/* 0 if the driver took the device. */
	int (*probe)(struct pci_dev *dev);
};

/* Scan every bus reachable from bus 0; returns the number of functions. */
unsigned int pci_init(void);
unsigned int pci_nr_devs(void);
struct pci_dev *pci_dev_at(unsigned int i);
/* Next device after from (NULL: first) matching vendor/device. */
struct pci_dev *pci_find(u16 vendor, u16 device, struct pci_dev *from);
/* Bind drv to every matching unbound device; returns how many it took. */
int pci_register_driver(const struct pci_driver *drv);

u8 pci_read8(const struct pci_dev *d, u16 off);
u16 pci_read16(const struct pci_dev *d, u16 off);
u32 pci_read32(const struct pci_dev *d, u16 off);
void pci_write8(const struct pci_dev *d, u16 off, u8 v);
void pci_write16(const struct pci_dev *d, u16 off, u16 v);
void pci_write32(const struct pci_dev *d, u16 off, u32 v);

/* Offset of the first capability with id at or after start (0: from the
 * list head), or 0. Loops and pointers into the header end the walk. */
u8 pci_find_cap(const struct pci_dev *d, u8 id, u8 start);
/* Set the given PCI_CMD_* bits (decode, bus mastering). */
void pci_enable(const struct pci_dev *d, u16 cmd_bits);
/* Map len bytes at off inside memory BAR bar; NULL if out of range. */
void __iomem *pci_iomap(const struct pci_dev *d, unsigned int bar, u64 off,
			u64 len);

/*
 * Allocate a vector, register fn(tf, data) on it and enable the device's
 * interrupt to this CPU: MSI-X (table entry 0) if present and allowed,
 * else MSI, else INTx through the IOAPIC. Returns 0 with d->irq_mode and
 * d->vector set. The handler must silence the device's interrupt
 * condition (INTx is level-triggered and may be shared with others).
 */
#define PCI_IRQ_ALLOW_MSIX (1u << 0)
#define PCI_IRQ_ALLOW_MSI (1u << 1)
#define PCI_IRQ_ALLOW_INTX (1u << 2)
#define PCI_IRQ_ALLOW_ALL 7u
int pci_irq_setup(struct pci_dev *d, unsigned int allow, irq_handler_t fn,
		  void *data);
/* Undo pci_irq_setup (the vector is freed). */
void pci_irq_teardown(struct pci_dev *d);
/* Number of MSI-X table entries (0 without MSI-X). */
unsigned int pci_msix_entries(const struct pci_dev *d);

#endif

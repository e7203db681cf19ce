// SPDX-License-Identifier: GPL-2.0
/*
 * The i8259A pair of a PC: master at 0x20/0x21, slave at 0xA0/0xA1 on the
 * master's IR2, and the ELCR (0x4D0/0x4D1) choosing edge or level per IRQ.
 *
 * Edge inputs latch IRR on a rising edge and keep it until the request is
 * acknowledged (so a pulse, 1 then 0, is one request); level inputs make
 * IRR follow the line. The master's IR2 requests while the slave's INT
 * output is high (evaluated whenever it is looked at, so no cascade edge
 * can be lost) and, as an edge input, from the output's rising edge until
 * the acknowledge: a slave request that vanishes in between is answered
 * with the slave's spurious IRQ 15, as on the real pair.
 * Priorities are fully nested with optional rotation; special mask mode,
 * special fully nested mode, auto-EOI and poll are modelled.
 */
#include "../virt.h"
#include "platform.h"
#include "isa.h"

/* IRQs that are always edge-triggered (ELCR bits that read as zero). */
#define ELCR_MASK_MASTER 0xF8 /* not 0, 1, 2 */
#define ELCR_MASK_SLAVE 0xDE /* not 8, 13 */

struct pic_chip {
	u8 irr, isr, imr;
	u8 lines; /* input levels */
	u8 elcr;
	u8 base; /* ICW2 vector base */
	u8 prio_add; /* IR with the highest priority (rotation) */
	u8 init; /* 0, or the next ICW expected (2, 3, 4) */
	bool icw4, single, ltim, aeoi, rotate_aeoi, sfnm, smm;
	bool read_isr, poll;
};

struct vpic {
	struct vm *vm;
	spinlock_t lock;
	struct pic_chip c[2]; /* master, slave */
	bool intr; /* the master's INT output, last computed */
	bool slave_out; /* the slave's INT output, last computed */
	bool casc_latch; /* its rising edge, latched on the master's IR2 */
};

static u8 level_mask(const struct pic_chip *c)
{
	return c->ltim ? 0xFF : c->elcr;
}

/* The highest-priority bit set in mask as an IR number, or 8 if none. */
static unsigned int highest(const struct pic_chip *c, u8 mask)
{
	for (unsigned int k = 0; k < 8; k++) {
		unsigned int ir = (c->prio_add + k) & 7;

		if (mask & (1u << ir))
			return ir;
	}
	return 8;
}

/* The priority rank of an IR (0 = highest), 8 for "none". */
static unsigned int rank(const struct pic_chip *c, unsigned int ir)
{
	return ir >= 8 ? 8 : (ir - c->prio_add) & 7;
}

static int chip_output(struct vpic *p, unsigned int n);

static u8 chip_irr(struct vpic *p, unsigned int n)
{
	u8 irr = p->c[n].irr;

	/* The master's IR2 is the slave's output (unless single mode). */
	if (n == 0 && !p->c[0].single) {
		irr &= ~0x04;
		if (p->casc_latch || chip_output(p, 1) >= 0)
			irr |= 0x04;
	}
	return irr;
}

/* The IR this chip would interrupt for now, or -1. */
static int chip_output(struct vpic *p, unsigned int n)
{
	struct pic_chip *c = &p->c[n];
	u8 req = chip_irr(p, n) & ~c->imr;
	u8 in_service = c->isr;
	unsigned int ir;

	if (!req || c->init)
		return -1;
	if (c->smm)
		in_service &= ~c->imr;
	/* The cascade input may interrupt its own service (SFNM). */
	if (n == 0 && c->sfnm)
		in_service &= ~0x04;
	ir = highest(c, req);
	if (rank(c, ir) < rank(c, highest(c, in_service)))
		return ir;
	return -1;
}

/* Call with the lock held; returns true if INTR just went high (the
 * caller kicks vCPU 0 after unlocking). */
static bool update_intr(struct vpic *p)
{
	bool sout = chip_output(p, 1) >= 0, out, rising;

	if (sout && !p->slave_out && !p->c[0].single)
		p->casc_latch = true;
	p->slave_out = sout;
	out = chip_output(p, 0) >= 0;
	rising = out && !p->intr;

	p->intr = out;
	return rising;
}

static void kick(struct vpic *p, bool rising)
{
	if (rising && p->vm->vcpus[0])
		vcpu_kick(p->vm->vcpus[0]);
}

static void set_line(struct pic_chip *c, unsigned int ir, int level)
{
	u8 bit = 1u << ir;

	if (level_mask(c) & bit) {
		if (level)
			c->irr |= bit;
		else
			c->irr &= ~bit;
	} else if (level && !(c->lines & bit)) {
		c->irr |= bit;
	}
	if (level)
		c->lines |= bit;
	else
		c->lines &= ~bit;
}

void vpic_set_irq(struct vpic *p, unsigned int irq, int level)
{
	bool rising;
	u64 f;

	if (irq >= 16 || irq == 2)
		return; /* IR2 is the cascade */
	f = spin_lock_irqsave(&p->lock);
	set_line(&p->c[irq >> 3], irq & 7, level);
	rising = update_intr(p);
	spin_unlock_irqrestore(&p->lock, f);
	kick(p, rising);
}

bool vpic_has_intr(struct vpic *p)
{
	u64 f = spin_lock_irqsave(&p->lock);
	bool out;

	update_intr(p);
	out = p->intr;
	spin_unlock_irqrestore(&p->lock, f);
	return out;
}

/* INTA on one chip for ir: IRR (edge) cleared, ISR set unless AEOI. */
static void intack(struct pic_chip *c, unsigned int ir)
{
	u8 bit = 1u << ir;

	if (!(level_mask(c) & bit))
		c->irr &= ~bit;
	if (!c->aeoi)
		c->isr |= bit;
	else if (c->rotate_aeoi)
		c->prio_add = (ir + 1) & 7;
}

u8 vpic_ack(struct vpic *p)
{
	struct pic_chip *m = &p->c[0], *s = &p->c[1];
	int ir, sir;
	u8 vec;
	u64 f = spin_lock_irqsave(&p->lock);

	ir = chip_output(p, 0);
	if (ir < 0) {
		/* The request went away before INTA: spurious IR7. */
		vec = m->base | 7;
	} else if (ir == 2 && !m->single) {
		sir = chip_output(p, 1);
		intack(m, 2);
		p->casc_latch = false;
		if (sir < 0) {
			vec = s->base | 7; /* spurious IRQ 15 */
		} else {
			intack(s, sir);
			vec = s->base | sir;
		}
	} else {
		intack(m, ir);
		vec = m->base | ir;
	}
	update_intr(p);
	spin_unlock_irqrestore(&p->lock, f);
	return vec;
}

/* Poll command: the next read is an acknowledge returning 0x80 | IR. */
static u8 poll_read(struct vpic *p, unsigned int n)
{
	struct pic_chip *c = &p->c[n];
	int ir = chip_output(p, n);

	c->poll = false;
	if (ir < 0)
		return 0;
	intack(c, ir);
	if (n == 0 && ir == 2)
		p->casc_latch = false;
	return 0x80 | ir;
}

static void eoi(struct pic_chip *c, unsigned int ir, bool rotate)
{
	if (ir >= 8)
		return;
	c->isr &= ~(1u << ir);
	if (rotate)
		c->prio_add = (ir + 1) & 7;
}

static void write_ocw2(struct pic_chip *c, u8 v)
{
	unsigned int l = v & 7;

	switch (v >> 5) {
	case 1: eoi(c, highest(c, c->isr), false); break; /* non-specific */
	case 3: eoi(c, l, false); break; /* specific */
	case 5: eoi(c, highest(c, c->isr), true); break; /* rotate, NS */
	case 7: eoi(c, l, true); break; /* rotate, specific */
	case 4: c->rotate_aeoi = true; break;
	case 0: c->rotate_aeoi = false; break;
	case 6: c->prio_add = (l + 1) & 7; break; /* set priority */
	default: break; /* 2: no operation */
	}
}

static void write_cmd(struct vpic *p, unsigned int n, u8 v)
{
	struct pic_chip *c = &p->c[n];

	if (v & 0x10) { /* ICW1 */
		c->icw4 = v & 0x01;
		c->single = v & 0x02;
		c->ltim = v & 0x08;
		c->init = 2;
		c->imr = 0;
		c->isr = 0;
		c->irr = c->lines & level_mask(c); /* edge latches reset */
		if (n == 0)
			p->casc_latch = false;
		c->prio_add = 0;
		c->smm = false;
		c->read_isr = false;
		c->poll = false;
		if (!c->icw4)
			c->aeoi = c->rotate_aeoi = c->sfnm = false;
	} else if (v & 0x08) { /* OCW3 */
		if (v & 0x04)
			c->poll = true;
		if ((v & 0x03) == 0x02)
			c->read_isr = false;
		else if ((v & 0x03) == 0x03)
			c->read_isr = true;
		if ((v & 0x60) == 0x40)
			c->smm = false;
		else if ((v & 0x60) == 0x60)
			c->smm = true;
	} else {
		write_ocw2(c, v);
	}
}

static void write_data(struct pic_chip *c, u8 v)
{
	switch (c->init) {
	case 2:
		c->base = v & 0xF8;
		c->init = c->single ? (c->icw4 ? 4 : 0) : 3;
		break;
	case 3: /* cascade wiring is fixed on a PC: IR2 */
		c->init = c->icw4 ? 4 : 0;
		break;
	case 4:
		c->aeoi = v & 0x02;
		c->sfnm = v & 0x10;
		c->init = 0;
		break;
	default: c->imr = v; break; /* OCW1 */
	}
}

static u64 pic_read(void *dev, u64 off, unsigned int size, unsigned int n)
{
	struct vpic *p = dev;
	struct pic_chip *c = &p->c[n];
	bool rising;
	u8 v;
	u64 f = spin_lock_irqsave(&p->lock);

	if (c->poll)
		v = poll_read(p, n);
	else if (off & 1)
		v = c->imr;
	else
		v = c->read_isr ? c->isr : chip_irr(p, n);
	rising = update_intr(p);
	spin_unlock_irqrestore(&p->lock, f);
	kick(p, rising);
	return v;
}

static void pic_write(void *dev, u64 off, u64 val, unsigned int size,
		      unsigned int n)
{
	struct vpic *p = dev;
	bool rising;
	u64 f = spin_lock_irqsave(&p->lock);

	if (off & 1)
		write_data(&p->c[n], (u8)val);
	else
		write_cmd(p, n, (u8)val);
	rising = update_intr(p);
	spin_unlock_irqrestore(&p->lock, f);
	kick(p, rising);
}

static u64 master_read(void *dev, u64 off, unsigned int size)
{
	return pic_read(dev, off, size, 0);
}

static void master_write(void *dev, u64 off, u64 val, unsigned int size)
{
	pic_write(dev, off, val, size, 0);
}

static u64 slave_read(void *dev, u64 off, unsigned int size)
{
	return pic_read(dev, off, size, 1);
}

static void slave_write(void *dev, u64 off, u64 val, unsigned int size)
{
	pic_write(dev, off, val, size, 1);
}

static u64 elcr_read(void *dev, u64 off, unsigned int size)
{
	struct vpic *p = dev;
	u64 v = 0;

	/* A 16-bit access reads both. */
	for (unsigned int i = 0; i < size && off + i < 2; i++)
		v |= (u64)p->c[off + i].elcr << (8 * i);
	return v;
}

static void elcr_write(void *dev, u64 off, u64 val, unsigned int size)
{
	struct vpic *p = dev;
	bool rising;
	u64 f = spin_lock_irqsave(&p->lock);

	for (unsigned int i = 0; i < size && off + i < 2; i++) {
		struct pic_chip *c = &p->c[off + i];
		u8 lv;

		c->elcr = (u8)(val >> (8 * i)) &
			  (off + i ? ELCR_MASK_SLAVE : ELCR_MASK_MASTER);
		/* Level inputs now follow their lines. */
		lv = level_mask(c);
		c->irr = (c->irr & ~lv) | (c->lines & lv);
	}
	rising = update_intr(p);
	spin_unlock_irqrestore(&p->lock, f);
	kick(p, rising);
}

static const struct io_ops master_ops = {
	.read = master_read,
	.write = master_write,
};

static const struct io_ops slave_ops = {
	.read = slave_read,
	.write = slave_write,
};

static const struct io_ops elcr_ops = {
	.read = elcr_read,
	.write = elcr_write,
};

/* Power-on state: uninitialised, everything masked; input lines and
 * ELCR (board wiring, set by firmware or the guest) are kept. */
static void chips_power_on(struct vpic *p)
{
	for (unsigned int n = 0; n < 2; n++) {
		struct pic_chip *c = &p->c[n];
		u8 lines = c->lines, elcr = c->elcr;

		*c = (struct pic_chip){ .imr = 0xFF,
					.lines = lines,
					.elcr = elcr };
	}
	p->c[0].base = 0x08;
	p->c[1].base = 0x70;
	p->intr = p->slave_out = p->casc_latch = false;
}

void vpic_reset(struct vpic *p)
{
	u64 f = spin_lock_irqsave(&p->lock);

	chips_power_on(p);
	spin_unlock_irqrestore(&p->lock, f);
}

struct vpic *vpic_create(struct vm *vm)
{
	struct vpic *p = vm_dev_zalloc(vm, sizeof(*p));

	if (!p)
		return NULL;
	p->vm = vm;
	p->lock = (spinlock_t)SPINLOCK_INIT;
	/* Power-on: everything masked until the guest initialises. */
	chips_power_on(p);
	if (io_bus_register(&vm->pio, 0x20, 2, &master_ops, p, "pic-master") ||
	    io_bus_register(&vm->pio, 0xA0, 2, &slave_ops, p, "pic-slave") ||
	    io_bus_register(&vm->pio, 0x4D0, 2, &elcr_ops, p, "elcr"))
		return NULL;
	return p;
}

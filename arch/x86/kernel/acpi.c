// SPDX-License-Identifier: GPL-2.0
/*
 * ACPI table discovery: RSDP (from the loader or the BIOS areas), the
 * XSDT/RSDT, and the MADT's interrupt-controller description. Every table
 * we use is checksummed; a bad one is reported and ignored.
 */
#include <pv/bootinfo.h>
#include <pv/printf.h>
#include <pv/printk.h>
#include <pv/string.h>
#include <asm/acpi.h>
#include <asm/layout.h>

struct acpi_rsdp {
	char signature[8];
	u8 checksum;
	char oem_id[6];
	u8 revision;
	u32 rsdt;
	/* ACPI 2.0+ */
	u32 length;
	u64 xsdt;
	u8 ext_checksum;
	u8 reserved[3];
} __packed;

struct madt {
	struct acpi_header h;
	u32 lapic_addr;
	u32 flags;
	u8 entries[];
} __packed;

#define MADT_PCAT_COMPAT 1u

enum madt_type {
	MADT_LAPIC = 0,
	MADT_IOAPIC = 1,
	MADT_OVERRIDE = 2,
	MADT_NMI_SOURCE = 3,
	MADT_LAPIC_NMI = 4,
	MADT_LAPIC_ADDR = 5,
	MADT_X2APIC = 9,
	MADT_X2APIC_NMI = 10,
};

struct madt_lapic {
	u8 type, len, uid, apic_id;
	u32 flags;
} __packed;

struct madt_ioapic {
	u8 type, len, id, reserved;
	u32 addr, gsi_base;
} __packed;

struct madt_override {
	u8 type, len, bus, irq;
	u32 gsi;
	u16 flags;
} __packed;

struct madt_lapic_nmi {
	u8 type, len, uid;
	u16 flags;
	u8 lint;
} __packed;

struct madt_lapic_addr {
	u8 type, len;
	u16 reserved;
	u64 addr;
} __packed;

struct madt_x2apic {
	u8 type, len;
	u16 reserved;
	u32 apic_id, flags, uid;
} __packed;

struct madt_x2apic_nmi {
	u8 type, len;
	u16 flags;
	u32 uid;
	u8 lint, reserved[3];
} __packed;

#define LAPIC_ENABLED 1u
#define LAPIC_ONLINE_CAPABLE 2u

/* The boot page tables map physical 0..4 GiB; firmware keeps ACPI there. */
#define ACPI_MAP_LIMIT (4ull << 30)

struct acpi_madt_info acpi_madt;
static const struct acpi_header *root; /* XSDT or RSDT */
static bool root_is_xsdt;

u8 acpi_checksum(const void *p, size_t len)
{
	const u8 *b = p;
	u8 sum = 0;

	while (len--)
		sum += *b++;
	return sum;
}

static const void *acpi_map(u64 pa, u64 len)
{
	if (!pa || pa >= ACPI_MAP_LIMIT || len > ACPI_MAP_LIMIT - pa)
		return NULL;
	return phys_to_virt(pa);
}

static bool rsdp_valid(const struct acpi_rsdp *r)
{
	if (memcmp(r->signature, "RSD PTR ", 8))
		return false;
	if (acpi_checksum(r, 20))
		return false;
	if (r->revision >= 2 && (r->length < sizeof(*r) || r->length > 4096 ||
				 acpi_checksum(r, r->length)))
		return false;
	return true;
}

static const struct acpi_rsdp *scan_rsdp(u64 pa, u64 len)
{
	const u8 *p = acpi_map(pa, len);

	if (!p)
		return NULL;
	for (u64 off = 0; off + 20 <= len; off += 16) {
		const struct acpi_rsdp *r = (const void *)(p + off);

		if (!memcmp(r->signature, "RSD PTR ", 8) && rsdp_valid(r))
			return r;
	}
	return NULL;
}

static const struct acpi_rsdp *find_rsdp(const char **where)
{
	const struct acpi_rsdp *r;
	u64 ebda;

	if (bootinfo.rsdp) {
		r = acpi_map(bootinfo.rsdp, sizeof(*r));
		*where = "from the loader";
		if (r && rsdp_valid(r))
			return r;
		pr_err("acpi: RSDP from the loader at %#llx has a bad signature or checksum; scanning\n",
		       (unsigned long long)bootinfo.rsdp);
	}
	/* The BDA holds the EBDA segment at 0x40E; its first KiB is searched. */
	ebda = (u64) * (const volatile u16 *)phys_to_virt(0x40E) << 4;
	*where = "in the EBDA";
	if (ebda >= 0x80000 && ebda < 0xA0000) {
		r = scan_rsdp(ebda, 1024);
		if (r)
			return r;
	}
	*where = "in the BIOS area";
	return scan_rsdp(0xE0000, 0x20000);
}

/* Map a table, check its length and checksum; NULL (with a message) if bad. */
static const struct acpi_header *map_table(u64 pa)
{
	const struct acpi_header *h = acpi_map(pa, sizeof(*h));

	if (!h) {
		pr_err("acpi: table at %#llx is outside the mapped range\n",
		       (unsigned long long)pa);
		return NULL;
	}
	if (h->length < sizeof(*h) || !acpi_map(pa, h->length)) {
		pr_err("acpi: table %.4s at %#llx has a bad length %u\n",
		       h->signature, (unsigned long long)pa, h->length);
		return NULL;
	}
	if (acpi_checksum(h, h->length)) {
		pr_err("acpi: table %.4s at %#llx has a bad checksum; ignored\n",
		       h->signature, (unsigned long long)pa);
		return NULL;
	}
	return h;
}

static unsigned int root_entries(void)
{
	unsigned int esz = root_is_xsdt ? 8 : 4;

	return (root->length - (u32)sizeof(*root)) / esz;
}

static u64 root_entry(unsigned int i)
{
	const u8 *p = (const u8 *)(root + 1);

	if (root_is_xsdt) {
		u64 v;

		memcpy(&v, p + 8 * i, 8);
		return v;
	} else {
		u32 v;

		memcpy(&v, p + 4 * i, 4);
		return v;
	}
}

const struct acpi_header *acpi_find_table(const char *sig)
{
	if (!root)
		return NULL;
	for (unsigned int i = 0; i < root_entries(); i++) {
		u64 pa = root_entry(i);
		const struct acpi_header *h = acpi_map(pa, sizeof(*h));

		if (!h || memcmp(h->signature, sig, 4))
			continue;
		h = map_table(pa);
		if (h)
			return h;
	}
	return NULL;
}

static void add_cpu(u32 apic_id, u32 uid, u32 flags)
{
	struct acpi_madt_info *m = &acpi_madt;

	if (!(flags & LAPIC_ENABLED)) {
		m->nr_disabled++;
		return;
	}
	/* Firmware may list a CPU both as LAPIC and x2APIC: keep one. */
	for (unsigned int i = 0; i < m->nr_cpus; i++)
		if (m->cpus[i].apic_id == apic_id)
			return;
	if (m->nr_cpus == ACPI_MAX_CPUS) {
		pr_warn("acpi: more than %u CPUs in the MADT; APIC ID %u ignored\n",
			ACPI_MAX_CPUS, apic_id);
		return;
	}
	m->cpus[m->nr_cpus++] = (struct acpi_cpu){ apic_id, uid };
}

static void add_nmi(u32 uid, u8 lint, u16 flags)
{
	struct acpi_madt_info *m = &acpi_madt;

	if (m->nr_nmis == ACPI_MAX_NMIS || lint > 1) {
		pr_warn("acpi: MADT LAPIC NMI entry (uid %#x LINT%u) ignored\n",
			uid, lint);
		return;
	}
	m->nmis[m->nr_nmis++] = (struct acpi_lapic_nmi){ uid, lint, flags };
}

static void parse_madt_entry(const u8 *e)
{
	struct acpi_madt_info *m = &acpi_madt;

	switch (e[0]) {
	case MADT_LAPIC: {
		const struct madt_lapic *l = (const void *)e;

		add_cpu(l->apic_id, l->uid, l->flags);
		break;
	}
	case MADT_X2APIC: {
		const struct madt_x2apic *x = (const void *)e;

		add_cpu(x->apic_id, x->uid, x->flags);
		break;
	}
	case MADT_IOAPIC: {
		const struct madt_ioapic *io = (const void *)e;

		if (m->nr_ioapics == ACPI_MAX_IOAPICS) {
			pr_warn("acpi: too many IOAPICs; ID %u ignored\n",
				io->id);
			break;
		}
		m->ioapics[m->nr_ioapics++] =
			(struct acpi_ioapic){ io->id, io->addr, io->gsi_base };
		break;
	}
	case MADT_OVERRIDE: {
		const struct madt_override *o = (const void *)e;

		if (o->bus != 0 || m->nr_overrides == ACPI_MAX_OVERRIDES) {
			pr_warn("acpi: override for IRQ %u ignored\n", o->irq);
			break;
		}
		m->overrides[m->nr_overrides++] =
			(struct acpi_override){ o->irq, o->gsi, o->flags };
		break;
	}
	case MADT_LAPIC_NMI: {
		const struct madt_lapic_nmi *n = (const void *)e;

		add_nmi(n->uid == 0xFF ? ACPI_UID_ALL : n->uid, n->lint,
			n->flags);
		break;
	}
	case MADT_X2APIC_NMI: {
		const struct madt_x2apic_nmi *n = (const void *)e;

		add_nmi(n->uid, n->lint, n->flags);
		break;
	}
	case MADT_LAPIC_ADDR: {
		const struct madt_lapic_addr *a = (const void *)e;

		m->lapic_phys = a->addr;
		break;
	}
	default: break; /* NMI sources, GIC entries...: nothing for us */
	}
}

static int parse_madt(void)
{
	const struct madt *t = (const void *)acpi_find_table("APIC");
	const u8 *p, *end;

	if (!t) {
		pr_err("acpi: no valid MADT (\"APIC\") table\n");
		return -1;
	}
	acpi_madt.lapic_phys = t->lapic_addr;
	acpi_madt.pic_present = t->flags & MADT_PCAT_COMPAT;
	p = t->entries;
	end = (const u8 *)t + t->h.length;
	while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
		parse_madt_entry(p);
		p += p[1];
	}
	if (p != end)
		pr_warn("acpi: MADT entry list is malformed at offset %u\n",
			(unsigned int)(p - (const u8 *)t));
	acpi_madt.valid = acpi_madt.nr_cpus > 0;
	return acpi_madt.valid ? 0 : -1;
}

static void print_summary(void)
{
	const struct acpi_madt_info *m = &acpi_madt;
	char ids[128];
	size_t n = 0;

	ids[0] = '\0';
	for (unsigned int i = 0; i < m->nr_cpus && n < sizeof(ids) - 12; i++)
		n += (size_t)snprintf(ids + n, sizeof(ids) - n, "%s%u",
				      i ? "," : "", m->cpus[i].apic_id);
	pr_info("acpi: MADT: %u CPUs (APIC IDs %s%s)%s, LAPIC at %#llx%s\n",
		m->nr_cpus, ids, n >= sizeof(ids) - 12 ? ",..." : "",
		m->nr_disabled ? " + disabled ones" : "",
		(unsigned long long)m->lapic_phys,
		m->pic_present ? ", 8259 PICs" : "");
	for (unsigned int i = 0; i < m->nr_ioapics; i++)
		pr_info("acpi: IOAPIC id %u at %#x, GSI base %u\n",
			m->ioapics[i].id, m->ioapics[i].phys,
			m->ioapics[i].gsi_base);
	for (unsigned int i = 0; i < m->nr_overrides; i++)
		pr_info("acpi: override ISA IRQ %u -> GSI %u, flags %#x\n",
			m->overrides[i].irq, m->overrides[i].gsi,
			m->overrides[i].flags);
	for (unsigned int i = 0; i < m->nr_nmis; i++) {
		const struct acpi_lapic_nmi *nmi = &m->nmis[i];

		if (nmi->uid == ACPI_UID_ALL)
			pr_info("acpi: LAPIC NMI on LINT%u of every CPU, flags %#x\n",
				nmi->lint, nmi->flags);
		else
			pr_info("acpi: LAPIC NMI on LINT%u of CPU uid %u, flags %#x\n",
				nmi->lint, nmi->uid, nmi->flags);
	}
}

int acpi_init(void)
{
	const char *where = "";
	const struct acpi_rsdp *r = find_rsdp(&where);

	if (!r) {
		pr_err("acpi: no valid RSDP found\n");
		return -1;
	}
	if (r->revision >= 2 && r->xsdt) {
		root = map_table(r->xsdt);
		root_is_xsdt = root && !memcmp(root->signature, "XSDT", 4);
		if (!root_is_xsdt) {
			pr_warn("acpi: XSDT unusable, falling back to the RSDT\n");
			root = NULL;
		}
	}
	if (!root && r->rsdt) {
		root = map_table(r->rsdt);
		if (root && memcmp(root->signature, "RSDT", 4)) {
			pr_err("acpi: RSDT at %#x has signature %.4s\n",
			       r->rsdt, root->signature);
			root = NULL;
		}
	}
	if (!root) {
		pr_err("acpi: no valid XSDT or RSDT\n");
		return -1;
	}
	pr_info("acpi: RSDP rev %u %s (OEM '%.6s'), %s with %u tables\n",
		r->revision, where, r->oem_id, root_is_xsdt ? "XSDT" : "RSDT",
		root_entries());
	if (parse_madt())
		return -1;
	print_summary();
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Guest page-table walker (SDM vol. 3, chapter 4): no paging, 32-bit paging
 * (with PSE/PSE-36), PAE paging, 4- and 5-level paging. Checks U/S, R/W
 * (with CR0.WP), NX, SMEP and SMAP and builds the #PF error code.
 */
#include <asm/emulate.h>

#define CR0_WP (1ull << 16)
#define CR0_PG (1ull << 31)
#define CR4_PSE (1ull << 4)
#define CR4_PAE (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)

#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_U (1ull << 2)
#define PTE_PS (1ull << 7)
#define PTE_NX (1ull << 63)

struct walk_state {
	const struct x86_paging *pg;
	u32 access;
	bool user_ok, write_ok, nx; /* accumulated over the levels */
};

static u64 bits(unsigned int lo, unsigned int hi)
{
	return (~0ull >> (63 - hi)) & ~((1ull << lo) - 1);
}

/* Clamped to what CPUs report (32..52) so the masks below stay valid. */
static unsigned int maxphy(const struct x86_paging *pg)
{
	if (!pg->maxphyaddr)
		return 52;
	return MIN(MAX(pg->maxphyaddr, 32), 52);
}

static int fault(const struct walk_state *w, u32 extra, struct x86_walk *out)
{
	const struct x86_paging *pg = w->pg;
	u32 pfec = extra | (w->access & (X86_PF_W | X86_PF_U));

	/* I/D is reported only when fetches can fault for being fetches. */
	if ((w->access & X86_PF_I) &&
	    ((pg->cr4 & CR4_SMEP) ||
	     ((pg->cr4 & CR4_PAE) && (pg->efer & EFER_NXE))))
		pfec |= X86_PF_I;
	out->pfec = pfec;
	return -X86_WALK_EPF;
}

static void account(struct walk_state *w, u64 e)
{
	w->user_ok &= !!(e & PTE_U);
	w->write_ok &= !!(e & PTE_W);
	if (w->pg->efer & EFER_NXE)
		w->nx |= !!(e & PTE_NX);
}

static int check_leaf(const struct walk_state *w, struct x86_walk *out)
{
	const struct x86_paging *pg = w->pg;
	bool user = w->access & X86_PF_U, write = w->access & X86_PF_W;
	bool fetch = w->access & X86_PF_I;

	if (user && !w->user_ok)
		return fault(w, X86_PF_P, out);
	if (write && !w->write_ok && (user || (pg->cr0 & CR0_WP)))
		return fault(w, X86_PF_P, out);
	if (fetch && w->nx)
		return fault(w, X86_PF_P, out);
	if (!user && w->user_ok) {
		if (fetch && (pg->cr4 & CR4_SMEP))
			return fault(w, X86_PF_P, out);
		if (!fetch && (pg->cr4 & CR4_SMAP) && !(w->access & X86_ACC_AC))
			return fault(w, X86_PF_P, out);
	}
	return 0;
}

static int walk32(struct walk_state *w, u64 la, x86_gpa_read_t rd, void *opaque,
		  struct x86_walk *out)
{
	const struct x86_paging *pg = w->pg;
	u32 pde, pte;
	u64 pa;

	la &= 0xffffffff;
	if (rd(opaque, (pg->cr3 & 0xfffff000) + ((la >> 22) << 2), &pde, 4))
		return -X86_WALK_EMEM;
	if (!(pde & PTE_P))
		return fault(w, 0, out);
	account(w, pde);
	if ((pde & PTE_PS) && (pg->cr4 & CR4_PSE)) {
		/* 4 MiB page; PSE-36 puts PA bits 39:32 in bits 20:13. */
		unsigned int hi = MIN(maxphy(pg), 40);

		if (pde & bits(13 + hi - 32, 21))
			return fault(w, X86_PF_P | X86_PF_RSVD, out);
		pa = (pde & 0xffc00000) | ((u64)((pde >> 13) & 0xff) << 32);
		out->page_size = 1ull << 22;
		out->gpa = pa | (la & (out->page_size - 1));
		return check_leaf(w, out);
	}
	if (rd(opaque, (pde & 0xfffff000) + (((la >> 12) & 0x3ff) << 2), &pte,
	       4))
		return -X86_WALK_EMEM;
	if (!(pte & PTE_P))
		return fault(w, 0, out);
	account(w, pte);
	out->page_size = 4096;
	out->gpa = (pte & 0xfffff000) | (la & 0xfff);
	return check_leaf(w, out);
}

/* Reserved bits of a present PAE/long-mode entry at level (1 = PTE). */
static bool reserved(const struct x86_paging *pg, u64 e, unsigned int level,
		     unsigned int top)
{
	u64 rsvd = bits(maxphy(pg), 51);

	if (!(pg->efer & EFER_NXE))
		rsvd |= PTE_NX;
	if (level == top && level >= 4 && (e & PTE_PS))
		return true; /* no pages at PML4E/PML5E */
	if ((e & PTE_PS) && level == 3)
		rsvd |= bits(13, 29);
	else if ((e & PTE_PS) && level == 2)
		rsvd |= bits(13, 20);
	return e & rsvd;
}

static int walk64(struct walk_state *w, u64 la, x86_gpa_read_t rd, void *opaque,
		  struct x86_walk *out)
{
	const struct x86_paging *pg = w->pg;
	u64 addr_mask = bits(12, maxphy(pg) - 1), table, e;
	unsigned int level, top;

	if (pg->efer & EFER_LMA) {
		unsigned int vbits = (pg->cr4 & CR4_LA57) ? 57 : 48;

		if ((u64)((s64)(la << (64 - vbits)) >> (64 - vbits)) != la)
			return -X86_WALK_EGP;
		top = vbits == 57 ? 5 : 4;
		table = pg->cr3 & addr_mask;
	} else {
		/* PAE: the four PDPTEs sit 32-byte aligned at CR3. */
		la &= 0xffffffff;
		if (rd(opaque, (pg->cr3 & 0xffffffe0) + ((la >> 30) << 3), &e,
		       8))
			return -X86_WALK_EMEM;
		if (!(e & PTE_P))
			return fault(w, 0, out);
		if (e & (bits(maxphy(pg), 63) | bits(5, 8) | bits(1, 2)))
			return fault(w, X86_PF_P | X86_PF_RSVD, out);
		top = 2;
		table = e & addr_mask;
	}
	for (level = top;; level--) {
		unsigned int shift = 12 + 9 * (level - 1);

		if (rd(opaque, table + ((la >> shift) & 511) * 8, &e, 8))
			return -X86_WALK_EMEM;
		if (!(e & PTE_P))
			return fault(w, 0, out);
		if (reserved(pg, e, level, top))
			return fault(w, X86_PF_P | X86_PF_RSVD, out);
		account(w, e);
		if (level == 1 || (level <= 3 && (e & PTE_PS))) {
			out->page_size = 1ull << shift;
			out->gpa = (e & addr_mask & ~(out->page_size - 1)) |
				   (la & (out->page_size - 1));
			return check_leaf(w, out);
		}
		table = e & addr_mask;
	}
}

int x86_walk(const struct x86_paging *pg, u64 la, u32 access, x86_gpa_read_t rd,
	     void *opaque, struct x86_walk *out)
{
	struct walk_state w = {
		.pg = pg, .access = access, .user_ok = true, .write_ok = true
	};

	out->pfec = 0;
	if (!(pg->cr0 & CR0_PG)) {
		out->gpa = la & 0xffffffff;
		out->page_size = 4096;
		return 0;
	}
	if (!(pg->cr4 & CR4_PAE))
		return walk32(&w, la, rd, opaque, out);
	return walk64(&w, la, rd, opaque, out);
}

int x86_read_linear(const struct x86_paging *pg, u64 la, void *buf,
		    unsigned int len, u32 access, x86_gpa_read_t rd,
		    void *opaque, unsigned int *done, struct x86_walk *out)
{
	u8 *p = buf;
	int err;

	*done = 0;
	while (*done < len) {
		u64 cur = la + *done;
		unsigned int chunk = 4096 - (cur & 0xfff), i;

		err = x86_walk(pg, cur, access, rd, opaque, out);
		if (err)
			return err;
		chunk = MIN(chunk, len - *done);
		/* Byte reads: the callback only promises sizes 1..8. */
		for (i = 0; i < chunk; i++, (*done)++) {
			if (rd(opaque, out->gpa + i, p + *done, 1))
				return -X86_WALK_EMEM;
		}
	}
	return 0;
}

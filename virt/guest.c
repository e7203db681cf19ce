// SPDX-License-Identifier: GPL-2.0
/* Guest-linear memory accesses through the vCPU's own paging state. */
#include <asm/cpufeature.h>
#include "virt.h"

int vcpu_gpa_read(void *opaque, u64 gpa, void *buf, unsigned int size)
{
	return vm_read_phys(opaque, gpa, buf, size);
}

void vcpu_paging(struct vcpu *v, const struct vcpu_sregs *s,
		 struct x86_paging *pg)
{
	pg->cr0 = s->cr0;
	pg->cr3 = s->cr3;
	pg->cr4 = s->cr4;
	pg->efer = s->efer;
	pg->maxphyaddr = cpu.phys_addr_bits;
}

unsigned int vcpu_cpl(const struct vcpu_sregs *s)
{
	if (!(s->cr0 & 1))
		return 0;
	return SEG_ATTR_DPL(s->ss.attr);
}

/* Translate; on a guest fault queue #PF/#GP and return -1. */
static int translate(struct vcpu *v, const struct vcpu_sregs *s, u64 la,
		     u32 access, u64 *gpa)
{
	struct x86_paging pg;
	struct x86_walk w;
	int r;

	vcpu_paging(v, s, &pg);
	if (vcpu_cpl(s) == 3)
		access |= X86_PF_U;
	r = x86_walk(&pg, la, access, vcpu_gpa_read, v->vm, &w);
	if (!r) {
		*gpa = w.gpa;
		return 0;
	}
	if (r == -X86_WALK_EPF) {
		struct vcpu_sregs ns = *s;

		ns.cr2 = la;
		vcpu_ops->set_sregs(v, &ns);
		vcpu_inject_exception(v, 14, true, w.pfec);
	} else if (r == -X86_WALK_EGP) {
		vcpu_inject_exception(v, 13, true, 0);
	} else {
		return -2; /* page tables outside RAM */
	}
	return -1;
}

int vcpu_translate(struct vcpu *v, u64 la, u32 access, u64 *gpa)
{
	struct vcpu_sregs s;

	vcpu_ops->get_sregs(v, &s);
	return translate(v, &s, la, access, gpa);
}

static int access_linear(struct vcpu *v, u64 la, void *buf, unsigned int len,
			 bool write, u32 access)
{
	struct vcpu_sregs s;
	u8 *p = buf;

	vcpu_ops->get_sregs(v, &s);
	while (len) {
		unsigned int n = 4096 - (la & 0xFFF);
		u64 gpa;
		int r;

		n = MIN(n, len);
		r = translate(v, &s, la, write ? X86_PF_W : access, &gpa);
		if (r)
			return r;
		r = write ? vm_write_phys(v->vm, gpa, p, n)
			  : vm_read_phys(v->vm, gpa, p, n);
		if (r)
			return -2;
		la += n;
		p += n;
		len -= n;
	}
	return 0;
}

int vcpu_read_linear(struct vcpu *v, u64 la, void *buf, unsigned int len,
		     u32 access)
{
	return access_linear(v, la, buf, len, false, access);
}

int vcpu_write_linear(struct vcpu *v, u64 la, const void *buf, unsigned int len)
{
	return access_linear(v, la, (void *)buf, len, true, 0);
}

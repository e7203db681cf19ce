// SPDX-License-Identifier: GPL-2.0
/*
 * The MSRs a guest may touch. Anything not listed raises #GP(0), which is
 * also what the hidden CPUID features promise (no perfmon, MCA, x2APIC,
 * speculation-control or SVM/VMX MSRs):
 *
 *   MSR                    read                      write
 *   TSC (0x10)             guest TSC (host TSC +     ignored (the offset
 *                          the VM's offset)          stays the VM's)
 *   APIC_BASE (0x1B)       0xFEE00000 | BSP, EN=0    ignored (no LAPIC)
 *   BIOS_SIGN_ID (0x8B)    0: no microcode update    ignored (Linux writes
 *                                                    0, CPUID, reads)
 *   MTRRCAP (0xFE)         0: no ranges, no WC       #GP (read-only)
 *   SYSENTER_CS/ESP/EIP    stored value              stored
 *   MISC_ENABLE (0x1A0)    fast strings, no perfmon  ignored
 *   PAT (0x277)            stored, power-on value    stored; bad type #GP
 *   MTRR_DEF_TYPE (0x2FF)  stored                    stored; reserved #GP
 *   STAR/LSTAR/CSTAR/      stored value              stored; LSTAR/CSTAR
 *   SFMASK/KERNEL_GS_BASE                            must be canonical
 *   NB_CFG (0xC001001F)    stored (AMD northbridge   stored; only bit 46
 *                          config, Linux sets bit 46) (extended CF8)
 *   EFER, FS_BASE, GS_BASE: vendor guest state (see cpuid_exit.c)
 *
 * The stored values are what the guest reads back. The SYSCALL/SYSENTER
 * targets, the SWAPGS base and FS/GS base never exit on either backend
 * (they are passed through and switched with the vCPU: arch/x86/svm/svm.c,
 * arch/x86/vmx/vmx.c), so their entries here only serve a backend that
 * intercepts them. PAT is stored, not loaded (QEMU ignores memory types).
 */
#include "policy.h"

static bool canonical(u64 v)
{
	return (u64)((s64)(v << 16) >> 16) == v;
}

static bool pat_ok(u64 v)
{
	for (int i = 0; i < 8; i++) {
		u8 t = (u8)(v >> (8 * i));

		if (t == 2 || t == 3 || t > 7)
			return false;
	}
	return true;
}

void msr_state_reset(struct msr_state *s, bool bsp)
{
	*s = (struct msr_state){ 0 };
	s->pat = PAT_POWER_ON;
	s->misc_enable = MISC_ENABLE_VALUE;
	s->bsp = bsp;
}

int msr_efer_check(u64 val, bool nx)
{
	u64 allowed = EFER_GUEST_BITS & ~(nx ? 0 : (1ull << 11));

	return (val & ~allowed) ? -1 : 0;
}

int msr_policy_read(const struct msr_state *s, u32 msr, u64 guest_tsc, u64 *val)
{
	switch (msr) {
	case MSR_IA32_TSC: *val = guest_tsc; return 0;
	case MSR_IA32_APIC_BASE:
		*val = APIC_BASE_DEFAULT | (s->bsp ? APIC_BASE_BSP : 0);
		return 0;
	case MSR_IA32_MTRRCAP:
	case MSR_IA32_BIOS_SIGN_ID: *val = 0; return 0;
	case MSR_IA32_SYSENTER_CS: *val = s->sysenter_cs; return 0;
	case MSR_IA32_SYSENTER_ESP: *val = s->sysenter_esp; return 0;
	case MSR_IA32_SYSENTER_EIP: *val = s->sysenter_eip; return 0;
	case MSR_IA32_MISC_ENABLE: *val = s->misc_enable; return 0;
	case MSR_IA32_PAT: *val = s->pat; return 0;
	case MSR_IA32_MTRR_DEF_TYPE: *val = s->mtrr_def_type; return 0;
	case MSR_IA32_STAR: *val = s->star; return 0;
	case MSR_IA32_LSTAR: *val = s->lstar; return 0;
	case MSR_IA32_CSTAR: *val = s->cstar; return 0;
	case MSR_IA32_SFMASK: *val = s->sfmask; return 0;
	case MSR_IA32_KERNEL_GS_BASE: *val = s->kernel_gs_base; return 0;
	case MSR_AMD64_NB_CFG: *val = s->nb_cfg; return 0;
	}
	return -1;
}

int msr_policy_write(struct msr_state *s, u32 msr, u64 val)
{
	switch (msr) {
	case MSR_IA32_TSC:
	case MSR_IA32_BIOS_SIGN_ID:
	case MSR_IA32_APIC_BASE:
	case MSR_IA32_MISC_ENABLE: return 0;
	case MSR_IA32_SYSENTER_CS: s->sysenter_cs = val & 0xFFFF; return 0;
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
		if (!canonical(val))
			return -1;
		if (msr == MSR_IA32_SYSENTER_ESP)
			s->sysenter_esp = val;
		else
			s->sysenter_eip = val;
		return 0;
	case MSR_IA32_PAT:
		if (!pat_ok(val))
			return -1;
		s->pat = val;
		return 0;
	case MSR_IA32_MTRR_DEF_TYPE:
		/* type [7:0] (UC or WB only: no fixed/variable ranges), FE, E */
		if ((val & ~0xCFFull) ||
		    ((val & 0xFF) != 0 && (val & 0xFF) != 6))
			return -1;
		s->mtrr_def_type = val;
		return 0;
	case MSR_IA32_STAR: s->star = val; return 0;
	case MSR_IA32_LSTAR:
	case MSR_IA32_CSTAR:
	case MSR_IA32_KERNEL_GS_BASE:
		if (!canonical(val))
			return -1;
		if (msr == MSR_IA32_LSTAR)
			s->lstar = val;
		else if (msr == MSR_IA32_CSTAR)
			s->cstar = val;
		else
			s->kernel_gs_base = val;
		return 0;
	case MSR_IA32_SFMASK: s->sfmask = val & 0xFFFFFFFF; return 0;
	case MSR_AMD64_NB_CFG:
		if (val & ~NB_CFG_GUEST_BITS)
			return -1;
		s->nb_cfg = val;
		return 0;
	}
	return -1;
}

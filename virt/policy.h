/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPUID and MSR policies: pure functions of the host's values and the
 * vCPU's emulated state, so host unit tests check them (tests/unit).
 */
#ifndef VIRT_POLICY_H
#define VIRT_POLICY_H

#include <pv/types.h>

struct cpuid_out {
	u32 eax, ebx, ecx, edx;
};

/* The host's CPUID, as the policy sees it (a stub in unit tests). */
typedef struct cpuid_out (*cpuid_host_fn)(u32 leaf, u32 subleaf);

struct cpuid_ctx {
	cpuid_host_fn host;
	unsigned int vcpu_id, nr_vcpus;
	/* The VM has the PC platform: a local APIC (with TSC-deadline
	 * timer and x2APIC) and ACPI tables. */
	bool platform;
};

/* The guest's view of CPUID(leaf, subleaf). Returns false for leaves the
 * policy does not know (answered with zeros, counted by the caller). */
bool cpuid_policy(const struct cpuid_ctx *c, u32 leaf, u32 subleaf,
		  struct cpuid_out *out);

/* Highest basic / extended leaf the guest is shown. */
#define CPUID_GUEST_MAX_BASIC 0xD
#define CPUID_GUEST_MAX_EXT 0x80000008
#define CPUID_HV_MAX 0x40000001

/* Per-vCPU MSR state the core emulates (EFER, FS/GS base live in the
 * vendor guest state and go through get_sregs/set_sregs instead). */
struct msr_state {
	u64 pat, misc_enable, mtrr_def_type;
	u64 sysenter_cs, sysenter_esp, sysenter_eip;
	u64 star, lstar, cstar, sfmask, kernel_gs_base;
	u64 tsc_aux;
	u64 nb_cfg;
	bool bsp;
};

#define MSR_IA32_TSC 0x10
#define MSR_IA32_BIOS_SIGN_ID 0x8B /* microcode revision */
#define MSR_IA32_APIC_BASE 0x1B
#define MSR_IA32_MTRRCAP 0xFE
#define MSR_IA32_SYSENTER_CS 0x174
#define MSR_IA32_SYSENTER_ESP 0x175
#define MSR_IA32_SYSENTER_EIP 0x176
#define MSR_IA32_MISC_ENABLE 0x1A0
#define MSR_IA32_PAT 0x277
#define MSR_IA32_MTRR_DEF_TYPE 0x2FF
#define MSR_IA32_EFER 0xC0000080
#define MSR_IA32_STAR 0xC0000081
#define MSR_IA32_LSTAR 0xC0000082
#define MSR_IA32_CSTAR 0xC0000083
#define MSR_IA32_SFMASK 0xC0000084
#define MSR_IA32_FS_BASE 0xC0000100
#define MSR_IA32_GS_BASE 0xC0000101
#define MSR_IA32_KERNEL_GS_BASE 0xC0000102
#define MSR_AMD64_NB_CFG 0xC001001F
/* NB_CFG bits a guest may set: EnableCf8ExtCfg (46), which only widens
 * 0xCF8 to extended config space; our host bridge ignores it. */
#define NB_CFG_GUEST_BITS (1ull << 46)

#define PAT_POWER_ON 0x0007040600070406ull
#define APIC_BASE_DEFAULT 0xFEE00000ull
#define APIC_BASE_BSP (1ull << 8)
/* Fast strings; perfmon and PEBS unavailable (bits 7, 12). */
#define MISC_ENABLE_VALUE ((1ull << 0) | (1ull << 7) | (1ull << 12))

/* Guest-visible EFER bits (SVME is never shown: no nested virtualization). */
#define EFER_GUEST_BITS \
	((1ull << 0) | (1ull << 8) | (1ull << 10) | (1ull << 11))

void msr_state_reset(struct msr_state *s, bool bsp);
/* 0 and *val, or -1: the guest gets #GP(0). guest_tsc is its TSC now. */
int msr_policy_read(const struct msr_state *s, u32 msr, u64 guest_tsc,
		    u64 *val);
int msr_policy_write(struct msr_state *s, u32 msr, u64 val);
/* EFER write check: -1 for reserved bits (or NXE without NX). */
int msr_efer_check(u64 val, bool nx);

#endif

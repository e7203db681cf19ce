/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Intel VMX backend internals: VMCS field encodings, control bits, exit
 * reasons (SDM vol. 3C, appendices A-C) and the VMX instructions.
 */
#ifndef ARCH_X86_VMX_VMX_H
#define ARCH_X86_VMX_VMX_H

#include <pv/types.h>
#include <asm/fpu.h>
#include <pv/vcpu.h>

/* ---- VMCS fields: 16-bit ---- */
#define VMCS_VPID 0x0000
#define VMCS_GUEST_ES_SEL 0x0800 /* ES, CS, SS, DS, FS, GS, LDTR, TR: +2 */
#define VMCS_HOST_ES_SEL 0x0C00
#define VMCS_HOST_CS_SEL 0x0C02
#define VMCS_HOST_SS_SEL 0x0C04
#define VMCS_HOST_DS_SEL 0x0C06
#define VMCS_HOST_FS_SEL 0x0C08
#define VMCS_HOST_GS_SEL 0x0C0A
#define VMCS_HOST_TR_SEL 0x0C0C

/* ---- 64-bit ---- */
#define VMCS_IO_BITMAP_A 0x2000
#define VMCS_IO_BITMAP_B 0x2002
#define VMCS_MSR_BITMAP 0x2004
#define VMCS_TSC_OFFSET 0x2010
#define VMCS_EXIT_MSR_STORE 0x2006
#define VMCS_EXIT_MSR_LOAD 0x2008
#define VMCS_ENTRY_MSR_LOAD 0x200A
#define VMCS_EPT_POINTER 0x201A
#define VMCS_GUEST_PHYS_ADDR 0x2400
#define VMCS_LINK_POINTER 0x2800
#define VMCS_GUEST_DEBUGCTL 0x2802
#define VMCS_GUEST_PAT 0x2804
#define VMCS_GUEST_EFER 0x2806
#define VMCS_GUEST_PDPTE0 0x280A /* ..3: +2 */
#define VMCS_HOST_PAT 0x2C00
#define VMCS_HOST_EFER 0x2C02

/* ---- 32-bit ---- */
#define VMCS_PIN_CTLS 0x4000
#define VMCS_PROC_CTLS 0x4002
#define VMCS_EXCEPTION_BITMAP 0x4004
#define VMCS_PF_ERR_MASK 0x4006
#define VMCS_PF_ERR_MATCH 0x4008
#define VMCS_CR3_TARGET_COUNT 0x400A
#define VMCS_EXIT_CTLS 0x400C
#define VMCS_EXIT_MSR_STORE_COUNT 0x400E
#define VMCS_EXIT_MSR_LOAD_COUNT 0x4010
#define VMCS_ENTRY_CTLS 0x4012
#define VMCS_ENTRY_MSR_LOAD_COUNT 0x4014
#define VMCS_ENTRY_INTR_INFO 0x4016
#define VMCS_ENTRY_EXC_ERROR 0x4018
#define VMCS_ENTRY_INSN_LEN 0x401A
#define VMCS_PROC2_CTLS 0x401E
#define VMCS_INSN_ERROR 0x4400
#define VMCS_EXIT_REASON 0x4402
#define VMCS_EXIT_INTR_INFO 0x4404
#define VMCS_EXIT_INTR_ERROR 0x4406
#define VMCS_IDT_VECTORING_INFO 0x4408
#define VMCS_IDT_VECTORING_ERROR 0x440A
#define VMCS_EXIT_INSN_LEN 0x440C
#define VMCS_GUEST_ES_LIMIT 0x4800 /* ES..TR: +2, then GDTR, IDTR */
#define VMCS_GUEST_GDTR_LIMIT 0x4810
#define VMCS_GUEST_IDTR_LIMIT 0x4812
#define VMCS_GUEST_ES_AR 0x4814 /* ES..TR: +2 */
#define VMCS_GUEST_INTERRUPTIBILITY 0x4824
#define VMCS_GUEST_ACTIVITY 0x4826
#define VMCS_GUEST_SYSENTER_CS 0x482A
#define VMCS_PREEMPTION_TIMER 0x482E
#define VMCS_HOST_SYSENTER_CS 0x4C00

/* ---- natural width ---- */
#define VMCS_CR0_MASK 0x6000
#define VMCS_CR4_MASK 0x6002
#define VMCS_CR0_SHADOW 0x6004
#define VMCS_CR4_SHADOW 0x6006
#define VMCS_EXIT_QUAL 0x6400
#define VMCS_GUEST_LINEAR_ADDR 0x640A
#define VMCS_GUEST_CR0 0x6800
#define VMCS_GUEST_CR3 0x6802
#define VMCS_GUEST_CR4 0x6804
#define VMCS_GUEST_ES_BASE 0x6806 /* ES..TR: +2 */
#define VMCS_GUEST_GDTR_BASE 0x6816
#define VMCS_GUEST_IDTR_BASE 0x6818
#define VMCS_GUEST_DR7 0x681A
#define VMCS_GUEST_RSP 0x681C
#define VMCS_GUEST_RIP 0x681E
#define VMCS_GUEST_RFLAGS 0x6820
#define VMCS_GUEST_PENDING_DBG 0x6822
#define VMCS_GUEST_SYSENTER_ESP 0x6824
#define VMCS_GUEST_SYSENTER_EIP 0x6826
#define VMCS_HOST_CR0 0x6C00
#define VMCS_HOST_CR3 0x6C02
#define VMCS_HOST_CR4 0x6C04
#define VMCS_HOST_FS_BASE 0x6C06
#define VMCS_HOST_GS_BASE 0x6C08
#define VMCS_HOST_TR_BASE 0x6C0A
#define VMCS_HOST_GDTR_BASE 0x6C0C
#define VMCS_HOST_IDTR_BASE 0x6C0E
#define VMCS_HOST_SYSENTER_ESP 0x6C10
#define VMCS_HOST_SYSENTER_EIP 0x6C12
#define VMCS_HOST_RSP 0x6C14
#define VMCS_HOST_RIP 0x6C16

/* Segment order of the guest segment fields. */
enum vmx_seg {
	VSEG_ES,
	VSEG_CS,
	VSEG_SS,
	VSEG_DS,
	VSEG_FS,
	VSEG_GS,
	VSEG_LDTR,
	VSEG_TR
};

/* ---- controls ---- */
#define PIN_EXTINT_EXITING (1u << 0)
#define PIN_NMI_EXITING (1u << 3)
#define PIN_VIRTUAL_NMIS (1u << 5)
#define PIN_PREEMPTION_TIMER (1u << 6)

#define PROC_INTR_WINDOW (1u << 2)
#define PROC_TSC_OFFSETTING (1u << 3)
#define PROC_HLT_EXITING (1u << 7)
#define PROC_CR3_LOAD (1u << 15)
#define PROC_CR3_STORE (1u << 16)
#define PROC_UNCOND_IO (1u << 24)
#define PROC_IO_BITMAPS (1u << 25)
#define PROC_MSR_BITMAPS (1u << 28)
#define PROC_SECONDARY_CTLS (1u << 31)

#define PROC2_ENABLE_EPT (1u << 1)
#define PROC2_ENABLE_VPID (1u << 5)
#define PROC2_UNRESTRICTED_GUEST (1u << 7)

#define EXIT_SAVE_DEBUG (1u << 2)
#define EXIT_HOST_64 (1u << 9)
#define EXIT_ACK_INTR (1u << 15)
#define EXIT_SAVE_PAT (1u << 18)
#define EXIT_LOAD_PAT (1u << 19)
#define EXIT_SAVE_EFER (1u << 20)
#define EXIT_SAVE_PREEMPTION (1u << 22)
#define EXIT_LOAD_EFER (1u << 21)

#define ENTRY_LOAD_DEBUG (1u << 2)
#define ENTRY_IA32E_GUEST (1u << 9)
#define ENTRY_LOAD_PAT (1u << 14)
#define ENTRY_LOAD_EFER (1u << 15)

/* Interruption information (entry, exit, IDT vectoring). */
#define INTR_INFO_VECTOR(x) ((x)&0xFF)
#define INTR_INFO_TYPE(x) (((x) >> 8) & 7)
#define INTR_INFO_HAS_ERROR (1u << 11)
#define INTR_INFO_VALID (1u << 31)
#define INTR_TYPE_EXTINT 0
#define INTR_TYPE_NMI 2
#define INTR_TYPE_HW_EXC 3
#define INTR_TYPE_SW_INT 4
#define INTR_TYPE_PRIV_SW_EXC 5
#define INTR_TYPE_SW_EXC 6

#define INTERRUPTIBILITY_STI (1u << 0)
#define INTERRUPTIBILITY_MOVSS (1u << 1)

#define VMX_AR_UNUSABLE (1u << 16)

/* ---- basic exit reasons ---- */
#define VMX_EXIT_EXC_NMI 0
#define VMX_EXIT_EXTINT 1
#define VMX_EXIT_TRIPLE_FAULT 2
#define VMX_EXIT_INIT 3
#define VMX_EXIT_SIPI 4
#define VMX_EXIT_INTR_WINDOW 7
#define VMX_EXIT_CPUID 10
#define VMX_EXIT_HLT 12
#define VMX_EXIT_VMCALL 18
#define VMX_EXIT_CR_ACCESS 28
#define VMX_EXIT_IO 30
#define VMX_EXIT_RDMSR 31
#define VMX_EXIT_WRMSR 32
#define VMX_EXIT_BAD_GUEST 33
#define VMX_EXIT_BAD_MSR_LOAD 34
#define VMX_EXIT_EPT_VIOLATION 48
#define VMX_EXIT_EPT_MISCONFIG 49
#define VMX_EXIT_PREEMPTION_TIMER 52
#define VMX_EXIT_ENTRY_FAILED (1u << 31)

/* ---- capability MSR bits ---- */
#define MSR_VMX_CR0_FIXED0 0x486
#define MSR_VMX_CR0_FIXED1 0x487
#define MSR_VMX_CR4_FIXED0 0x488
#define MSR_VMX_CR4_FIXED1 0x489
#define MSR_SYSENTER_CS 0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176

#define EPTCAP_XONLY (1ull << 0)
#define EPTCAP_WALK4 (1ull << 6)
#define EPTCAP_WB (1ull << 14)
#define EPTCAP_2M (1ull << 16)
#define EPTCAP_INVEPT (1ull << 20)
#define EPTCAP_INVEPT_SINGLE (1ull << 25)
#define EPTCAP_INVEPT_ALL (1ull << 26)
#define EPTCAP_INVVPID (1ull << 32)
#define EPTCAP_INVVPID_SINGLE (1ull << 41)
#define EPTCAP_INVVPID_ALL (1ull << 42)

/* ---- instructions ---- */

/* Returns 0, or -1 on VMfailInvalid/VMfailValid (CF or ZF set). */
static inline int vmx_vmxon(phys_addr_t pa)
{
	u8 fail;

	__asm__ __volatile__("vmxon %1; setbe %0"
			     : "=qm"(fail)
			     : "m"(pa)
			     : "cc", "memory");
	return fail ? -1 : 0;
}

static inline int vmx_vmclear(phys_addr_t pa)
{
	u8 fail;

	__asm__ __volatile__("vmclear %1; setbe %0"
			     : "=qm"(fail)
			     : "m"(pa)
			     : "cc", "memory");
	return fail ? -1 : 0;
}

static inline int vmx_vmptrld(phys_addr_t pa)
{
	u8 fail;

	__asm__ __volatile__("vmptrld %1; setbe %0"
			     : "=qm"(fail)
			     : "m"(pa)
			     : "cc", "memory");
	return fail ? -1 : 0;
}

static inline u64 vmread(u64 field)
{
	u64 v;

	__asm__ __volatile__("vmread %1, %0" : "=r"(v) : "r"(field) : "cc");
	return v;
}

/* A failed VMWRITE is a backend bug (bad field or value width). */
static inline int vmwrite(u64 field, u64 val)
{
	u8 fail;

	__asm__ __volatile__("vmwrite %2, %1; setbe %0"
			     : "=qm"(fail)
			     : "r"(field), "rm"(val)
			     : "cc");
	return fail ? -1 : 0;
}

static inline void vmx_invept(unsigned long type, u64 eptp)
{
	struct {
		u64 eptp, zero;
	} desc = { eptp, 0 };

	__asm__ __volatile__("invept %0, %1"
			     :
			     : "m"(desc), "r"(type)
			     : "cc", "memory");
}

static inline void vmx_invvpid(unsigned long type, u16 vpid)
{
	struct {
		u64 vpid, addr;
	} desc = { vpid, 0 };

	__asm__ __volatile__("invvpid %0, %1"
			     :
			     : "m"(desc), "r"(type)
			     : "cc", "memory");
}

/* ---- backend state ---- */

/* Stage-2 tables of one VM (vm->s2). */
struct vmx_ept {
	u64 *pml4;
	phys_addr_t pml4_pa;
	u64 eptp;
	u32 gen; /* bumped on every change; vCPUs flush when it moves */
};

#define VMX_SWITCHED_MSRS 5

struct vmx_vcpu {
	struct vcpu *v;
	void *vmcs;
	phys_addr_t vmcs_pa;
	int cpu; /* CPU where the VMCS is active, -1 when cleared */
	bool launched;
	u16 vpid;
	u32 ept_gen; /* stage-2 generation flushed on cpu */
	u32 proc_ctls, entry_ctls;
	u64 cr0_mask, cr4_mask;
	u64 cr2; /* the VMCS does not hold CR2 */
	u64 vmcs_rsp, vmcs_rflags; /* as in the VMCS: skip rewriting them */
	u32 intr_state; /* guest interruptibility at the last exit */
	u64 exit_rip; /* guest RIP at the last exit */
	u32 reinject, reinject_error; /* event cut short by an exit */
	u8 reinject_len; /* its instruction length (software events) */
	struct guest_fpu fpu; /* x87/SSE state, switched lazily */
	u64 smsr[VMX_SWITCHED_MSRS]; /* STAR, LSTAR, CSTAR, SFMASK, KGS */
};

/* Entry: loads guest GPRs from gpr[] (x86_regs order, RSP skipped) and
 * runs VMLAUNCH (launched == 0) or VMRESUME. Returns 0 after a VM exit
 * with the guest GPRs stored back, 1 on VMfailInvalid, 2 on VMfailValid. */
int vmx_enter(u64 *gpr, int launched);
void vmx_exit_stub(void);

/* Per-CPU: VMXON done (cpu_enable). */
bool vmx_cpu_on(void);
u64 vmx_eptp(struct vm *vm);
u32 vmx_ept_gen(struct vm *vm);
void vmx_flush_ept(u64 eptp);

int vmx_vm_init(struct vm *vm);
void vmx_vm_destroy(struct vm *vm);
int vmx_s2_map(struct vm *vm, gpa_t gpa, phys_addr_t hpa, u64 size,
	       unsigned int prot);
int vmx_s2_unmap(struct vm *vm, gpa_t gpa, u64 size);
/* Host address behind a readable guest-physical byte, or 0. */
phys_addr_t vmx_ept_lookup(struct vm *vm, gpa_t gpa);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The AMD SVM virtual machine control block (AMD APM vol. 2, appendix B):
 * a 4 KiB page, control area at 0x000, state save area at 0x400.
 */
#ifndef SVM_VMCB_H
#define SVM_VMCB_H

#include <pv/types.h>
#include <pv/compiler.h>

/* Intercept word 3 (offset 0x00C). */
#define INTERCEPT_INTR (1u << 0)
#define INTERCEPT_NMI (1u << 1)
#define INTERCEPT_SMI (1u << 2)
#define INTERCEPT_INIT (1u << 3)
#define INTERCEPT_VINTR (1u << 4)
#define INTERCEPT_CPUID (1u << 18)
#define INTERCEPT_INVD (1u << 22)
#define INTERCEPT_HLT (1u << 24)
#define INTERCEPT_INVLPGA (1u << 26)
#define INTERCEPT_IOIO (1u << 27)
#define INTERCEPT_MSR (1u << 28)
#define INTERCEPT_TASK_SWITCH (1u << 29)
#define INTERCEPT_SHUTDOWN (1u << 31)

/* Intercept word 4 (offset 0x010). */
#define INTERCEPT_VMRUN (1u << 0)
#define INTERCEPT_VMMCALL (1u << 1)
#define INTERCEPT_VMLOAD (1u << 2)
#define INTERCEPT_VMSAVE (1u << 3)
#define INTERCEPT_STGI (1u << 4)
#define INTERCEPT_CLGI (1u << 5)
#define INTERCEPT_SKINIT (1u << 6)

/* TLB_CONTROL. */
#define TLB_CONTROL_NONE 0
#define TLB_CONTROL_FLUSH_ALL 1
#define TLB_CONTROL_FLUSH_ASID 3

/* V_INTR fields (offset 0x060). */
#define V_IRQ (1ull << 8)
#define V_INTR_PRIO_SHIFT 16
#define V_IGN_TPR (1ull << 20)
#define V_INTR_MASKING (1ull << 24)

#define INT_SHADOW (1ull << 0) /* offset 0x068 */
#define NP_ENABLE (1ull << 0) /* offset 0x090 */

/* EVENTINJ / EXITINTINFO. */
#define EVTINJ_VEC_MASK 0xFFull
#define EVTINJ_TYPE_SHIFT 8
#define EVTINJ_TYPE_MASK (7ull << EVTINJ_TYPE_SHIFT)
#define EVTINJ_TYPE_INTR 0
#define EVTINJ_TYPE_NMI 2
#define EVTINJ_TYPE_EXC 3
#define EVTINJ_TYPE_SOFT 4
#define EVTINJ_EV (1ull << 11) /* error code valid */
#define EVTINJ_VALID (1ull << 31)

/* Exit codes. */
#define SVM_EXIT_EXC_BASE 0x40
#define SVM_EXIT_INTR 0x60
#define SVM_EXIT_NMI 0x61
#define SVM_EXIT_INIT 0x63
#define SVM_EXIT_VINTR 0x64
#define SVM_EXIT_CPUID 0x72
#define SVM_EXIT_HLT 0x78
#define SVM_EXIT_IOIO 0x7B
#define SVM_EXIT_MSR 0x7C
#define SVM_EXIT_SHUTDOWN 0x7F
#define SVM_EXIT_VMMCALL 0x81
/* SVM instructions a guest must not run (CPUID hides SVM from it). */
#define SVM_EXIT_INVLPGA 0x7A
#define SVM_EXIT_VMRUN 0x80
#define SVM_EXIT_VMLOAD 0x82
#define SVM_EXIT_VMSAVE 0x83
#define SVM_EXIT_STGI 0x84
#define SVM_EXIT_CLGI 0x85
#define SVM_EXIT_SKINIT 0x86
#define SVM_EXIT_NPF 0x400
#define SVM_EXIT_INVALID 0xFFFFFFFFu /* low 32 bits of -1 */

/* IOIO EXITINFO1. */
#define IOIO_IN (1ull << 0)
#define IOIO_STR (1ull << 2)
#define IOIO_REP (1ull << 3)
#define IOIO_SZ_SHIFT 4 /* one-hot: 1, 2, 4 bytes */
#define IOIO_PORT_SHIFT 16

/* NPF EXITINFO1. */
#define NPF_WRITE (1ull << 1)
#define NPF_FETCH (1ull << 4)
#define NPF_FINAL (1ull << 32)

struct vmcb_seg {
	u16 sel;
	u16 attr; /* packed: type/S/DPL/P in 7:0, AVL/L/DB/G in 11:8 */
	u32 limit;
	u64 base;
} __packed;

struct vmcb_control {
	u32 intercept_cr; /* 0x000: reads 15:0, writes 31:16 */
	u32 intercept_dr; /* 0x004 */
	u32 intercept_exc; /* 0x008 */
	u32 intercept3; /* 0x00C */
	u32 intercept4; /* 0x010 */
	u32 intercept5; /* 0x014 */
	u8 rsvd0[0x03C - 0x018];
	u16 pause_thresh; /* 0x03C */
	u16 pause_count; /* 0x03E */
	u64 iopm_pa; /* 0x040 */
	u64 msrpm_pa; /* 0x048 */
	u64 tsc_offset; /* 0x050 */
	u32 asid; /* 0x058 */
	u8 tlb_control; /* 0x05C */
	u8 rsvd1[3];
	u64 v_intr; /* 0x060 */
	u64 int_state; /* 0x068 */
	u64 exit_code; /* 0x070 */
	u64 exit_info1; /* 0x078 */
	u64 exit_info2; /* 0x080 */
	u64 exit_int_info; /* 0x088 */
	u64 np_enable; /* 0x090 */
	u64 avic_bar; /* 0x098 */
	u64 ghcb_pa; /* 0x0A0 */
	u64 event_inj; /* 0x0A8 */
	u64 n_cr3; /* 0x0B0 */
	u64 lbr_virt; /* 0x0B8 */
	u32 clean; /* 0x0C0 */
	u32 rsvd2;
	u64 next_rip; /* 0x0C8 */
	u8 insn_fetched; /* 0x0D0 */
	u8 insn_bytes[15];
	u8 rsvd3[0x400 - 0x0E0];
} __packed;

struct vmcb_save {
	struct vmcb_seg es, cs, ss, ds, fs, gs; /* 0x400 */
	struct vmcb_seg gdtr, ldtr, idtr, tr; /* 0x460 */
	u8 rsvd0[0x4CB - 0x4A0];
	u8 cpl; /* 0x4CB */
	u32 rsvd1;
	u64 efer; /* 0x4D0 */
	u8 rsvd2[0x548 - 0x4D8];
	u64 cr4; /* 0x548 */
	u64 cr3;
	u64 cr0;
	u64 dr7;
	u64 dr6;
	u64 rflags;
	u64 rip; /* 0x578 */
	u8 rsvd3[0x5D8 - 0x580];
	u64 rsp; /* 0x5D8 */
	u64 s_cet, ssp, isst_addr;
	u64 rax; /* 0x5F8 */
	u64 star, lstar, cstar, sfmask, kernel_gs_base;
	u64 sysenter_cs, sysenter_esp, sysenter_eip;
	u64 cr2; /* 0x640 */
	u8 rsvd4[0x668 - 0x648];
	u64 g_pat; /* 0x668 */
	u64 dbgctl;
	u8 rsvd5[0x1000 - 0x678];
} __packed;

struct vmcb {
	struct vmcb_control c;
	struct vmcb_save s;
} __packed;

#define VMCB_OFF(f) __builtin_offsetof(struct vmcb, f)
_Static_assert(VMCB_OFF(c.asid) == 0x058, "asid");
_Static_assert(VMCB_OFF(c.event_inj) == 0x0A8, "event_inj");
_Static_assert(VMCB_OFF(c.next_rip) == 0x0C8, "next_rip");
_Static_assert(VMCB_OFF(s.tr) == 0x490, "tr");
_Static_assert(VMCB_OFF(s.efer) == 0x4D0, "efer");
_Static_assert(VMCB_OFF(s.cr4) == 0x548, "cr4");
_Static_assert(VMCB_OFF(s.rip) == 0x578, "rip");
_Static_assert(VMCB_OFF(s.rsp) == 0x5D8, "rsp");
_Static_assert(VMCB_OFF(s.rax) == 0x5F8, "rax");
_Static_assert(VMCB_OFF(s.cr2) == 0x640, "cr2");
_Static_assert(VMCB_OFF(s.g_pat) == 0x668, "g_pat");
_Static_assert(sizeof(struct vmcb) == 4096, "vmcb size");

#endif

// SPDX-License-Identifier: GPL-2.0
/* Hypercalls (ABI in docs/hypercalls.md and <pv/hypercall.h>). */
#include <pv/hypercall.h>
#include <asm/timer.h>
#include "virt.h"

#define HC_INSN_LEN 3 /* VMMCALL 0F 01 D9, VMCALL 0F 01 C1 */

static u64 timer_oneshot(struct vcpu_priv *vp, u64 ns, u64 vector)
{
	if (vector < 32 || vector > 255)
		return HC_EINVAL;
	vp->timer_vector = (u8)vector;
	WRITE_ONCE(vp->timer_deadline, ns ? uptime_ns() + ns : 0);
	return 0;
}

bool handle_hypercall(struct vcpu_priv *vp, const struct vcpu_exit *e)
{
	struct vcpu *v = &vp->v;
	u64 *g = v->regs.gpr;
	struct vcpu_sregs s;
	bool stay = true;

	vcpu_ops->get_sregs(v, &s);
	if (vcpu_cpl(&s) != 0) {
		vcpu_inject_exception(v, 6, false, 0); /* #UD, as without us */
		return true;
	}
	switch (g[X86_RAX]) {
	case HC_VERSION: g[X86_RAX] = HC_ABI_VERSION; break;
	case HC_PUTC:
		vm_console_putc(v->vm, (char)g[X86_RBX]);
		g[X86_RAX] = 0;
		break;
	case HC_TIMER_ONESHOT:
		g[X86_RAX] = timer_oneshot(vp, g[X86_RBX], g[X86_RCX]);
		break;
	case HC_YIELD:
		g[X86_RAX] = 0;
		stay = false;
		break;
	case HC_VCPU_ID: g[X86_RAX] = v->id; break;
	case HC_UPTIME_NS:
		g[X86_RAX] = uptime_ns() - to_vmp(v->vm)->start_ns;
		break;
	default: g[X86_RAX] = HC_ENOSYS; break;
	}
	vcpu_skip_insn(v, e, HC_INSN_LEN);
	return stay;
}

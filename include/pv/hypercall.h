/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hypercall ABI (docs/hypercalls.md): VMMCALL (AMD) or VMCALL (Intel) from
 * CPL 0 with RAX = number, RBX/RCX/RDX = arguments; the result is in RAX.
 * Plain defines so freestanding guests can include this file.
 */
#ifndef PV_HYPERCALL_H
#define PV_HYPERCALL_H

#define HC_ABI_VERSION 0x00010000 /* major << 16 | minor */

#define HC_VERSION 0 /* -> HC_ABI_VERSION */
#define HC_PUTC 1 /* RBX = byte for the VM's console -> 0 */
#define HC_TIMER_ONESHOT 2 /* RBX = ns, RCX = vector (32..255) -> 0 */
#define HC_YIELD 3 /* give up the physical CPU -> 0 */
#define HC_VCPU_ID 4 /* -> this vCPU's id */
#define HC_UPTIME_NS 5 /* -> nanoseconds since the VM started */

#define HC_ENOSYS ((unsigned long long)-1) /* unknown number */
#define HC_EINVAL ((unsigned long long)-2) /* bad argument */

/* CPUID leaf 0x40000000: EAX = max hypervisor leaf, EBX:ECX:EDX = this. */
#define HV_SIGNATURE "PureVisorPV "

#endif

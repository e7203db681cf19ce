/* SPDX-License-Identifier: GPL-2.0 */
#ifndef GUEST_VECTORS_H
#define GUEST_VECTORS_H
/* Vectors with stubs: the exceptions and 32 interrupt vectors. */
#define GUEST_NR_VECTORS 64
#define GUEST_TIMER_VECTOR 0x30
#endif

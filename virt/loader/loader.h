/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the loaders in this directory. */
#ifndef VIRT_LOADER_H
#define VIRT_LOADER_H

#include <pv/types.h>

struct vm;

#define LOADER_MAX_MODULES 8

/* Zero len bytes of guest RAM from gpa; -1 if any is outside RAM. */
int loader_zero(struct vm *vm, u64 gpa, u64 len);

#endif

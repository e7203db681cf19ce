/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ASM_PIC_H
#define ASM_PIC_H

void pic_disable(void);

#endif

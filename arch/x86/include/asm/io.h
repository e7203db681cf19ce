/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ASM_IO_H
#define ASM_IO_H

#include <pv/types.h>

static inline void outb(u16 port, u8 v)
{
	__asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(u16 port, u16 v)
{
	__asm__ __volatile__("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(u16 port, u32 v)
{
	__asm__ __volatile__("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 v;

	__asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u16 inw(u16 port)
{
	u16 v;

	__asm__ __volatile__("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u32 inl(u16 port)
{
	u32 v;

	__asm__ __volatile__("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/*
 * MMIO through ioremap()ed pointers: volatile accesses the compiler may
 * neither merge nor split; __iomem keeps sparse from letting plain
 * dereferences through.
 */
static inline u32 mmio_read32(const volatile void __iomem *addr)
{
	return *(const volatile u32 __force *)addr;
}

static inline void mmio_write32(volatile void __iomem *addr, u32 v)
{
	*(volatile u32 __force *)addr = v;
}

static inline void io_delay(void)
{
	outb(0x80, 0);
}

#endif

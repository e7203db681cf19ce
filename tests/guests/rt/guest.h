/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Runtime of the freestanding test guests (32-bit protected mode, paging
 * off): serial console on COM1, KTAP output, exit through the debug-exit
 * port, an IDT with C handlers, hypercalls.
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdarg.h>
#include <pv/hypercall.h>
#include "guest_vectors.h"

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef unsigned int size_t;
typedef _Bool bool;
#define true 1
#define false 0
#define NULL ((void *)0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define COM1 0x3F8
#define DEBUG_EXIT_PORT 0xF4

static inline void outb(u8 v, u16 port)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(u16 v, u16 port)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(u32 v, u16 port)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u16 inw(u16 port)
{
	u16 v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u32 inl(u16 port)
{
	u32 v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void cpuid(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
	__asm__ volatile("cpuid"
			 : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
			 : "a"(leaf), "c"(sub));
}

/* Interrupt frame built by rt/isr.S; handlers may change it. */
struct frame {
	u32 edi, esi, ebp, esp0, ebx, edx, ecx, eax;
	u32 vector, error;
	u32 eip, cs, eflags;
};

typedef void (*isr_fn)(struct frame *f);
/* Route a vector to fn; an unhandled vector ends the guest (status 2). */
void set_handler(unsigned int vector, isr_fn fn);
void load_idt(void);

/* Multiboot information the loader gave us. */
struct mb_info {
	u32 flags, mem_lower, mem_upper, boot_device, cmdline;
	u32 mods_count, mods_addr;
	u32 syms[4];
	u32 mmap_length, mmap_addr;
	u32 drives_length, drives_addr, config_table, boot_loader_name;
};
extern u32 mb_magic;
extern struct mb_info *mb;
extern char _start_image[], _end[];

/* Console. */
void putc(char c);
void puts(const char *s); /* no newline added */
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vprintf(const char *fmt, va_list ap);

/* Leave the VM with a status (0 = every test passed). */
void guest_exit(u32 status) __attribute__((noreturn));

/* KTAP v1, flat: plan, then one line per case. */
void ktap_plan(unsigned int n);
void ktap_result(bool ok, const char *name);
/* Exit 0 when every case passed and the plan was met, else 1. */
void ktap_done(void) __attribute__((noreturn));
/* A failed check prints a diagnostic and marks the current case bad. */
extern bool ktap_case_ok;
#define EXPECT(c)                                                        \
	do {                                                             \
		if (!(c)) {                                              \
			printf("# %s:%d: EXPECT(%s) failed\n", __FILE__, \
			       __LINE__, #c);                            \
			ktap_case_ok = false;                            \
		}                                                        \
	} while (0)
#define EXPECT_EQ(a, b)                                                  \
	do {                                                             \
		u32 _a = (u32)(a), _b = (u32)(b);                        \
		if (_a != _b) {                                          \
			printf("# %s:%d: %s == %s failed: %#x vs %#x\n", \
			       __FILE__, __LINE__, #a, #b, _a, _b);      \
			ktap_case_ok = false;                            \
		}                                                        \
	} while (0)
/* Run fn as one KTAP case. */
void ktap_case(const char *name, void (*fn)(void));

/* Hypercall (VMMCALL on AMD, VMCALL on Intel, chosen from CPUID). */
u32 hypercall(u32 nr, u32 a1, u32 a2, u32 a3);

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/* Each guest provides this; rt_start calls it after set-up. */
void guest_main(void);

#endif

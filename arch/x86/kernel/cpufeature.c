// SPDX-License-Identifier: GPL-2.0
#include <pv/printk.h>
#include <pv/string.h>
#include <asm/cpu.h>
#include <asm/cpufeature.h>

struct cpu_features cpu;

void cpu_features_init(void)
{
	struct cpuid_regs r = cpuid(0, 0);

	cpu.max_leaf = r.eax;
	memcpy(cpu.vendor + 0, &r.ebx, 4);
	memcpy(cpu.vendor + 4, &r.edx, 4);
	memcpy(cpu.vendor + 8, &r.ecx, 4);
	cpu.vendor[12] = '\0';
	cpu.intel = !strcmp(cpu.vendor, "GenuineIntel");
	cpu.amd = !strcmp(cpu.vendor, "AuthenticAMD");

	r = cpuid(1, 0);
	cpu.stepping = r.eax & 0xF;
	cpu.model = (r.eax >> 4) & 0xF;
	cpu.family = (r.eax >> 8) & 0xF;
	if (cpu.family == 0xF)
		cpu.family += (r.eax >> 20) & 0xFF;
	if (cpu.family >= 6)
		cpu.model |= ((r.eax >> 16) & 0xF) << 4;
	cpu.vmx = r.ecx & (1u << 5);
	cpu.x2apic = r.ecx & (1u << 21);
	cpu.tsc_deadline = r.ecx & (1u << 24);
	cpu.hypervisor = r.ecx & (1u << 31);
	cpu.tsc = r.edx & (1u << 4);
	cpu.apic = r.edx & (1u << 9);
	cpu.pge = r.edx & (1u << 13);
	cpu.pat = r.edx & (1u << 16);

	r = cpuid(0x80000000, 0);
	cpu.max_ext_leaf = r.eax;
	if (cpu.max_ext_leaf >= 0x80000001) {
		r = cpuid(0x80000001, 0);
		cpu.svm = r.ecx & (1u << 2);
		cpu.nx = r.edx & (1u << 20);
		cpu.pdpe1gb = r.edx & (1u << 26);
	}
	if (cpu.max_ext_leaf >= 0x80000004) {
		for (u32 i = 0; i < 3; i++) {
			r = cpuid(0x80000002 + i, 0);
			memcpy(cpu.brand + 16 * i, &r, 16);
		}
		cpu.brand[48] = '\0';
	}
	if (cpu.max_ext_leaf >= 0x80000007)
		cpu.tsc_invariant = cpuid(0x80000007, 0).edx & (1u << 8);
	cpu.phys_addr_bits = 36;
	cpu.virt_addr_bits = 48;
	if (cpu.max_ext_leaf >= 0x80000008) {
		r = cpuid(0x80000008, 0);
		cpu.phys_addr_bits = (u8)r.eax;
		cpu.virt_addr_bits = (u8)(r.eax >> 8);
	}
}

void cpu_features_print(void)
{
	const char *b = cpu.brand;

	while (*b == ' ')
		b++;
	pr_info("cpu: %s family %#x model %#x stepping %u: %s\n", cpu.vendor,
		cpu.family, cpu.model, cpu.stepping,
		*b ? b : "(no brand string)");
	pr_info("cpu: %u-bit physical, %u-bit virtual addresses;%s%s%s%s%s%s%s\n",
		cpu.phys_addr_bits, cpu.virt_addr_bits, cpu.nx ? " nx" : "",
		cpu.pdpe1gb ? " 1g-pages" : "", cpu.x2apic ? " x2apic" : "",
		cpu.tsc_invariant ? " invariant-tsc" : "",
		cpu.tsc_deadline ? " tsc-deadline" : "", cpu.vmx ? " vmx" : "",
		cpu.svm ? " svm" : "");
}

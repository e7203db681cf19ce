# Bochs 2.7, Intel Core i7 Skylake-X (VMX+EPT), 2 CPUs, GRUB ISO with modules: two guests
defconfig = bochs-intel_defconfig
emulator = bochs
cpu = corei7_skylake_x
memory = 256
smp = 2
firmware = bios
boot = iso
timeout = 240
cmdline = vms.exit_after=180
modules = guests/bochs-intel-vms.vmconf
modules = guests/guest-cpuid.elf
modules = guests/guest-hypercall.elf
guests = guest-cpuid guest-hypercall
expect = ^virt: backend VMX
expect = ^vms: 2 VMs started from 1 config module$
expect = ^vm guest-cpuid: exited with status 0$
expect = ^vm guest-hypercall: exited with status 0$
expect = ^vms: all VMs stopped$
expect = ^vms: hypervisor text/rodata unchanged

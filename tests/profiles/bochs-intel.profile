# Bochs 2.7, Intel Core i7 Skylake-X (VMX+EPT), 2 CPUs, BIOS, GRUB ISO
defconfig = bochs-intel_defconfig
fragments = ktest.config
emulator = bochs
cpu = corei7_skylake_x
memory = 256
smp = 2
firmware = bios
boot = iso
timeout = 150
expect = ^PureVisor .* booting \(GRUB
expect = ^virt: backend VMX
expect = ^smp: 2 CPUs online

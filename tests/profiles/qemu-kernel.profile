# QEMU pc, AMD EPYC, 2 CPUs, fast qemu -kernel boot (Multiboot1)
defconfig = qemu-amd_defconfig
fragments = ktest.config
emulator = qemu
machine = pc
cpu = EPYC
memory = 256
smp = 2
firmware = bios
boot = kernel
timeout = 30
expect = ^PureVisor .* booting \(qemu
expect = ^virt: backend SVM

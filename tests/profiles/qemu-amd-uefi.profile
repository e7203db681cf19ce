# QEMU q35, AMD EPYC, 2 CPUs, OVMF (UEFI), GRUB ISO (Multiboot2)
defconfig = qemu-amd_defconfig
fragments = ktest.config
emulator = qemu
machine = q35
cpu = EPYC
memory = 256
smp = 2
firmware = ovmf
boot = iso
timeout = 90
expect = ^PureVisor .* booting \(.*UEFI\)
expect = ^virt: backend SVM

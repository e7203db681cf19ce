# QEMU q35, AMD EPYC (SVM+NPT), 2 CPUs, SeaBIOS, GRUB ISO (Multiboot2)
defconfig = qemu-amd_defconfig
fragments = ktest.config
emulator = qemu
machine = q35
cpu = EPYC
memory = 256
smp = 2
firmware = bios
boot = iso
timeout = 60
expect = ^PureVisor .* booting \(GRUB
expect = ^virt: backend SVM

# QEMU q35, AMD EPYC, 4 CPUs, SeaBIOS, GRUB ISO: every AP must come up
defconfig = qemu-amd_defconfig
fragments = ktest.config
emulator = qemu
machine = q35
cpu = EPYC
memory = 256
smp = 4
firmware = bios
boot = iso
timeout = 60
expect = smp: 4 CPUs online
expect = ^virt: backend SVM

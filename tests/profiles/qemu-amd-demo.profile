# QEMU q35, AMD EPYC (SVM+NPT), 2 CPUs, GRUB ISO with modules: two demo guests (make run PROFILE=qemu-amd-demo)
defconfig = qemu-amd_defconfig
emulator = qemu
machine = q35
cpu = EPYC
memory = 256
smp = 2
firmware = bios
boot = iso
timeout = 60
cmdline = vms.exit_after=30
modules = guests/demo.vmconf
modules = guests/guest-demo.elf
expect = ^vms: 2 VMs started from 1 config module$
expect = ^\[demo-a\] loader 'PureVisor', cmdline 'who=a'$
expect = ^\[demo-b\] loader 'PureVisor', cmdline 'who=b'$
expect = ^vm demo-a: exited with status 0$
expect = ^vm demo-b: exited with status 0$
expect = ^vms: hypervisor text/rodata unchanged

# QEMU pc, AMD EPYC (SVM+NPT), 2 CPUs: a hostile virtio driver against the virtio-blk model, a sentinel VM beside it
defconfig = qemu-amd_defconfig
emulator = qemu
machine = pc
cpu = EPYC
memory = 256
smp = 2
firmware = bios
boot = kernel
timeout = 90
cmdline = vms.exit_after=60
modules = guests/virtio-hostile.vmconf
modules = guests/guest-virtio-hostile.elf
modules = guests/guest-sentinel.elf
modules = guests/virtio-hostile.img
guests = vhostile sentinel
expect = ^virt: backend SVM
expect = ^vms: 2 VMs started from 1 config module$
expect = descriptor loop \(queue 0\): device needs reset$
expect = ^vm vhostile: exited with status 0$
expect = ^vm sentinel: exited with status 0$
expect = ^vms: all VMs stopped$
expect = ^vms: hypervisor text/rodata unchanged

# Bochs 2.7, Intel Core i7 Skylake-X (VMX+EPT), 2 CPUs, GRUB ISO: a hostile virtio driver against the virtio-blk model, a sentinel VM beside it
defconfig = bochs-intel_defconfig
emulator = bochs
cpu = corei7_skylake_x
memory = 256
smp = 2
firmware = bios
boot = iso
timeout = 240
cmdline = vms.exit_after=180
modules = guests/virtio-hostile.vmconf
modules = guests/guest-virtio-hostile.elf
modules = guests/guest-sentinel.elf
modules = guests/virtio-hostile.img
guests = vhostile sentinel
expect = ^virt: backend VMX
expect = ^vms: 2 VMs started from 1 config module$
expect = descriptor loop \(queue 0\): device needs reset$
expect = ^vm vhostile: exited with status 0$
expect = ^vm sentinel: exited with status 0$
expect = ^vms: all VMs stopped$
expect = ^vms: hypervisor text/rodata unchanged

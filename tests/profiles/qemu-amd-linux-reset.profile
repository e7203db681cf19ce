# QEMU pc, AMD EPYC (SVM): the monitor resets a running Linux guest, which boots again with its whole platform
# "reset lin" at the monitor while the guest's shell runs: RAM is cleared
# and the kernel reloaded; the second boot must find its ACPI tables
# (both CPUs), its PCI devices and a working console again.
defconfig = qemu-amd_defconfig
emulator = qemu
machine = pc
cpu = EPYC
memory = 1024
smp = 3
boot = kernel
timeout = 240
cmdline = vms.exit_after=220 vms.console_idle_ms=50
modules = guests/linux/vmlinuz
modules = guests/linux/initramfs.gz
modules = guests/linux/data.img
modules = guests/linux/scratch.img
modules = tests/guests/configs/linux-shell.vmconf.in
input_after = ^\[lin\] shell on the console
input = reset lin
input = wait ^\[lin\] shell on the console
input = console lin
input = echo PV$((6*7)) $(nproc) CPUs $(ls /sys/bus/pci/devices | wc -l) PCI $(cat /sys/block/vda/size) sectors
input = poweroff -f
expect = ^vms: 1 VM started from 1 config module$
expect = ^vm lin: reset \(was running\)$
expect = ^\[lin\] PV42 2 CPUs 3 PCI 32768 sectors$
expect = ^\[lin\] stopped: powered off \(ACPI S5\)
expect = ^vms: hypervisor text/rodata unchanged

# QEMU pc, AMD EPYC (SVM): a shell on the Linux guest's UART through the monitor's "console lin"
# What "make run GUEST=linux" boots, driven by the runner: once the
# guest's /init starts its shell, type "console lin" at the monitor, a
# command for the guest's shell, and "poweroff -f". The guest's answer
# proves host serial input reaches the VM's 16550 and its shell.
defconfig = qemu-amd_defconfig
emulator = qemu
machine = pc
cpu = EPYC
memory = 1024
smp = 3
boot = kernel
timeout = 180
cmdline = vms.exit_after=160 vms.console_idle_ms=50
modules = guests/linux/vmlinuz
modules = guests/linux/initramfs.gz
modules = guests/linux/data.img
modules = guests/linux/scratch.img
modules = tests/guests/configs/linux-shell.vmconf.in
input_after = ^\[lin\] shell on the console
input = console lin
input = echo PV$((6*7)) $(nproc) CPUs
input = poweroff -f
expect = ^vms: 1 VM started from 1 config module$
expect = ^\[lin\] PVTEST init ok mode=shell
expect = ^monitor: console lin: typing goes to the VM
expect = ^\[lin\] PV42 2 CPUs$
expect = ^\[lin\] stopped: powered off \(ACPI S5\)
expect = ^vms: hypervisor text/rodata unchanged

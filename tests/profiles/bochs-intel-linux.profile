# Bochs 2.7, Intel Core i7 Skylake-X (VMX+EPT), 3 CPUs: the Debian kernel as a PureVisor guest with virtio disks and console
defconfig = bochs-intel_defconfig
emulator = bochs
cpu = corei7_skylake_x
memory = 1024
smp = 3
firmware = bios
boot = iso
timeout = 900
cmdline = vms.exit_after=800
modules = guests/linux/vmlinuz
modules = guests/linux/initramfs.gz
modules = guests/linux/data.img
modules = guests/linux/scratch.img
modules = guests/linux/fs.img
modules = tests/guests/configs/linux-checks.vmconf.in
expect = ^virt: backend VMX
expect = ^vms: 1 VM started from 1 config module$
expect = ^\[lin\] PVTEST init ok mode=checks
expect = ^\[lin\] PVTEST modules ok 15 modules loaded
expect = ^\[lin\] PVTEST cpus ok 2 CPUs
expect = ^\[lin\] PVTEST pci ok
expect = ^\[lin\] PVTEST disk ok
expect = ^\[lin\] PVTEST scratch ok
expect = ^\[lin\] PVTEST fs ok
expect = ^\[lin\] PVTEST clock-wall ok
expect = ^\[lin\] PVTEST clock-rate ok
expect = ^\[lin\] PVHVC hello from 6\.1\.\S+ on /dev/hvc0$
expect = ^\[lin\] PVTEST virtio-console ok
expect = ^\[lin\] PVTEST done failures=0$
expect = ^vm lin: exited with status 0$
expect = ^\[lin\] stopped: powered off \(ACPI S5\)
expect = ^vms: hypervisor text/rodata unchanged

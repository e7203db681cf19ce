# QEMU pc, AMD EPYC (SVM+NPT), 3 CPUs: two Debian guests talk through the switch (ping, 1 MiB TCP there and back)
defconfig = qemu-amd_defconfig
emulator = qemu
machine = pc
cpu = EPYC
memory = 1024
smp = 3
boot = kernel
timeout = 300
# No uplink: the guests' link holds only their two ports.
cmdline = vms.exit_after=280 net.uplink=none
modules = guests/linux/vmlinuz
modules = guests/linux/initramfs.gz
modules = tests/guests/configs/linux-net.vmconf.in
expect = ^vms: 2 VMs started from 1 config module$
expect = ^vnet lan: port 0: \S+ vlan 1$
expect = ^vnet lan: port 1: \S+ vlan 1$
expect = ^\[na\] PVTEST init ok mode=net-a
expect = ^\[nb\] PVTEST init ok mode=net-b
expect = ^\[na\] PVTEST net-link ok eth0 10\.0\.0\.1/24 52:54:00:0a:00:01$
expect = ^\[nb\] PVTEST net-link ok eth0 10\.0\.0\.2/24 52:54:00:0a:00:02$
expect = ^\[na\] PVTEST net-ping ok 3 of 3 replies from 10\.0\.0\.2$
expect = ^\[nb\] PVTEST net-ping ok 3 of 3 replies from 10\.0\.0\.1$
expect = ^\[nb\] PVTEST net-tx ok 1048576 bytes sha256 ([0-9a-f]{64})\n(?:.*\n)*?\[na\] PVTEST net-rx ok 1048576 bytes sha256 \1$|^\[na\] PVTEST net-rx ok 1048576 bytes sha256 ([0-9a-f]{64})\n(?:.*\n)*?\[nb\] PVTEST net-tx ok 1048576 bytes sha256 \2$
expect = ^\[na\] PVTEST net-serve ok
expect = ^\[nb\] PVTEST net-echo ok 1048576 bytes came back intact$
expect = ^\[na\] PVTEST done failures=0$
expect = ^\[nb\] PVTEST done failures=0$
expect = ^\[na\] stopped: powered off \(ACPI S5\)
expect = ^\[nb\] stopped: powered off \(ACPI S5\)
expect = ^vms: all VMs stopped$

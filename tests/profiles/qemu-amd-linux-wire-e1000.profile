# QEMU pc, AMD EPYC (SVM+NPT), e1000 uplink: a Debian guest on the switch and a Linux peer on the wire ping each other
# The guest (52:54:00:0a:00:14, 10.0.2.20) sits behind the NIC
# (52:54:00:65:10:00): the peer's replies and requests carry the guest's
# MAC, so they reach it only because the node put the NIC in promiscuous
# mode (RCTL.UPE|MPE: QEMU's e1000 filters otherwise).
defconfig = qemu-amd_defconfig
emulator = qemu
machine = pc
cpu = EPYC
memory = 512
smp = 2
boot = kernel
timeout = 150
devices = e1000,netdev=n0,mac=52:54:00:65:10:00
netpeer = tap 10.0.2.1/24
cmdline = vms.exit_after=130 net.ip=10.0.2.15/24
modules = guests/linux/vmlinuz
modules = guests/linux/initramfs.gz
modules = tests/guests/configs/linux-wire.vmconf
# The peer pings the guest once its address is up (the guest stays up
# pv.hold=12 s after its own pings): 3 of 3 replies or the run fails.
peer_start = ^\[w\] PVTEST net-link ok
peer_cmd = for i in $(seq 40); do ping -c 1 -W 1 10.0.2.20 >/dev/null && break; done; ping -c 3 -i 0.5 -W 2 10.0.2.20 | tee /dev/stderr | grep -q ' 3 received'
# The uplink's counters once the guest got its replies.
input_after = ^\[w\] PVTEST net-ping ok
input = net
expect = ^net: eth0 \(e1000\): mac 52:54:00:65:10:00, mtu 1500$
expect = ^net: node: eth0 promiscuous: frames for every guest on lan$
expect = ^net: node on lan vlan 1 port 0, uplink eth0 \(access\), ip 10\.0\.2\.15/24
expect = ^vms: 1 VM started from 1 config module$
expect = ^\[w\] PVTEST net-link ok eth0 10\.0\.2\.20/24 52:54:00:0a:00:14$
expect = ^\[w\] PVTEST net-ping ok 3 of 3 replies from 10\.0\.2\.1$
# Frames for the guest's MAC came in through the NIC; the switch learnt
# the guest on its port and the peer on the uplink.
expect = ^uplink eth0 \(e1000\) on lan port 1: rx [1-9]\d*/\d+B .* errors 0 resets 0 promisc on rx_foreign [1-9]
expect = ^  52:54:00:0a:00:14    1    2
expect = ^  port 2 guest access pvid 1 mtu \d+: rx [1-9]\d*/\d+B tx [1-9]
expect = ^\[w\] PVTEST done failures=0$
expect = ^\[w\] stopped: powered off \(ACPI S5\)
expect = ^vms: all VMs stopped$

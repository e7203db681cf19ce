# QEMU pc, AMD EPYC (SVM+NPT), 5 CPUs: four Debian guests on one switch; VLAN 10 talks, VLAN 20 and an isolated port cannot reach it
defconfig = qemu-amd_defconfig
emulator = qemu
machine = pc
cpu = EPYC
memory = 1024
smp = 5
boot = kernel
timeout = 300
# No uplink; the node's own address sits on VLAN 20 (vc's proof that its
# link works).
cmdline = vms.exit_after=280 net.uplink=none net.ip=10.0.0.254/24 net.vlan=20
modules = guests/linux/vmlinuz
modules = guests/linux/initramfs.gz
modules = tests/guests/configs/linux-net-vlan.vmconf.in
# The node (VLAN 20) cannot reach va (VLAN 10) either; its 30 s also let
# the guests get through their checks before the counters are shown
# (va and vb stay up 45 s after their pings, so the run lasts until then).
input = ping 10.0.0.1 30
input = net
expect = ^vms: 4 VMs started from 1 config module$
expect = ^net: node on lan vlan 20 port 0, uplink none \(access, no NIC\), ip 10\.0\.0\.254/24
expect = ^vnet lan: port 1: \S+ vlan 10$
expect = ^vnet lan: port 2: \S+ vlan 10$
expect = ^vnet lan: port 3: \S+ vlan 20$
expect = ^vnet lan: port 4: \S+ vlan 10 isolated$
expect = ^\[va\] PVTEST net-ping ok 3 of 3 replies from 10\.0\.0\.2$
expect = ^\[vb\] PVTEST net-ping ok 3 of 3 replies from 10\.0\.0\.1$
expect = ^\[vc\] PVTEST net-reach ok 10\.0\.0\.254 answers$
# Each denial ends while its target is up and answering its own peer.
expect = ^\[va\] PVTEST net-ping ok.*\n(?:.*\n)*?\[vc\] PVTEST net-deny ok 0 of 10 echo requests to 10\.0\.0\.1 answered\n(?:.*\n)*?\[va\] PVTEST done failures=0$
expect = ^\[vb\] PVTEST net-ping ok.*\n(?:.*\n)*?\[vd\] PVTEST net-deny ok 0 of 10 echo requests to 10\.0\.0\.2 answered\n(?:.*\n)*?\[vb\] PVTEST done failures=0$
expect = ^\[vc\] PVTEST done failures=0$
expect = ^\[vd\] PVTEST done failures=0$
expect = ^ping: 10\.0\.0\.1: 30 sent, 0 received$
# The switch: the isolated port's broadcasts found no one, and nothing
# reached it; vc's ARP for va reached only the node (not its address).
expect = ^  port 4 guest access pvid 10 mtu \d+: rx \d+/\d+B tx 0/0B drops:.* no_dest=[1-9]
expect = ^  port 3 guest access pvid 20 mtu \d+: rx [1-9]\d*/\d+B tx [1-9]
expect = ^  drops:.* arp_not_ours=[1-9]
expect = ^vms: all VMs stopped$

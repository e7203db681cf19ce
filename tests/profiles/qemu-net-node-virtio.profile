# QEMU pc, AMD EPYC, virtio-net as the uplink of the node's own IPv4 address: a Linux peer pings it and gets its UDP echo
defconfig = qemu-amd_defconfig
emulator = qemu
machine = pc
cpu = EPYC
memory = 256
smp = 2
firmware = bios
boot = kernel
timeout = 90
devices = virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56,disable-legacy=on
netpeer = tap 10.0.2.1/24
cmdline = net.ip=10.0.2.15/24 net.udp_echo=7 vms.exit_after=60
# Two ticking guests keep the machine up while the peer and the monitor
# talk to the node; destroying them ends the run.
modules = guests/qemu-amd-monitor.vmconf
modules = guests/guest-spin.elf
peer_start = ^net: node on
# The peer: ARP + 3 of 3 echo replies, then a UDP datagram comes back
# byte for byte from port 7.
peer_cmd = for i in 1 2 3 4 5 6 7 8 9 10; do ping -c 1 -W 1 10.0.2.15 >/dev/null && break; done; ping -c 3 -i 0.5 -W 2 10.0.2.15 | tee /dev/stderr | grep -q ' 3 received'
peer_cmd = python3 -c "import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3); m = b'PureVisor UDP echo ' + bytes(range(256)) * 4; s.sendto(m, ('10.0.2.15', 7)); d, a = s.recvfrom(4096); assert (d, a) == (m, ('10.0.2.15', 7)), (len(d), a); print('udp echo: %d bytes back intact' % len(d))"
# The node pings the peer (5 s: the peer's checks finish meanwhile), shows
# its counters, and the guests go.
input = ping 10.0.2.1 5
input = net
input = destroy spin-a
input = destroy spin-b
expect = ^net: eth0 \(virtio-net\): mac 52:54:00:12:34:56, mtu 1500$
expect = ^net: node on lan vlan 1 port 0, uplink eth0 \(access\), ip 10\.0\.2\.15/24, udp echo 7$
expect = ^ping: reply from 10\.0\.2\.1 seq=0 bytes=\d+ time=\d+ us$
expect = ^ping: 10\.0\.2\.1: 5 sent, 5 received$
# The switch: uplink and node ports both forwarded, node MAC learnt.
expect = ^  port 0 internal access pvid 1 mtu \d+: rx [1-9]\d*/
expect = ^  port 1 uplink access pvid 1 mtu \d+: rx [1-9]\d*/
expect = ^  52:54:00:12:34:56    1    0
expect = ^uplink eth0 \(virtio-net\) on lan port 1: rx [1-9]
# The stack answered at least 4 echo requests and one datagram.
expect = ^  icmp echo rx [4-9]\d* reply tx [4-9]\d* reply rx 5 unreach tx 0 udp rx 1 tx 1$
expect = ^vms: all VMs stopped$

# QEMU pc, AMD EPYC, modern virtio-net without a control queue (no receive filter the driver can set) wired to a Linux peer in a network namespace
# Without VIRTIO_NET_F_CTRL_RX the driver cannot ask for promiscuous
# mode; netdrv's promisc_filter case proves that QEMU's device then has no
# filter either (frames for other MACs arrive), so it can still be a
# switch's uplink.
defconfig = qemu-amd_defconfig
fragments = ktest.config
emulator = qemu
machine = pc
cpu = EPYC
memory = 256
smp = 2
firmware = bios
boot = kernel
timeout = 60
devices = virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56,disable-legacy=on,ctrl_vq=off,ctrl_rx=off
netpeer = tap 10.0.2.1/24
cmdline = ktest.filter=netdrv netdrv.ip=10.0.2.15 netdrv.peer=10.0.2.1 netdrv.mac=52:54:00:12:34:56 netdrv.driver=virtio-net
expect = ^net: eth0 \(virtio-net\): mac 52:54:00:12:34:56, mtu 1500$
expect = # promisc_filter: virtio-net: no receive filter to set; frames for other MACs arrive anyway$

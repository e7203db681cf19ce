# QEMU pc, AMD EPYC, modern virtio-net without MSI-X (INTx via the IOAPIC, ISR register) wired to a Linux peer in a network namespace
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
devices = virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56,disable-legacy=on,vectors=0
netpeer = tap 10.0.2.1/24
cmdline = ktest.filter=netdrv netdrv.ip=10.0.2.15 netdrv.peer=10.0.2.1 netdrv.mac=52:54:00:12:34:56 netdrv.driver=virtio-net
expect = ^pci: 00:03\.0 1af4:1041 class 020000$
expect = ^net: eth0 \(virtio-net\): mac 52:54:00:12:34:56, mtu 1500$
expect = ^net: eth0: up, link up, intx on vector \d+$
expect = # arp_reply_from_peer: peer 10\.0\.2\.1 is at

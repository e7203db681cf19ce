# QEMU pc, AMD EPYC, Intel e1000 (82540EM, INTx via the IOAPIC) wired to a Linux peer in a network namespace
# A second, unconnected e1000 in slot 7 shares slot 3's INTx line (PIIX
# swizzle), so the tested NIC's interrupts go through the shared dispatcher.
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
devices = e1000,netdev=n0,mac=52:54:00:65:10:00,addr=3
devices = e1000,mac=52:54:00:65:10:01,addr=7
netpeer = tap 10.0.2.1/24
cmdline = ktest.filter=netdrv netdrv.ip=10.0.2.15 netdrv.peer=10.0.2.1 netdrv.mac=52:54:00:65:10:00 netdrv.driver=e1000
expect = ^pci: 00:03\.0 8086:100e class 020000$
expect = ^net: eth0 \(e1000\): mac 52:54:00:65:10:00, mtu 1500$
expect = ^net: eth0: up, link up, intx on vector (\d+)\n(?:.*\n)*?net: eth1: up, link \w+, intx on vector \1$
expect = # arp_reply_from_peer: peer 10\.0\.2\.1 is at

# QEMU pc, TCG, 2 CPUs, no PureVisor: Debian Linux 6.1 + the test initramfs, booted directly
# The Linux test guest (tests/guests/linux/, built by "make linux-guest"):
# the same kernel, initramfs and disks the PureVisor Linux profiles boot,
# here on plain QEMU with modern-only virtio devices. Proves the workload
# and the images; the peer of PureVisor's runs in scripts/bench-linux-boot.sh.
emulator = qemu
machine = pc
cpu = qemu64
memory = 256
smp = 2
timeout = 90
build = linux-guest
direct_kernel = guests/linux/vmlinuz
initrd = guests/linux/initramfs.gz
# vda: known data (read-only), vdb: scratch, vdc: ext4. Writes go to a
# throw-away overlay (snapshot=on): the images stay as built.
drives = guests/linux/data.img,readonly=on
drives = guests/linux/scratch.img,snapshot=on
drives = guests/linux/fs.img,snapshot=on
cmdline = console=ttyS0 loglevel=4 panic=-1 pv.test=checks pv.cpus=2 pv.pci=1af4:1042,1af4:1042,1af4:1042,1af4:1043 pv.host_time={host_time} {file:guests/linux/disks.cmdline}
expect = ^PVTEST init ok mode=checks
expect = ^PVTEST modules ok 15 modules loaded
expect = ^PVTEST cpus ok 2 CPUs
expect = ^PVTEST pci ok
expect = ^PVTEST disk ok
expect = ^PVTEST scratch ok
expect = ^PVTEST fs ok
expect = ^PVTEST clock-wall ok
expect = ^PVTEST clock-rate ok
expect = ^PVTEST virtio-console ok
expect = ^PVTEST done failures=0$
hvc_expect = ^PVHVC hello from 6\.1\.\S+ on /dev/hvc0$

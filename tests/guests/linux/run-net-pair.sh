#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# run-net-pair.sh [GUESTDIR]: the two-guest net test on plain QEMU (no
# PureVisor): net-a (10.0.0.1) and net-b (10.0.0.2), each with one
# modern-only virtio-net, joined by a QEMU socket netdev (a listens on a
# local TCP port, b connects). Passes when both print "PVTEST done
# failures=0". GUESTDIR is make linux-guest's output (build/guests/linux).
set -u

dir=${1:-build/guests/linux}
port=${PV_NET_PORT:-18765}
logs=${PV_NET_LOGS:-$dir}
for f in vmlinuz initramfs.gz; do
	[ -f "$dir/$f" ] || { echo "run-net-pair: no $dir/$f (make linux-guest)" >&2; exit 2; }
done

boot() { # NAME NETDEV-MODE MAC
	timeout 180 qemu-system-x86_64 -M pc -cpu qemu64 -m 256 -smp 1 \
		-no-reboot -display none -monitor none \
		-serial "file:$logs/net-$1.log" \
		-netdev "socket,id=n0,$2=127.0.0.1:$port" \
		-device "virtio-net-pci,netdev=n0,mac=$3,disable-legacy=on" \
		-kernel "$dir/vmlinuz" -initrd "$dir/initramfs.gz" \
		-append "console=ttyS0 loglevel=4 panic=-1 pv.test=$1"
}

boot net-a listen 52:54:00:12:34:01 &
apid=$!
sleep 1
boot net-b connect 52:54:00:12:34:02
wait $apid

rc=0
for g in net-a net-b; do
	grep -a '^PVTEST' "$logs/net-$g.log" | sed "s/^/[$g] /"
	grep -aq '^PVTEST done failures=0' "$logs/net-$g.log" || rc=1
done
[ $rc -eq 0 ] && echo "run-net-pair: PASS" || echo "run-net-pair: FAIL"
exit $rc

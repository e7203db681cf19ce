#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# mkiso.sh KERNEL OUT.iso "CMDLINE"
#
# Build a GRUB rescue ISO that boots KERNEL through Multiboot2 with CMDLINE,
# serial console first, no menu delay. BIOS (grub-pc-bin) and UEFI
# (grub-efi-amd64-bin, needs mtools) images are included when installed.
# Quiet on success; on failure prints grub-mkrescue's output.
set -eu

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
	echo "usage: $0 KERNEL OUT.iso [CMDLINE]" >&2
	exit 2
fi
kernel=$1
out=$2
cmdline=${3:-}

[ -f "$kernel" ] || { echo "mkiso: no kernel '$kernel'" >&2; exit 1; }
command -v grub-mkrescue >/dev/null ||
	{ echo "mkiso: grub-mkrescue missing (make deps)" >&2; exit 1; }

outdir=$(cd "$(dirname "$out")" && pwd)
# grub-mkrescue writes large temporaries: keep them next to the output.
work=$(mktemp -d "$outdir/.mkiso.XXXXXX")
trap 'rm -rf "$work"' EXIT
export TMPDIR="$work"

platforms=
for p in i386-pc x86_64-efi; do
	[ -d "/usr/lib/grub/$p" ] && platforms="$platforms $p"
done
[ -n "$platforms" ] || { echo "mkiso: no GRUB platform installed" >&2; exit 1; }
case $platforms in
*x86_64-efi*)
	command -v mformat >/dev/null ||
		{ echo "mkiso: UEFI image needs mtools (make deps)" >&2; exit 1; } ;;
esac

mkdir -p "$work/iso/boot/grub"
cp "$kernel" "$work/iso/boot/purevisor.elf"
cat > "$work/iso/boot/grub/grub.cfg" <<EOF
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set timeout=0
menuentry "PureVisor" {
	multiboot2 /boot/purevisor.elf $cmdline
	boot
}
EOF

if ! grub-mkrescue -o "$work/out.iso" "$work/iso" >"$work/log" 2>&1; then
	cat "$work/log" >&2
	echo "mkiso: grub-mkrescue failed (platforms:$platforms)" >&2
	exit 1
fi
mv "$work/out.iso" "$out"

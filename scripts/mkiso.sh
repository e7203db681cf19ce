#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# mkiso.sh KERNEL OUT.iso ["CMDLINE" [MODULE "ARGS"]...]
#
# Build a GRUB rescue ISO that boots KERNEL through Multiboot2 with CMDLINE,
# serial console first, no menu delay. Each MODULE file is copied to
# /boot/ and loaded with "module2 /boot/NAME NAME ARGS": the module's
# command line starts with its name (what the kernel matches on).
# BIOS (grub-pc-bin) and UEFI (grub-efi-amd64-bin, needs mtools) images
# are included when installed.
# Quiet on success; on failure prints grub-mkrescue's output.
set -eu

if [ $# -lt 2 ] || { [ $# -gt 3 ] && [ $(($# % 2)) -eq 0 ]; }; then
	echo "usage: $0 KERNEL OUT.iso [CMDLINE [MODULE ARGS]...]" >&2
	exit 2
fi
kernel=$1
out=$2
cmdline=${3:-}
shift $(($# < 3 ? $# : 3))

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
modlines=
while [ $# -ge 2 ]; do
	[ -f "$1" ] || { echo "mkiso: no module '$1'" >&2; exit 1; }
	name=$(basename "$1")
	case $name in
	purevisor.elf | grub) echo "mkiso: module name '$name' is taken" >&2
		exit 1 ;;
	esac
	cp "$1" "$work/iso/boot/$name"
	modlines="$modlines	module2 /boot/$name $name${2:+ $2}
"
	shift 2
done
cat > "$work/iso/boot/grub/grub.cfg" <<EOF
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set timeout=0
menuentry "PureVisor" {
	multiboot2 /boot/purevisor.elf $cmdline
${modlines}	boot
}
EOF

if ! grub-mkrescue -o "$work/out.iso" "$work/iso" >"$work/log" 2>&1; then
	cat "$work/log" >&2
	echo "mkiso: grub-mkrescue failed (platforms:$platforms)" >&2
	exit 1
fi
mv "$work/out.iso" "$out"

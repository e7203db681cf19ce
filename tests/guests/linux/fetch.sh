#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# fetch.sh OUTDIR: download (never install) the Debian kernel that
# linux-image-amd64 depends on, and busybox-static, then unpack both into
# OUTDIR/root with dpkg-deb -x. Leaves OUTDIR/vmlinuz, OUTDIR/busybox and
# OUTDIR/kernel-version. Cached: a second run with the same package
# versions downloads and unpacks nothing.
set -eu

out=${1:?usage: fetch.sh OUTDIR}
mkdir -p "$out/debs"
out=$(cd "$out" && pwd)

say() { echo "  LINUX    $*"; }
die() { echo "fetch.sh: error: $*" >&2; exit 1; }

command -v apt-get >/dev/null 2>&1 || die "no apt-get (a Debian host is needed)"
command -v dpkg-deb >/dev/null 2>&1 || die "no dpkg-deb"

# linux-image-amd64 is a metapackage: its Depends names the versioned
# image (linux-image-6.1.0-NN-amd64).
resolve() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n1
}
kpkg=$(resolve)
if [ -z "$kpkg" ] && [ "$(id -u)" -eq 0 ]; then
	# A fresh machine may have no package lists yet.
	say "apt-get update (no package lists)"
	apt-get update -q >/dev/null || die "apt-get update failed"
	kpkg=$(resolve)
fi
[ -n "$kpkg" ] ||
	die "apt-cache cannot resolve linux-image-amd64 (run 'apt-get update' as root)"

fetch() {
	pkg=$1
	# The candidate version decides the file name: a cached .deb of an
	# older version is not reused.
	ver=$(apt-cache policy "$pkg" | sed -n 's/^ *Candidate: //p')
	[ -n "$ver" ] && [ "$ver" != "(none)" ] || die "apt knows no package $pkg"
	deb=$(ls "$out/debs/${pkg}_"*.deb 2>/dev/null | head -n1 || true)
	if [ -n "$deb" ] && [ "$(dpkg-deb -f "$deb" Version)" = "$ver" ]; then
		say "cached $pkg $ver" >&2
	else
		say "download $pkg $ver" >&2
		rm -f "$out/debs/${pkg}_"*.deb
		# apt's _apt user may not write here; it then downloads as root.
		(cd "$out/debs" && apt-get download -q "$pkg=$ver" >/dev/null 2>"$out/debs/apt.err") ||
			{ cat "$out/debs/apt.err" >&2; die "apt-get download $pkg=$ver failed"; }
		deb=$(ls "$out/debs/${pkg}_"*.deb 2>/dev/null | head -n1 || true)
		[ -n "$deb" ] || die "apt-get download left no .deb for $pkg"
	fi
	echo "$deb"
}

kdeb=$(fetch "$kpkg")
bdeb=$(fetch busybox-static)

stamp="$out/root/.unpacked"
want="$(basename "$kdeb") $(basename "$bdeb")"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
	say "unpacked already: $want"
else
	say "unpack $(basename "$kdeb") $(basename "$bdeb")"
	rm -rf "$out/root"
	mkdir -p "$out/root"
	dpkg-deb -x "$kdeb" "$out/root"
	dpkg-deb -x "$bdeb" "$out/root"
	echo "$want" >"$stamp"
fi

kver=$(ls "$out/root/lib/modules" | head -n1)
[ -n "$kver" ] && [ -f "$out/root/boot/vmlinuz-$kver" ] ||
	die "no kernel in $kdeb"
[ -x "$out/root/bin/busybox" ] || die "no /bin/busybox in $bdeb"
echo "$kver" >"$out/kernel-version.new"
if cmp -s "$out/kernel-version.new" "$out/kernel-version" 2>/dev/null; then
	rm "$out/kernel-version.new"
else
	mv "$out/kernel-version.new" "$out/kernel-version"
fi
ln -sf "root/boot/vmlinuz-$kver" "$out/vmlinuz"
ln -sf "root/boot/config-$kver" "$out/kernel-config"
ln -sf root/bin/busybox "$out/busybox"
say "kernel $kver: $out/vmlinuz"

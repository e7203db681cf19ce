#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Check for the Debian packages the build and the tests need; install the
# missing ones when root (apt-get), otherwise print the command and fail.
# Fast when everything is present: one dpkg-query call.
set -eu

PACKAGES="kconfig-frontends grub-pc-bin grub-efi-amd64-bin grub-common
xorriso mtools qemu-system-x86 ovmf sparse bochs bochsbios vgabios
bochs-term clang-format clang libclang-rt-14-dev python3 gcc make binutils
acpica-tools e2fsprogs zstd iproute2 iputils-ping"

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "deps: no dpkg-query: install by hand:" $PACKAGES >&2
	exit 1
fi

installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' $PACKAGES \
	2>/dev/null | awk '$2 == "installed" { print $1 }')
missing=
for p in $PACKAGES; do
	echo "$installed" | grep -qx "$p" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "deps: missing:$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: run as root:" >&2
	echo "  apt-get install -y$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing

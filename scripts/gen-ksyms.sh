#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# gen-ksyms.sh ELF OUT.S: the kernel's text symbols as a sorted table that
# panic() uses for backtraces. With ELF=/dev/null the table is empty (first
# link pass). Only text symbols: the table sits after .text, so their
# addresses do not move when the table grows.
set -e
elf=$1
out=$2
{
	echo '	.section .ksyms, "a"'
	echo '	.balign 8'
	echo '	.globl ksyms_count, ksyms_addr, ksyms_name_off, ksyms_names'
	if [ "$elf" = /dev/null ]; then
		echo 'ksyms_count: .quad 0'
		echo 'ksyms_addr: ksyms_name_off: ksyms_names: .byte 0'
		exit 0
	fi
	nm -n "$elf" | awk 'BEGIN { n = 0 }
		$2 ~ /^[tT]$/ && $3 !~ /^(\.|__ksym)/ { addr[n] = $1; name[n] = $3; n++ }
		END {
			printf "ksyms_count: .quad %d\n", n
			print "ksyms_addr:"
			for (i = 0; i < n; i++) printf "\t.quad 0x%s\n", addr[i]
			print "ksyms_name_off:"
			off = 0
			for (i = 0; i < n; i++) { printf "\t.long %d\n", off; off += length(name[i]) + 1 }
			print "ksyms_names:"
			for (i = 0; i < n; i++) printf "\t.asciz \"%s\"\n", name[i]
		}'
} > "$out"

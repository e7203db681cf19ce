# SPDX-License-Identifier: GPL-2.0
# PureVisor top-level Makefile: a small, non-recursive Kbuild.
#
#   make <target>_defconfig   configure from configs/
#   make [O=dir] [V=1] [C=1]  build purevisor.elf (C=1 also runs sparse)
#   make help                 everything else

DEFAULT_DEFCONFIG := qemu-amd_defconfig

srctree := $(CURDIR)
ifeq ($(O),)
objtree := $(srctree)
else
objtree := $(abspath $(O))
$(shell mkdir -p $(objtree))
endif
export srctree objtree

ifeq ($(V),1)
Q :=
quiet := @true
else
Q := @
quiet := @printf '  %-8s %s\n'
endif
MAKEFLAGS += --no-print-directory

CROSS_COMPILE ?=
CC := $(CROSS_COMPILE)gcc
LD := $(CROSS_COMPILE)ld
OBJCOPY := $(CROSS_COMPILE)objcopy
OBJDUMP := $(CROSS_COMPILE)objdump
NM := $(CROSS_COMPILE)nm
SPARSE ?= sparse
PYTHON ?= python3
KCONF := kconfig-conf
KMCONF := kconfig-mconf
export KCONFIG_CONFIG := $(objtree)/.config

dot-config := $(objtree)/.config
auto-conf := $(objtree)/include/config/auto.conf
autoconf-h := $(objtree)/include/generated/autoconf.h

# Targets that do not need a configuration.
no-config-targets := %config help clean distclean mrproper deps \
	check check-unit check-profiles check-selftest check-format bench fuzz \
	guests linux-guest
config-only := $(if $(MAKECMDGOALS),$(if $(filter-out $(no-config-targets),$(MAKECMDGOALS)),,y),)

.DEFAULT_GOAL := all
.PHONY: all FORCE

include $(srctree)/scripts/Makefile.deps
include $(srctree)/scripts/Makefile.kconfig

ifneq ($(config-only),y)
-include $(auto-conf)
include $(srctree)/scripts/Makefile.kbuild
endif

include $(srctree)/scripts/Makefile.run
include $(srctree)/scripts/Makefile.test
include $(srctree)/scripts/Makefile.guests

# clean keeps the configuration; distclean also drops it and test builds.
clean:
	$(quiet) CLEAN $(objtree)
	$(Q)find $(objtree) \( -name '*.o' -o -name '*.d' \) -not -path '*/.git/*' -delete
	$(Q)rm -f $(objtree)/purevisor.elf $(objtree)/purevisor.iso \
		$(objtree)/purevisor.dis $(objtree)/System.map \
		$(objtree)/.ksyms*.S $(objtree)/.tmp*.elf $(objtree)/arch/x86/kernel.lds
	$(Q)rm -rf $(objtree)/logs

distclean mrproper: clean
	$(Q)rm -rf $(objtree)/.config $(objtree)/.config.old $(objtree)/defconfig \
		$(objtree)/.defconfig-name $(objtree)/include/config \
		$(objtree)/include/generated
	$(Q)rm -rf $(srctree)/build $(srctree)/tests/unit/build \
		$(srctree)/tests/bench/build $(srctree)/tests/fuzz/build

.PHONY: clean distclean mrproper

help:
	@echo 'PureVisor build targets'
	@echo
	@echo 'Configuration:'
	@echo '  <target>_defconfig - configure from configs/<target>_defconfig'
	@echo '  menuconfig         - edit .config with a menu (kconfig-mconf)'
	@echo '  olddefconfig       - update .config, new symbols take defaults'
	@echo '  savedefconfig      - write a minimal defconfig to $$(O)/defconfig'
	@echo
	@echo 'Build:'
	@echo '  all (default)      - purevisor.elf, System.map'
	@echo '  iso                - GRUB BIOS+UEFI ISO (purevisor.iso)'
	@echo '  guests             - test guests + VM configs into $$(O)/guests/'
	@echo '  linux-guest        - Debian kernel, initramfs, disks into $$(O)/guests/linux/'
	@echo '  disasm             - purevisor.dis (objdump -d)'
	@echo '  symbols            - System.map (sorted symbol table)'
	@echo '  clean / distclean  - remove build outputs / and the configuration'
	@echo
	@echo 'Run and test:'
	@echo '  run                - boot the default profile in QEMU (PROFILE=name)'
	@echo '  debug              - boot halted with a gdb stub on :1234'
	@echo '  check              - host unit tests + every QEMU/bochs profile'
	@echo '  check-unit         - host unit tests only (ASan+UBSan)'
	@echo '  check-profiles     - boot test profiles (PROFILES="a b")'
	@echo '  check-selftest     - prove the runner fails on failure/panic/hang'
	@echo '  bench              - benchmarks (instruction counts, sizes, ratios)'
	@echo '  fuzz               - libFuzzer on the x86 decoder and net parsers (RUNS=n)'
	@echo '  deps               - install missing Debian packages'
	@echo
	@echo 'Options: O=dir (out-of-tree), V=1 (verbose), C=1 (sparse)'
	@echo
	@echo 'Defconfigs:'
	@for f in $(srctree)/configs/*_defconfig; do \
		printf '  %s\n' "$$(basename $$f)"; done
	@echo
	@echo 'Test profiles (tests/profiles/):'
	@for f in $(srctree)/tests/profiles/*.profile; do \
		printf '  %-18s %s\n' "$$(basename $$f .profile)" \
		"$$(sed -n 's/^# *//p' $$f | head -n1)"; done

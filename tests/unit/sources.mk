# Kernel sources each host test links (paths from the tree root).
srcs-test_cmdline := lib/cmdline.c
srcs-test_string := tests/unit/pvlib_string.c
srcs-test_printf := tests/unit/pvlib_vsnprintf.c tests/unit/pvlib_string.c
srcs-test_bitmap := lib/bitmap.c
srcs-test_list :=
srcs-test_crc32c := lib/crc32c.c
# The pvlib_*.c wrappers #include these: rebuild when they change.
$(O)/test_string $(O)/test_printf: $(srctree)/lib/string.c \
	$(srctree)/lib/vsnprintf.c $(srctree)/tests/unit/pvlib_rename.h
$(O)/test_crc32c: $(srctree)/lib/crc32c_table.h
srcs-test_buddy := mm/buddy.c
srcs-test_decode := arch/x86/emulate/decode.c
srcs-test_emulate := arch/x86/emulate/decode.c arch/x86/emulate/emulate.c
srcs-test_walk := arch/x86/emulate/walk.c
srcs-test_heap := mm/heap_core.c
srcs-test_vmconfig := virt/config.c lib/cmdline.c
srcs-test_multiboot := virt/loader/multiboot.c virt/loader/common.c virt/loader/flat.c
srcs-test_iobus := virt/iobus.c
srcs-test_cpuid_policy := virt/cpuid.c virt/msr.c
srcs-test_netparse := net/frame.c
srcs-test_vswitch := net/vswitch.c net/frame.c lib/bitmap.c

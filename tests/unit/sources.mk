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
$(O)/test_multiboot $(O)/test_linux_loader: $(srctree)/tests/unit/fake_ram.h
srcs-test_buddy := mm/buddy.c
srcs-test_decode := arch/x86/emulate/decode.c
srcs-test_emulate := arch/x86/emulate/decode.c arch/x86/emulate/emulate.c
srcs-test_walk := arch/x86/emulate/walk.c
srcs-test_heap := mm/heap_core.c
srcs-test_vmconfig := virt/config.c lib/cmdline.c
srcs-test_multiboot := virt/loader/multiboot.c virt/loader/common.c virt/loader/flat.c
srcs-test_linux_loader := virt/loader/linux.c
srcs-test_iobus := virt/iobus.c
srcs-test_cpuid_policy := virt/cpuid.c virt/msr.c
srcs-test_netparse := net/frame.c
srcs-test_vswitch := net/vswitch.c net/frame.c lib/bitmap.c
srcs-test_inet := net/arp.c net/ipv4.c net/icmp.c net/udp.c net/frame.c \
	net/vswitch.c lib/bitmap.c
$(O)/test_inet: $(srctree)/net/inet_priv.h $(srctree)/include/pv/inet.h
srcs-test_vpci := virt/dev/pci.c virt/iobus.c
srcs-test_lapic := virt/dev/lapic.c virt/dev/apicbus.c
srcs-test_ioapic := virt/dev/ioapic.c
srcs-test_vpic := virt/dev/pic.c virt/iobus.c tests/unit/fake_plat.c
srcs-test_vpit := virt/dev/pit.c virt/iobus.c tests/unit/fake_plat.c
srcs-test_vrtc := virt/dev/rtc.c virt/iobus.c tests/unit/fake_plat.c
srcs-test_uart := virt/dev/uart16550.c virt/iobus.c tests/unit/fake_plat.c
srcs-test_vacpi := virt/dev/acpi.c virt/iobus.c
srcs-test_virtqueue := virt/dev/virtqueue.c
srcs-test_virtio_blk := virt/dev/virtqueue.c virt/dev/virtio_pci.c \
	virt/dev/virtio_blk.c block/ramdisk.c
srcs-test_virtio_net := virt/dev/virtqueue.c virt/dev/virtio_pci.c \
	virt/dev/virtio_net.c virt/dev/virtio_console.c
srcs-test_virtio_vpci := virt/dev/virtqueue.c virt/dev/virtio_pci.c \
	virt/dev/virtio_blk.c block/ramdisk.c virt/dev/pci.c virt/iobus.c
$(O)/test_virtqueue $(O)/test_virtio_blk $(O)/test_virtio_net \
$(O)/test_virtio_vpci: \
	$(srctree)/tests/unit/virtio_harness.h $(srctree)/virt/dev/virtio.h

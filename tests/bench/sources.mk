# Kernel sources each host benchmark links (paths from the tree root).
srcs-lib_bench := tests/unit/pvlib_string.c lib/crc32c.c
srcs-mm_bench := mm/buddy.c mm/heap_core.c
srcs-net_bench := net/vswitch.c net/frame.c lib/bitmap.c

# Kernel sources each host test links (paths from the tree root).
srcs-test_cmdline := lib/cmdline.c

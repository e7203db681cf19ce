// SPDX-License-Identifier: GPL-2.0
/* VM config parser (virt/config.c): accepted forms and a reject table. */
#include <string.h>
#include <pv/vmconfig.h>
#include "unit.h"

static struct vmconf conf;

static unsigned int parse(const char *text)
{
	return vmconf_parse(text, strlen(text), &conf);
}

UNIT_TEST(full_block_and_defaults)
{
	const char *text =
		"# two guests\n"
		"vm alpha\n"
		"\tmemory = 64M   # trailing comment\n"
		"    vcpus = 2\n"
		"    kernel = guest-a.elf\n"
		"    cmdline = \"console=x # not a comment \\\"q\\\"\"\n"
		"    devices = uart, debug-exit\n"
		"    module = initrd.img root=1\n"
		"\r\n"
		"vm beta-2\n"
		"    kernel = b.bin\n"
		"    type = flat\n"
		"    load = 0x100000\n"
		"    devices = none\n";

	CHECK_EQ(parse(text), 2);
	CHECK_EQ(conf.nr_errors, 0);
	CHECK_STR(conf.vms[0].name, "alpha");
	CHECK_EQ(conf.vms[0].line, 2);
	CHECK_EQ(conf.vms[0].memory, 64ull << 20);
	CHECK_EQ(conf.vms[0].vcpus, 2);
	CHECK_STR(conf.vms[0].kernel, "guest-a.elf");
	CHECK_STR(conf.vms[0].cmdline, "console=x # not a comment \"q\"");
	CHECK_EQ(conf.vms[0].type, VMCONF_MULTIBOOT);
	CHECK_EQ(conf.vms[0].devices, VMCONF_DEV_UART | VMCONF_DEV_DEBUG_EXIT);
	CHECK_EQ(conf.vms[0].nr_modules, 1);
	CHECK_STR(conf.vms[0].modules[0], "initrd.img root=1");

	CHECK_STR(conf.vms[1].name, "beta-2");
	CHECK_EQ(conf.vms[1].memory, VMCONF_MEM_DEFAULT);
	CHECK_EQ(conf.vms[1].vcpus, 1);
	CHECK_EQ(conf.vms[1].type, VMCONF_FLAT);
	CHECK_EQ(conf.vms[1].load, 0x100000);
	CHECK_EQ(conf.vms[1].entry, 0x100000); /* defaults to load */
	CHECK_EQ(conf.vms[1].devices, 0);
	CHECK_STR(conf.vms[1].cmdline, "");
}

UNIT_TEST(linux_vm)
{
	const char *text =
		"vm deb\n"
		"  type = linux\n"
		"  kernel = vmlinuz\n"
		"  initrd = initrd.img\n"
		"  cmdline = \"console=hvc0\"\n"
		"  vcpus = 2\n"
		"  disk = root.img\n"
		"  disk = data.img   ro\n"
		"  nic = lan\n"
		"  nic = trunk0 vlan=42 isolated mac=52:54:00:AB:cd:0f\n"
		"  console = virtio\n"
		"vm deb2\n"
		"  kernel = vmlinuz\n"
		"  memory = 128M\n"
		"  type = linux\n"
		"vm mb\n"
		"  kernel = k\n";
	const struct vmconf_vm *v = &conf.vms[0];
	static const u8 mac[6] = { 0x52, 0x54, 0x00, 0xAB, 0xCD, 0x0F };

	CHECK_EQ(parse(text), 3);
	CHECK_EQ(conf.nr_errors, 0);
	CHECK_EQ(v->type, VMCONF_LINUX);
	CHECK_EQ(v->memory, VMCONF_MEM_DEFAULT_LINUX);
	CHECK_EQ(v->memory, 256ull << 20);
	CHECK_EQ(v->vcpus, 2);
	CHECK_STR(v->initrd, "initrd.img");
	CHECK_STR(v->cmdline, "console=hvc0");
	CHECK_EQ(v->nr_disks, 2);
	CHECK_STR(v->disks[0].module, "root.img");
	CHECK(!v->disks[0].ro);
	CHECK_STR(v->disks[1].module, "data.img");
	CHECK(v->disks[1].ro);
	CHECK_EQ(v->nr_nics, 2);
	CHECK_STR(v->nics[0].link, "lan");
	CHECK(!v->nics[0].has_mac);
	CHECK_EQ(v->nics[0].vlan, VMCONF_VLAN_DEFAULT);
	CHECK_STR(v->nics[1].link, "trunk0");
	CHECK(v->nics[1].has_mac);
	CHECK(!memcmp(v->nics[1].mac, mac, 6));
	CHECK_EQ(v->nics[1].vlan, 42);
	CHECK(!v->nics[0].isolated);
	CHECK(v->nics[1].isolated);
	CHECK_EQ(v->console, VMCONF_CONSOLE_VIRTIO);
	/* A virtio-only console drops the uart device by default. */
	CHECK_EQ(v->devices, VMCONF_DEV_DEBUG_EXIT);

	/* Defaults: console on both, devices as usual, memory as given. */
	v = &conf.vms[1];
	CHECK_EQ(v->type, VMCONF_LINUX);
	CHECK_EQ(v->memory, 128ull << 20);
	CHECK_EQ(v->console, VMCONF_CONSOLE_BOTH);
	CHECK_EQ(v->devices, VMCONF_DEV_DEFAULT);
	CHECK_STR(v->initrd, "");
	CHECK_EQ(v->nr_disks, 0);
	CHECK_EQ(v->nr_nics, 0);

	/* Other types keep their defaults and have no console setting. */
	v = &conf.vms[2];
	CHECK_EQ(v->type, VMCONF_MULTIBOOT);
	CHECK_EQ(v->memory, VMCONF_MEM_DEFAULT);
	CHECK_EQ(v->console, 0);

	/* An explicit devices list keeps the uart with a virtio console;
	 * console = uart works with the default devices. */
	CHECK_EQ(parse("vm x\n  type = linux\n  kernel = k\n"
		       "  console = virtio\n  devices = uart\n"
		       "vm y\n  type = linux\n  kernel = k\n"
		       "  console = uart\n"),
		 2);
	CHECK_EQ(conf.nr_errors, 0);
	CHECK_EQ(conf.vms[0].devices, VMCONF_DEV_UART);
	CHECK_EQ(conf.vms[1].console, VMCONF_CONSOLE_UART);
	CHECK_EQ(conf.vms[1].devices, VMCONF_DEV_DEFAULT);
}

UNIT_TEST(platform_pc)
{
	const char *text = "vm mb\n"
			   "  kernel = k.elf\n"
			   "  disk = d.img ro\n" /* before platform: fine */
			   "  platform = pc\n"
			   "vm raw\n"
			   "  type = flat\n"
			   "  load = 0x100000\n"
			   "  kernel = k.bin\n"
			   "  platform = pc\n"
			   "  nic = lan\n"
			   "vm plain\n"
			   "  kernel = k.elf\n"
			   "vm deb\n"
			   "  type = linux\n"
			   "  kernel = vmlinuz\n"
			   "vm deb2\n"
			   "  type = linux\n"
			   "  platform = pc\n"
			   "  kernel = vmlinuz\n";

	CHECK_EQ(parse(text), 5);
	CHECK_EQ(conf.nr_errors, 0);
	CHECK_EQ(conf.vms[0].type, VMCONF_MULTIBOOT);
	CHECK_EQ(conf.vms[0].platform, VMCONF_PLATFORM_PC);
	CHECK_EQ(conf.vms[0].nr_disks, 1);
	CHECK_STR(conf.vms[0].disks[0].module, "d.img");
	CHECK(conf.vms[0].disks[0].ro);
	CHECK_EQ(conf.vms[0].console, 0);
	CHECK_EQ(conf.vms[0].devices, VMCONF_DEV_DEFAULT);
	CHECK_EQ(conf.vms[0].memory, VMCONF_MEM_DEFAULT);
	CHECK_EQ(conf.vms[1].type, VMCONF_FLAT);
	CHECK_EQ(conf.vms[1].platform, VMCONF_PLATFORM_PC);
	CHECK_EQ(conf.vms[1].nr_nics, 1);
	CHECK_EQ(conf.vms[2].platform, VMCONF_PLATFORM_NONE);
	/* Linux always has the platform, said or not. */
	CHECK_EQ(conf.vms[3].platform, VMCONF_PLATFORM_PC);
	CHECK_EQ(conf.vms[4].platform, VMCONF_PLATFORM_PC);
}

UNIT_TEST(no_newline_at_end_and_empty_input)
{
	CHECK_EQ(parse("vm x\n  kernel = k"), 1);
	CHECK_STR(conf.vms[0].kernel, "k");
	CHECK_EQ(parse(""), 0);
	CHECK_EQ(conf.nr_errors, 0);
	CHECK_EQ(parse("# only a comment\n\n"), 0);
	CHECK_EQ(conf.nr_errors, 0);
}

/* Each text has one bad VM between two good ones: exactly that VM goes,
 * with a message naming the line and the field. */
static const struct {
	const char *bad; /* the middle block, starting at line 3 */
	const char *msg;
} rejects[] = {
	{ "vm b\n  kernel = k\n  colour = red\n",
	  "vmconfig:5: vm b: colour: unknown key; skipped" },
	{ "vm b\n  kernel = k\n  memory = 8M\n  memory = 16M\n",
	  "vmconfig:6: vm b: memory: duplicate key; skipped" },
	{ "vm b\n  kernel = k\n  memory = lots\n",
	  "vmconfig:5: vm b: memory: not a size (e.g. 64M); skipped" },
	{ "vm b\n  kernel = k\n  memory = 3M\n",
	  "vmconfig:5: vm b: memory: must be a multiple of 2M; skipped" },
	{ "vm b\n  kernel = k\n  memory = 1M\n",
	  "vmconfig:5: vm b: memory: must be 2M..3G; skipped" },
	{ "vm b\n  kernel = k\n  memory = 4G\n",
	  "vmconfig:5: vm b: memory: must be 2M..3G; skipped" },
	{ "vm b\n  memory = 8M\n", "vmconfig:3: vm b: no kernel; skipped" },
	{ "vm b\n  kernel = k\n  vcpus = 9\n",
	  "vmconfig:5: vm b: vcpus: must be 1..8; skipped" },
	{ "vm b\n  kernel = k\n  vcpus = 0\n",
	  "vmconfig:5: vm b: vcpus: must be 1..8; skipped" },
	{ "vm b\n  kernel = k j\n",
	  "vmconfig:4: vm b: kernel: one module name expected; skipped" },
	{ "vm b\n  kernel = k\n  cmdline = plain\n",
	  "vmconfig:5: vm b: cmdline: must be a double-quoted "
	  "string; skipped" },
	{ "vm b\n  kernel = k\n  cmdline = \"open\n",
	  "vmconfig:5: vm b: cmdline: unterminated quote; skipped" },
	{ "vm b\n  kernel = k\n  cmdline = \"a\" b\n",
	  "vmconfig:5: vm b: cmdline: text after the closing quote; "
	  "skipped" },
	{ "vm b\n  kernel = k\n  type = bzimage\n",
	  "vmconfig:5: vm b: type: must be multiboot, flat or linux; "
	  "skipped" },
	{ "vm b\n  kernel = k\n  type = flat\n",
	  "vmconfig:3: vm b: type flat needs a load address; skipped" },
	{ "vm b\n  kernel = k\n  load = 0x100000\n",
	  "vmconfig:3: vm b: load/entry are for type = flat only; skipped" },
	{ "vm b\n  kernel = k\n  type = flat\n  load = 0x100000000\n",
	  "vmconfig:6: vm b: load: not an address below 4G; skipped" },
	{ "vm b\n  kernel = k\n  devices = uart, vga\n",
	  "vmconfig:5: vm b: devices: unknown device (uart, "
	  "debug-exit, none); skipped" },
	{ "vm b\n  kernel = k\n  memory\n",
	  "vmconfig:5: vm b: expected 'key = value'; skipped" },
	{ "vm b\n  kernel = k\n  memory =\n",
	  "vmconfig:5: vm b: memory: empty value; skipped" },
	{ "vm b\n  kernel = k\nmemory = 8M\n",
	  "vmconfig:5: expected 'vm NAME' (keys must be indented)" },
	{ "vm b c\n  kernel = k\n",
	  "vmconfig:3: bad VM name (1-31 of A-Z a-z 0-9 . _ -); block "
	  "skipped" },
	{ "vm a\n  kernel = k\n",
	  "vmconfig:3: vm a: duplicate VM name; skipped" },
	{ "vm b\n  kernel = k\n  module = 1\n  module = 2\n  module = 3\n"
	  "  module = 4\n  module = 5\n",
	  "vmconfig:9: vm b: module: too many modules (at most 4); "
	  "skipped" },
	/* Linux VMs and their keys. */
	{ "vm b\n  kernel = k\n  initrd = i\n",
	  "vmconfig:5: vm b: initrd: for type = linux only; skipped" },
	{ "vm b\n  kernel = k\n  nic = lan\n  type = flat\n  load = 0x1000\n",
	  "vmconfig:5: vm b: nic: needs platform = pc (or type = linux); "
	  "skipped" },
	{ "vm b\n  disk = d\n  console = uart\n  kernel = k\n",
	  "vmconfig:4: vm b: disk: needs platform = pc (or type = linux); "
	  "skipped" },
	{ "vm b\n  kernel = k\n  disk = d\n  platform = none\n",
	  "vmconfig:5: vm b: disk: needs platform = pc (or type = linux); "
	  "skipped" },
	/* The PC platform gives disks and NICs, not the Linux-only keys. */
	{ "vm b\n  kernel = k\n  platform = pc\n  console = uart\n",
	  "vmconfig:6: vm b: console: for type = linux only; skipped" },
	{ "vm b\n  kernel = k\n  initrd = i\n  platform = pc\n",
	  "vmconfig:5: vm b: initrd: for type = linux only; skipped" },
	{ "vm b\n  kernel = k\n  platform = isa\n",
	  "vmconfig:5: vm b: platform: must be pc or none; skipped" },
	{ "vm b\n  kernel = k\n  platform = pc\n  platform = pc\n",
	  "vmconfig:6: vm b: platform: duplicate key; skipped" },
	{ "vm b\n  kernel = k\n  type = linux\n  platform = none\n",
	  "vmconfig:3: vm b: platform: linux needs pc; skipped" },
	{ "vm b\n  kernel = k\n  type = linux\n  module = m\n",
	  "vmconfig:6: vm b: module: not for type = linux (use initrd); "
	  "skipped" },
	{ "vm b\n  kernel = k\n  type = linux\n  load = 0x100000\n",
	  "vmconfig:3: vm b: load/entry are for type = flat only; skipped" },
	{ "vm b\n  kernel = k\n  type = linux\n  console = vga\n",
	  "vmconfig:6: vm b: console: must be uart, virtio or both; "
	  "skipped" },
	{ "vm b\n  kernel = k\n  type = linux\n  console = uart\n"
	  "  devices = debug-exit\n",
	  "vmconfig:3: vm b: console uses the uart but devices has no uart; "
	  "skipped" },
	{ "vm b\n  kernel = k\n  type = linux\n  initrd = a b\n",
	  "vmconfig:6: vm b: initrd: one module name expected; skipped" },
	{ "vm b\n  kernel = k\n  type = linux\n  initrd = a\n  initrd = b\n",
	  "vmconfig:7: vm b: initrd: duplicate key; skipped" },
	{ "vm b\n  kernel = k\n  type = linux\n  disk = 1\n  disk = 2\n"
	  "  disk = 3\n  disk = 4\n  disk = 5\n",
	  "vmconfig:10: vm b: disk: too many disks (at most 4); skipped" },
	{ "vm b\n  kernel = k\n  type = linux\n  disk = d.img rw\n",
	  "vmconfig:6: vm b: disk: unknown option (ro); skipped" },
	{ "vm b\n  kernel = k\n  type = linux\n  disk = d.img ro ro\n",
	  "vmconfig:6: vm b: disk: duplicate option; skipped" },
	{ "vm b\n  kernel = k\n  type = linux\n  disk = d.img\n"
	  "  disk = d.img ro\n",
	  "vmconfig:7: vm b: disk: module already backs another disk; "
	  "skipped" },
	{ "vm b\n  kernel = k\n  type = linux\n  nic = br/0\n",
	  "vmconfig:6: vm b: nic: bad link name (1-31 of A-Z a-z 0-9 . _ "
	  "-); skipped" },
	{ "vm b\n  kernel = k\n  type = linux\n  nic = lan mac=52:54:00:1:2:3\n",
	  "vmconfig:6: vm b: nic: bad MAC (xx:xx:xx:xx:xx:xx); skipped" },
	{ "vm b\n  kernel = k\n  type = linux\n"
	  "  nic = lan mac=52:54:00:01:02:03:04\n",
	  "vmconfig:6: vm b: nic: bad MAC (xx:xx:xx:xx:xx:xx); skipped" },
	{ "vm b\n  kernel = k\n  type = linux\n  nic = lan mac=52:54:00:01:02\n",
	  "vmconfig:6: vm b: nic: bad MAC (xx:xx:xx:xx:xx:xx); skipped" },
	{ "vm b\n  kernel = k\n  type = linux\n"
	  "  nic = lan mac=01:00:5e:00:00:01\n",
	  "vmconfig:6: vm b: nic: MAC must be unicast; skipped" },
	{ "vm b\n  kernel = k\n  type = linux\n"
	  "  nic = lan mac=00:00:00:00:00:00\n",
	  "vmconfig:6: vm b: nic: MAC must not be zero; skipped" },
	{ "vm b\n  kernel = k\n  type = linux\n"
	  "  nic = lan mac=52:54:00:00:00:01\n"
	  "  nic = wan mac=52:54:00:00:00:01\n",
	  "vmconfig:7: vm b: nic: MAC already used by another NIC; skipped" },
	{ "vm b\n  kernel = k\n  type = linux\n"
	  "  nic = lan mac=52:54:00:00:00:01 mac=52:54:00:00:00:02\n",
	  "vmconfig:6: vm b: nic: duplicate option; skipped" },
	{ "vm b\n  kernel = k\n  type = linux\n  nic = lan vlan=0\n",
	  "vmconfig:6: vm b: nic: vlan must be 1..4094; skipped" },
	{ "vm b\n  kernel = k\n  type = linux\n  nic = lan vlan=4095\n",
	  "vmconfig:6: vm b: nic: vlan must be 1..4094; skipped" },
	{ "vm b\n  kernel = k\n  type = linux\n  nic = lan vlan=x\n",
	  "vmconfig:6: vm b: nic: vlan must be 1..4094; skipped" },
	{ "vm b\n  kernel = k\n  type = linux\n  nic = lan mtu=9000\n",
	  "vmconfig:6: vm b: nic: unknown option (mac=, vlan=, isolated); skipped" },
	{ "vm b\n  kernel = k\n  type = linux\n  nic = lan isolated isolated\n",
	  "vmconfig:6: vm b: nic: duplicate option; skipped" },
	{ "vm b\n  kernel = k\n  type = linux\n  nic = a\n  nic = b\n"
	  "  nic = c\n  nic = d\n  nic = e\n",
	  "vmconfig:10: vm b: nic: too many NICs (at most 4); skipped" },
};

UNIT_TEST(reject_table)
{
	for (unsigned int i = 0; i < sizeof(rejects) / sizeof(rejects[0]);
	     i++) {
		char text[2048];
		unsigned int n;

		snprintf(text, sizeof(text),
			 "vm a\n  kernel = ka\n%svm c\n  kernel = kc\n",
			 rejects[i].bad);
		n = parse(text);
		CHECK_EQ(conf.nr_errors, 1);
		if (conf.nr_errors) {
			if (strcmp(conf.errors[0], rejects[i].msg))
				fprintf(stderr, "  case %u: got '%s'\n", i,
					conf.errors[0]);
			CHECK_STR(conf.errors[0], rejects[i].msg);
		}
		/* a and c survive; b does not (except where the error is
		 * outside b's block, which leaves b valid). */
		CHECK_STR(conf.vms[0].name, "a");
		CHECK_STR(conf.vms[0].kernel, "ka");
		CHECK_STR(conf.vms[n - 1].name, "c");
		CHECK_STR(conf.vms[n - 1].kernel, "kc");
		if (strncmp(rejects[i].msg, "vmconfig:5: expected", 20))
			CHECK_EQ(n, 2);
		else
			CHECK_EQ(n, 3);
	}
}

UNIT_TEST(keys_outside_blocks_and_limits)
{
	char text[4096] = "";
	size_t len = 0;

	CHECK_EQ(parse("  kernel = k\nvm a\n  kernel = k\n"), 1);
	CHECK_EQ(conf.nr_errors, 1);
	CHECK_STR(conf.errors[0], "vmconfig:1: key outside a 'vm NAME' block");

	for (unsigned int i = 0; i < VMCONF_MAX_VMS + 1; i++)
		len += snprintf(text + len, sizeof(text) - len,
				"vm v%u\n  kernel = k\n", i);
	CHECK_EQ(parse(text), VMCONF_MAX_VMS);
	CHECK_EQ(conf.nr_errors, 1);
	CHECK_STR(conf.errors[0], "vmconfig:33: vm v16: more than 16 VMs; "
				  "skipped");
}

UNIT_TEST(only_first_error_of_a_block)
{
	CHECK_EQ(parse("vm a\n  colour = 1\n  size = 2\n"), 0);
	CHECK_EQ(conf.nr_errors, 1);
}

UNIT_TEST(module_names)
{
	char out[16];

	vmconf_module_name("/boot/guest-cpuid.elf a=1", out, sizeof(out));
	CHECK_STR(out, "guest-cpuid.elf");
	vmconf_module_name("  plain", out, sizeof(out));
	CHECK_STR(out, "plain");
	vmconf_module_name("/tmp/x/very-long-module-name.elf", out,
			   sizeof(out));
	CHECK_STR(out, "very-long-modul");
	vmconf_module_name("", out, sizeof(out));
	CHECK_STR(out, "");
}

UNIT_MAIN()

// SPDX-License-Identifier: GPL-2.0
/*
 * VMs from boot modules: every module named *.vmconf is a VM config
 * (docs/vm-config.md); each VM it describes is created, its kernel loaded
 * from the module the config names, its devices attached, and started.
 * A VM whose config or image is bad is skipped with a message; the others
 * go on. With vms.exit_after=SECONDS the machine exits once every VM has
 * stopped (tests): status 0, or 1 if some VM was still running.
 */
#include <pv/bootinfo.h>
#include <pv/cmdline.h>
#include <pv/compiler.h>
#include <pv/crc32c.h>
#include <pv/heap.h>
#include <pv/loader.h>
#include <pv/panic.h>
#include <pv/printf.h>
#include <pv/printk.h>
#include <pv/string.h>
#include <pv/virt.h>
#include <pv/vmconfig.h>
#include <asm/layout.h>
#include <asm/timer.h>
#include <pv/blkdev.h>
#include <pv/vnet.h>
#include "dev/platform.h"
#include "dev/virtio.h"

#define VMCONF_SUFFIX ".vmconf"

static u64 exit_after_s;

static int set_exit_after(const char *val)
{
	return parse_u64(val, &exit_after_s);
}
KPARAM("vms.exit_after", set_exit_after,
       "seconds: exit the machine once every boot VM stopped (tests)");

/* What a VM needs to be loaded again on reset. */
struct boot_vm {
	struct vmconf_vm conf;
	const struct boot_module *kernel;
	const struct boot_module *initrd; /* type = linux */
	struct loader_module mods[VMCONF_MAX_MODULES];
};

static const struct boot_module *find_module(const char *name)
{
	char n[VMCONF_MODNAME_MAX];

	for (unsigned int i = 0; i < bootinfo.nr_modules; i++) {
		vmconf_module_name(bootinfo.modules[i].name, n, sizeof(n));
		if (!strcmp(n, name))
			return &bootinfo.modules[i];
	}
	return NULL;
}

static bool is_config(const struct boot_module *m)
{
	char n[VMCONF_MODNAME_MAX];
	size_t len, sl = sizeof(VMCONF_SUFFIX) - 1;

	vmconf_module_name(m->name, n, sizeof(n));
	len = strlen(n);
	return len > sl && !strcmp(n + len - sl, VMCONF_SUFFIX);
}

static const void *module_data(const struct boot_module *m)
{
	return phys_to_virt(m->start);
}

/*
 * A Linux guest gets the TSC rate through the kernel's documented
 * tsc_early_khz= option unless its config sets one: calibrating against
 * the emulated PIT needs port reads far faster than an exit is under
 * nested emulation, and the guest TSC is the host's.
 */
static int load_linux(struct vm *vm, struct boot_vm *b, char *err,
		      size_t errlen)
{
	const struct boot_module *k = b->kernel, *rd = b->initrd;
	struct linux_entry e;
	char *cmd = kzalloc(VMCONF_CMDLINE_MAX + 64);
	int rc;

	if (!cmd) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (strstr(b->conf.cmdline, "tsc_early_khz="))
		strlcpy(cmd, b->conf.cmdline, VMCONF_CMDLINE_MAX + 64);
	else
		snprintf(cmd, VMCONF_CMDLINE_MAX + 64, "%s%stsc_early_khz=%u",
			 b->conf.cmdline, b->conf.cmdline[0] ? " " : "",
			 tsc_khz);
	rc = linux_load(vm, module_data(k), k->end - k->start,
			rd ? module_data(rd) : NULL,
			rd ? rd->end - rd->start : 0, cmd, vm->plat->rsdp, &e,
			err, errlen);
	kfree(cmd);
	if (!rc)
		linux_enter(vm->vcpus[0], &e);
	return rc;
}

/* Load the image and set the boot vCPU's entry state. */
static int load_vm(struct vm *vm, void *arg)
{
	struct boot_vm *b = arg;
	const struct boot_module *k = b->kernel;
	struct boot_state bs;
	char err[128];
	int rc;

	if (b->conf.type == VMCONF_LINUX) {
		rc = load_linux(vm, b, err, sizeof(err));
		if (rc) {
			pr_err("vm %s: cannot load '%s': %s\n", vm->name,
			       b->conf.kernel, err);
			return -1;
		}
		return 0;
	}
	if (b->conf.type == VMCONF_FLAT)
		rc = flat_load(vm, module_data(k), k->end - k->start,
			       b->conf.load, b->conf.entry, &bs, err,
			       sizeof(err));
	else
		rc = mb1_load(vm, module_data(k), k->end - k->start,
			      b->conf.cmdline, b->mods, b->conf.nr_modules, &bs,
			      err, sizeof(err));
	if (rc) {
		pr_err("vm %s: cannot load '%s': %s\n", vm->name,
		       b->conf.kernel, err);
		return -1;
	}
	loader_enter(vm->vcpus[0], &bs);
	return 0;
}

static int add_devices(struct vm *vm, unsigned int devices)
{
	if (devices == VMCONF_DEV_DEFAULT)
		return vm_add_default_devices(vm);
	if ((devices & VMCONF_DEV_UART) && uart16550_attach(vm, 0x3F8))
		return -1;
	if ((devices & VMCONF_DEV_DEBUG_EXIT) && debugexit_attach(vm, 0xF4))
		return -1;
	return 0;
}

/* A locally administered MAC, stable per VM name and NIC index. */
static void pick_mac(const struct vmconf_vm *c, unsigned int i, u8 mac[6])
{
	u32 h = crc32c(~0u, c->name, strlen(c->name)) ^ i;

	mac[0] = 0x52;
	mac[1] = 0x54;
	mac[2] = (u8)(h >> 24);
	mac[3] = (u8)(h >> 16);
	mac[4] = (u8)(h >> 8);
	mac[5] = (u8)h;
}

/* The PC platform and the virtio devices of a Linux guest, or of another
 * VM with platform = pc (tests/guests/guest-virtio-hostile.c). */
static int platform_devices(struct vm *vm, const struct vmconf_vm *c)
{
	struct vpci_host *pci;

	if (plat_create(vm))
		return -1;
	pci = vm->plat->pci;
	for (unsigned int i = 0; i < c->nr_disks; i++) {
		const struct boot_module *m = find_module(c->disks[i].module);
		struct blkdev *bd = vm_dev_zalloc(vm, sizeof(*bd));

		if (!m || !bd) {
			pr_err("vm %s: disk '%s': %s\n", c->name,
			       c->disks[i].module,
			       m ? "out of memory"
				 : "no boot module of that name");
			return -1;
		}
		ramdisk_init(bd, c->disks[i].module, phys_to_virt(m->start),
			     m->end - m->start, c->disks[i].ro);
		if (!virtio_blk_create(vm, pci, bd))
			return -1;
	}
	if (c->nr_nics && !IS_ENABLED(CONFIG_NET)) {
		pr_err("vm %s: NICs need networking (CONFIG_NET)\n", c->name);
		return -1;
	}
	for (unsigned int i = 0; i < c->nr_nics; i++) {
		const struct vmconf_nic *nc = &c->nics[i];
		struct vnet_port_opts o = { .vlan = nc->vlan,
					    .isolated = nc->isolated };
		struct vnet *net = vnet_get(nc->link);
		u8 mac[6];
		struct netport *p;

		if (nc->has_mac)
			memcpy(mac, nc->mac, 6);
		else
			pick_mac(c, i, mac);
		p = net ? virtio_net_create(vm, pci, mac) : NULL;
		if (!p || vnet_attach_guest(net, p, &o) < 0) {
			pr_err("vm %s: NIC on '%s' could not be attached\n",
			       c->name, nc->link);
			return -1;
		}
	}
	if ((c->console & VMCONF_CONSOLE_VIRTIO) &&
	    !virtio_console_create(vm, pci))
		return -1;
	return 0;
}

/* Resolve the modules a config names; NULL-free boot_vm on success. */
static bool resolve(const struct vmconf_vm *c, struct boot_vm *b)
{
	b->conf = *c;
	b->kernel = find_module(c->kernel);
	if (!b->kernel) {
		pr_err("vm %s: no boot module named '%s'; skipped\n", c->name,
		       c->kernel);
		return false;
	}
	b->initrd = c->initrd[0] ? find_module(c->initrd) : NULL;
	if (c->initrd[0] && !b->initrd) {
		pr_err("vm %s: no boot module named '%s'; skipped\n", c->name,
		       c->initrd);
		return false;
	}
	for (unsigned int i = 0; i < c->nr_modules; i++) {
		char n[VMCONF_MODNAME_MAX];
		const struct boot_module *m;

		vmconf_module_name(c->modules[i], n, sizeof(n));
		m = find_module(n);
		if (!m) {
			pr_err("vm %s: no boot module named '%s'; skipped\n",
			       c->name, n);
			return false;
		}
		b->mods[i] = (struct loader_module){ module_data(m),
						     m->end - m->start,
						     b->conf.modules[i] };
	}
	return true;
}

static bool create_one(const struct vmconf_vm *c)
{
	struct boot_vm tmp, *b;
	struct vm *vm;

	if (vm_find(c->name)) {
		pr_err("vm %s: a VM of that name exists; skipped\n", c->name);
		return false;
	}
	if (!resolve(c, &tmp))
		return false;
	vm = vm_create(c->name, c->memory, c->vcpus);
	if (!vm)
		return false; /* vm_create said why */
	b = vm_dev_zalloc(vm, sizeof(*b));
	if (b && c->platform == VMCONF_PLATFORM_PC && platform_devices(vm, c)) {
		pr_err("vm %s: cannot create its platform devices; skipped\n",
		       c->name);
		goto out;
	}
	if (!b || add_devices(vm, c->devices)) {
		pr_err("vm %s: cannot attach devices; skipped\n", c->name);
		goto out;
	}
	*b = tmp;
	if (load_vm(vm, b))
		goto out;
	vm_set_reset_hook(vm, load_vm, b);
	if (vm_start(vm)) {
		pr_err("vm %s: cannot start; skipped\n", c->name);
		goto out;
	}
	pr_info("vm %s: started: %llu MiB, %u vCPU%s, kernel '%s'\n", c->name,
		(unsigned long long)(c->memory >> 20), c->vcpus,
		c->vcpus == 1 ? "" : "s", c->kernel);
	return true;
out:
	vm_destroy(vm);
	return false;
}

static unsigned int start_config(const struct boot_module *m,
				 struct vmconf *conf)
{
	unsigned int started = 0;

	vmconf_parse(module_data(m), m->end - m->start, conf);
	for (unsigned int i = 0; i < MIN(conf->nr_errors, VMCONF_MAX_ERRORS);
	     i++)
		pr_err("%s (%s)\n", conf->errors[i], m->name);
	if (conf->nr_errors > VMCONF_MAX_ERRORS)
		pr_err("vmconfig: %u more errors in %s\n",
		       conf->nr_errors - VMCONF_MAX_ERRORS, m->name);
	for (unsigned int i = 0; i < conf->nr_vms; i++)
		started += create_one(&conf->vms[i]);
	return started;
}

/* The hypervisor's code and read-only data: no guest may change a byte of
 * them, whatever it writes (tests/guests/guest-hostile.c). */
static u32 image_crc(void)
{
	return crc32c(crc32c(~0u, _text, _etext - _text), _rodata,
		      _erodata - _rodata);
}

unsigned int boot_vms(void)
{
	struct vmconf *conf = NULL;
	unsigned int started = 0, configs = 0, live;
	u32 crc = image_crc();

	for (unsigned int i = 0; i < bootinfo.nr_modules; i++) {
		const struct boot_module *m = &bootinfo.modules[i];

		if (!is_config(m))
			continue;
		configs++;
		if (!virt_ready()) {
			pr_err("vms: no usable virtualization backend; config "
			       "'%s' ignored\n",
			       m->name);
			continue;
		}
		if (!conf)
			conf = kzalloc(sizeof(*conf));
		if (!conf) {
			pr_err("vms: out of memory for the VM configs\n");
			break;
		}
		started += start_config(m, conf);
	}
	if (conf)
		kfree(conf);
	if (configs)
		pr_info("vms: %u VM%s started from %u config module%s\n",
			started, started == 1 ? "" : "s", configs,
			configs == 1 ? "" : "s");
	if (!exit_after_s)
		return started;
	live = vm_wait_all(exit_after_s * 1000);
	vm_print_summary();
	if (live)
		pr_err("vms: %u VM%s still running after %llu s\n", live,
		       live == 1 ? "" : "s", (unsigned long long)exit_after_s);
	else
		pr_info("vms: all VMs stopped\n");
	if (image_crc() != crc) {
		pr_err("vms: hypervisor text/rodata CHANGED while VMs ran\n");
		machine_exit(1);
	}
	pr_info("vms: hypervisor text/rodata unchanged (crc32c %#x)\n", crc);
	machine_exit(live ? 1 : 0);
}

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
#include <pv/printk.h>
#include <pv/string.h>
#include <pv/virt.h>
#include <pv/vmconfig.h>
#include <asm/layout.h>

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

/* Load the image and set the boot vCPU's entry state. */
static int load_vm(struct vm *vm, void *arg)
{
	struct boot_vm *b = arg;
	const struct boot_module *k = b->kernel;
	struct boot_state bs;
	char err[128];
	int rc;

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

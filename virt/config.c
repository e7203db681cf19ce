// SPDX-License-Identifier: GPL-2.0
/*
 * VM configuration parser (format: docs/vm-config.md). Strict: an unknown
 * key, a duplicate, a malformed value or a missing kernel drops that VM
 * with a "vmconfig:LINE: ..." message; the other VMs are kept.
 */
#include <pv/vmconfig.h>
#include <pv/cmdline.h>
#include <pv/compiler.h>
#include <pv/printf.h>
#include <pv/string.h>
#include <stdarg.h>

enum {
	K_MEMORY = 1u << 0,
	K_VCPUS = 1u << 1,
	K_KERNEL = 1u << 2,
	K_CMDLINE = 1u << 3,
	K_TYPE = 1u << 4,
	K_LOAD = 1u << 5,
	K_ENTRY = 1u << 6,
	K_DEVICES = 1u << 7,
	K_INITRD = 1u << 8,
	K_CONSOLE = 1u << 9,
	K_PLATFORM = 1u << 10,
};

struct parser {
	struct vmconf *conf;
	struct vmconf_vm *vm; /* block being parsed, NULL outside one */
	bool bad; /* the current block had an error: ignore the rest */
	/* First line of a key that depends on the type or platform (checked
	 * when the block ends, as type and platform may come later). */
	unsigned int linux_line, module_line, pci_line;
	const char *linux_key, *pci_key;
};

static void error(struct parser *p, unsigned int line, const char *fmt, ...)
	__printf(3, 4);

static void error(struct parser *p, unsigned int line, const char *fmt, ...)
{
	struct vmconf *c = p->conf;
	va_list ap;
	int n;

	if (p->vm)
		p->bad = true;
	if (c->nr_errors++ >= VMCONF_MAX_ERRORS)
		return;
	n = snprintf(c->errors[c->nr_errors - 1], VMCONF_ERR_MAX,
		     "vmconfig:%u: ", line);
	va_start(ap, fmt);
	vsnprintf(c->errors[c->nr_errors - 1] + n, VMCONF_ERR_MAX - n, fmt, ap);
	va_end(ap);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static bool copy_word(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		return false;
	memcpy(dst, src, len);
	dst[len] = 0;
	return true;
}

static bool name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		char c = *s;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		      c == '.'))
			return false;
	}
	return true;
}

/* The "..." value of cmdline: \" and \\ escapes; nothing after it. */
static const char *parse_quoted(const char *v, char *out, size_t size)
{
	size_t n = 0;

	if (*v++ != '"')
		return "must be a double-quoted string";
	for (; *v && *v != '"'; v++) {
		if (*v == '\\' && (v[1] == '"' || v[1] == '\\'))
			v++;
		if (n + 1 >= size)
			return "too long";
		out[n++] = *v;
	}
	out[n] = 0;
	if (*v != '"')
		return "unterminated quote";
	if (v[1])
		return "text after the closing quote";
	return NULL;
}

static const char *parse_devices(const char *v, unsigned int *mask)
{
	*mask = 0;
	while (*v) {
		const char *w = v;
		size_t len;

		while (*v && !is_space(*v) && *v != ',')
			v++;
		len = v - w;
		if (len == 4 && !memcmp(w, "uart", 4))
			*mask |= VMCONF_DEV_UART;
		else if (len == 10 && !memcmp(w, "debug-exit", 10))
			*mask |= VMCONF_DEV_DEBUG_EXIT;
		else if (len == 4 && !memcmp(w, "none", 4))
			;
		else if (len)
			return "unknown device (uart, debug-exit, none)";
		while (is_space(*v) || *v == ',')
			v++;
	}
	return NULL;
}

/* The next space-separated word of *v into out; false if too long. */
static bool next_word(const char **v, char *out, size_t size)
{
	const char *w = *v;
	size_t len;

	while (is_space(*w))
		w++;
	for (len = 0; w[len] && !is_space(w[len]); len++)
		;
	*v = w + len;
	return copy_word(out, size, w, len);
}

static const char *one_name(const char *val, char *out, size_t size)
{
	for (const char *s = val; *s; s++)
		if (is_space(*s))
			return "one module name expected";
	if (!copy_word(out, size, val, strlen(val)))
		return "name too long";
	return NULL;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "xx:xx:xx:xx:xx:xx", a unicast address other than zero. */
static const char *parse_mac(const char *s, u8 mac[6])
{
	bool zero = true;

	for (unsigned int i = 0; i < 6; i++, s += 3) {
		int hi = hex_digit(s[0]), lo = hi < 0 ? -1 : hex_digit(s[1]);

		if (lo < 0 || s[2] != (i == 5 ? 0 : ':'))
			return "bad MAC (xx:xx:xx:xx:xx:xx)";
		mac[i] = hi << 4 | lo;
		zero &= !mac[i];
	}
	if (mac[0] & 1)
		return "MAC must be unicast";
	if (zero)
		return "MAC must not be zero";
	return NULL;
}

/* disk = MODULE [ro] */
static const char *add_disk(struct vmconf_vm *vm, const char *v)
{
	struct vmconf_disk *d = &vm->disks[vm->nr_disks];
	char opt[8];

	if (vm->nr_disks == VMCONF_MAX_DISKS)
		return "too many disks (at most 4)";
	memset(d, 0, sizeof(*d));
	if (!next_word(&v, d->module, sizeof(d->module)))
		return "name too long";
	while (*v) {
		if (!next_word(&v, opt, sizeof(opt)) || strcmp(opt, "ro"))
			return "unknown option (ro)";
		if (d->ro)
			return "duplicate option";
		d->ro = true;
		while (is_space(*v))
			v++;
	}
	for (unsigned int i = 0; i < vm->nr_disks; i++)
		if (!strcmp(vm->disks[i].module, d->module))
			return "module already backs another disk";
	vm->nr_disks++;
	return NULL;
}

/* nic = LINK [mac=xx:xx:xx:xx:xx:xx] [vlan=N] [isolated] */
static const char *add_nic(struct vmconf_vm *vm, const char *v)
{
	struct vmconf_nic *n = &vm->nics[vm->nr_nics];
	bool vlan_seen = false;
	char opt[32];
	const char *why;
	u64 id;

	if (vm->nr_nics == VMCONF_MAX_NICS)
		return "too many NICs (at most 4)";
	memset(n, 0, sizeof(*n));
	n->vlan = VMCONF_VLAN_DEFAULT;
	if (!next_word(&v, n->link, sizeof(n->link)) || !name_ok(n->link))
		return "bad link name (1-31 of A-Z a-z 0-9 . _ -)";
	while (*v) {
		if (!next_word(&v, opt, sizeof(opt)))
			return "unknown option (mac=, vlan=, isolated)";
		if (!strncmp(opt, "mac=", 4)) {
			if (n->has_mac)
				return "duplicate option";
			why = parse_mac(opt + 4, n->mac);
			if (why)
				return why;
			n->has_mac = true;
		} else if (!strncmp(opt, "vlan=", 5)) {
			if (vlan_seen)
				return "duplicate option";
			if (parse_u64(opt + 5, &id) || id < 1 || id > 4094)
				return "vlan must be 1..4094";
			n->vlan = id;
			vlan_seen = true;
		} else if (!strcmp(opt, "isolated")) {
			if (n->isolated)
				return "duplicate option";
			n->isolated = true;
		} else {
			return "unknown option (mac=, vlan=, isolated)";
		}
		while (is_space(*v))
			v++;
	}
	for (unsigned int i = 0; n->has_mac && i < vm->nr_nics; i++)
		if (vm->nics[i].has_mac && !memcmp(vm->nics[i].mac, n->mac, 6))
			return "MAC already used by another NIC";
	vm->nr_nics++;
	return NULL;
}

static const char *parse_console(const char *v, unsigned int *console)
{
	if (!strcmp(v, "uart"))
		*console = VMCONF_CONSOLE_UART;
	else if (!strcmp(v, "virtio"))
		*console = VMCONF_CONSOLE_VIRTIO;
	else if (!strcmp(v, "both"))
		*console = VMCONF_CONSOLE_BOTH;
	else
		return "must be uart, virtio or both";
	return NULL;
}

/* Apply one "key = value"; returns an error message or NULL. */
static const char *set_key(struct vmconf_vm *vm, const char *key,
			   const char *val)
{
	static const struct {
		const char *name;
		unsigned int bit;
	} keys[] = {
		{ "memory", K_MEMORY },	    { "vcpus", K_VCPUS },
		{ "kernel", K_KERNEL },	    { "cmdline", K_CMDLINE },
		{ "type", K_TYPE },	    { "load", K_LOAD },
		{ "entry", K_ENTRY },	    { "devices", K_DEVICES },
		{ "initrd", K_INITRD },	    { "console", K_CONSOLE },
		{ "platform", K_PLATFORM },
	};
	unsigned int bit = 0;
	u64 n;

	if (!strcmp(key, "module")) {
		if (vm->nr_modules == VMCONF_MAX_MODULES)
			return "too many modules (at most 4)";
		if (!copy_word(vm->modules[vm->nr_modules], VMCONF_MODNAME_MAX,
			       val, strlen(val)))
			return "value too long";
		vm->nr_modules++;
		return NULL;
	}
	if (!strcmp(key, "disk"))
		return add_disk(vm, val);
	if (!strcmp(key, "nic"))
		return add_nic(vm, val);
	for (unsigned int i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(key, keys[i].name))
			bit = keys[i].bit;
	if (!bit)
		return "unknown key";
	if (vm->seen & bit)
		return "duplicate key";
	vm->seen |= bit;

	switch (bit) {
	case K_MEMORY:
		if (parse_size(val, &n))
			return "not a size (e.g. 64M)";
		if (n < VMCONF_MEM_MIN || n > VMCONF_MEM_MAX)
			return "must be 2M..3G";
		if (n % VMCONF_MEM_ALIGN)
			return "must be a multiple of 2M";
		vm->memory = n;
		break;
	case K_VCPUS:
		if (parse_u64(val, &n) || n < 1 || n > VMCONF_MAX_VCPUS)
			return "must be 1..8";
		vm->vcpus = n;
		break;
	case K_KERNEL: return one_name(val, vm->kernel, sizeof(vm->kernel));
	case K_INITRD: return one_name(val, vm->initrd, sizeof(vm->initrd));
	case K_CONSOLE: return parse_console(val, &vm->console);
	case K_CMDLINE:
		return parse_quoted(val, vm->cmdline, sizeof(vm->cmdline));
	case K_TYPE:
		if (!strcmp(val, "multiboot"))
			vm->type = VMCONF_MULTIBOOT;
		else if (!strcmp(val, "flat"))
			vm->type = VMCONF_FLAT;
		else if (!strcmp(val, "linux"))
			vm->type = VMCONF_LINUX;
		else
			return "must be multiboot, flat or linux";
		break;
	case K_LOAD:
	case K_ENTRY:
		if (parse_u64(val, &n) || n >= (1ull << 32))
			return "not an address below 4G";
		if (bit == K_LOAD)
			vm->load = n;
		else
			vm->entry = n;
		break;
	case K_DEVICES: return parse_devices(val, &vm->devices);
	case K_PLATFORM:
		if (!strcmp(val, "pc"))
			vm->platform = VMCONF_PLATFORM_PC;
		else if (!strcmp(val, "none"))
			vm->platform = VMCONF_PLATFORM_NONE;
		else
			return "must be pc or none";
		break;
	}
	return NULL;
}

/* A Linux VM's defaults: 256M, console on both; the uart device follows
 * the console unless devices says otherwise. */
static const char *linux_defaults(struct vmconf_vm *vm)
{
	if (!(vm->seen & K_MEMORY))
		vm->memory = VMCONF_MEM_DEFAULT_LINUX;
	if (!(vm->seen & K_CONSOLE))
		vm->console = VMCONF_CONSOLE_BOTH;
	if (vm->console & VMCONF_CONSOLE_UART) {
		if (!(vm->devices & VMCONF_DEV_UART))
			return "console uses the uart but devices has no uart";
	} else if (!(vm->seen & K_DEVICES)) {
		vm->devices &= ~VMCONF_DEV_UART;
	}
	return NULL;
}

/* End of a block: defaults and the checks that need every key. */
static void finish_vm(struct parser *p)
{
	struct vmconf_vm *vm = p->vm;
	const char *why = NULL;

	if (!vm)
		return;
	if (!p->bad && vm->type == VMCONF_LINUX && (vm->seen & K_PLATFORM) &&
	    vm->platform != VMCONF_PLATFORM_PC)
		error(p, vm->line, "vm %s: platform: linux needs pc; skipped",
		      vm->name);
	if (vm->type == VMCONF_LINUX)
		vm->platform = VMCONF_PLATFORM_PC;
	if (!p->bad && vm->platform != VMCONF_PLATFORM_PC && p->pci_key)
		error(p, p->pci_line,
		      "vm %s: %s: needs platform = pc (or type = linux); "
		      "skipped",
		      vm->name, p->pci_key);
	if (!p->bad && vm->type != VMCONF_LINUX && p->linux_key)
		error(p, p->linux_line,
		      "vm %s: %s: for type = linux only; skipped", vm->name,
		      p->linux_key);
	if (!p->bad && vm->type == VMCONF_LINUX && p->module_line)
		error(p, p->module_line,
		      "vm %s: module: not for type = linux (use initrd); "
		      "skipped",
		      vm->name);
	if (!p->bad) {
		if (!(vm->seen & K_KERNEL))
			why = "no kernel";
		else if (vm->type == VMCONF_FLAT && !(vm->seen & K_LOAD))
			why = "type flat needs a load address";
		else if (vm->type != VMCONF_FLAT &&
			 (vm->seen & (K_LOAD | K_ENTRY)))
			why = "load/entry are for type = flat only";
		else if (vm->type == VMCONF_LINUX)
			why = linux_defaults(vm);
		if (why)
			error(p, vm->line, "vm %s: %s; skipped", vm->name, why);
	}
	if (!p->bad) {
		if (vm->type == VMCONF_FLAT && !(vm->seen & K_ENTRY))
			vm->entry = vm->load;
		p->conf->nr_vms++;
	} else {
		memset(vm, 0, sizeof(*vm));
	}
	p->vm = NULL;
	p->bad = false;
	p->linux_key = p->pci_key = NULL;
	p->linux_line = p->module_line = p->pci_line = 0;
}

static void start_vm(struct parser *p, unsigned int line, const char *s)
{
	struct vmconf *c = p->conf;
	struct vmconf_vm *vm;
	const char *name = s + 2;
	char buf[VMCONF_NAME_MAX];

	finish_vm(p);
	if (strncmp(s, "vm", 2) || !is_space(s[2])) {
		error(p, line, "expected 'vm NAME' (keys must be indented)");
		return;
	}
	while (is_space(*name))
		name++;
	if (!copy_word(buf, sizeof(buf), name, strlen(name)) || !name_ok(buf)) {
		error(p, line,
		      "bad VM name (1-31 of A-Z a-z 0-9 . _ -); block skipped");
		p->bad = true;
		p->vm = &c->vms[c->nr_vms]; /* swallow its keys */
		if (c->nr_vms == VMCONF_MAX_VMS)
			p->vm = NULL;
		return;
	}
	for (unsigned int i = 0; i < c->nr_vms; i++) {
		if (!strcmp(c->vms[i].name, buf)) {
			error(p, line, "vm %s: duplicate VM name; skipped",
			      buf);
			p->bad = true;
			break;
		}
	}
	if (c->nr_vms == VMCONF_MAX_VMS) {
		error(p, line, "vm %s: more than %d VMs; skipped", buf,
		      VMCONF_MAX_VMS);
		p->bad = true;
		return;
	}
	vm = &c->vms[c->nr_vms];
	memset(vm, 0, sizeof(*vm));
	memcpy(vm->name, buf, sizeof(buf));
	vm->line = line;
	vm->memory = VMCONF_MEM_DEFAULT;
	vm->vcpus = 1;
	vm->type = VMCONF_MULTIBOOT;
	vm->devices = VMCONF_DEV_DEFAULT;
	p->vm = vm;
}

/* Keys only a type = linux VM may have, and those that need the PC
 * platform (its PCI host bridge). */
static const char *const linux_keys[] = { "initrd", "console" };
static const char *const pci_keys[] = { "disk", "nic" };

static void key_line(struct parser *p, unsigned int line, const char *s)
{
	char key[16];
	const char *eq = strchr(s, '='), *val, *why;
	size_t klen;

	if (!p->vm) {
		if (!p->bad)
			error(p, line, "key outside a 'vm NAME' block");
		return;
	}
	if (p->bad)
		return;
	if (!eq) {
		error(p, line, "vm %s: expected 'key = value'; skipped",
		      p->vm->name);
		return;
	}
	klen = eq - s;
	while (klen && is_space(s[klen - 1]))
		klen--;
	val = eq + 1;
	while (is_space(*val))
		val++;
	if (!klen || !copy_word(key, sizeof(key), s, klen)) {
		error(p, line, "vm %s: bad key; skipped", p->vm->name);
		return;
	}
	if (!*val) {
		error(p, line, "vm %s: %s: empty value; skipped", p->vm->name,
		      key);
		return;
	}
	why = set_key(p->vm, key, val);
	if (why) {
		error(p, line, "vm %s: %s: %s; skipped", p->vm->name, key, why);
		return;
	}
	if (!strcmp(key, "module") && !p->module_line)
		p->module_line = line;
	for (unsigned int i = 0; i < ARRAY_SIZE(linux_keys); i++)
		if (!strcmp(key, linux_keys[i]) && !p->linux_key) {
			p->linux_key = linux_keys[i];
			p->linux_line = line;
		}
	for (unsigned int i = 0; i < ARRAY_SIZE(pci_keys); i++)
		if (!strcmp(key, pci_keys[i]) && !p->pci_key) {
			p->pci_key = pci_keys[i];
			p->pci_line = line;
		}
}

unsigned int vmconf_parse(const char *text, size_t len, struct vmconf *conf)
{
	struct parser p = { .conf = conf };
	unsigned int line = 0;
	size_t pos = 0;

	memset(conf, 0, sizeof(*conf));
	while (pos < len) {
		char buf[VMCONF_CMDLINE_MAX + 64];
		size_t start = pos, n;
		bool quoted = false, indented;
		char *s;

		while (pos < len && text[pos] != '\n')
			pos++;
		n = pos - start;
		pos++; /* the newline */
		line++;
		if (n >= sizeof(buf)) {
			error(&p, line, "line too long");
			continue;
		}
		memcpy(buf, text + start, n);
		buf[n] = 0;
		/* Comments start at a '#' outside quotes. */
		for (s = buf; *s; s++) {
			if (*s == '\\' && quoted && s[1])
				s++;
			else if (*s == '"')
				quoted = !quoted;
			else if (*s == '#' && !quoted)
				break;
		}
		*s = 0;
		n = s - buf;
		while (n && (is_space(buf[n - 1]) || buf[n - 1] == '\r'))
			buf[--n] = 0;
		if (!n)
			continue;
		indented = is_space(buf[0]);
		for (s = buf; is_space(*s); s++)
			;
		if (indented)
			key_line(&p, line, s);
		else
			start_vm(&p, line, s);
	}
	finish_vm(&p);
	return conf->nr_vms;
}

void vmconf_module_name(const char *cmdline, char *out, size_t outsz)
{
	const char *w = cmdline, *base;
	size_t len;

	while (is_space(*w))
		w++;
	base = w;
	for (len = 0; w[len] && !is_space(w[len]); len++)
		if (w[len] == '/')
			base = w + len + 1;
	len = w + len - base;
	if (!outsz)
		return;
	if (len >= outsz)
		len = outsz - 1;
	memcpy(out, base, len);
	out[len] = 0;
}

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Boot PureVisor test profiles and judge their KTAP output.

    run-profiles.py [options] [PROFILE...]   boot profiles (default: all)
    run-profiles.py --list                    list profiles
    run-profiles.py --selftest                prove the runner can fail
    run-profiles.py --interactive NAME ...    boot NAME's machine for a human
    run-profiles.py --bench                   image sizes, boot cost
    run-profiles.py --sum FILE...             add up result files

A profile is tests/profiles/<name>.profile: "key = value" lines, "#"
comments, the first comment line describes the board. Keys (repeatable ones
accumulate):

    defconfig  configs/ file the kernel starts from (qemu-amd_defconfig)
    fragments  space-separated configs/fragments/ files appended to it
    emulator   qemu | bochs
    machine    QEMU -M value (pc, q35); ignored by bochs
    cpu        QEMU -cpu model, or bochs cpu model
    memory     MiB
    smp        number of CPUs
    firmware   bios | ovmf (QEMU only)
    boot       iso (GRUB, Multiboot2) | kernel (QEMU -kernel, Multiboot1)
    devices    one QEMU -device argument (repeatable)
    cmdline    kernel command line; "panic=exit" is always added
    timeout    seconds before the run counts as hung
    expect     regex that must match a serial line (repeatable)
    modules    "FILE [ARGS]": a boot module (repeatable); FILE is
               guests/NAME (built by "make guests" into BUILD_DIR/guests/)
               or a path from the tree root. ISO: GRUB "module2"; kernel:
               QEMU -initrd (so no commas in FILE or ARGS). A profile with
               modules needs no KTAP from the kernel itself. FILE.in is a
               template: {host_time} and {file:PATH} are filled in at boot
    guests     space-separated VM names whose KTAP is judged: the lines
               the hypervisor prints as "[NAME] ..."
    input      one line to type on the serial console (repeatable; QEMU
               only). The serial port is then a socket chardev: the runner
               records what arrives, waits for "monitor: ready", and types
               the lines in order, INPUT_GAP seconds apart; a line
               "wait REGEX" types nothing and holds the rest until REGEX
               matches a line that arrives after it
    input_after regex that replaces "monitor: ready" as the signal to
               start typing (e.g. a guest's shell is up)
    netpeer    "tap ADDR/PREFIX": QEMU runs in a fresh network namespace
               whose tap (with that address) backs "-netdev tap,id=n0";
               the profile's NIC uses netdev=n0 (scripts/netpeer.py)
    peer_cmd   command run in that namespace once peer_start matches the
               serial log; must exit 0 (repeatable, in order)
    peer_start regex for peer_cmd (default: a NIC came up)

A profile with "direct_kernel" boots another kernel (the Linux test guest)
straight in QEMU, without PureVisor; it needs no defconfig and prints no
KTAP: it passes when it prints "PVTEST done", no "PVTEST <name> FAIL" line,
every expect/hvc_expect matches, and QEMU exits 0 (the guest powered off).

    direct_kernel  bzImage for QEMU -kernel (guests/... paths are in
               BUILD_DIR, others in the tree)
    initrd     its initramfs (QEMU -initrd)
    drives     "FILE[,OPTS]": a raw disk on its own modern-only
               virtio-blk-pci device; OPTS are extra -drive options such
               as readonly=on or snapshot=on (repeatable, in PCI order)
    hvc_expect regex that must match a line the guest wrote to its virtio
               console (repeatable): adds a modern virtio-serial-pci with
               a virtconsole logged to build/logs/<profile>.hvc0.log
    build      make target run with O=BUILD_DIR first (linux-guest)
    cmdline    as above, without "panic=exit"; "{host_time}" becomes the
               host's time (seconds since the epoch) at launch and
               "{file:PATH}" the first line of PATH

Each distinct defconfig+fragments pair is built once into
build/<defconfig-stem>+<fragment-stems>/. Serial output goes to
build/logs/<profile>.log. The final line counts profiles:
"N passed, N failed".
"""

import argparse
import os
import pty
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import netpeer  # noqa: E402

SRCTREE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROFILE_DIR = os.path.join(SRCTREE, "tests", "profiles")
OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
BOCHS_BIOS = "/usr/share/bochs/BIOS-bochs-latest"
BOCHS_VGA = "/usr/share/vgabios/vgabios.bin"
PANIC_RE = re.compile(r"Kernel panic - not syncing: .*")
# QEMU isa-debug-exit: exit code = (status << 1) | 1.
QEMU_EXIT = {1: "pass", 3: "fail", 5: "panic"}
# "input" lines are typed once the monitor says it polls, this far apart.
INPUT_READY_RE = re.compile(rb"^monitor: ready", re.M)
INPUT_GAP = 1.0

# ---------------------------------------------------------------- profiles

LIST_KEYS = {"expect", "devices", "modules", "input", "drives",
             "hvc_expect", "peer_cmd"}
KNOWN_KEYS = {"defconfig", "fragments", "emulator", "machine", "cpu",
              "memory", "smp", "firmware", "boot", "devices", "cmdline",
              "timeout", "expect", "modules", "guests", "input",
              "direct_kernel", "initrd", "drives", "hvc_expect", "build",
              "netpeer", "peer_cmd", "peer_start", "input_after"}
DEFAULTS = {"fragments": "", "emulator": "qemu", "machine": "pc",
            "cpu": "qemu64", "memory": "256", "smp": "1",
            "firmware": "bios", "boot": "kernel", "cmdline": "",
            "timeout": "60", "guests": ""}


class ProfileError(Exception):
    pass


class Profile:
    def __init__(self, name, path):
        self.name = name
        self.path = path
        self.description = ""
        self.keys = dict(DEFAULTS)
        self.expect = []
        self.devices = []
        self.modules = []
        self.input = []
        self.drives = []
        self.hvc_expect = []
        self.peer_cmd = []
        self._parse()

    def _parse(self):
        with open(self.path) as f:
            lines = f.read().splitlines()
        for no, line in enumerate(lines, 1):
            s = line.strip()
            if not s:
                continue
            if s.startswith("#"):
                if not self.description:
                    self.description = s.lstrip("#").strip()
                continue
            key, sep, value = s.partition("=")
            key, value = key.strip(), value.strip()
            where = "%s:%d" % (self.path, no)
            if not sep or key not in KNOWN_KEYS:
                raise ProfileError("%s: expected 'key = value' with key "
                                   "one of %s" % (where,
                                                  ", ".join(sorted(KNOWN_KEYS))))
            if key in ("expect", "hvc_expect"):
                try:
                    getattr(self, key).append(re.compile(value, re.M))
                except re.error as e:
                    raise ProfileError("%s: bad regex: %s" % (where, e))
            elif key == "drives":
                if not value or " " in value:
                    raise ProfileError("%s: drives needs 'FILE[,OPTS]' "
                                       "without spaces" % where)
                self.drives.append(value)
            elif key == "devices":
                self.devices.append(value)
            elif key == "modules":
                if not value or "," in value:
                    raise ProfileError("%s: modules needs 'FILE [ARGS]' "
                                       "without commas" % where)
                self.modules.append(value)
            elif key == "peer_cmd":
                self.peer_cmd.append(value)
            elif key == "input":
                if not value:
                    raise ProfileError("%s: input needs a line to type" %
                                       where)
                self.input.append(value)
            else:
                self.keys[key] = value
        k = self.keys
        if self.direct:
            if k["emulator"] != "qemu" or self.modules or self.input:
                raise ProfileError("%s: direct_kernel needs emulator qemu "
                                   "and no modules or input" % self.path)
        elif "defconfig" not in k:
            raise ProfileError("%s: no defconfig" % self.path)
        elif self.drives or self.hvc_expect or "initrd" in k:
            raise ProfileError("%s: drives, hvc_expect and initrd need "
                               "direct_kernel" % self.path)
        for key, allowed in (("emulator", ("qemu", "bochs")),
                             ("firmware", ("bios", "ovmf")),
                             ("boot", ("iso", "kernel"))):
            if k[key] not in allowed:
                raise ProfileError("%s: %s must be %s" %
                                   (self.path, key, " or ".join(allowed)))
        for key in ("memory", "smp", "timeout"):
            if not k[key].isdigit() or int(k[key]) < 1:
                raise ProfileError("%s: %s must be a positive integer" %
                                   (self.path, key))
        if k["emulator"] == "bochs" and (k["boot"] != "iso" or
                                         k["firmware"] != "bios"):
            raise ProfileError("%s: bochs boots an ISO with its BIOS only" %
                               self.path)
        if k["emulator"] != "qemu" and self.input:
            raise ProfileError("%s: input needs emulator qemu" % self.path)
        if "input_after" in k:
            try:
                re.compile(k["input_after"])
            except re.error as e:
                raise ProfileError("%s: input_after: bad regex: %s" %
                                   (self.path, e))
            if not self.input:
                raise ProfileError("%s: input_after needs input" %
                                   self.path)
        if "netpeer" in k:
            try:
                netpeer.parse_spec(k["netpeer"])
            except ValueError as e:
                raise ProfileError("%s: %s" % (self.path, e))
            if k["emulator"] != "qemu":
                raise ProfileError("%s: netpeer needs emulator qemu" %
                                   self.path)
        elif self.peer_cmd:
            raise ProfileError("%s: peer_cmd needs netpeer" % self.path)

    def __getattr__(self, key):
        if key in KNOWN_KEYS:
            return self.__dict__["keys"][key]
        raise AttributeError(key)

    @property
    def direct(self):
        return bool(self.__dict__["keys"].get("direct_kernel"))

    @property
    def guest_list(self):
        return self.keys["guests"].split()

    @property
    def fragment_list(self):
        return self.keys["fragments"].split()

    @property
    def config_name(self):
        if self.direct:
            # No PureVisor build: build errors are filed under the target.
            return "make " + self.keys.get("build", "(nothing)")
        stem = self.keys["defconfig"]
        if stem.endswith("_defconfig"):
            stem = stem[:-len("_defconfig")]
        return "+".join([stem] + [os.path.splitext(f)[0]
                                  for f in self.fragment_list])


def load_profiles():
    profiles = {}
    for fn in sorted(os.listdir(PROFILE_DIR), key=lambda f: f.split(".")[0]):
        if fn.endswith(".profile"):
            name = fn[:-len(".profile")]
            profiles[name] = Profile(name, os.path.join(PROFILE_DIR, fn))
    return profiles

# -------------------------------------------------------------------- KTAP


class Result:
    """One "ok"/"not ok" line, with the subtest block that preceded it."""

    def __init__(self, ok, number, name, directive, line):
        self.ok, self.number, self.name = ok, number, name
        self.directive, self.line = directive, line
        self.block = None

    @property
    def skipped(self):
        return self.directive.upper().startswith("SKIP")


class Block:
    """A KTAP document or a nested subtest: header, plan, results."""

    def __init__(self, indent, name=None):
        self.indent = indent
        self.name = name
        self.plan = None
        self.results = []
        self.closed = False


class KtapReport:
    def __init__(self):
        self.top = None
        self.errors = []      # structural problems: missing/ill-formed lines
        self.failures = []    # "suite.case" paths of "not ok" results
        self.last_seen = None  # most recent test started or finished

    @property
    def suites(self):
        return self.top.results if self.top else []


RESULT_RE = re.compile(r"^(not ok|ok) (\d+)(?: (?:- )?([^#]*?))?\s*"
                       r"(?:#\s*(.*))?$")
PLAN_RE = re.compile(r"^1\.\.(\d+)$")


class _Parser:
    """Strict KTAP v1: every block has "KTAP version 1" and a plan, plans
    match the results, results are numbered 1..N in order, a subtest's
    result line names the "# Subtest:" it closes. Lines that are not KTAP
    (kernel log messages) are ignored."""

    def __init__(self):
        self.rep = KtapReport()
        self.stack = []

    def where(self, upto=None):
        blocks = self.stack[1:upto]
        return ".".join(b.name or "?" for b in blocks) or "top level"

    def err(self, msg):
        self.rep.errors.append(msg)

    def check_count(self, block, where, why):
        have = len(block.results)
        if block.plan is None:
            self.err("%s: no plan line '1..N'" % where)
        elif have < block.plan:
            missing = str(block.plan) if have + 1 == block.plan else \
                "%d..%d" % (have + 1, block.plan)
            self.err("%s: plan 1..%d but %d result%s (missing %s; %s)" %
                     (where, block.plan, have, "" if have == 1 else "s",
                      missing, why))

    def pop(self, why):
        """Close the innermost subtest; returns it."""
        where = self.where()
        blk = self.stack.pop()
        self.check_count(blk, where, why)
        return blk

    def add_result(self, m, line, closes):
        cur = self.stack[-1]
        names = [b.name or "?" for b in self.stack[1:]]
        where = ".".join(names) or "top level"
        res = Result(m.group(1) == "ok", int(m.group(2)),
                     (m.group(3) or "").strip(), (m.group(4) or "").strip(),
                     line.strip())
        res.block = closes
        if cur.plan is None:
            self.err("%s: result '%s' before the plan line" %
                     (where, res.line))
        elif len(cur.results) >= cur.plan:
            self.err("%s: result '%s' beyond plan 1..%d" %
                     (where, res.line, cur.plan))
        if res.number != len(cur.results) + 1:
            self.err("%s: result '%s' numbered %d, expected %d" %
                     (where, res.line, res.number, len(cur.results) + 1))
        failed_child = False
        if closes is not None:
            if closes.name is None:
                self.err("%s: subtest closed by '%s' has no '# Subtest:' "
                         "line" % (where, res.line))
            elif res.name != closes.name:
                self.err("%s: result '%s' closes subtest '%s'" %
                         (where, res.line, closes.name))
            failed_child = any(not r.ok for r in closes.results)
            if res.ok and failed_child:
                self.err("%s: '%s' says ok but a case in it failed" %
                         (where, res.line))
        cur.results.append(res)
        full = ".".join(names + [res.name or str(res.number)])
        self.rep.last_seen = full
        if not res.ok and not failed_child:
            self.rep.failures.append(full)

    def parse(self, text):
        rep = self.rep
        lines = text.replace("\r", "").split("\n")
        try:
            start = [l.rstrip() for l in lines].index("KTAP version 1")
        except ValueError:
            self.err("no 'KTAP version 1' line: the tests never started")
            return rep
        rep.top = Block(0)
        self.stack = [rep.top]
        for raw in lines[start + 1:]:
            line = raw.rstrip()
            body = line.lstrip(" ")
            if not body:
                continue
            indent = len(line) - len(body)
            cur = self.stack[-1]
            if body == "KTAP version 1":
                if indent == cur.indent and len(self.stack) > 1:
                    # Next subtest began before this one's result line.
                    name = self.where()
                    self.pop("no result line follows it")
                    self.err("%s: no result line" % name)
                    cur = self.stack[-1]
                if indent == cur.indent + 4:
                    self.stack.append(Block(indent))
                else:
                    self.err("%s: 'KTAP version 1' at indent %d" %
                             (self.where(), indent))
                continue
            m = RESULT_RE.match(body)
            if indent < cur.indent:
                if not m:
                    continue  # log message while a subtest runs
                while self.stack[-1].indent > indent:
                    inner = self.pop("its result line came early")
                    if self.stack[-1].indent == indent:
                        self.add_result(m, line, inner)
                    else:
                        self.err("%s: no result line" %
                                 (inner.name or "unnamed subtest"))
                continue
            if indent > cur.indent:
                continue  # deeper diagnostics
            if body.startswith("# Subtest:"):
                if cur.name is not None or cur.results or cur is rep.top:
                    self.err("%s: stray '%s'" % (self.where(), body))
                else:
                    cur.name = body[len("# Subtest:"):].strip()
                    rep.last_seen = self.where() + " (started, no case done)"
                continue
            if body.startswith("#"):
                continue
            pm = PLAN_RE.match(body)
            if pm:
                if cur.plan is not None or cur.results:
                    self.err("%s: unexpected plan line '%s'" %
                             (self.where(), body))
                else:
                    cur.plan = int(pm.group(1))
                continue
            if m:
                self.add_result(m, line, None)
        while len(self.stack) > 1:
            name = self.where()
            self.pop("the log ends inside it")
            self.err("%s: no result line (the log ends inside it)" % name)
        self.check_count(rep.top, "top level", "the log ends early")
        return rep


def parse_ktap(text):
    return _Parser().parse(text)

# ------------------------------------------------------------------ builds


def log(msg):
    print(msg, flush=True)


def run_quiet(cmd, logf, **kw):
    """Run cmd with output appended to logf; True on success."""
    with open(logf, "a") as f:
        f.write("$ %s\n" % " ".join(cmd))
        f.flush()
        return subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, **kw).returncode == 0


def tail(path, n):
    try:
        with open(path, errors="replace") as f:
            return f.read().replace("\r", "").splitlines()[-n:]
    except OSError:
        return []


def config_lines(path):
    """Significant lines of a .config ("CONFIG_X=v", "# CONFIG_X is not set")."""
    try:
        with open(path) as f:
            return [l.rstrip("\n") for l in f
                    if l.startswith("CONFIG_") or l.endswith(" is not set\n")]
    except OSError:
        return None


def build_config(defconfig, fragments, outdir, logs, jobs):
    """Configure defconfig + fragments in outdir and build; returns an error
    string or None. .config is only rewritten when it changes, so a second
    run is a no-op build."""
    os.makedirs(logs, exist_ok=True)
    name = os.path.basename(outdir)
    logf = os.path.join(logs, "build-%s.log" % name)
    open(logf, "w").close()
    scratch = os.path.join(outdir, ".kconfig-merge")
    os.makedirs(scratch, exist_ok=True)
    make = ["make", "-C", SRCTREE, "O=" + scratch]
    if not run_quiet(make + [defconfig], logf):
        return "configuring %s failed (%s)" % (defconfig, logf)
    frag_lines = []
    with open(os.path.join(scratch, ".config"), "a") as cfg:
        for frag in fragments:
            fpath = os.path.join(SRCTREE, "configs", "fragments", frag)
            try:
                with open(fpath) as f:
                    text = f.read()
            except OSError as e:
                return "fragment %s: %s" % (frag, e)
            cfg.write(text)
            frag_lines += [l.strip() for l in text.splitlines()
                           if l.startswith("CONFIG_") or
                           l.strip().endswith(" is not set")]
    if not run_quiet(make + ["olddefconfig"], logf):
        return "merging fragments failed (%s)" % logf
    new = os.path.join(scratch, ".config")
    final = config_lines(new)
    dropped = [l for l in frag_lines if l not in final and
               not (l.endswith(" is not set") and
                    l.split()[1] + "=y" not in final)]
    if dropped:
        log("  note: %s: fragment lines not in the result (unmet "
            "dependencies): %s" % (name, ", ".join(dropped)))
    dot = os.path.join(outdir, ".config")
    if config_lines(dot) != final:
        shutil.copyfile(new, dot)
    log("  BUILD    %s" % name)
    if not run_quiet(["make", "-C", SRCTREE, "O=" + outdir, "-j%d" % jobs],
                     logf):
        for l in tail(logf, 25):
            log("    " + l)
        return "build failed (%s)" % logf
    return None


def build_guests(builddir, logs):
    """make guests: the test guests and VM configs into builddir/guests/."""
    os.makedirs(logs, exist_ok=True)
    logf = os.path.join(logs, "build-guests.log")
    open(logf, "w").close()
    log("  BUILD    guests")
    if not run_quiet(["make", "-C", SRCTREE, "O=" + builddir, "guests"],
                     logf):
        for l in tail(logf, 25):
            log("    " + l)
        return "guest build failed (%s)" % logf
    return None


def build_target(target, builddir, logs):
    """make TARGET with O=builddir (a direct profile's "build" key)."""
    os.makedirs(logs, exist_ok=True)
    logf = os.path.join(logs, "build-%s.log" % target)
    open(logf, "w").close()
    log("  BUILD    %s" % target)
    if not run_quiet(["make", "-C", SRCTREE, "O=" + builddir, target],
                     logf):
        for l in tail(logf, 25):
            log("    " + l)
        return "make %s failed (%s)" % (target, logf)
    return None


def build_path(path, builddir):
    """guests/... lives in the build directory, anything else in the tree."""
    base = builddir if path.startswith("guests/") else SRCTREE
    return os.path.join(base, path)


def direct_boot(profile, builddir, logs, tag, extra=""):
    """(kernel, {initrd, drives, hvc_log}, command line) of a direct
    profile, or raises ProfileError naming the missing file."""
    def need(path):
        full = build_path(path, builddir)
        if not os.path.isfile(full):
            raise ProfileError("no file %s (%s)" % (full, path))
        return full

    kernel = need(profile.direct_kernel)
    boot = {"initrd": need(profile.initrd) if "initrd" in profile.keys
            else None, "drives": [], "hvc_log": None}
    for d in profile.drives:
        path, _, opts = d.partition(",")
        boot["drives"].append((need(path), opts))
    if profile.hvc_expect:
        boot["hvc_log"] = os.path.join(logs, tag + ".hvc0.log")
    cmdline = " ".join(p for p in (profile.cmdline, extra) if p)
    return kernel, boot, fill_placeholders(cmdline, builddir)


def fill_placeholders(text, builddir):
    """{host_time}: the host's time now; {file:PATH}: PATH's first line."""
    def file_line(m):
        full = build_path(m.group(1), builddir)
        if not os.path.isfile(full):
            raise ProfileError("no file %s (%s)" % (full, m.group(1)))
        with open(full) as f:
            return f.readline().strip()

    text = text.replace("{host_time}", str(int(time.time())))
    return re.sub(r"\{file:([^}]+)\}", file_line, text)


def resolve_modules(profile, builddir, logs=None):
    """[(absolute file, args)] for the profile's modules, or an error. A
    module named *.in is a template: its placeholders are filled in at
    boot time (fill_placeholders) into logs/NAME without ".in"."""
    out = []
    for m in profile.modules:
        path, _, args = m.partition(" ")
        full = build_path(path, builddir)
        if not os.path.isfile(full):
            return None, "module %s: no file %s" % (path, full)
        if full.endswith(".in"):
            dest = os.path.join(logs or builddir,
                                os.path.basename(full)[:-3])
            try:
                with open(full) as f:
                    text = fill_placeholders(f.read(), builddir)
            except ProfileError as e:
                return None, "module %s: %s" % (path, e)
            with open(dest, "w") as f:
                f.write(text)
            full = dest
        out.append((full, args.strip()))
    return out, None


def make_iso(kernel, iso, cmdline, logf, modules=()):
    """(Re)make iso when the kernel, a module or the command line
    changed."""
    stamp = iso + ".cmdline"
    want = "\n".join([cmdline] + ["%s %s" % m for m in modules])
    try:
        newest = max([os.path.getmtime(kernel)] +
                     [os.path.getmtime(m[0]) for m in modules])
        fresh = (os.path.getmtime(iso) >= newest and
                 open(stamp).read() == want)
    except OSError:
        fresh = False
    if fresh:
        return None
    cmd = [os.path.join(SRCTREE, "scripts", "mkiso.sh"), kernel, iso, cmdline]
    for path, args in modules:
        cmd += [path, args]
    if not run_quiet(cmd, logf):
        return "mkiso.sh failed (%s)" % logf
    with open(stamp, "w") as f:
        f.write(want)
    return None

# ---------------------------------------------------------------- emulators


def kernel_cmdline(profile, extra=""):
    parts = [profile.cmdline, extra, "panic=exit"]
    return " ".join(p for p in parts if p)


def qemu_command(profile, kernel, iso, serial, cmdline, workdir,
                 interactive=False, modules=(), serial_sock=None,
                 direct=None):
    cmd = ["qemu-system-x86_64", "-M", profile.machine, "-cpu", profile.cpu,
           "-m", profile.memory, "-smp", profile.smp, "-no-reboot"]
    if interactive:
        cmd += ["-serial", "mon:stdio"]
        if not os.environ.get("DISPLAY"):
            cmd += ["-display", "none"]
    elif serial_sock:
        # QEMU waits for SerialFeeder to connect: no output is lost, and
        # the UART takes input as fast as the kernel drains its FIFO.
        cmd += ["-display", "none", "-monitor", "none", "-chardev",
                "socket,id=ser0,path=%s,server=on,wait=on" % serial_sock,
                "-serial", "chardev:ser0"]
    else:
        cmd += ["-display", "none", "-monitor", "none",
                "-serial", "file:" + serial]
    cmd += ["-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
    for dev in profile.devices:
        cmd += ["-device", dev]
    if profile.firmware == "ovmf":
        vars_copy = os.path.join(workdir, "%s.OVMF_VARS.fd" % profile.name)
        shutil.copyfile(OVMF_VARS, vars_copy)
        cmd += ["-drive", "if=pflash,format=raw,readonly=on,file=" +
                OVMF_CODE, "-drive", "if=pflash,format=raw,file=" + vars_copy]
    if direct is not None:
        # Modern-only virtio (disable-legacy), like PureVisor's models.
        for i, (path, opts) in enumerate(direct["drives"]):
            cmd += ["-drive", "if=none,id=drive%d,format=raw,file=%s%s" %
                    (i, path, "," + opts if opts else ""),
                    "-device", "virtio-blk-pci,drive=drive%d,"
                    "disable-legacy=on" % i]
        if direct["hvc_log"]:
            cmd += ["-device", "virtio-serial-pci,disable-legacy=on",
                    "-chardev", "file,id=hvc0,path=" + direct["hvc_log"],
                    "-device", "virtconsole,chardev=hvc0"]
        cmd += ["-kernel", kernel, "-append", cmdline]
        if direct["initrd"]:
            cmd += ["-initrd", direct["initrd"]]
    elif profile.boot == "kernel":
        cmd += ["-kernel", kernel, "-append", cmdline]
        if modules:
            # Multiboot1 modules: "file args" each, comma-separated.
            cmd += ["-initrd", ",".join((p + " " + a).strip()
                                        for p, a in modules)]
    else:
        cmd += ["-cdrom", iso, "-boot", "d"]
    return cmd


def bochs_command(profile, iso, serial, workdir):
    """bochs has no headless display here: "term" (run_emulator gives it a
    pseudo-terminal), "-rc" with "c" so its debugger just continues."""
    rc = os.path.join(workdir, "%s.bochsrc" % profile.name)
    cont = os.path.join(workdir, "%s.bochs-continue" % profile.name)
    with open(rc, "w") as f:
        f.write("""# generated by run-profiles.py for %(name)s
config_interface: textconfig
display_library: term
megs: %(mem)s
cpu: model=%(cpu)s, count=%(smp)s, ips=200000000, reset_on_triple_fault=0
romimage: file=%(bios)s
vgaromimage: file=%(vga)s
ata0-master: type=cdrom, path=%(iso)s, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=%(serial)s
log: %(log)s
panic: action=fatal
error: action=report
info: action=ignore
debug: action=ignore
clock: sync=none, time0=local
""" % {"name": profile.name, "mem": profile.memory, "cpu": profile.cpu,
            "smp": profile.smp, "bios": BOCHS_BIOS, "vga": BOCHS_VGA,
            "iso": iso, "serial": serial,
            "log": os.path.join(workdir, "%s.bochs.log" % profile.name)})
    with open(cont, "w") as f:
        f.write("c\n")
    return ["bochs", "-q", "-f", rc, "-rc", cont]


def descendants(pid):
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        kids.setdefault(ppid, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for c in kids.get(p, []):
            out.append(c)
            todo.append(c)
    return out


def kill_tree(proc):
    for p in descendants(proc.pid) + [proc.pid]:
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass
    proc.wait()


class SerialFeeder(threading.Thread):
    """The serial port of a profile with "input": connects to QEMU's
    socket chardev, appends everything that arrives to the serial log, and
    once INPUT_READY_RE (or ready, a bytes regex) is seen types each
    line (CR-terminated), INPUT_GAP seconds apart."""

    def __init__(self, path, serial, lines, ready=None):
        super().__init__(daemon=True)
        self.path, self.serial, self.lines = path, serial, list(lines)
        self.ready = ready or INPUT_READY_RE
        self.stop = threading.Event()

    def run(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        while not self.stop.is_set():
            try:
                sock.connect(self.path)
                break
            except OSError:
                time.sleep(0.05)
        else:
            return
        sock.settimeout(0.1)
        seen, next_at = b"", None
        with open(self.serial, "ab") as log_f:
            while not self.stop.is_set():
                try:
                    data = sock.recv(4096)
                    if not data:
                        break
                    log_f.write(data)
                    log_f.flush()
                    if next_at is None:
                        seen = seen[-4096:] + data
                        if self.ready.search(seen.replace(b"\r", b"")):
                            next_at = time.monotonic() + INPUT_GAP
                except socket.timeout:
                    pass
                except OSError:
                    break
                if next_at is not None and self.lines and \
                        time.monotonic() >= next_at:
                    line = self.lines.pop(0)
                    if line.startswith("wait "):
                        # Type the rest once REGEX shows in what comes
                        # from now on.
                        self.ready = re.compile(line[5:].encode(), re.M)
                        seen, next_at = b"", None
                        continue
                    try:
                        sock.sendall(line.encode() + b"\r")
                    except OSError:
                        break
                    next_at = time.monotonic() + INPUT_GAP
        sock.close()


def run_emulator(cmd, emu_log, timeout, feeder=None):
    """Returns (exit code or None on timeout, seconds). feeder: a
    SerialFeeder started with the emulator, stopped after it."""
    env = dict(os.environ)
    if not env.get("TERM") or env["TERM"] == "dumb":
        env["TERM"] = "xterm"  # bochs' term display needs curses
    t0 = time.monotonic()
    drain = None
    with open(emu_log, "w") as f:
        f.write("$ %s\n" % " ".join(cmd))
        f.flush()
        if cmd[0] == "bochs":
            # Its curses display must have a terminal, and one that is
            # read: a full pseudo-terminal buffer would stop the machine
            # in the middle of a long boot.
            master, slave = pty.openpty()
            proc = subprocess.Popen(cmd, stdout=slave, stderr=slave,
                                    stdin=slave, env=env,
                                    start_new_session=True)
            os.close(slave)
            drain = threading.Thread(target=drain_pty, args=(master,),
                                     daemon=True)
            drain.start()
        else:
            proc = subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, env=env,
                                    start_new_session=True)
        if feeder:
            feeder.start()
        try:
            rc = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_tree(proc)
            rc = None
        if feeder:
            feeder.join(2)  # drain what QEMU wrote before it exited
            feeder.stop.set()
            feeder.join()
        if drain:
            drain.join(2)
    return rc, time.monotonic() - t0


def drain_pty(master):
    """Read (and drop) an emulator's terminal output until it closes.
    bochs' term display opens a terminal of its own and names it ("Bochs
    connected to screen \"/dev/pts/N\""); nothing reads it unless we do,
    and once its buffer is full bochs stops in the middle of a write."""
    seen = b""
    screen = None
    try:
        while True:
            data = os.read(master, 65536)
            if not data:
                break
            if screen is None:
                seen = (seen + data)[-4096:]
                m = re.search(rb'connected to screen "(/dev/pts/\d+)"', seen)
                if m:
                    screen = os.open(m.group(1), os.O_RDONLY | os.O_NOCTTY)
                    threading.Thread(target=drain_pty, args=(screen,),
                                     daemon=True).start()
    except OSError:
        pass
    finally:
        os.close(master)

# ------------------------------------------------------------------ judging


class Outcome:
    def __init__(self, profile):
        self.profile = profile
        self.errors = []
        self.seconds = 0.0
        self.report = None
        self.serial = None

    @property
    def passed(self):
        return not self.errors

    def counts(self):
        suites = self.report.suites if self.report else []
        ok = sum(1 for s in suites if s.ok)
        cases = [c for s in suites if s.block for c in s.block.results]
        return (ok, len(suites), sum(1 for c in cases if c.ok), len(cases))


def guest_lines(name, text):
    """The lines the hypervisor printed for VM name, prefix removed."""
    tag = "[%s] " % name
    return "\n".join(l[len(tag):] for l in text.replace("\r", "").split("\n")
                     if l.startswith(tag))


def judge_guest(name, text, timed_out):
    """(errors, Result standing for the guest's whole KTAP document)."""
    rep = parse_ktap(guest_lines(name, text))
    errors = []
    if rep.failures:
        errors.append("guest %s: not ok: %s" % (name, ", ".join(rep.failures)))
    if not timed_out or rep.top:
        errors += ["guest %s: KTAP: %s" % (name, e) for e in rep.errors]
    res = Result(not errors, 0, name, "", "guest " + name)
    res.block = rep.top
    return errors, res


PVTEST_RE = re.compile(r"^PVTEST (\S+) (ok|FAIL)\b ?(.*)$", re.M)
PVTEST_DONE_RE = re.compile(r"^PVTEST done\b", re.M)


def judge_direct(profile, text, rc, timed_out, timeout, hvc_text):
    """A direct kernel's run: its "PVTEST" lines, expects, QEMU's exit."""
    errors = []
    text = text.replace("\r", "")
    rep = KtapReport()
    rep.top = Block(0)
    for m in PVTEST_RE.finditer(text):
        rep.top.results.append(Result(m.group(2) == "ok", 0, m.group(1), "",
                                      m.group(0)))
        if m.group(2) != "ok":
            rep.failures.append(m.group(1))
            errors.append("PVTEST %s FAIL %s" % (m.group(1), m.group(3)))
    panic = PANIC_RE.search(text)
    if panic:
        errors.append("panic: '%s'" % panic.group(0).strip())
    if timed_out:
        last = rep.top.results[-1].name if rep.top.results else "none"
        errors.append("timed out after %ds; last PVTEST line: %s" %
                      (timeout, last))
        return errors, rep
    if not PVTEST_DONE_RE.search(text):
        errors.append("no 'PVTEST done' line")
    for rx in profile.expect:
        if not rx.search(text):
            errors.append("expected /%s/ not in the serial log" % rx.pattern)
    for rx in getattr(profile, "hvc_expect", []):
        if not rx.search(hvc_text or ""):
            errors.append("expected /%s/ not in the virtio console log" %
                          rx.pattern)
    if rc != 0:
        errors.append("QEMU exited with %s, not 0 (the guest did not power "
                      "off)" % rc)
    return errors, rep


def judge(profile, text, rc, timed_out, timeout, emulator, hvc_text=None):
    """Every reason the run failed, as messages naming what went wrong."""
    if getattr(profile, "direct", False):
        return judge_direct(profile, text, rc, timed_out, timeout, hvc_text)
    errors = []
    rep = parse_ktap(text)
    panic = PANIC_RE.search(text)
    if timed_out:
        errors.append("timed out after %ds; last test seen: %s" %
                      (timeout, rep.last_seen or
                       ("none (KTAP started)" if rep.top else
                        "none (KTAP never started)")))
    if panic:
        errors.append("panic: '%s'" % panic.group(0).strip())
    if rep.failures:
        errors.append("not ok: %s" % ", ".join(rep.failures))
    guests = getattr(profile, "guest_list", [])
    vms = guests or getattr(profile, "modules", [])
    if not timed_out or rep.top:
        # VM profiles (modules) need no KTAP from the kernel itself.
        if rep.top or not vms:
            errors += ["KTAP: " + e for e in rep.errors]
    guest_results = []
    for g in guests:
        errs, res = judge_guest(g, text, timed_out)
        errors += errs
        guest_results.append(res)
    if guests and not rep.top:
        # The results table counts each guest as a suite.
        rep.top = Block(0)
        rep.top.results = guest_results
    for rx in profile.expect:
        if not rx.search(text) and not timed_out:
            errors.append("expected /%s/ not in the serial log" % rx.pattern)
    if not timed_out and emulator == "qemu":
        verdict = QEMU_EXIT.get(rc)
        want = "panic" if panic else \
            ("fail" if rep.failures else "pass")
        if verdict is None:
            errors.append("QEMU exited with %s: no isa-debug-exit (reset, "
                          "triple fault or emulator error?)" % rc)
        elif verdict != want and not (want == "pass" and rep.errors):
            errors.append("QEMU exit code %d (kernel said %s) disagrees with "
                          "the log (%s)" % (rc, verdict, want))
    elif not timed_out and rc != 1:
        # bochs exits 1 on the "Shutdown" port; anything else is a crash.
        errors.append("bochs exited with %s instead of a shutdown-port "
                      "exit" % rc)
    return errors, rep


def run_profile(profile, builddir, logs, extra_cmdline="", timeout=None,
                build_errors=None):
    out = Outcome(profile)
    timeout = timeout or int(profile.timeout)
    cfgdir = os.path.join(builddir, profile.config_name)
    if build_errors and build_errors.get(profile.config_name):
        out.errors.append(build_errors[profile.config_name])
        return out
    kernel = os.path.join(cfgdir, "purevisor.elf")
    cmdline = kernel_cmdline(profile, extra_cmdline)
    tag = profile.name + ("-" + extra_cmdline.replace(" ", "_").replace(
        "=", "-").replace(".", "-") if extra_cmdline else "")
    direct = None
    if profile.direct:
        try:
            kernel, direct, cmdline = direct_boot(profile, builddir, logs,
                                                  tag, extra_cmdline)
        except (ProfileError, OSError) as e:
            out.errors.append(str(e))
            return out
    serial = os.path.join(logs, tag + ".log")
    emu_log = os.path.join(logs, tag + ".emu.log")
    iso = os.path.join(cfgdir, tag + ".iso")
    if not direct and profile.modules and build_errors and \
            build_errors.get("guests"):
        out.errors.append(build_errors["guests"])
        return out
    modules, err = resolve_modules(profile, builddir, logs)
    if err:
        out.errors.append(err)
        return out
    if profile.boot == "iso":
        err = make_iso(kernel, iso, cmdline, emu_log, modules)
        if err:
            out.errors.append(err)
            return out
    open(serial, "w").close()
    if direct and direct["hvc_log"]:
        open(direct["hvc_log"], "w").close()  # no stale line can pass
    feeder, sockdir = None, None
    if profile.emulator == "qemu":
        sock = None
        if profile.input:
            # A short path: sun_path holds 108 bytes.
            sockdir = tempfile.mkdtemp(prefix="pv-serial-")
            sock = os.path.join(sockdir, "s")
            ready = profile.keys.get("input_after")
            feeder = SerialFeeder(sock, serial, profile.input,
                                  re.compile(ready.encode(), re.M)
                                  if ready else None)
        cmd = qemu_command(profile, kernel, iso, serial, cmdline, logs,
                           modules=modules, serial_sock=sock,
                           direct=direct)
    else:
        cmd = bochs_command(profile, iso, serial, logs)
    peer = None
    if "netpeer" in profile.keys:
        peer = netpeer.NetPeer(profile.keys["netpeer"],
                               profile.keys.get("peer_start"),
                               profile.peer_cmd,
                               os.path.join(logs, tag + ".peer.log"))
    try:
        if peer:
            err = peer.setup()
            if err:
                out.errors.append(err)
                return out
            cmd = peer.wrap(cmd)
            peer.start(serial, time.monotonic() + timeout)
        rc, out.seconds = run_emulator(cmd, emu_log, timeout, feeder)
        if peer:
            out.errors += peer.finish()
            if peer.summary:
                log("  PEER     %s: tap received %d frames, sent %d" %
                    ((profile.name,) + peer.summary))
    finally:
        if sockdir:
            shutil.rmtree(sockdir, ignore_errors=True)
        if peer:
            peer.teardown()
    with open(serial, errors="replace") as f:
        text = f.read()
    hvc_text = None
    if direct and direct["hvc_log"]:
        try:
            with open(direct["hvc_log"], errors="replace") as f:
                hvc_text = f.read().replace("\r", "")
        except OSError:
            hvc_text = ""
    out.serial = serial
    peer_errors = out.errors
    out.errors, out.report = judge(profile, text, rc, rc is None, timeout,
                                   profile.emulator, hvc_text)
    out.errors += peer_errors
    return out


def build_all(profiles, builddir, logs, jobs):
    errors = {}
    if any(m.startswith("guests/") for p in profiles for m in p.modules):
        errors["guests"] = build_guests(builddir, logs)
    if any(m.startswith("guests/linux/") for p in profiles
           for m in p.modules):
        # The Linux test guest's kernel, initramfs and disks as modules.
        errors["guests"] = errors["guests"] or \
            build_target("linux-guest", builddir, logs)
    for p in profiles:
        if p.config_name in errors:
            continue
        if p.direct:
            target = p.keys.get("build")
            errors[p.config_name] = build_target(target, builddir, logs) \
                if target else None
            continue
        errors[p.config_name] = build_config(
            p.defconfig, p.fragment_list,
            os.path.join(builddir, p.config_name), logs, jobs)
    return errors


def print_table(outcomes, verbose):
    log("")
    log("%-16s %-6s %7s %7s %9s" % ("PROFILE", "RESULT", "TIME", "SUITES",
                                     "CASES"))
    for o in outcomes:
        so, st, co, ct = o.counts()
        log("%-16s %-6s %6.1fs %7s %9s" % (o.profile.name,
                                            "PASS" if o.passed else "FAIL",
                                            o.seconds, "%d/%d" % (so, st),
                                            "%d/%d" % (co, ct)))
        for e in o.errors:
            log("  %s: %s" % (o.profile.name, e))
        if not o.passed and verbose and o.serial:
            log("  --- last 40 lines of %s ---" % o.serial)
            for l in tail(o.serial, 40):
                log("  | " + l)


def write_result(path, passed, failed):
    if path:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "w") as f:
            f.write("%d %d\n" % (passed, failed))

# -------------------------------------------------------------------- modes


def cmd_list(profiles):
    for p in profiles.values():
        log("%-16s %-7s %-5s %-6s %s" % (p.name, p.emulator, p.firmware,
                                          p.boot, p.description))
        log("%16s config %s, cpu %s, %s CPUs, %s MiB, timeout %ss" %
            ("", p.config_name, p.cpu, p.smp, p.memory, p.timeout))
    return 0


def cmd_run(args, profiles):
    names = args.profiles or list(profiles)
    sel = []
    for n in names:
        if n not in profiles:
            log("error: no profile '%s' (--list shows them)" % n)
            return 2
        sel.append(profiles[n])
    os.makedirs(args.logs, exist_ok=True)
    build_errors = {} if args.no_build else \
        build_all(sel, args.build_dir, args.logs, args.jobs)
    outcomes = []
    for p in sel:
        if build_errors.get(p.config_name):
            outcomes.append(run_profile(p, args.build_dir, args.logs,
                                        build_errors=build_errors))
            continue
        log("  BOOT     %s (%s, %s, timeout %ss)" %
            (p.name, p.emulator, p.boot, args.timeout or p.timeout))
        o = run_profile(p, args.build_dir, args.logs,
                        extra_cmdline=args.cmdline or "",
                        timeout=args.timeout, build_errors=build_errors)
        outcomes.append(o)
        if not o.passed and not args.keep_going and p is not sel[-1]:
            log("  stopping after the first failure (--keep-going runs "
                "the rest)")
            break
    print_table(outcomes, args.verbose)
    passed = sum(1 for o in outcomes if o.passed)
    failed = len(sel) - passed
    write_result(args.result, passed, failed)
    log("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def cmd_interactive(args, profiles):
    p = profiles.get(args.interactive)
    if p is None:
        log("error: no profile '%s'" % args.interactive)
        return 2
    cmdline = args.cmdline or ""
    os.makedirs(args.logs, exist_ok=True)
    if p.direct:
        # e.g. --interactive qemu-linux-direct --cmdline pv.test=shell
        err = build_target(p.build, args.build_dir, args.logs) \
            if "build" in p.keys else None
        try:
            kernel, direct, cmdline = (None, None, None) if err else \
                direct_boot(p, args.build_dir, args.logs, p.name, cmdline)
        except (ProfileError, OSError) as e:
            err = str(e)
        if err:
            log("error: " + err)
            return 1
        cmd = qemu_command(p, kernel, None, None, cmdline, args.logs,
                           interactive=True, direct=direct)
        log("QEMU (%s): serial on this terminal; quit with Ctrl-A X" % p.name)
        log("$ " + " ".join(cmd))
        sys.stdout.flush()
        os.execvp(cmd[0], cmd)
    err = None
    if any(m.startswith("guests/") for m in p.modules):
        err = build_guests(args.build_dir, args.logs)
    if not err and any(m.startswith("guests/linux/") for m in p.modules):
        err = build_target("linux-guest", args.build_dir, args.logs)
    modules, err = (None, err) if err else \
        resolve_modules(p, args.build_dir, args.logs)
    if not err and p.boot == "iso":
        err = make_iso(args.kernel, args.iso, cmdline,
                       os.path.join(args.logs, "run-mkiso.log"), modules)
    if err:
        log("error: " + err)
        return 1
    if p.emulator == "bochs":
        serial = os.path.join(args.logs, "run-bochs.log")
        cmd = bochs_command(p, args.iso, serial, args.logs)
        log("bochs: serial output goes to %s; quit with Ctrl-C" % serial)
    else:
        cmd = qemu_command(p, args.kernel, args.iso, None, cmdline,
                           args.logs, interactive=True, modules=modules)
        if "netpeer" in p.keys:
            # No namespace by hand: QEMU's user network stands in
            # (gateway 10.0.2.2 answers ARP and ping).
            cmd += ["-netdev", "user,id=n0"]
        if args.gdb:
            cmd += ["-s", "-S"]
        log("QEMU (%s): serial on this terminal; quit with Ctrl-A X" % p.name)
    if args.gdb:
        log("halted with a gdb stub on :1234; attach with:")
        log("  gdb %s -ex 'target remote :1234'" % args.kernel)
    log("$ " + " ".join(cmd))
    sys.stdout.flush()
    os.execvp(cmd[0], cmd)


def cmd_sum(files):
    passed = failed = 0
    for fn in files:
        try:
            with open(fn) as f:
                nums = [int(x) for x in f.read().split() if x.isdigit()]
            p, fl = nums[-2], nums[-1]
        except (OSError, ValueError, IndexError):
            log("  %s: no result (stage did not finish): counted as 1 "
                "failure" % fn)
            p, fl = 0, 1
        passed += p
        failed += fl
    log("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


BENCH_LINE = re.compile(r"^boot: \d+ CPUs online")
BENCH_TSC = re.compile(r"\btsc[=: ]+(\d+)", re.I)


def icount_boot(kernel, cmdline, logs, tag, pattern, timeout=60):
    """Boot under -icount shift=0 (one TSC tick per guest instruction) and
    return the first serial line matching pattern, or None."""
    serial = os.path.join(logs, "bench-%s.log" % tag)
    open(serial, "w").close()
    cmd = ["qemu-system-x86_64", "-M", "pc", "-cpu", "EPYC", "-m", "256",
           "-smp", "2", "-icount", "shift=0", "-display", "none",
           "-monitor", "none", "-no-reboot", "-serial", "file:" + serial,
           "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
           "-kernel", kernel, "-append", "panic=exit " + cmdline]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL)
    line = None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not line:
        done = proc.poll() is not None
        with open(serial, errors="replace") as f:
            line = next((l.strip() for l in f if pattern.search(l)), None)
        if done:
            break
        time.sleep(0.2)
    if proc.poll() is None:
        kill_tree(proc)
    return line


def boot_cost(kernel, logs):
    """Instructions from kernel entry to the "CPUs online" line."""
    line = icount_boot(kernel, "", logs, "boot", BENCH_LINE, 20)
    if not line:
        return "n/a (no 'CPUs online' line within 20 s)"
    m = BENCH_TSC.search(line)
    if not m:
        return "n/a (kernel prints no TSC on '%s')" % line
    return "%s instructions (entry to '%s')" % (m.group(1), line)


ROUND_TRIP = re.compile(r"# (svm|vmx): cpuid round trip: (\d+)")
# A bare-minimum probe hypervisor measured ~100 (issue 3); the goal is 150.
ROUND_TRIP_REFERENCE = 100


def exit_costs(args, profiles):
    """CPUID exit round trips: SVM under QEMU -icount, VMX under bochs
    (deterministic TSC), both measured by the guest with RDTSC."""
    rows = []
    kt = os.path.join(args.build_dir, "qemu-amd+ktest", "purevisor.elf")
    if not build_config("qemu-amd_defconfig", ["ktest.config"],
                        os.path.dirname(kt), args.logs, args.jobs):
        line = icount_boot(kt, "ktest.filter=svm", args.logs, "svm",
                           ROUND_TRIP, 120)
        rows.append(("SVM", "QEMU TCG -icount shift=0", line))
    p = profiles.get("bochs-intel")
    if p:
        errs = build_all([p], args.build_dir, args.logs, args.jobs)
        out = run_profile(p, args.build_dir, args.logs, "ktest.filter=vmx",
                          build_errors=errs)
        line = None
        if out.serial:
            with open(out.serial, errors="replace") as f:
                line = next((l.strip() for l in f if ROUND_TRIP.search(l)),
                            None)
        rows.append(("VMX", "bochs corei7_skylake_x", line))
    log("")
    log("CPUID exit round trip (guest RDTSC per iteration, incl. its "
        "4-instruction loop; reference probe ~%d, goal < 150):" %
        ROUND_TRIP_REFERENCE)
    bad = 0
    for backend, where, line in rows:
        m = ROUND_TRIP.search(line or "")
        if m:
            n = int(m.group(2))
            log("  %-4s %-26s %6d  (%.2fx the reference)" %
                (backend, where, n, n / ROUND_TRIP_REFERENCE))
        else:
            log("  %-4s %-26s    n/a (no round-trip line)" % (backend, where))
            bad += 1
    return bad


def exit_counts(args, profiles):
    """Each demo guest's exits by reason (the kernel's VM summary)."""
    p = profiles.get("qemu-amd-demo")
    if not p:
        return 0
    errs = build_all([p], args.build_dir, args.logs, args.jobs)
    out = run_profile(p, args.build_dir, args.logs, build_errors=errs)
    log("")
    log("Exits by reason, demo guests (qemu-amd-demo):")
    if not out.serial:
        log("  n/a: %s" % "; ".join(out.errors))
        return 1
    with open(out.serial, errors="replace") as f:
        lines = [l.rstrip() for l in f if re.match(r"\[demo-.\] stopped, ", l)]
    for l in lines:
        log("  " + l)
    return 0 if lines else 1


def cmd_bench(args, profiles):
    defconfigs = sorted(f for f in os.listdir(os.path.join(SRCTREE, "configs"))
                        if f.endswith("_defconfig"))
    os.makedirs(args.logs, exist_ok=True)
    rows, bad = [], 0
    for d in defconfigs:
        outdir = os.path.join(args.build_dir, d[:-len("_defconfig")])
        err = build_config(d, [], outdir, args.logs, args.jobs)
        if err:
            log("  %s: %s" % (d, err))
            bad += 1
            continue
        kernel = os.path.join(outdir, "purevisor.elf")
        sz = subprocess.run(["size", kernel], capture_output=True,
                            text=True).stdout.splitlines()[-1].split()
        rows.append((d, sz[0], sz[1], sz[2], os.path.getsize(kernel)))
    log("")
    log("Image sizes (bytes, from size(1)):")
    log("%-24s %9s %9s %9s %9s" % ("DEFCONFIG", "TEXT", "DATA", "BSS",
                                    "FILE"))
    for r in rows:
        log("%-24s %9s %9s %9s %9d" % r)
    amd = os.path.join(args.build_dir, "qemu-amd", "purevisor.elf")
    if os.path.exists(amd):
        log("")
        log("Boot cost (qemu-amd, -icount shift=0): %s" %
            boot_cost(amd, args.logs))
    bad += exit_costs(args, profiles)
    bad += exit_counts(args, profiles)
    return 1 if bad else 0



def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Boot PureVisor test profiles (tests/profiles/*.profile)"
        " and judge their KTAP output.")
    ap.add_argument("profiles", nargs="*", help="profiles to run (all)")
    ap.add_argument("--list", action="store_true", help="list profiles")
    ap.add_argument("-k", "--keep-going", action="store_true",
                    help="run every profile even after a failure")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print the last 40 serial lines of failed runs")
    ap.add_argument("--no-build", action="store_true",
                    help="use the kernels already in the build directory")
    ap.add_argument("--build-dir", default=os.path.join(SRCTREE, "build"))
    ap.add_argument("--logs", help="log directory (BUILD_DIR/logs)")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=int, help="override every timeout (s)")
    ap.add_argument("--cmdline", help="extra kernel command line")
    ap.add_argument("--result", help="write 'PASSED FAILED' to this file")
    ap.add_argument("--selftest", action="store_true",
                    help="parser tests + injected failures must be caught")
    ap.add_argument("--bench", action="store_true",
                    help="image sizes per defconfig and boot cost")
    ap.add_argument("--sum", nargs="+", metavar="FILE",
                    help="add up result files, print 'N passed, N failed'")
    ap.add_argument("--interactive", metavar="PROFILE",
                    help="boot PROFILE's machine with serial on stdio")
    ap.add_argument("--kernel", help="kernel for --interactive")
    ap.add_argument("--iso", help="ISO for --interactive")
    ap.add_argument("--gdb", action="store_true",
                    help="with --interactive: halt, gdb stub on :1234")
    args = ap.parse_args(argv)
    args.build_dir = os.path.abspath(args.build_dir)
    args.logs = os.path.abspath(args.logs or
                                os.path.join(args.build_dir, "logs"))
    if args.sum:
        return cmd_sum(args.sum)
    try:
        profiles = load_profiles()
    except (ProfileError, OSError) as e:
        log("error: %s" % e)
        return 2
    if args.list:
        return cmd_list(profiles)
    if args.interactive:
        return cmd_interactive(args, profiles)
    if args.selftest:
        import importlib.util
        spec = importlib.util.spec_from_file_location(
            "run_profiles_selftest",
            os.path.join(SRCTREE, "scripts", "run-profiles-selftest.py"))
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod.selftest(sys.modules[__name__], args, profiles)
    if args.bench:
        return cmd_bench(args, profiles)
    return cmd_run(args, profiles)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Benchmark the Linux test guest: PureVisor against plain QEMU, medians.

    bench-linux-boot.py [--runs N] [--icount] [--build-dir DIR] [--no-build]
                        [--sides qemu-tcg,purevisor] [--append ARGS]

Each run boots the Debian kernel + test initramfs (make linux-guest) with
pv.test=bench and the data disk, and records:

    wall_init_s     host seconds from launch to the guest's first /init line
    wall_total_s    host seconds from launch to QEMU's exit (poweroff)
    init_uptime_s   the guest's own uptime when /init started
    seq_read_kib_s  O_DIRECT 1 MiB sequential reads of the data disk
    rand_reads_s    O_DIRECT 4 KiB random reads, one dd process each
    spawn_cs        what spawning those dd processes alone cost (cs)

Sides (each booted RUNS times, interleaved, so that a change in the host's
load hits both alike):

    qemu-tcg   the reference: the guest straight on QEMU TCG (-cpu qemu64,
               2 CPUs, QEMU's own modern virtio-blk-pci)
    purevisor  PureVisor (qemu-amd_defconfig) on QEMU TCG (-cpu EPYC, SVM,
               3 CPUs: the boot CPU keeps the monitor, one per vCPU) runs
               the same guest (2 vCPUs, 256 MiB, PureVisor's virtio-blk and
               16550) from Multiboot1 modules and
               tests/guests/configs/linux-bench.vmconf.in, whose cmdline
               both sides use

The ratio column is purevisor / qemu-tcg. init_uptime_s is the same
measure on both sides (the guest's clock follows the host's under TCG, and
under PureVisor too); it leaves out PureVisor's own boot, which
wall_init_s includes and pv_boot_s shows alone (launch to "vm lin:
started"). The PureVisor side also prints its exits by reason during the
boot: the monitor command "exits lin" is typed the moment /init's first
line arrives, and the counts are divided by the host time from "started"
to the answer; then the hypervisor's own end-of-run summary (exits per
second over the whole run, the busiest port and MMIO ranges).

The guest figures come from its "PVBENCH key=value" lines (the guest's
clock: 10 ms resolution). Without --icount the runs are wall-clock TCG,
so the host's load shows: read medians, not single runs; the load average
is printed before and after. --icount (qemu-tcg only) boots 1 CPU under
"-icount shift=0,sleep=off" (one guest nanosecond per instruction, idle
time skipped: init_uptime_s becomes an instruction count).
"""

import argparse
import importlib.util
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

SRCTREE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INIT_RE = re.compile(rb"PVTEST init ok")
BENCH_RE = re.compile(r"PVBENCH (.*)$", re.M)
METRICS = [("pv_boot_s", "s", "host: launch to 'vm lin: started'"),
           ("wall_init_s", "s", "host: launch to /init"),
           ("wall_total_s", "s", "host: launch to poweroff"),
           ("init_uptime_s", "s", "guest: uptime at /init"),
           ("seq_read_kib_s", "KiB/s", "guest: sequential 1 MiB reads"),
           ("rand_reads_s", "/s", "guest: random 4 KiB reads"),
           ("spawn_cs", "cs", "guest: spawning the readers alone")]
# The bench VM (its cmdline serves both sides) and how PureVisor runs it.
VMCONF = os.path.join(SRCTREE, "tests", "guests", "configs",
                      "linux-bench.vmconf.in")
CMDLINE_RE = re.compile(r'^\s+cmdline\s*=\s*"(.*)"\s*$', re.M)
STARTED_RE = re.compile(rb"^vm lin: started", re.M)
EXITS_RE = re.compile(r"^\[lin\] running, (\d+) exits:(.*)$", re.M)
TOTAL_RE = re.compile(r"^\[lin\] stopped, (\d+) exits:(.*)$", re.M)
STOP_RE = re.compile(rb"^\[lin\] exits/s over", re.M)
RATES_RE = re.compile(r"^\[lin\] (exits/s over .*|busiest:.*)$", re.M)
PV_SMP = "3"


def runner():
    """scripts/run-profiles.py as a module (builds, placeholders)."""
    spec = importlib.util.spec_from_file_location(
        "run_profiles", os.path.join(SRCTREE, "scripts", "run-profiles.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def log(msg):
    print(msg, flush=True)


class Side:
    """One way of booting the guest. command(run) -> (argv, serial log)."""

    def __init__(self, name, command):
        self.name = name
        self.command = command


def qemu_direct(args, files):
    """The reference: the guest straight on QEMU TCG, no PureVisor."""
    def command(run):
        serial = os.path.join(args.logs, "bench-linux-qemu-%d.log" % run)
        cmd = ["qemu-system-x86_64", "-M", "pc", "-cpu", "qemu64",
               "-m", "256", "-smp", "1" if args.icount else "2",
               "-no-reboot", "-display", "none", "-monitor", "none",
               "-serial", "file:" + serial,
               "-drive", "if=none,id=d0,format=raw,readonly=on,file=" +
               files["data"],
               "-device", "virtio-blk-pci,drive=d0,disable-legacy=on",
               "-kernel", files["kernel"], "-initrd", files["initrd"],
               "-append", files["cmdline"]]
        if args.icount:
            cmd += ["-icount", "shift=0,sleep=off"]
        return cmd, serial
    return Side("qemu-tcg", command)


class SerialSocket(threading.Thread):
    """PureVisor's serial port as a socket chardev: appends what arrives
    to the log, notes when STARTED_RE and INIT_RE first arrive, and types
    "exits lin" at the monitor as soon as /init's line is there."""

    def __init__(self, path, serial):
        super().__init__(daemon=True)
        self.path, self.serial = path, serial
        self.stop = threading.Event()
        self.t_started = self.t_init = self.t_exits = self.t_stop = None

    def run(self):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        while not self.stop.is_set():
            try:
                sock.connect(self.path)
                break
            except OSError:
                time.sleep(0.02)
        else:
            return
        sock.settimeout(0.05)
        seen = b""
        with open(self.serial, "ab") as f:
            while not self.stop.is_set():
                try:
                    data = sock.recv(65536)
                except socket.timeout:
                    continue
                except OSError:
                    break
                if not data:
                    break
                now = time.monotonic()
                f.write(data)
                f.flush()
                seen += data.replace(b"\r", b"")
                if self.t_started is None and STARTED_RE.search(seen):
                    self.t_started = now
                if self.t_init is None and INIT_RE.search(seen):
                    self.t_init = now
                    try:
                        sock.sendall(b"exits lin\r")
                    except OSError:
                        break
                if self.t_init and self.t_exits is None and \
                        EXITS_RE.search(seen.decode(errors="replace")):
                    self.t_exits = now
                if self.t_exits and self.t_stop is None and \
                        STOP_RE.search(seen):
                    self.t_stop = now
                if self.t_stop:
                    seen = seen[-256:]
        sock.close()


def purevisor(args, files):
    """PureVisor on QEMU TCG (SVM) running the same guest."""
    mods = [files["kernel"], files["initrd"], files["data"], files["vmconf"]]

    def command(run):
        serial = os.path.join(args.logs, "bench-linux-pv-%d.log" % run)
        sock = os.path.join(args.sockdir, "s%d" % run)
        cmd = ["qemu-system-x86_64", "-M", "pc", "-cpu", "EPYC",
               "-m", "1024", "-smp", PV_SMP, "-no-reboot",
               "-display", "none", "-monitor", "none",
               "-chardev", "socket,id=ser0,path=%s,server=on,wait=on" % sock,
               "-serial", "chardev:ser0",
               "-device", "isa-debug-exit,iobase=0xf4,iosize=4",
               "-kernel", files["purevisor"],
               "-append", "vms.exit_after=%d panic=exit" % args.timeout,
               "-initrd", ",".join(mods)]
        return cmd, serial, SerialSocket(sock, serial)
    return Side("purevisor", command)


def parse_exits(text, rx=EXITS_RE):
    """{reason: count} of the first "[lin] running, N exits:" line."""
    m = rx.search(text)
    if not m:
        return None
    out = {"total": int(m.group(1))}
    for kv in m.group(2).split():
        k, _, v = kv.partition("=")
        if v.isdigit():
            out[k] = int(v)
    return out


def boot_once(side, run, timeout):
    """{metric: value} of one boot, or raises RuntimeError."""
    got = side.command(run)
    cmd, serial = got[0], got[1]
    feeder = got[2] if len(got) > 2 else None
    open(serial, "w").close()
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    if feeder:
        feeder.start()
    wall_init = None
    while proc.poll() is None and time.monotonic() - t0 < timeout:
        if wall_init is None and not feeder:
            with open(serial, "rb") as f:
                if INIT_RE.search(f.read()):
                    wall_init = time.monotonic() - t0
        time.sleep(0.01)
    timed_out = proc.poll() is None
    if timed_out:
        proc.kill()
        proc.wait()
    wall_total = time.monotonic() - t0
    if feeder:
        feeder.join(2)
        feeder.stop.set()
        feeder.join()
        if feeder.t_init:
            wall_init = feeder.t_init - t0
    if timed_out:
        raise RuntimeError("%s run %d: no poweroff within %ds (%s)" %
                           (side.name, run, timeout, serial))
    with open(serial, errors="replace") as f:
        text = f.read().replace("\r", "")
    if wall_init is None and INIT_RE.search(text.encode()):
        wall_init = wall_total
    vals = {}
    for m in BENCH_RE.finditer(text):
        for kv in m.group(1).split():
            k, _, v = kv.partition("=")
            try:
                vals[k] = float(v)
            except ValueError:
                pass
    if "done" not in text or "seq_read_kib_s" not in vals:
        err = proc.stderr.read().decode(errors="replace").strip()
        raise RuntimeError("%s run %d: no PVBENCH results (%s)%s" %
                           (side.name, run, serial,
                            ": " + err if err else ""))
    vals["wall_init_s"] = wall_init
    vals["wall_total_s"] = wall_total
    if feeder:
        if feeder.t_started:
            vals["pv_boot_s"] = feeder.t_started - t0
        ex = parse_exits(text)
        if ex and feeder.t_started and feeder.t_exits:
            vals["boot_exits"] = ex
            vals["boot_exit_s"] = feeder.t_exits - feeder.t_started
            total = parse_exits(text, TOTAL_RE)
            if total and feeder.t_stop:
                # After /init: loading modules, the disk bench, poweroff.
                vals["work_exits"] = {k: v - ex.get(k, 0)
                                      for k, v in total.items()}
                vals["work_exit_s"] = feeder.t_stop - feeder.t_exits
        vals["rates"] = RATES_RE.findall(text)
    return vals


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def prepare(args):
    """Build what the sides need; returns the files dict or None."""
    rp = runner()
    if not args.no_build:
        logf = os.path.join(args.logs, "build-linux-guest.log")
        with open(logf, "w") as f:
            r = subprocess.run(["make", "-C", SRCTREE, "O=" + args.build_dir,
                                "linux-guest"], stdout=f,
                               stderr=subprocess.STDOUT)
        if r.returncode:
            log("bench-linux-boot: make linux-guest failed (%s)" % logf)
            return None
        if "purevisor" in args.sides:
            err = rp.build_config("qemu-amd_defconfig", [],
                                  os.path.join(args.build_dir, "qemu-amd"),
                                  args.logs, 2)
            if err:
                log("bench-linux-boot: PureVisor: %s" % err)
                return None
    g = os.path.join(args.build_dir, "guests", "linux")
    try:
        with open(VMCONF) as f:
            conf = rp.fill_placeholders(f.read(), args.build_dir)
    except (OSError, rp.ProfileError) as e:
        log("bench-linux-boot: %s (run make linux-guest)" % e)
        return None
    if args.append:
        # Both sides: the direct one takes its cmdline from here too.
        m = CMDLINE_RE.search(conf)
        conf = conf[:m.end(1)] + " " + args.append + conf[m.end(1):]
    vmconf = os.path.join(args.logs, "linux-bench.vmconf")
    with open(vmconf, "w") as f:
        f.write(conf)
    return {"kernel": os.path.join(g, "vmlinuz"),
            "initrd": os.path.join(g, "initramfs.gz"),
            "data": os.path.join(g, "data.img"),
            "cmdline": CMDLINE_RE.search(conf).group(1),
            "vmconf": vmconf,
            "purevisor": os.path.join(args.build_dir, "qemu-amd",
                                      "purevisor.elf")}


def paired(ref, other, key):
    """Median of the per-run ratios other/ref: runs i of both sides ran
    back to back, so a change in the host's load mostly cancels."""
    a = {r["run"]: r.get(key) for r in ref}
    xs = [r[key] / a[r["run"]] for r in other
          if r.get(key) is not None and a.get(r["run"])]
    return statistics.median(xs) if xs else None


def fmt_med(xs):
    med = statistics.median(xs)
    f = "%.0f" if med >= 1000 else "%.2f"
    return med, (f + " (" + f + "-" + f + ")") % (med, min(xs), max(xs))


def print_exits(runs):
    """Boot-time exit rates (medians over the runs) and the last run's
    whole-run summary."""
    boot = [r for r in runs if r.get("boot_exits")]
    work = [r for r in runs if r.get("work_exits")]

    def med(rs, phase, k, rate):
        return statistics.median(r[phase + "_exits"].get(k, 0) /
                                 (r[phase + "_exit_s"] if rate else 1)
                                 for r in rs) if rs else 0
    if boot:
        reasons = sorted({k for r in boot + work for k in r["boot_exits"]},
                         key=lambda k: -med(boot, "boot", k, False))
        log("")
        log("PureVisor exits by reason, medians of %d runs: the boot (VM "
            "start to /init, %.2f s host time) and the rest (/init to the "
            "VM's stop: modules, disk bench, poweroff, %.2f s):" %
            (len(boot), statistics.median(r["boot_exit_s"] for r in boot),
             statistics.median(r["work_exit_s"] for r in work)
             if work else 0))
        log("%-14s %10s %10s %12s %10s" % ("REASON", "BOOT", "PER SEC",
                                            "AFTER /INIT", "PER SEC"))
        for k in reasons:
            log("%-14s %10d %10.0f %12d %10.0f" % (
                k, med(boot, "boot", k, False), med(boot, "boot", k, True),
                med(work, "work", k, False), med(work, "work", k, True)))
    last = [r for r in runs if r.get("rates")]
    if last:
        log("")
        log("PureVisor end-of-run summary (last run, whole run incl. the "
            "disk bench):")
        for l in last[-1]["rates"]:
            log("  " + l)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--icount", action="store_true",
                    help="qemu-tcg only: 1 CPU, -icount shift=0,sleep=off")
    ap.add_argument("--build-dir", default=os.path.join(SRCTREE, "build"))
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--append", default="",
                    help="more guest command line, both sides")
    ap.add_argument("--sides", default="qemu-tcg,purevisor",
                    help="comma-separated: qemu-tcg, purevisor")
    args = ap.parse_args(argv)
    args.sides = [x for x in args.sides.split(",") if x]
    if args.icount:
        args.sides = [x for x in args.sides if x == "qemu-tcg"]
    args.build_dir = os.path.abspath(args.build_dir)
    args.logs = os.path.join(args.build_dir, "logs")
    os.makedirs(args.logs, exist_ok=True)
    files = prepare(args)
    if not files:
        return 1
    makers = {"qemu-tcg": qemu_direct, "purevisor": purevisor}
    bad_side = [x for x in args.sides if x not in makers]
    if bad_side or not args.sides:
        log("bench-linux-boot: unknown side(s) %s" % ", ".join(bad_side))
        return 2
    args.sockdir = tempfile.mkdtemp(prefix="pv-bench-")
    sides = [makers[x](args, files) for x in args.sides]
    results = {s.name: [] for s in sides}
    bad = 0
    load0 = load()
    log("Linux guest bench: %d runs per side (%s), host load average "
        "%s, %d CPUs" % (args.runs, ", ".join(args.sides), load0,
                         os.cpu_count()))
    try:
        for run in range(args.runs):
            for side in sides:
                try:
                    v = boot_once(side, run, args.timeout)
                except RuntimeError as e:
                    log("  " + str(e))
                    bad += 1
                    continue
                results[side.name].append(v)
                v["run"] = run
                log("  %-10s run %d (load %s): %s" % (
                    side.name, run, load().split()[0], " ".join(
                    "%s=%g" % (k, round(v[k], 2)) for k, _, _ in METRICS
                    if v.get(k) is not None)))
    finally:
        shutil.rmtree(args.sockdir, ignore_errors=True)
    load1 = load()

    log("")
    log("Linux guest boot (%s, medians of %d runs, min-max; host load "
        "average %s before, %s after):" %
        ("-icount shift=0, 1 CPU" if args.icount else "TCG wall clock, "
         "2 guest CPUs", args.runs, load0, load1))
    head = "%-16s %-6s" % ("METRIC", "UNIT")
    for s in sides:
        head += " %24s" % s.name
    if len(sides) > 1:
        head += " %8s %8s" % ("RATIO", "PAIRED")
    log(head)
    ratios, paired_ratios = {}, {}
    for key, unit, what in METRICS:
        row = "%-16s %-6s" % (key, unit)
        meds = []
        for s in sides:
            xs = [r[key] for r in results[s.name] if r.get(key) is not None]
            if xs:
                med, txt = fmt_med(xs)
                meds.append(med)
                row += " %24s" % txt
            else:
                meds.append(None)
                row += " %24s" % "n/a"
        if len(sides) > 1:
            ok = meds[1] is not None and meds[0]
            if ok:
                ratios[key] = meds[1] / meds[0]
            row += " %8s" % ("%.2fx" % ratios[key] if ok else "n/a")
            pair = paired(results[sides[0].name], results[sides[1].name],
                          key)
            if pair is not None:
                paired_ratios[key] = pair
            row += " %8s" % ("%.2fx" % pair if pair is not None else "n/a")
        log(row + "   " + what)
    if "purevisor" in results:
        print_exits(results["purevisor"])
    if len(sides) > 1:
        def both(k):
            return "%s (paired %s)" % (
                "%.2f" % ratios[k] if k in ratios else "n/a",
                "%.2f" % paired_ratios[k] if k in paired_ratios else "n/a")
        log("")
        log("Ratios %s / %s, of medians (median of per-run ratios):" %
            (sides[1].name, sides[0].name))
        log("  boot to /init, guest uptime: %s   goal <= 1.25" %
            both("init_uptime_s"))
        log("  boot to /init, host wall:    %s   (incl. PureVisor's own "
            "boot)" % both("wall_init_s"))
        log("  virtio-blk sequential 1 MiB: %s   throughput, higher is "
            "better" % both("seq_read_kib_s"))
        log("  virtio-blk random 4 KiB:     %s   reads/s incl. a dd spawn "
            "each" % both("rand_reads_s"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

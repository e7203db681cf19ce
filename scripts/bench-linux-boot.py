#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Benchmark the Linux test guest: boot it RUNS times, print medians.

    bench-linux-boot.py [--runs N] [--icount] [--build-dir DIR] [--no-build]

Each run boots the Debian kernel + test initramfs (make linux-guest) with
pv.test=bench and the data disk, and records:

    wall_init_s     host seconds from launch to the guest's first /init line
    wall_total_s    host seconds from launch to QEMU's exit (poweroff)
    init_uptime_s   the guest's own uptime when /init started
    seq_read_kib_s  O_DIRECT 1 MiB sequential reads of the data disk
    rand_reads_s    O_DIRECT 4 KiB random reads, one dd process each
    spawn_cs        what spawning those dd processes alone cost (cs)

The guest figures come from its "PVBENCH key=value" lines (the guest's
clock: 10 ms resolution). Without --icount the runs are wall-clock TCG
with 2 CPUs, so the host's load shows: read medians, not single runs.
--icount boots 1 CPU under "-icount shift=0,sleep=off" (one guest
nanosecond per instruction, idle time skipped: init_uptime_s becomes an
instruction count, identical run to run; disk figures still vary, as the
block backend completes in host time). With 2 CPUs QEMU 7.2's icount
never finishes bringing up the second one; with sleep=on (the default) a
boot takes 35 s instead of 9 s.

Sides: every entry of SIDES is booted RUNS times and gets a column; the
first is the reference, later ones get a ratio column. To compare
PureVisor, add a Side whose command() boots PureVisor with the same
kernel, initramfs, disk and command line (its serial log may prefix the
guest's lines with "[vm] ": PVBENCH and PVTEST are found anywhere in a
line).
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import time

SRCTREE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INIT_RE = re.compile(rb"PVTEST init ok")
BENCH_RE = re.compile(r"PVBENCH (.*)$", re.M)
METRICS = [("wall_init_s", "s", "host: launch to /init"),
           ("wall_total_s", "s", "host: launch to poweroff"),
           ("init_uptime_s", "s", "guest: uptime at /init"),
           ("seq_read_kib_s", "KiB/s", "guest: sequential 1 MiB reads"),
           ("rand_reads_s", "/s", "guest: random 4 KiB reads"),
           ("spawn_cs", "cs", "guest: spawning the readers alone")]
# Guest command line of a bench run; {disk} keys come from disks.cmdline.
GUEST_CMDLINE = ("console=ttyS0 loglevel=4 panic=-1 pv.test=bench "
                 "pv.bench_passes=8 pv.bench_reads=200")


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


def boot_once(side, run, timeout):
    """{metric: value} of one boot, or raises RuntimeError."""
    cmd, serial = side.command(run)
    open(serial, "w").close()
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    wall_init = None
    while proc.poll() is None and time.monotonic() - t0 < timeout:
        if wall_init is None:
            with open(serial, "rb") as f:
                if INIT_RE.search(f.read()):
                    wall_init = time.monotonic() - t0
        time.sleep(0.01)
    if proc.poll() is None:
        proc.kill()
        proc.wait()
        raise RuntimeError("%s run %d: no poweroff within %ds (%s)" %
                           (side.name, run, timeout, serial))
    wall_total = time.monotonic() - t0
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
    return vals


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--icount", action="store_true",
                    help="1 CPU, -icount shift=0,sleep=off")
    ap.add_argument("--build-dir", default=os.path.join(SRCTREE, "build"))
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--timeout", type=int, default=300)
    args = ap.parse_args(argv)
    args.build_dir = os.path.abspath(args.build_dir)
    args.logs = os.path.join(args.build_dir, "logs")
    os.makedirs(args.logs, exist_ok=True)
    if not args.no_build:
        logf = os.path.join(args.logs, "build-linux-guest.log")
        with open(logf, "w") as f:
            r = subprocess.run(["make", "-C", SRCTREE, "O=" + args.build_dir,
                                "linux-guest"], stdout=f,
                               stderr=subprocess.STDOUT)
        if r.returncode:
            log("bench-linux-boot: make linux-guest failed (%s)" % logf)
            return 1
    g = os.path.join(args.build_dir, "guests", "linux")
    try:
        with open(os.path.join(g, "disks.cmdline")) as f:
            disks = f.readline().strip()
    except OSError as e:
        log("bench-linux-boot: %s (run make linux-guest)" % e)
        return 1
    files = {"kernel": os.path.join(g, "vmlinuz"),
             "initrd": os.path.join(g, "initramfs.gz"),
             "data": os.path.join(g, "data.img"),
             "cmdline": GUEST_CMDLINE + " " + disks}

    sides = [qemu_direct(args, files)]
    results = {}
    bad = 0
    for side in sides:
        results[side.name] = []
        for run in range(args.runs):
            try:
                v = boot_once(side, run, args.timeout)
            except RuntimeError as e:
                log("  " + str(e))
                bad += 1
                continue
            results[side.name].append(v)
            log("  %-10s run %d: %s" % (side.name, run, " ".join(
                "%s=%g" % (k, round(v[k], 2)) for k, _, _ in METRICS
                if v.get(k) is not None)))

    log("")
    log("Linux guest boot (%s, %d runs, medians; min-max):" %
        ("-icount shift=0, 1 CPU" if args.icount else "TCG wall clock, "
         "2 CPUs", args.runs))
    head = "%-16s %-6s" % ("METRIC", "UNIT")
    for s in sides:
        head += " %28s" % s.name
    for s in sides[1:]:
        head += " %8s" % ("/" + sides[0].name)[:8]
    log(head)
    for key, unit, what in METRICS:
        row = "%-16s %-6s" % (key, unit)
        meds = []
        for s in sides:
            xs = [r[key] for r in results[s.name] if r.get(key) is not None]
            if xs:
                med = statistics.median(xs)
                meds.append(med)
                row += " %28s" % ("%.2f (%.2f-%.2f)" % (med, min(xs),
                                                         max(xs)))
            else:
                meds.append(None)
                row += " %28s" % "n/a"
        for m in meds[1:]:
            row += " %8s" % ("%.2fx" % (m / meds[0]) if m and meds[0]
                             else "n/a")
        log(row + "   " + what)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Build the Linux test guest's initramfs (cpio newc, gzip).

    mkinitramfs.py ROOT INIT OUT

ROOT is the unpacked linux-image and busybox-static packages (fetch.sh);
INIT the /init script. The archive holds busybox-static with a link per
applet, /dev/console and /dev/null (so the kernel has a console before
devtmpfs is mounted), /init, and the virtio and ext4 modules with their
dependencies, decompressed, plus /lib/modules/load-order naming them in
the order insmod must load them. The archive is written with fixed
timestamps and owners: the same inputs give the same bytes.
"""

import gzip
import io
import lzma
import os
import struct
import subprocess
import sys

# What the guest needs, in a sensible order; dependencies found in each
# module's .modinfo come first automatically. crc32c_generic is a soft
# dependency (jbd2/ext4 ask the crypto API for "crc32c" at mount time,
# which would need modprobe), so it is listed by hand before them.
WANTED = ["virtio", "virtio_ring", "virtio_pci_legacy_dev",
          "virtio_pci_modern_dev", "virtio_pci", "virtio_blk", "failover",
          "net_failover", "virtio_net", "virtio_console",
          "crc32c_generic", "crc16", "mbcache", "jbd2", "ext4"]
SOFT_DEPS = {"ext4": ["crc32c_generic"], "jbd2": ["crc32c_generic"]}
KO_SUFFIXES = (".ko", ".ko.xz", ".ko.zst", ".ko.gz")


def die(msg):
    sys.exit("mkinitramfs.py: error: " + msg)


def norm(name):
    return name.replace("-", "_")


def mod_name(path):
    base = os.path.basename(path)
    for s in KO_SUFFIXES:
        if base.endswith(s):
            return norm(base[:-len(s)])
    return None


def read_module(path):
    with open(path, "rb") as f:
        data = f.read()
    if path.endswith(".xz"):
        return lzma.decompress(data)
    if path.endswith(".gz"):
        return gzip.decompress(data)
    if path.endswith(".zst"):
        return subprocess.run(["zstd", "-dc", path], check=True,
                              capture_output=True).stdout
    return data


def modinfo(elf):
    """The key=value strings of an ELF64 module's .modinfo section."""
    if elf[:4] != b"\x7fELF" or elf[4] != 2:
        raise ValueError("not an ELF64 file")
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x3a)

    def section(i):
        name, _, _, _, off, size = struct.unpack_from(
            "<IIQQQQ", elf, shoff + i * shentsize)
        return name, off, size

    _, stroff, _ = section(shstrndx)
    for i in range(shnum):
        name, off, size = section(i)
        end = elf.index(b"\0", stroff + name)
        if elf[stroff + name:end] == b".modinfo":
            info = {}
            for item in elf[off:off + size].split(b"\0"):
                k, sep, v = item.decode(errors="replace").partition("=")
                if sep:
                    info.setdefault(k, v)
            return info
    return {}


def find_modules(root):
    """(kernel version, {name: path}, set of built-in names)."""
    moddir = os.path.join(root, "lib", "modules")
    versions = sorted(os.listdir(moddir))
    if len(versions) != 1:
        die("expected one kernel in %s, found %s" % (moddir, versions))
    kver = versions[0]
    base = os.path.join(moddir, kver)
    paths = {}
    for d, _, files in os.walk(base):
        for fn in files:
            n = mod_name(fn)
            if n:
                paths[n] = os.path.join(d, fn)
    builtin = set()
    try:
        with open(os.path.join(base, "modules.builtin")) as f:
            builtin = {mod_name(l.strip()) for l in f if l.strip()}
    except OSError:
        pass
    return kver, paths, builtin


def resolve(paths, builtin):
    """[(name, module bytes)] in load order: dependencies first."""
    order, seen, data = [], set(), {}

    def visit(name, chain):
        if name in seen:
            return
        if name in chain:
            die("dependency loop: %s" % " -> ".join(chain + [name]))
        if name not in paths:
            if name in builtin:
                print("  LINUX    %s is built in" % name)
                seen.add(name)
                return
            die("module %s: not in the package and not built in" % name)
        elf = read_module(paths[name])
        deps = [norm(d) for d in modinfo(elf).get("depends", "").split(",")
                if d]
        for d in SOFT_DEPS.get(name, []) + deps:
            visit(d, chain + [name])
        seen.add(name)
        data[name] = elf
        order.append(name)

    for n in WANTED:
        visit(n, [])
    return [(n, data[n]) for n in order]


class Cpio:
    """cpio "newc" (SVR4 without CRC) writer: what the kernel unpacks."""

    def __init__(self):
        self.buf = io.BytesIO()
        self.ino = 1

    def _entry(self, name, mode, data=b"", rdev=(0, 0)):
        name_b = name.encode() + b"\0"
        hdr = "070701" + "".join("%08X" % v for v in (
            self.ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1],
            len(name_b), 0))
        self.ino += 1
        self.buf.write(hdr.encode() + name_b)
        self.buf.write(b"\0" * (-(110 + len(name_b)) % 4))
        self.buf.write(data)
        self.buf.write(b"\0" * (-len(data) % 4))

    def dir(self, name):
        self._entry(name, 0o040755)

    def file(self, name, data, perm=0o644):
        self._entry(name, 0o100000 | perm, data)

    def symlink(self, name, target):
        self._entry(name, 0o120777, target.encode())

    def chardev(self, name, major, minor, perm=0o600):
        self._entry(name, 0o020000 | perm, rdev=(major, minor))

    def finish(self):
        self._entry("TRAILER!!!", 0)
        return self.buf.getvalue()


def applets(busybox):
    """Applet paths ("bin/sh", "usr/sbin/nc"...) busybox was built with."""
    try:
        out = subprocess.run([busybox, "--list-full"], check=True,
                             capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        die("cannot run %s --list-full: %s" % (busybox, e))
    return sorted(l.strip().lstrip("/") for l in out.splitlines()
                  if l.strip())


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    root, init, out = sys.argv[1:]
    busybox = os.path.join(root, "bin", "busybox")
    kver, paths, builtin = find_modules(root)
    mods = resolve(paths, builtin)

    c = Cpio()
    for d in ("bin", "sbin", "usr", "usr/bin", "usr/sbin", "dev", "proc",
              "sys", "tmp", "mnt", "run", "etc", "root", "lib",
              "lib/modules"):
        c.dir(d)
    c.chardev("dev/console", 5, 1)
    c.chardev("dev/null", 1, 3, 0o666)
    with open(busybox, "rb") as f:
        c.file("bin/busybox", f.read(), 0o755)
    for a in applets(busybox):
        if a != "bin/busybox":
            c.symlink(a, "/bin/busybox")
    with open(init, "rb") as f:
        c.file("init", f.read(), 0o755)
    for name, data in mods:
        c.file("lib/modules/%s.ko" % name, data)
    c.file("lib/modules/load-order",
           "".join("%s\n" % n for n, _ in mods).encode())
    c.file("etc/kernel-version", (kver + "\n").encode())
    c.file("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n")

    raw = c.finish()
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        with gzip.GzipFile(fileobj=f, mode="wb", mtime=0) as g:
            g.write(raw)
    os.replace(tmp, out)
    print("  LINUX    %s: %d modules (%s), %d KiB" %
          (os.path.basename(out), len(mods), " ".join(n for n, _ in mods),
           os.path.getsize(out) // 1024))


if __name__ == "__main__":
    main()

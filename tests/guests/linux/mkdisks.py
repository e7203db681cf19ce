#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Build the Linux test guest's disk images.

    mkdisks.py OUTDIR

OUTDIR/data.img     16 MiB of fixed pseudo-random bytes (SHAKE-256 of a
                    fixed seed: the same on every host); the guest's
                    "disk" check reads it (vda, read-only)
OUTDIR/scratch.img  16 MiB of zeros; the guest writes and reads it back
                    (vdb)
OUTDIR/fs.img       16 MiB ext4 made by mke2fs -d, holding known.bin
                    (256 KiB, fixed pseudo-random) (vdc)
OUTDIR/disks.cmdline  the guest command line keys that describe them:
                    pv.disk_mib= pv.disk_sum= pv.fs_sum=
"""

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

DATA_MIB = 16
SCRATCH_MIB = 16
FS_MIB = 16
KNOWN_KIB = 256


def pattern(seed, size):
    return hashlib.shake_256(seed.encode()).digest(size)


def write(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    data = pattern("purevisor linux guest data disk", DATA_MIB << 20)
    write(os.path.join(out, "data.img"), data)
    data_sum = hashlib.sha256(data).hexdigest()

    scratch = os.path.join(out, "scratch.img")
    with open(scratch + ".tmp", "wb") as f:
        f.truncate(SCRATCH_MIB << 20)
    os.replace(scratch + ".tmp", scratch)

    known = pattern("purevisor linux guest known file", KNOWN_KIB << 10)
    known_sum = hashlib.sha256(known).hexdigest()
    mke2fs = shutil.which("mke2fs") or "/sbin/mke2fs"
    fs = os.path.join(out, "fs.img")
    with tempfile.TemporaryDirectory() as d:
        write(os.path.join(d, "known.bin"), known)
        if os.path.exists(fs + ".tmp"):
            os.unlink(fs + ".tmp")
        # Fixed UUID, hash seed and time: the same image on every run.
        env = dict(os.environ, E2FSPROGS_FAKE_TIME="1700000000")
        r = subprocess.run(
            [mke2fs, "-q", "-F", "-t", "ext4", "-L", "pvtest",
             "-U", "2f1c5e1e-7d3a-4b0c-9f1e-0123456789ab",
             "-E", "root_owner=0:0,hash_seed=2f1c5e1e-7d3a-4b0c-9f1e-"
             "0123456789ab", "-d", d, fs + ".tmp", "%dM" % FS_MIB],
            capture_output=True, text=True, env=env)
        if r.returncode:
            sys.exit("mkdisks.py: mke2fs failed: %s" % r.stderr.strip())
    os.replace(fs + ".tmp", fs)

    write(os.path.join(out, "disks.cmdline"),
          ("pv.disk_mib=%d pv.disk_sum=%s pv.fs_sum=%s\n" %
           (DATA_MIB, data_sum, known_sum)).encode())
    print("  LINUX    data.img (sha256 %s...), scratch.img, fs.img "
          "(known.bin sha256 %s...)" % (data_sum[:12], known_sum[:12]))


if __name__ == "__main__":
    main()

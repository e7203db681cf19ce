# SPDX-License-Identifier: GPL-2.0
"""A real Linux network peer for a QEMU profile (run-profiles.py "netpeer").

"netpeer = tap ADDR/PREFIX" makes a network namespace pv-<pid>-<n> holding
a tap device pvtap<n> with ADDR/PREFIX, up, and runs QEMU inside that
namespace with "-netdev tap,id=n0,ifname=pvtap<n>,script=no,downscript=no"
so the profile's NIC ("-device ...,netdev=n0") is wired to the namespace's
Linux stack, which answers ARP and ICMP echo. Nothing in the host's own
namespace changes, and the namespace (tap included) is deleted afterwards,
whatever happened. IPv6 is off in the namespace so the peer never speaks
first: every frame it sends answers one the kernel sent.

"peer_cmd = COMMAND" (repeatable) runs COMMAND with sh inside the namespace
once the serial log matches "peer_start" (default: a NIC came up), one after
the other; each must exit 0 before the emulator's timeout. Their output
goes to build/logs/<profile>.peer.log with the tap's counters at the end.
"""

import ipaddress
import itertools
import json
import os
import re
import subprocess
import threading
import time

DEFAULT_START = r"^net: eth\d+: up"
_seq = itertools.count()


def parse_spec(spec):
    """"tap ADDR/PREFIX" -> ip_interface; ValueError with a reason."""
    parts = spec.split()
    if len(parts) != 2 or parts[0] != "tap":
        raise ValueError("netpeer must be 'tap ADDR/PREFIX'")
    try:
        iface = ipaddress.ip_interface(parts[1])
    except ValueError as e:
        raise ValueError("netpeer: %s" % e)
    if iface.version != 4 or "/" not in parts[1]:
        raise ValueError("netpeer: need an IPv4 ADDR/PREFIX")
    return iface


def _ip(args, log):
    """Run ip(8); returns an error string or None."""
    cmd = ["ip"] + args
    r = subprocess.run(cmd, capture_output=True, text=True,
                       stdin=subprocess.DEVNULL)
    with open(log, "a") as f:
        f.write("$ %s\n%s%s" % (" ".join(cmd), r.stdout, r.stderr))
    if r.returncode:
        return "'%s' failed: %s" % (" ".join(cmd),
                                    (r.stderr or r.stdout).strip())
    return None


class NetPeer:
    def __init__(self, spec, start_re, cmds, log):
        self.iface = parse_spec(spec)
        n = next(_seq)
        self.ns = "pv-%d-%d" % (os.getpid(), n)
        self.tap = "pvtap%d" % n
        self.start_re = re.compile(start_re or DEFAULT_START, re.M)
        self.cmds = list(cmds)
        self.log = log
        self.errors = []
        self.made = False
        self.thread = None
        self.stop = threading.Event()

    def setup(self):
        """Namespace, tap, address; returns an error string or None."""
        open(self.log, "w").close()
        err = _ip(["netns", "add", self.ns], self.log)
        if err:
            return "netpeer: " + err
        self.made = True
        # A quiet peer: no IPv6 router solicitations or DAD, it only
        # answers what the kernel under test sends (ARP, ICMP echo).
        err = _ip(["netns", "exec", self.ns, "sysctl", "-qw",
                   "net.ipv6.conf.all.disable_ipv6=1",
                   "net.ipv6.conf.default.disable_ipv6=1"], self.log)
        if err:
            return "netpeer: " + err
        for args in (["tuntap", "add", "dev", self.tap, "mode", "tap"],
                     ["addr", "add", str(self.iface), "dev", self.tap],
                     ["link", "set", "lo", "up"],
                     ["link", "set", self.tap, "up"]):
            err = _ip(["-n", self.ns] + args, self.log)
            if err:
                return "netpeer: " + err
        return None

    def wrap(self, cmd):
        """The emulator command, run inside the namespace with the tap."""
        return ["ip", "netns", "exec", self.ns] + cmd + [
            "-netdev", "tap,id=n0,ifname=%s,script=no,downscript=no" %
            self.tap]

    def start(self, serial, deadline):
        """Run the peer commands once serial matches start_re."""
        if not self.cmds:
            return
        self.thread = threading.Thread(target=self._run,
                                       args=(serial, deadline), daemon=True)
        self.thread.start()

    def _run(self, serial, deadline):
        while not self.stop.is_set():
            try:
                with open(serial, errors="replace") as f:
                    if self.start_re.search(f.read().replace("\r", "")):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.errors.append("peer_cmd: /%s/ never appeared in the "
                                   "serial log" % self.start_re.pattern)
                return
            time.sleep(0.1)
        for c in self.cmds:
            if self.stop.is_set():
                self.errors.append("peer_cmd '%s': emulator gone before it "
                                   "ran" % c)
                continue
            left = max(1.0, deadline - time.monotonic())
            with open(self.log, "a") as f:
                f.write("$ ip netns exec %s sh -c '%s'\n" % (self.ns, c))
                f.flush()
                try:
                    r = subprocess.run(["ip", "netns", "exec", self.ns, "sh",
                                        "-c", c], stdout=f,
                                       stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL,
                                       timeout=left)
                    if r.returncode:
                        self.errors.append("peer_cmd '%s' exited %d (%s)" %
                                           (c, r.returncode, self.log))
                except subprocess.TimeoutExpired:
                    self.errors.append("peer_cmd '%s' timed out" % c)

    def counters(self):
        """(rx_packets, tx_packets) of the tap as the peer saw them."""
        r = subprocess.run(["ip", "-n", self.ns, "-s", "-j", "link", "show",
                            "dev", self.tap], capture_output=True, text=True)
        try:
            st = json.loads(r.stdout)[0]["stats64"]
            return st["rx"]["packets"], st["tx"]["packets"]
        except (ValueError, LookupError, TypeError):
            return None

    def finish(self):
        """Stop waiting, note the tap counters; returns the errors."""
        self.stop.set()
        if self.thread:
            self.thread.join()
        c = self.counters() if self.made else None
        if c:
            with open(self.log, "a") as f:
                f.write("netpeer: %s received %d frames, sent %d\n" %
                        (self.tap, c[0], c[1]))
        self.summary = c
        return self.errors

    def teardown(self):
        if self.made:
            _ip(["netns", "del", self.ns], self.log)
            self.made = False

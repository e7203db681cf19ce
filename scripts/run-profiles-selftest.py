# SPDX-License-Identifier: GPL-2.0
"""Self-test of run-profiles.py (run it as "run-profiles.py --selftest").

Proves the harness can fail: the KTAP parser is fed canned good and broken
logs, then the fast qemu-kernel profile is booted with each deliberate
misbehaviour the kernel offers (ktest.inject=fail|panic|hang|truncate) and
the runner must report each one as a failure with the right message. A
clean boot of the same profile must pass, so the checks are not vacuous.
"""

import os
import re

SUITE_A = """    KTAP version 1
    # Subtest: alpha
    1..2
    ok 1 first
    ok 2 second
    # alpha: pass:2 fail:0 skip:0 total:2
ok 1 alpha
"""
SUITE_B = """    KTAP version 1
    # Subtest: beta
    1..3
    ok 1 one
    ok 2 two # SKIP no hardware
    ok 3 three
ok 2 beta
"""
GOOD = "PureVisor booting\nKTAP version 1\n1..2\n" + SUITE_A + SUITE_B


def _case(name, text, errors=(), failures=(), clean=False):
    """errors: regexes that must each match one structural error;
    failures: exact "suite.case" failure list; clean: no errors at all."""
    return (name, text, errors, failures, clean)


PARSER_CASES = [
    _case("good log passes", GOOD, clean=True),
    _case("CRLF line ends and log noise", GOOD.replace(
        "    ok 2 second\n", "mm: 12 pages\n    ok 2 second\n").replace(
        "\n", "\r\n"), clean=True),
    _case("empty plan 1..0", "KTAP version 1\n1..0\n", clean=True),
    _case("no header", "booting\npanic?\n",
          errors=[r"no 'KTAP version 1' line"]),
    _case("no top-level plan", "KTAP version 1\n" + SUITE_A,
          errors=[r"top level: result 'ok 1 alpha' before the plan"]),
    _case("failed case is named", GOOD.replace(
        "    ok 2 second", "    not ok 2 second").replace(
        "ok 1 alpha", "not ok 1 alpha"), failures=["alpha.second"]),
    _case("suite ok despite failed case", GOOD.replace(
        "    ok 2 second", "    not ok 2 second"),
        errors=[r"'ok 1 alpha' says ok but a case in it failed"],
        failures=["alpha.second"]),
    _case("failed suite without cases is named",
          "KTAP version 1\n1..1\nnot ok 1 lonely\n", failures=["lonely"]),
    _case("top plan larger than results",
          GOOD.replace("1..2\n", "1..3\n", 1),
          errors=[r"top level: plan 1\.\.3 but 2 results \(missing 3"]),
    _case("suite plan larger than cases",
          GOOD.replace("    1..2", "    1..4"),
          errors=[r"alpha: plan 1\.\.4 but 2 results \(missing 3\.\.4"]),
    _case("more results than planned",
          GOOD.replace("    1..3", "    1..2"),
          errors=[r"beta: result 'ok 3 three' beyond plan 1\.\.2"]),
    _case("case numbering skips", GOOD.replace("ok 3 three", "ok 4 three"),
          errors=[r"beta: result 'ok 4 three' numbered 4, expected 3"]),
    _case("result names another suite",
          GOOD.replace("ok 2 beta", "ok 2 gamma"),
          errors=[r"closes subtest 'beta'"]),
    _case("truncated inside a suite",
          "KTAP version 1\n1..2\n" + SUITE_A +
          "    KTAP version 1\n    # Subtest: beta\n    1..3\n    ok 1 one\n",
          errors=[r"beta: plan 1\.\.3 but 1 result \(missing 2\.\.3",
                  r"beta: no result line",
                  r"top level: plan 1\.\.2 but 1 result"]),
    _case("suite without plan",
          GOOD.replace("    1..3\n", ""),
          errors=[r"beta: result 'ok 1 one' before the plan"]),
    _case("next suite starts before the result line",
          "KTAP version 1\n1..2\n" + SUITE_A.replace("ok 1 alpha\n", "") +
          SUITE_B.replace("ok 2 beta", "ok 1 beta"),
          errors=[r"alpha: no result line"]),
]


def _check_parser(rp, case):
    name, text, errors, failures, clean = case
    rep = rp.parse_ktap(text)
    problems = []
    if clean and (rep.errors or rep.failures):
        problems.append("expected a clean parse, got %s" %
                        (rep.errors + rep.failures))
    for rx in errors:
        if not any(re.search(rx, e) for e in rep.errors):
            problems.append("no error matching /%s/ in %s" %
                            (rx, rep.errors))
    if not clean and list(failures) != rep.failures:
        problems.append("failures %s, wanted %s" % (rep.failures,
                                                     list(failures)))
    if not clean and not errors and rep.errors:
        problems.append("unexpected errors %s" % rep.errors)
    return problems


class _FakeProfile:
    expect = []


def _judge_cases(rp):
    """(name, errors-from-judge, regex that one error must match)."""
    fp = _FakeProfile()
    panic_log = GOOD.split("    ok 2 second")[0] + \
        "Kernel panic - not syncing: oops at mm/x.c:3\n"
    hang_log = GOOD.split("ok 2 beta")[0].rsplit("    ok 3", 1)[0]
    failing = GOOD.replace("    ok 2 second", "    not ok 2 second").replace(
        "ok 1 alpha", "not ok 1 alpha")
    out = []
    errs, _ = rp.judge(fp, panic_log, 5, False, 30, "qemu")
    out.append(("judge: panic line quoted", errs,
                r"^panic: 'Kernel panic - not syncing: oops at mm/x\.c:3'"))
    errs, _ = rp.judge(fp, hang_log, None, True, 15, "qemu")
    out.append(("judge: timeout names last test", errs,
                r"^timed out after 15s; last test seen: beta\.two$"))
    errs, _ = rp.judge(fp, failing, 1, False, 30, "qemu")
    out.append(("judge: exit code 'pass' vs not ok", errs,
                r"QEMU exit code 1 \(kernel said pass\) disagrees"))
    errs, _ = rp.judge(fp, GOOD, 0, False, 30, "qemu")
    out.append(("judge: no isa-debug-exit", errs, r"QEMU exited with 0"))
    fp2 = _FakeProfile()
    fp2.expect = [re.compile(r"^smp: 4 CPUs online", re.M)]
    errs, _ = rp.judge(fp2, GOOD, 1, False, 30, "qemu")
    out.append(("judge: missing expect line", errs,
                r"expected /\^smp: 4 CPUs online/"))
    # Guests' KTAP arrives as "[vm] ..." lines among the kernel's.
    fp3 = _FakeProfile()
    fp3.guest_list = ["g1", "g2"]
    glog = ("boot\n[g1] KTAP version 1\n[g2] KTAP version 1\n[g1] 1..2\n"
            "[g2] 1..1\n[g1] ok 1 a\n[g2] not ok 1 b\nvm g2: exited\n")
    errs, _ = rp.judge(fp3, glog, 1, False, 30, "qemu")
    out.append(("judge: guest case failure named", errs,
                r"^guest g2: not ok: b$"))
    out.append(("judge: guest KTAP cut short", errs,
                r"^guest g1: KTAP: top level: plan 1\.\.2 but 1 result"))
    errs, _ = rp.judge(fp3, glog.replace("[g2] not ok 1 b", "[g2] ok 1 b")
                       .replace("[g1] 1..2", "[g1] 1..1"), 1, False, 30,
                       "qemu")
    out.append(("judge: passing guests, no kernel KTAP", errs, None))
    # A direct kernel (the Linux guest): "PVTEST" lines, no KTAP.
    fp4 = _FakeProfile()
    fp4.direct = True
    fp4.hvc_expect = [re.compile(r"^PVHVC hi$", re.M)]
    dlog = "Linux\nPVTEST cpus ok 2\nPVTEST disk ok x\nPVTEST done\n"
    errs, _ = rp.judge(fp4, dlog, 0, False, 30, "qemu", "PVHVC hi\n")
    out.append(("judge: direct kernel, all ok", errs, None))
    errs, _ = rp.judge(fp4, dlog.replace("disk ok", "disk FAIL"), 0, False,
                       30, "qemu", "PVHVC hi\n")
    out.append(("judge: direct kernel FAIL line", errs,
                r"^PVTEST disk FAIL x$"))
    errs, _ = rp.judge(fp4, dlog.replace("PVTEST done\n", ""), 0, False, 30,
                       "qemu", "PVHVC hi\n")
    out.append(("judge: direct kernel without done", errs,
                r"^no 'PVTEST done' line$"))
    errs, _ = rp.judge(fp4, dlog, 0, False, 30, "qemu", "")
    out.append(("judge: direct kernel, virtio console silent", errs,
                r"not in the virtio console log"))
    errs, _ = rp.judge(fp4, dlog, 1, False, 30, "qemu", "PVHVC hi\n")
    out.append(("judge: direct kernel did not power off", errs,
                r"^QEMU exited with 1, not 0"))
    return out


def _profile_cases(rp):
    """(name, problems) for profile keys parsed from scratch files."""
    import tempfile
    out = []
    base = "defconfig = qemu-amd_defconfig\n"
    with tempfile.TemporaryDirectory() as d:
        def parse(text):
            path = os.path.join(d, "t.profile")
            with open(path, "w") as f:
                f.write(base + text)
            return rp.Profile("t", path)

        p = parse("input = vms\ninput = pause  a b\n")
        out.append(("profile: input lines accumulate",
                    [] if p.input == ["vms", "pause  a b"] else
                    ["input %r" % p.input]))
        for name, text, rx in (
                ("profile: input needs qemu",
                 "emulator = bochs\nboot = iso\ninput = vms\n",
                 r"input needs emulator qemu"),
                ("profile: empty input refused", "input =\n",
                 r"input needs a line")):
            try:
                parse(text)
                out.append((name, ["parsed without an error"]))
            except rp.ProfileError as e:
                out.append((name, [] if re.search(rx, str(e)) else
                            ["error %r does not match /%s/" % (str(e), rx)]))
    return out


# injection -> regex one reported error must match
INJECTIONS = [
    ("fail", r"^not ok: .*\bselftest\.injected_fail\b"),
    ("panic", r"^panic: 'Kernel panic - not syncing: ktest: panic "
              r"injected"),
    ("hang", r"^timed out after \d+s; last test seen: \S+"),
    ("truncate", r"^KTAP: .*(missing|no result line)"),
]
HANG_TIMEOUT = 15


def selftest(rp, args, profiles):
    results = []  # (name, problems)
    for case in PARSER_CASES:
        results.append(("parse: " + case[0], _check_parser(rp, case)))
    for name, errs, rx in _judge_cases(rp):
        ok = not errs if rx is None else any(re.search(rx, e) for e in errs)
        results.append((name, [] if ok else
                        ["no error matching /%s/ in %s" % (rx, errs)]))

    results += _profile_cases(rp)

    prof = profiles.get("qemu-kernel")
    os.makedirs(args.logs, exist_ok=True)
    boot_err = None
    if prof is None:
        boot_err = "no qemu-kernel profile"
    elif not args.no_build:
        boot_err = rp.build_config(prof.defconfig, prof.fragment_list,
                                   os.path.join(args.build_dir,
                                                prof.config_name),
                                   args.logs, args.jobs)
    boots = [("boot: clean run passes", "", None)] + \
        [("boot: ktest.inject=%s caught" % i, "ktest.inject=" + i, rx)
         for i, rx in INJECTIONS]
    for name, extra, rx in boots:
        if boot_err:
            results.append((name, [boot_err]))
            continue
        rp.log("  BOOT     qemu-kernel %s" % (extra or "(clean)"))
        timeout = HANG_TIMEOUT if extra.endswith("hang") else None
        o = rp.run_profile(prof, args.build_dir, args.logs,
                           extra_cmdline=extra, timeout=timeout)
        problems = []
        if rx is None:
            problems = o.errors
        elif o.passed:
            problems = ["the runner reported PASS (%s)" % o.serial]
        elif not any(re.search(rx, e) for e in o.errors):
            problems = ["no error matching /%s/ in %s" % (rx, o.errors)]
        if rx and o.errors:
            rp.log("           reported: %s" % "; ".join(o.errors))
        results.append((name, problems))

    rp.log("")
    failed = 0
    for name, problems in results:
        rp.log("  %-4s %s" % ("FAIL" if problems else "ok", name))
        for p in problems:
            rp.log("         %s" % p)
        failed += bool(problems)
    passed = len(results) - failed
    rp.write_result(args.result, passed, failed)
    rp.log("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0

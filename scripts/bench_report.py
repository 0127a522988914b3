#!/usr/bin/env python3
"""Turns the bench guest's raw counter readings into instructions per
operation: a table on stdout and a JSON file (docs/bench.md).

Under QEMU's -icount shift=0 one instruction takes 1 ns of virtual time, so
the counter (cntfrq ticks per second) advances once every 10^9 / cntfrq
instructions. An op's cost is (ticks of N ops - ticks of N empty loop
iterations) * that / N."""
import argparse
import json
import re
import sys

# Goals to measure against (issue 17's, aarch64: docs/bench.md), not
# asserted anywhere.
GOALS = {"null_hypercall": 80, "psci_version": 100, "gicd_typer_read": 120,
         "uart_write": 120, "ipi_round_trip": 900, "vtimer_irq": 150}
COMPUTE_RATIO_GOAL = 1.002

OP_RE = re.compile(r"bench: op (\w+) iters (\d+) ticks (\d+) empty (\d+)")
NA_RE = re.compile(r"bench: op (\w+) n/a (\S+)")
MODE_RE = re.compile(r"bench: mode (\w+) cntfrq (\d+)")
COMPUTE_RE = re.compile(r"bench: compute iters (\d+) ticks (\d+) checksum (\w+)")
MEM_RE = re.compile(r"VM \d+ \(bench\): .* (\d+) KiB of cvisor memory beyond guest RAM")
LAT_HEAD_RE = re.compile(r"latency: cntfrq (\d+) period (\d+) periods (\d+) wait (\w+)")
LAT_STATS_RE = re.compile(r"latency: min (\d+) median (\d+) p99 (\d+) p999 (\d+) "
                          r"max (\d+) missed (\d+)")
LAT_HIST_RE = re.compile(r"latency: hist ((?:\d+:\d+ ?)+)")
# Whose worst case the neighbour on another pCPU may exceed by 10% at most
# (issue 17); measured against, not asserted.
LATENCY_BESIDE_GOAL = 1.10
# What the latency on a shared pCPU may exceed the time slice by (in
# instructions: 20 us): the switch back to the guest and the interrupt's
# delivery (measured: about 2,600).
SWITCH_ALLOWANCE = 20000
# Slower than the committed figures by more than this is reported.
REGRESSION_THRESHOLD = 0.02


def fail(msg):
    print(f"bench_report: {msg}", file=sys.stderr)
    sys.exit(1)


def parse(path, mode):
    text = open(path, errors="replace").read()
    m = MODE_RE.search(text)
    if not m or m.group(1) != mode:
        fail(f"{path}: no 'bench: mode {mode}' line")
    if "bench: done" not in text:
        fail(f"{path}: the guest did not finish ('bench: done' missing)")
    ipt = 1e9 / int(m.group(2))          # instructions per counter tick
    res = {"counter_hz": int(m.group(2)), "instructions_per_tick": ipt,
           "ops": {}, "order": []}
    for line in text.splitlines():       # in the guest's order
        m = OP_RE.search(line)
        if m:
            name, iters, ticks, empty = m.group(1), *map(int, m.groups()[1:])
            res["ops"][name] = {
                "instructions": round((ticks - empty) * ipt / iters, 2),
                "loop_instructions": round(empty * ipt / iters, 2)}
            res["order"].append(name)
        m = NA_RE.search(line)
        if m:
            why = {"native": "no hypervisor to call",
                   "nocpu": "the second CPU did not start"}.get(
                       m.group(2), f"trapped, syndrome {m.group(2)}")
            res["ops"][m.group(1)] = {"instructions": None, "unavailable": why}
            res["order"].append(m.group(1))
    m = COMPUTE_RE.search(text)
    if not m:
        fail(f"{path}: no compute line")
    res["compute"] = {"iterations": int(m.group(1)),
                      "instructions": round(int(m.group(2)) * ipt),
                      "checksum": m.group(3)}
    m = MEM_RE.search(text)
    res["vm_memory_kib"] = int(m.group(1)) if m else None
    return res


def parse_latency(path):
    """The latency guest's figures (guests/common/latency/main.c), ticks
    converted to instructions: under -icount shift=0 one instruction is
    1 ns, 10^9 / cntfrq instructions a tick."""
    text = open(path, errors="replace").read()
    head, stats = LAT_HEAD_RE.search(text), LAT_STATS_RE.search(text)
    if not head or not stats or "latency: done" not in text:
        fail(f"{path}: the latency guest did not finish ('latency: done' missing)")
    ipt = 1e9 / int(head.group(1))
    hist = []
    for m in LAT_HIST_RE.finditer(text):
        for pair in m.group(1).split():
            v, c = pair.split(":")
            hist.append([round(int(v) * ipt), int(c)])
    periods = int(head.group(3))
    if sum(c for _, c in hist) != periods:
        fail(f"{path}: the histogram holds {sum(c for _, c in hist)} samples, "
             f"not {periods}")
    s = [int(x) for x in stats.groups()]
    res = {"wait": head.group(4), "periods": periods,
           "period_instructions": round(int(head.group(2)) * ipt)}
    for key, v in zip(("min", "median", "p99", "p999", "max"), s):
        res[key] = round(v * ipt)
    if not res["min"] <= res["median"] <= res["p99"] <= res["p999"] <= res["max"]:
        fail(f"{path}: percentiles out of order: {res}")
    if hist[0][0] != res["min"] or hist[-1][0] != res["max"]:
        fail(f"{path}: the histogram's ends are not min and max")
    res["missed_periods"] = s[5]
    res["histogram"] = hist
    return res


# The latency set-ups, in the order they are reported (docs/bench.md).
LATENCY_SETUPS = {
    "alone": "alone on its pCPU (WFI between periods)",
    "other_pcpu": "noisy neighbour on another pCPU (WFI between periods)",
    "same_pcpu": "noisy neighbour on its pCPU (spinning between periods)",
}


def latency_report(logs, slice_us, ipt):
    """The latency section: each set-up's figures, the goal for the
    neighbour beside, and the bound the time slice sets for the one on
    the same pCPU, which must hold."""
    sets = {name: parse_latency(path) for name, path in logs}
    lat = {"period_us": 100, "unit": "instructions late (deadline to handler)",
           "resolution_instructions": ipt, "setups": sets}
    alone = sets.get("alone")
    if alone and "other_pcpu" in sets:
        ratio = sets["other_pcpu"]["max"] / alone["max"]
        # Within the goal or one counter tick of it: a smaller difference
        # is below what the guest can measure (with a worst case of 80
        # alone, one tick more is 1.2).
        lat["other_pcpu_max_over_alone"] = {
            "ratio": round(ratio, 4), "goal": LATENCY_BESIDE_GOAL,
            "met": sets["other_pcpu"]["max"] <=
                   LATENCY_BESIDE_GOAL * alone["max"] + ipt}
    if "same_pcpu" in sets:
        # The neighbour runs at most a slice while the guest's deadline
        # passes; then the exit it is in (the slice's end is an interrupt),
        # the switch back and the delivery, which SWITCH_ALLOWANCE covers.
        bound = round(slice_us * 1000) + SWITCH_ALLOWANCE
        worst = sets["same_pcpu"]["max"]
        lat["same_pcpu_bound"] = {"slice_us": slice_us,
                                  "switch_allowance": SWITCH_ALLOWANCE,
                                  "instructions": bound, "max": worst,
                                  "over_slice": worst - round(slice_us * 1000),
                                  "holds": worst <= bound}
        if worst > bound:
            fail(f"same-pCPU latency {worst} instructions exceeds the slice's "
                 f"bound {bound} ({slice_us} us slice + {SWITCH_ALLOWANCE})")
    return lat


def regressions(report, baseline_path):
    """Operations (and latency figures) slower than in the committed
    figures by more than REGRESSION_THRESHOLD."""
    try:
        base = json.load(open(baseline_path))
    except (OSError, ValueError) as e:
        return None, f"no committed figures to compare with ({e})"
    rows = []
    for name, o in report["ops"].items():
        old = base.get("ops", {}).get(name, {}).get("cvisor")
        if o["cvisor"] is not None and old:
            rows.append((name, old, o["cvisor"]))
    old_c = base.get("compute", {}).get("cvisor_instructions")
    if old_c:
        rows.append(("compute_loop", old_c, report["compute"]["cvisor_instructions"]))
    for setup, s in report.get("latency", {}).get("setups", {}).items():
        old_s = base.get("latency", {}).get("setups", {}).get(setup)
        if not old_s or old_s.get("periods") != s["periods"]:
            continue                        # quick runs compare with nothing
        for key in ("median", "p99", "max"):
            rows.append((f"latency_{setup}_{key}", old_s[key], s[key]))
    slower = [{"name": n, "committed": old, "now": new,
               "change": round(new / old - 1, 4)}
              for n, old, new in rows if new > old * (1 + REGRESSION_THRESHOLD)]
    return slower, f"compared with {baseline_path} ({len(rows)} figures)"


def fmt(v):
    return "n/a" if v is None else f"{v:.1f}"


def main():
    ap = argparse.ArgumentParser()
    for opt in ("--arch", "--cvisor-log", "--native-log", "--elf-sizes",
                "--embedded-bytes", "--qemu", "--json"):
        ap.add_argument(opt, required=True)
    ap.add_argument("--latency", action="append", default=[],
                    metavar="SETUP=LOG", help="a latency run's log")
    ap.add_argument("--slice-us", type=int, default=0)
    ap.add_argument("--baseline", help="committed figures to compare with")
    a = ap.parse_args()
    cv = parse(a.cvisor_log, "cvisor")
    nat = parse(a.native_log, "native")
    if cv["compute"]["checksum"] != nat["compute"]["checksum"]:
        fail("the compute loop's checksum differs natively and under cvisor")
    if cv["vm_memory_kib"] is None:
        fail(f"{a.cvisor_log}: no memory line for VM bench")
    text, data, bss = (int(x) for x in a.elf_sizes.split(","))

    ops = {}
    for name in cv["order"]:
        c, n = cv["ops"][name], nat["ops"].get(name, {})
        ops[name] = {"cvisor": c.get("instructions"),
                     "native": n.get("instructions"),
                     "goal": GOALS.get(name) if a.arch == "aarch64" else None}
        if c.get("unavailable"):
            ops[name]["cvisor_unavailable"] = c["unavailable"]
        if n.get("unavailable"):
            ops[name]["native_unavailable"] = n["unavailable"]
    ccv, cnat = cv["compute"]["instructions"], nat["compute"]["instructions"]
    ratio = ccv / cnat if cnat else None
    report = {
        "arch": a.arch,
        "qemu": a.qemu,
        "icount_shift": 0,
        "counter_hz": cv["counter_hz"],
        "instructions_per_tick": cv["instructions_per_tick"],
        "unit": "instructions per operation, empty loop subtracted",
        # subs + b.ne: 2 when the tick-to-instruction conversion holds
        "empty_loop_instructions": cv["ops"][cv["order"][0]].get("loop_instructions"),
        "ops": ops,
        "compute": {"iterations": cv["compute"]["iterations"],
                    "cvisor_instructions": ccv, "native_instructions": cnat,
                    "ratio": round(ratio, 6) if ratio else None,
                    "goal": COMPUTE_RATIO_GOAL},
        "elf": {"text": text, "data": data, "bss": bss,
                "embedded_vm_bytes": int(a.embedded_bytes)},
        "vm_memory_beyond_ram_kib": cv["vm_memory_kib"],
    }
    if a.latency:
        logs = [tuple(x.split("=", 1)) for x in a.latency]
        for name, _ in logs:
            if name not in LATENCY_SETUPS:
                fail(f"unknown latency set-up {name}")
        report["latency"] = latency_report(logs, a.slice_us,
                                           cv["instructions_per_tick"])
    slower, compared = (regressions(report, a.baseline) if a.baseline
                        else (None, None))
    if slower is not None:
        report["slower_than_committed"] = slower
    with open(a.json, "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")

    print(f"cvisor bench, {a.arch}: {a.qemu}, -icount shift=0 "
          f"({cv['instructions_per_tick']:g} instructions per counter tick)")
    print(f"{'operation':<18} {'cvisor':>8} {'native':>8} {'goal':>6}")
    for name, o in ops.items():
        goal = f"<={o['goal']}" if o["goal"] else "-"
        print(f"{name:<18} {fmt(o['cvisor']):>8} {fmt(o['native']):>8} {goal:>6}")
    print(f"compute loop: {ccv} instructions under cvisor, {cnat} natively, "
          f"ratio {ratio:.6f} (goal <={COMPUTE_RATIO_GOAL})")
    print(f"cvisor.elf: text {text}, data {data}, bss {bss} bytes "
          f"(text holds {a.embedded_bytes} bytes of embedded VM configs and images)")
    print(f"memory per VM beyond guest RAM: {cv['vm_memory_kib']} KiB")
    if "latency" in report:
        print_latency(report["latency"])
    if compared:
        print(compared + ":")
        for r in slower or []:
            print(f"  SLOWER by more than {REGRESSION_THRESHOLD:.0%}: {r['name']} "
                  f"{r['committed']} -> {r['now']} ({r['change']:+.1%})")
        if slower == []:
            print(f"  nothing slower by more than {REGRESSION_THRESHOLD:.0%}")
    print(f"(written to {a.json})")


def print_latency(lat):
    print(f"timer latency, a period of {lat['period_us']} us, instructions "
          f"from the deadline to the handler (resolution "
          f"{lat['resolution_instructions']:g}):")
    print(f"{'set-up':<12} {'periods':>7} {'min':>8} {'median':>8} {'p99':>8} "
          f"{'p99.9':>8} {'max':>8} {'missed':>6}")
    for name, s in lat["setups"].items():
        print(f"{name:<12} {s['periods']:>7} {s['min']:>8} {s['median']:>8} "
              f"{s['p99']:>8} {s['p999']:>8} {s['max']:>8} "
              f"{s['missed_periods']:>6}")
    r = lat.get("other_pcpu_max_over_alone")
    if r:
        print(f"worst case beside a noisy neighbour / alone: {r['ratio']:.4f} "
              f"(goal <={r['goal']}, or one counter tick more: "
              f"{'met' if r['met'] else 'NOT met'})")
    b = lat.get("same_pcpu_bound")
    if b:
        print(f"worst case sharing the pCPU: {b['max']} <= {b['instructions']} "
              f"(a {b['slice_us']} us slice + {b['switch_allowance']} for the "
              f"switch back): holds, "
              + (f"{b['over_slice']} over the slice" if b["over_slice"] > 0
                 else "within the slice"))


if __name__ == "__main__":
    main()

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

# Goals to measure against (issue 6, aarch64), not asserted anywhere.
GOALS = {"null_hypercall": 100, "gicd_typer_read": 150, "uart_write": 150}
COMPUTE_RATIO_GOAL = 1.002

OP_RE = re.compile(r"bench: op (\w+) iters (\d+) ticks (\d+) empty (\d+)")
NA_RE = re.compile(r"bench: op (\w+) n/a (\S+)")
MODE_RE = re.compile(r"bench: mode (\w+) cntfrq (\d+)")
COMPUTE_RE = re.compile(r"bench: compute iters (\d+) ticks (\d+) checksum (\w+)")
MEM_RE = re.compile(r"VM \d+ \(bench\): .* (\d+) KiB of cvisor memory beyond guest RAM")


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


def fmt(v):
    return "n/a" if v is None else f"{v:.1f}"


def main():
    ap = argparse.ArgumentParser()
    for opt in ("--arch", "--cvisor-log", "--native-log", "--elf-sizes",
                "--embedded-bytes", "--qemu", "--json"):
        ap.add_argument(opt, required=True)
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
    print(f"(written to {a.json})")


if __name__ == "__main__":
    main()

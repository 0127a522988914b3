# make bench on aarch64: the bench guest runs under cvisor and natively,
# and the report is complete and well-formed. Numbers are not asserted
# (docs/bench.md has the goals); only that each op that works today was
# measured and that the compute loop agrees natively and under cvisor.
bench_json_ok() {
  python3 - build/bench/aarch64.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ops = d["ops"]
for name in ("null_hypercall", "psci_version", "uart_write"):
    v = ops[name]["cvisor"]
    assert isinstance(v, (int, float)) and v > 0, (name, v)
g = ops["gicd_typer_read"]
assert g["cvisor"] is not None or "cvisor_unavailable" in g, g
assert ops["gicd_typer_read"]["native"] is not None
assert abs(d["empty_loop_instructions"] - 2) < 0.1, d["empty_loop_instructions"]
c = d["compute"]
assert c["cvisor_instructions"] > 0 and c["native_instructions"] > 0
assert isinstance(c["ratio"], float)
assert d["elf"]["text"] > 0 and d["vm_memory_beyond_ram_kib"] > 0
PY
}
bench_run_ok() {
  rm -f build/bench/aarch64.json
  timeout --kill-after=5 300 make -s ARCH=aarch64 bench && bench_json_ok
}
expect aarch64/bench bench_run_ok

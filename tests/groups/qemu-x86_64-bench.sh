# make bench on x86_64: the bench guest runs under cvisor and natively
# (the q35 PC through QEMU's Multiboot loader), and the report is
# complete and well-formed. Numbers are not asserted (docs/bench.md);
# only that each op was measured (the IPI round trips and the x2APIC ops
# under cvisor only) and that the compute loop agrees natively and under
# cvisor.
# The interrupt ops hang (and the run times out) if cvisor loses an IPI
# or a timer interrupt. The comparison with the committed figures and the
# SVG must be there too. BENCH_QUICK=1: the timer latency guest takes
# 1000 periods alone, beside the noisy guest and sharing its CPU, and
# the time slice's bound must hold (docs/bench.md). Beside the noisy guest
# on the other CPU no period may be missed nor any handler come a whole
# period late: one came 42.6 ms late (QEMU left the victim's CPU halted
# with its timer interrupt pending). Issue 17's goal (within 10% of the
# worst case alone) is not met on x86_64 and not asserted: QEMU's
# round robin gives the other CPU the turn at every host timer write
# (docs/bench.md, "x86_64").
x86_64_bench_json_ok() {
  python3 - build/bench/x86_64.json build/bench/x86_64.svg <<'PY'
import json, sys
import xml.etree.ElementTree as ET
d = json.load(open(sys.argv[1]))
ops = d["ops"]
for name in ("null_hypercall", "uart_pio_write", "lapic_read",
             "ipi_round_trip", "lapic_timer_irq", "x2apic_ipi_round_trip",
             "x2apic_timer_irq"):
    v = ops[name]["cvisor"]
    assert isinstance(v, (int, float)) and v > 0, (name, v)
    if name in ("uart_pio_write", "lapic_read", "lapic_timer_irq"):
        assert ops[name]["native"] is not None, (name, ops[name])
assert abs(d["empty_loop_instructions"] - 2) < 0.1, d["empty_loop_instructions"]
c = d["compute"]
assert c["cvisor_instructions"] > 0 and c["native_instructions"] > 0
assert isinstance(c["ratio"], float)
assert d["elf"]["text"] > 0 and d["vm_memory_beyond_ram_kib"] > 0
assert isinstance(d["slower_than_committed"], list)
lat = d["latency"]
assert list(lat["setups"]) == ["alone", "other_pcpu", "same_pcpu"], lat["setups"].keys()
for name, s in lat["setups"].items():
    assert s["periods"] == 1000, (name, s["periods"])
    assert 0 < s["min"] <= s["median"] <= s["p99"] <= s["p999"] <= s["max"], (name, s)
    assert sum(n for _, n in s["histogram"]) == 1000, name
assert lat["setups"]["same_pcpu"]["wait"] == "poll"
assert lat["same_pcpu_bound"]["holds"] is True, lat["same_pcpu_bound"]
o = lat["setups"]["other_pcpu"]
assert o["missed_periods"] == 0 and o["max"] < o["period_instructions"], o
text = "".join(ET.parse(sys.argv[2]).getroot().itertext())
for want in ("null_hypercall", "timer latency", "same_pcpu"):
    assert want in text, want
PY
}
x86_64_bench_run_ok() {
  rm -f build/bench/x86_64.json build/bench/x86_64.svg
  if timeout --kill-after=5 300 make -s ARCH=x86_64 BENCH_QUICK=1 bench >"$LOGDIR/x86_64_bench.log" 2>&1 &&
    grep -q "compared with docs/bench/x86_64.json" "$LOGDIR/x86_64_bench.log" && x86_64_bench_json_ok; then
    return 0
  fi
  tail -n 30 "$LOGDIR/x86_64_bench.log"
  return 1
}
expect x86_64/bench x86_64_bench_run_ok

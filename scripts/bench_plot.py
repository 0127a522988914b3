#!/usr/bin/env python3
"""Draws make bench's figures (build/bench/<arch>.json) as one SVG
(docs/bench.md): instructions per operation under cvisor and natively,
and, when the JSON has them, the timer latency's distributions, one line
per set-up: the share of periods whose handler ran later than x.

    bench_plot.py JSON SVG"""
import json
import sys

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)

# The same figures give the same file: no date, fixed ids.
matplotlib.rcParams["svg.hashsalt"] = "cvisor-bench"
matplotlib.rcParams["svg.fonttype"] = "none"


def plot_ops(ax, d):
    names = [n for n, o in d["ops"].items() if o["cvisor"] is not None]
    y = range(len(names))
    cv = [d["ops"][n]["cvisor"] for n in names]
    nat = [d["ops"][n]["native"] or 0 for n in names]
    ax.barh([i + 0.2 for i in y], cv, 0.4, label="cvisor", color="#c0504d")
    ax.barh([i - 0.2 for i in y], nat, 0.4, label="native", color="#4f81bd")
    for i, v in enumerate(cv):
        ax.annotate(f"{v:.0f}", (v, i + 0.2), xytext=(3, 0), textcoords="offset points",
                    va="center", fontsize=7)
    ax.set_yticks(list(y), names)
    ax.invert_yaxis()
    ax.set_xscale("symlog", linthresh=10)
    ax.set_xlabel("instructions per operation (-icount shift=0)")
    ax.set_title(f"{d['arch']}: operations, cvisor against native")
    ax.legend(loc="lower right", fontsize=8)


def plot_latency(ax, lat):
    for name, s in lat["setups"].items():
        xs, ys, left = [], [], s["periods"]
        for v, c in s["histogram"]:
            xs += [v, v]
            ys += [left / s["periods"], (left - c) / s["periods"]]
            left -= c
        ys = [max(v, 0.5 / s["periods"]) for v in ys]
        ax.plot(xs, ys, drawstyle="default",
                label=f"{name}: max {s['max']}, {s['periods']} periods")
    b = lat.get("same_pcpu_bound")
    if b:
        ax.axvline(b["instructions"], color="grey", ls=":", lw=1,
                   label=f"bound: the {b['slice_us']} us slice + the switch back")
    # symlog: a handler can run in the deadline's own tick (0 late).
    ax.set_xscale("symlog", linthresh=100)
    ax.set_yscale("log")
    ax.set_xlabel("instructions from the timer's deadline to its handler")
    ax.set_ylabel("share of periods at least this late")
    ax.set_title(f"timer latency, a period of {lat['period_us']} us")
    ax.legend(fontsize=7)


def main():
    d = json.load(open(sys.argv[1]))
    lat = d.get("latency")
    fig, axes = plt.subplots(2 if lat else 1, 1, figsize=(8, 8 if lat else 4),
                             squeeze=False)
    plot_ops(axes[0][0], d)
    if lat:
        plot_latency(axes[1][0], lat)
    fig.tight_layout()
    fig.savefig(sys.argv[2], metadata={"Date": None})


if __name__ == "__main__":
    main()

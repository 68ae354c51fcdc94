#!/usr/bin/env python3
"""Issue #20's table from one make bench run: reads results/latest.md as the run wrote it
(dnsperf-compare.sh, dnsperf-datasets.sh) and prints each figure beside its target, the ratio of
the two and whether it is met, then appends the table to latest.md.

    targets.py [LATEST_MD]

A figure the run did not produce (a scenario skipped, a run that failed) is printed as missing, not
guessed. The targets are the issue's: start-up to /ready, RSS after sync against CoreDNS's sizing
formula ((pods + services) / 1000 + 54 MB, the 50,000 endpoints counted as pods), saturation and
CPU per query at the fixed rate against knotd in the same run, p99 at the fixed rate, forward alone
against dnsdist and unbound.
"""
import re
import sys
from pathlib import Path

LATEST = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "results" / "latest.md"


def rows(text):
    """Every table row as a list of its cells."""
    out = []
    for line in text.splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            out.append([c.strip() for c in line.strip().strip("|").split("|")])
    return out


def first(pattern, text):
    m = re.search(pattern, text, re.M)
    return float(m.group(1)) if m else None


def p99(cells):
    """The p99 of a "p50 / p99" cell, or None when the row has none."""
    for c in cells:
        m = re.fullmatch(r"([\d.]+) / ([\d.]+)", c)
        if m:
            return float(m.group(2))
    return None


def main():
    text = LATEST.read_text()
    table = rows(text)

    def whoami_row(server, mode):
        for r in table:
            if len(r) >= 8 and r[0] == server and r[1] == mode:
                return r
        return None

    def dataset_row(scenario, server, mode):
        for r in table:
            if len(r) >= 9 and r[0] == scenario and r[1] == server and r[2] == mode:
                return r
        return None

    def rss(row, column):
        return float(row[column]) if row and re.fullmatch(r"[\d.]+", row[column]) else None

    figures = []  # (figure, value, unit, target, 'le' or 'ge')

    def add(name, value, unit, target, sense):
        figures.append((name, value, unit, target, sense))

    add("kubernetes 10k/50k: process start to /ready", first(
        r"^kubernetes: kdns .* from process start to /ready 200 .*?: ([\d.]+) s", text), "s", 2.0, "le")
    add("etcd 10k: process start to /ready", first(
        r"^etcd: kdns from process start to /ready 200: ([\d.]+) s", text), "s", 1.0, "le")
    add("kubernetes 10k/50k: RSS after sync", first(r"RSS after sync ([\d.]+) MiB", text), "MiB", 114, "le")
    add("kubernetes 10k/50k: RSS under load (20k q/s)", rss(dataset_row("kubernetes", "kdns", "fixed"), 7),
        "MiB", 114, "le")
    add("saturation vs knotd, kubernetes", first(
        r"^kubernetes: ratio kdns/knotd, saturation queries/s: ([\d.]+)", text), "x", 1.0, "ge")
    add("saturation vs knotd, etcd", first(
        r"^etcd: ratio kdns/knotd, saturation queries/s: ([\d.]+)", text), "x", 1.0, "ge")
    add("CPU per query at 20k q/s vs knotd, whoami", first(
        r"^ratio kdns/knotd, CPU per query at the fixed rate: ([\d.]+)", text), "x", 1.25, "le")
    add("CPU per query at 20k q/s vs knotd, etcd", first(
        r"^etcd: ratio kdns/knotd, CPU per query at the fixed rate: ([\d.]+)", text), "x", 1.25, "le")
    add("CPU per query at 20k q/s vs knotd, kubernetes", first(
        r"^kubernetes: ratio kdns/knotd, CPU per query at the fixed rate: ([\d.]+)", text), "x", 1.25, "le")
    for name, row in (("whoami", whoami_row("kdns", "fixed")),
                      ("etcd", dataset_row("etcd", "kdns", "fixed")),
                      ("kubernetes", dataset_row("kubernetes", "kdns", "fixed")),
                      ("cache", whoami_row("kdns-cache", "fixed"))):
        add(f"p99 at 20k q/s, {name}", p99(row) if row else None, "ms", 1.0, "le")
    add("forward alone vs dnsdist, saturation", first(
        r"^ratio kdns forward-only / dnsdist \(no packet cache\), saturation queries/s: ([\d.]+)", text), "x", 0.8, "ge")
    add("forward alone vs unbound, saturation", first(
        r"^ratio kdns forward-only / unbound forwarding \(unique names\), saturation queries/s: ([\d.]+)", text),
        "x", 1.0, "ge")

    knotd_p99 = [p99(r) for r in (whoami_row("knotd", "fixed"), dataset_row("etcd", "knotd", "fixed"),
                                  dataset_row("kubernetes", "knotd", "fixed")) if r and p99(r) is not None]
    lines = ["## Issue #20's figures from this run (targets.py)", "",
             "| figure | kdns | target | kdns / target | met |", "|---|---|---|---|---|"]
    met = 0
    for name, value, unit, target, sense in figures:
        bound = ("<= " if sense == "le" else ">= ") + f"{target:g} {unit}"
        if value is None:
            lines.append(f"| {name} | missing | {bound} | - | - |")
            continue
        ok = value <= target if sense == "le" else value >= target
        met += ok
        lines.append(f"| {name} | {value:g} {unit} | {bound} | {value / target:.2f} | {'yes' if ok else 'no'} |")
    lines.append("")
    lines.append(f"{met} of {len(figures)} figures met their target in this run.")
    if knotd_p99:
        # The p99 rows move with how busy the machine is; knotd's in the same run says how busy.
        lines.append(f"knotd's p99 at the same fixed rate in this run: {min(knotd_p99):g}-{max(knotd_p99):g} ms.")
    lines.append("")
    out = "\n".join(lines)
    print(out)
    with LATEST.open("a") as f:
        f.write("\n" + out + "\n")


if __name__ == "__main__":
    main()

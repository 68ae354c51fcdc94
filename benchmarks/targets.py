#!/usr/bin/env python3
"""Issue #20's table from one make bench run: reads results/latest.md as the run wrote it
(dnsperf-compare.sh, dnsperf-datasets.sh) and prints each figure beside its target, the ratio of
the two and whether it is met, then appends the table to latest.md.

    targets.py [LATEST_MD]
    targets.py --test      (checks its reading of the rows and lines, on made-up text; writes nothing)

A figure the run did not produce (a scenario skipped, a run that failed) is printed as missing, not
guessed. The targets are the issue's: start-up to /ready, RSS after sync against CoreDNS's sizing
formula ((pods + services) / 1000 + 54 MB, the 50,000 endpoints counted as pods), saturation and
CPU per query at the fixed rate against knotd in the same run, p99 at the fixed rate, forward alone
against dnsdist and unbound.

dnsperf-datasets.sh measures the etcd and kubernetes saturation and fixed-rate rows in interleaved
rounds (rows "saturation 1/3", "fixed 1/3", "fixed 2/3", ...): the saturation and CPU ratios are the
medians of the rounds' ratios from its ratio lines (the table says so, with the range), the p99 the
median of kdns's fixed-rate rounds, the RSS under load the largest of them. An older latest.md with
one "saturation" and one "fixed" row per server is read as before.
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


def median(values):
    v = sorted(values)
    n = len(v)
    return None if n == 0 else (v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2)


def p99(cells):
    """The p99 of a "p50 / p99" cell, or None when the row has none."""
    for c in cells:
        m = re.fullmatch(r"([\d.]+) / ([\d.]+)", c)
        if m:
            return float(m.group(2))
    return None


def report(text):
    """Issue #20's table (markdown) from the text of a latest.md."""
    table = rows(text)

    def whoami_row(server, mode):
        for r in table:
            if len(r) >= 8 and r[0] == server and r[1] == mode:
                return r
        return None

    def dataset_rows(scenario, server, mode):
        """The rows of one server and mode: one, or one per round ("fixed 2/3")."""
        return [r for r in table if len(r) >= 9 and r[0] == scenario and r[1] == server
                and (r[2] == mode or r[2].startswith(mode + " "))]

    def rss(row, column):
        return float(row[column]) if row and re.fullmatch(r"[\d.]+", row[column]) else None

    def dataset_rss(scenario):
        values = [v for v in (rss(r, 7) for r in dataset_rows(scenario, "kdns", "fixed")) if v is not None]
        return max(values) if values else None

    def dataset_p99(scenario, server):
        return median([v for v in (p99(r) for r in dataset_rows(scenario, server, "fixed")) if v is not None])

    def ratio_line(scenario, what):
        """The pattern of a data-set ratio line, its value the first group."""
        return r"^%s: ratio kdns/knotd, %s: ([\d.]+)" % (scenario, what)

    def ratio_name(base, scenario, what):
        """The figure's name, saying whether the ratio is a median of rounds or a single run's."""
        m = re.search(ratio_line(scenario, what) + r" \(median of (\d+) interleaved rounds of (\d+) s, "
                      r"range ([\d.]+-[\d.]+)", text, re.M)
        if m:
            return f"{base} (median of {m.group(2)} interleaved rounds of {m.group(3)} s, range {m.group(4)})"
        return f"{base} (one run)" if first(ratio_line(scenario, what), text) else base

    def dataset_ratio(base, scenario, what, target, sense):
        add(ratio_name(base, scenario, what), first(ratio_line(scenario, what), text), "x", target, sense)

    figures = []  # (figure, value, unit, target, 'le' or 'ge')

    def add(name, value, unit, target, sense):
        figures.append((name, value, unit, target, sense))

    add("kubernetes 10k/50k: process start to /ready", first(
        r"^kubernetes: kdns .* from process start to /ready 200 .*?: ([\d.]+) s", text), "s", 2.0, "le")
    add("etcd 10k: process start to /ready", first(
        r"^etcd: kdns from process start to /ready 200: ([\d.]+) s", text), "s", 1.0, "le")
    add("kubernetes 10k/50k: RSS after sync", first(r"RSS after sync ([\d.]+) MiB", text), "MiB", 114, "le")
    add("kubernetes 10k/50k: RSS under load (20k q/s)", dataset_rss("kubernetes"), "MiB", 114, "le")
    # dnsperf-datasets.sh measures the data sets' saturation in interleaved rounds too: the median ratio.
    dataset_ratio("saturation vs knotd, kubernetes", "kubernetes", "saturation queries/s", 1.0, "ge")
    dataset_ratio("saturation vs knotd, etcd", "etcd", "saturation queries/s", 1.0, "ge")
    add("CPU per query at 20k q/s vs knotd, whoami", first(
        r"^ratio kdns/knotd, CPU per query at the fixed rate: ([\d.]+)", text), "x", 1.25, "le")
    for scenario in ("etcd", "kubernetes"):
        dataset_ratio(f"CPU per query at 20k q/s vs knotd, {scenario}", scenario,
                      "CPU per query at the fixed rate", 1.25, "le")
    for name, value in (("whoami", p99(whoami_row("kdns", "fixed")) if whoami_row("kdns", "fixed") else None),
                        ("etcd", dataset_p99("etcd", "kdns")),
                        ("kubernetes", dataset_p99("kubernetes", "kdns")),
                        ("cache", p99(whoami_row("kdns-cache", "fixed")) if whoami_row("kdns-cache", "fixed") else None)):
        n = len(dataset_rows(name, "kdns", "fixed"))
        add(f"p99 at 20k q/s, {name}" + (f" (median of {n} rounds)" if n > 1 else ""), value, "ms", 1.0, "le")
    add("forward alone vs dnsdist, saturation", first(
        r"^ratio kdns forward-only / dnsdist \(no packet cache\), saturation queries/s: ([\d.]+)", text), "x", 0.8, "ge")
    add("forward alone vs unbound, saturation", first(
        r"^ratio kdns forward-only / unbound forwarding \(unique names\), saturation queries/s: ([\d.]+)", text),
        "x", 1.0, "ge")

    knotd_rows = [whoami_row("knotd", "fixed")] + dataset_rows("etcd", "knotd", "fixed") \
        + dataset_rows("kubernetes", "knotd", "fixed")
    knotd_p99 = [p99(r) for r in knotd_rows if r and p99(r) is not None]
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
    return "\n".join(lines)


def self_test():
    """Checks report() on the data-set rows as dnsperf-datasets.sh writes them now (rounds) and before (one run)."""
    head = "| scenario | server | mode | queries/s | avg latency ms | p50 / p99 ms | server CPU s / 100k queries | RSS MiB | lost | response codes |\n"
    codes = "| 0 | NOERROR 8 (80.00%), NXDOMAIN 2 (20.00%) |"

    def row(server, mode, p99, rss):
        return f"| kubernetes | {server} | {mode} | 20000 | 0.05 | 0.04 / {p99} | 1.30 (80% kernel) | {rss} {codes}\n"

    rounds = head + "".join(row(server, f"saturation {r}/3", "-", 130.0) for r in (1, 2, 3) for server in ("kdns", "knotd")) \
        + "".join(row("kdns", f"fixed {r}/3", p, m) for r, p, m in ((1, 0.3, 109.0), (2, 0.9, 112.5), (3, 0.5, 110.0))) \
        + "".join(row("knotd", f"fixed {r}/3", 0.1 * r, 11.5) for r in (1, 2, 3)) \
        + "kubernetes: ratio kdns/knotd, CPU per query at the fixed rate: 1.16 (median of 3 interleaved rounds of 7 s, " \
          "range 1.05-1.17; per round 1.05 1.16 1.17; medians kdns 1.29, knotd 1.11 s / 100k queries)\n" \
        + "kubernetes: ratio kdns/knotd, saturation queries/s: 1.02 (median of 3 interleaved rounds of 8 s, " \
          "range 0.95-1.10; per round 0.95 1.10 1.02; medians kdns 310000, knotd 300000 queries/s)\n"
    out = report(rounds)
    assert "| saturation vs knotd, kubernetes (median of 3 interleaved rounds of 8 s, range 0.95-1.10) " \
           "| 1.02 x | >= 1 x | 1.02 | yes |" in out, out
    assert "| saturation vs knotd, etcd | missing |" in out, out
    assert "| CPU per query at 20k q/s vs knotd, kubernetes (median of 3 interleaved rounds of 7 s, range 1.05-1.17) " \
           "| 1.16 x | <= 1.25 x | 0.93 | yes |" in out, out
    assert "| p99 at 20k q/s, kubernetes (median of 3 rounds) | 0.5 ms |" in out, out
    assert "| kubernetes 10k/50k: RSS under load (20k q/s) | 112.5 MiB |" in out, out
    assert "knotd's p99 at the same fixed rate in this run: 0.1-0.3 ms." in out, out
    assert "| CPU per query at 20k q/s vs knotd, etcd | missing |" in out, out
    one = head + row("kdns", "fixed", 0.915, 119.2) + row("knotd", "fixed", 0.295, 11.6) \
        + "kubernetes: ratio kdns/knotd, CPU per query at the fixed rate: 0.92\n" \
        + "kubernetes: ratio kdns/knotd, saturation queries/s: 0.97\n"
    out = report(one)
    assert "| saturation vs knotd, kubernetes (one run) | 0.97 x | >= 1 x | 0.97 | no |" in out, out
    assert "| CPU per query at 20k q/s vs knotd, kubernetes (one run) | 0.92 x |" in out, out
    assert "| p99 at 20k q/s, kubernetes | 0.915 ms |" in out, out
    assert "| kubernetes 10k/50k: RSS under load (20k q/s) | 119.2 MiB |" in out, out
    print("targets.py: self-test passed")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--test":
        self_test()
        return
    out = report(LATEST.read_text())
    print(out)
    with LATEST.open("a") as f:
        f.write("\n" + out + "\n")


if __name__ == "__main__":
    main()

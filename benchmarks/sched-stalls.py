#!/usr/bin/env python3
"""Where the latency tail of a fixed-rate dnsperf run comes from, from the scheduler's side.

    sched-stalls.py TIMEHIST THREAD_REGEX

TIMEHIST is the output of `perf sched timehist` over the run (one line per time a thread left a
CPU: time, CPU, thread, wait, scheduling delay, run time). A thread whose name matches
THREAD_REGEX (the server's reader threads and dnsperf's) is on the query path; each time one of
them waited on a run queue for more than 0.3 ms, every query it was about to read or answer waited
too. This prints the time during which some query-path thread was so delayed, as a share of the
run (at a fixed rate, a share of the queries), and which thread held that CPU meanwhile: the
threads that compete with the query path. A stall attributed to <idle> is a wake-up that took that
long although the CPU was idle (a virtual CPU woken by the host).
Pauses inside the server (a JVM safepoint) do not show here: the reader is blocked, not waiting for
a CPU; the server's own log of its pauses counts those.
"""
import bisect
import collections
import re
import sys

MIN_STALL_MS = 0.3
LINE = re.compile(r'\s*([\d.]+)\s+\[(\d+)\]\s+(.*?)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$')


def holder(name):
    """The thread's name with its process id (thread id dropped): JVM thread names repeat across processes."""
    m = re.match(r'(.*)\[(\d+)/(\d+)\]$', name)
    if m:
        return f"{m.group(1)}/{m.group(3)}"
    return re.sub(r'\[\d+\]$', '', name)


def main(path, pattern):
    rows = []
    with open(path) as f:
        for line in f:
            m = LINE.match(line)
            if m:
                rows.append((float(m.group(1)), int(m.group(2)), m.group(3),
                             float(m.group(5)) / 1000, float(m.group(6)) / 1000))
    if len(rows) < 2:
        sys.exit(f"no scheduling records in {path} (perf sched timehist output expected)")
    query_path = re.compile(pattern)
    ends = [r[0] for r in rows]
    window = rows[-1][0] - rows[0][0]
    held = collections.Counter()
    count = collections.Counter()
    stalls = []
    for end, cpu, name, delay, run in rows:
        if not query_path.search(name) or delay * 1000 <= MIN_STALL_MS:
            continue
        start, woke = end - run - delay, end - run
        who = collections.Counter()
        i = bisect.bisect_left(ends, start)
        # A record ends when its run ends; runs are shorter than 0.2 s here, so a record ending
        # later than that cannot overlap.
        while i < len(rows) and rows[i][0] - 0.2 <= woke:
            e2, c2, n2, _, r2 = rows[i]
            overlap = min(e2, woke) - max(e2 - r2, start)
            if c2 == cpu and overlap > 0:
                who[holder(n2)] += overlap
            i += 1
        top = who.most_common(1)[0][0] if who else '<idle>'
        held[top] += delay
        count[top] += 1
        stalls.append((start, woke))
    stalls.sort()
    merged = []
    for s, e in stalls:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    total = sum(e - s for s, e in merged)
    print(f"{window:.1f} s traced; query-path threads ({pattern}) waited for a CPU more than {MIN_STALL_MS} ms "
          f"{len(stalls)} times, {total * 1000:.0f} ms in all = {total / window * 100:.2f}% of the run")
    for name, secs in held.most_common(8):
        print(f"  CPU held by {name}: {count[name]} stalls, {secs * 1000:.1f} ms")


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])

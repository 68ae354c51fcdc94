#!/usr/bin/env python3
"""The kernel's share of a process's CPU between two readings, from the user and system time the
kernel sampled for each of its threads, read from taskstats (generic netlink; needs CAP_NET_ADMIN).
  cpu-split.py read PID > FILE            one line per live thread: TID USER_US SYS_US
  cpu-split.py share BEFORE_FILE AFTER_FILE   the system share of the samples between them, e.g. 52%
  cpu-split.py test                       checks share() on fixed readings (no process read)
A thread that ends between the readings is left out of the share (the JVM's compiler threads come
and go); one that starts between them counts from zero.

Why not /proc/PID/stat: its utime and stime are the process's exact run time split in the ratio of
all its user and system tick samples since it started (the kernel's cputime_adjust), and kept from
going backwards. So the difference of two readings is not the split of the time between them: it
follows the history (start-up, an earlier saturation run), and when that ratio moves, one side is
held where it was and the other takes the whole window: "100% kernel" for the kubernetes row at a
fixed rate, whose own samples were 56% kernel in another run (benchmarks/results/earlier.md, s11-D). taskstats gives each thread's own
samples (task_cputime), so the difference of two readings is the window's. Ticks miss much of the
time of threads that run in short bursts between sleeps (at a fixed 20k q/s they saw a quarter to
three quarters of the run time), so only the share is taken from here, never the total."""
import os, socket, struct, sys

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
TASKSTATS_CMD_GET = 1
TASKSTATS_CMD_ATTR_PID = 1
TASKSTATS_TYPE_STATS = 3
TASKSTATS_TYPE_AGGR_PID = 4
NLM_F_REQUEST = 1

def attrs(buf):
    out, i = {}, 0
    while i + 4 <= len(buf):
        ln, typ = struct.unpack_from("HH", buf, i)
        if ln < 4:
            break
        out[typ & 0x3fff] = buf[i + 4:i + ln]
        i += (ln + 3) & ~3
    return out

def attr(typ, payload):
    a = struct.pack("HH", 4 + len(payload), typ) + payload
    return a + b"\0" * ((4 - len(a) % 4) % 4)

def request(sock, family, cmd, payload, seq):
    body = struct.pack("BBH", cmd, 1, 0) + payload
    sock.send(struct.pack("IHHII", 16 + len(body), family, NLM_F_REQUEST, seq, 0) + body)
    msg = sock.recv(65536)
    ln, typ = struct.unpack_from("IH", msg, 0)
    if typ == 2:  # NLMSG_ERROR
        err = struct.unpack_from("i", msg, 16)[0]
        raise OSError(-err, os.strerror(-err))
    return attrs(msg[20:ln])

def read(pid):
    """{tid: (user_us, system_us)} of pid's live threads."""
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.bind((0, 0))
    fam = request(sock, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, attr(CTRL_ATTR_FAMILY_NAME, b"TASKSTATS\0"), 1)
    family = struct.unpack("H", fam[CTRL_ATTR_FAMILY_ID][:2])[0]
    times = {}
    for seq, tid in enumerate(sorted(int(t) for t in os.listdir("/proc/%d/task" % pid)), start=2):
        try:
            reply = request(sock, family, TASKSTATS_CMD_GET, attr(TASKSTATS_CMD_ATTR_PID, struct.pack("I", tid)), seq)
        except OSError:
            continue  # the thread ended meanwhile
        stats = attrs(reply[TASKSTATS_TYPE_AGGR_PID])[TASKSTATS_TYPE_STATS]
        ac_pid, = struct.unpack_from("I", stats, 128)
        if ac_pid != tid:  # the layout of struct taskstats is not the one read here
            sys.exit("taskstats: ac_pid %d at offset 128 for thread %d" % (ac_pid, tid))
        u, s = struct.unpack_from("QQ", stats, 152)
        times[tid] = (u, s)  # ac_utime, ac_stime: microseconds
    return times

def share(before, after):
    """The system share in percent of the samples taken between two readings, None without samples."""
    user = system = 0
    for tid, (u, s) in after.items():
        u0, s0 = before.get(tid, (0, 0))
        if u < u0 or s < s0:
            raise ValueError("thread %d: its CPU time went backwards (%d %d -> %d %d)" % (tid, u0, s0, u, s))
        user += u - u0
        system += s - s0
    return None if user + system == 0 else 100.0 * system / (user + system)

def load(path):
    with open(path) as f:
        return {int(t): (int(u), int(s)) for t, u, s in (line.split() for line in f if line.strip())}

def test():
    before = {1: (100, 50), 2: (10, 10), 3: (500, 0)}
    # 1 runs 300 us user and 100 system, 2 ends (left out), 4 starts and samples 0 user and 200 system.
    after = {1: (400, 150), 3: (500, 0), 4: (0, 200)}
    assert share(before, after) == 50.0, share(before, after)
    assert share(before, before) is None
    try:
        share({1: (100, 50)}, {1: (90, 60)})
    except ValueError:
        pass
    else:
        raise AssertionError("a time that goes backwards is an error")
    print("cpu-split.py: share() checks passed")

if __name__ == "__main__":
    if sys.argv[1:] == ["test"]:
        test()
    elif len(sys.argv) == 3 and sys.argv[1] == "read":
        for tid, (u, s) in sorted(read(int(sys.argv[2])).items()):
            print(tid, u, s)
    elif len(sys.argv) == 4 and sys.argv[1] == "share":
        pct = share(load(sys.argv[2]), load(sys.argv[3]))
        print("-" if pct is None else "%.0f%%" % pct)
    else:
        sys.exit("usage: cpu-split.py read PID | cpu-split.py share BEFORE_FILE AFTER_FILE | cpu-split.py test")

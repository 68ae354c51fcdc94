# Sourced by the benchmark scripts (bash): a work directory, the processes they start, and their
# stop on exit.
#   . "$here/processes.sh" NAME     sets work=/tmp/NAME.XXXXXX and pids=(), traps EXIT
# Append every started process's PID to pids; cleanup stops them (TERM, then KILL) and removes work.
# Also what several scripts need: free_port, fail, the measures (cpu_ticks, rss_mib, percentiles), the waits
# (wait_answer, wait_ready, wait_fake_cluster), stop, need_dist_jar_jdk, and the reference servers (start_knotd,
# start_knot_upstream, start_unbound, start_unbound_forwarder, start_dnsdist).
work=$(mktemp -d "/tmp/${1:-kdns-bench}.XXXXXX")
pids=()
cleanup() {
    for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
    sleep 0.5
    for p in "${pids[@]:-}"; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "$*; logs:" >&2; tail -n 30 "$work"/*.log >&2 || true; exit 1; }
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

# Measuring a process: the clock, its CPU ticks (user + system; ticks per second), its RSS.
now() { date +%s.%N; }
since() { awk -v s="$1" -v n="$(now)" 'BEGIN { printf "%.2f", n - s }'; } # seconds since a now()
ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
rss_mib() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }
# Saturation queries/s: the queries a dnsperf run (its output) answered per second of its sending time
# (-l SECONDS), the same for every server. dnsperf's own figure divides by the time to its last reply,
# which a forwarder's answers after a re-send of a query its upstream dropped lengthen (kdns forward's
# runs took 11.1-14 s to dnsdist's 10.0, which never answers a lost query; earlier.md s17-A).
answered_per_second() { echo "$1" | awk -v s="$2" '/Queries completed/ {printf "%.6f", $3 / s}'; }
# The kernel's drops (the drops column of /proc/net/udp) at the UDP sockets of PORT: "BOUND CONNECTED",
# those listening on it (an upstream's, one per worker with SO_REUSEPORT) and those connected to it (a
# forwarder's upstream sockets).
udp_drops() {
    awk -v port="$(printf '%04X' "$1")" 'NR > 1 { split($2, l, ":"); split($3, r, ":")
        if (l[2] == port && r[2] == "0000") bound += $13; else if (r[2] == port) connected += $13 }
        END { print bound + 0, connected + 0 }' /proc/net/udp
}
percentiles() { # dnsperf output: p50 / p99 of the per-query latencies of a verbose (-v) run, in ms
    echo "$1" | awk '$1 == ">" && NF == 5 && $5 ~ /^[0-9.]+$/ {print $5}' | sort -g \
        | awk '{v[NR] = $1} END { if (NR == 0) { print "-" } else { i50 = int(NR * 0.50); i99 = int(NR * 0.99); if (i50 < 1) i50 = 1; if (i99 < 1) i99 = 1; printf "%.3f / %.3f", v[i50] * 1000, v[i99] * 1000 } }'
}

# The inputs of the scripts that run the benchmarks jar: a kdns distribution $dist, the jar $jar, a
# JDK $jdk, and these tools on the PATH.
need_dist_jar_jdk() { # tool...
    [ -x "$dist/bin/kdns" ] || { echo "no kdns distribution at $dist (make dist)" >&2; exit 1; }
    [ -f "$jar" ] || { echo "no $jar (build the benchmarks module: make build)" >&2; exit 1; }
    [ -x "$jdk/bin/java" ] || { echo "no java in JDK=$jdk (set JDK to a JDK 21+ home)" >&2; exit 1; }
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 || { echo "missing $tool (build/install-test-deps.sh)" >&2; exit 1; }
    done
}

stop() { # pid: stops one process now (frees the cores for the next scenario)
    kill "$1" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
    kill -9 "$1" 2>/dev/null || true
}
wait_ready() { # pid port timeout_s: returns 1 when the process exits first; fails on a timeout
    local pid=$1 port=$2 limit=$3 start code
    start=$(now)
    while :; do
        kill -0 "$pid" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ] || return 1
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port/ready" || true)
        [ "$code" = 200 ] && break
        awk -v s="$start" -v n="$(now)" -v l="$limit" 'BEGIN { exit !(n - s > l) }' \
            && fail "no /ready 200 on port $port after ${limit}s"
        sleep 0.05
    done
}
wait_fake_cluster() { # pid log seconds: until FakeClusterMain (pid) logs its "ready" line
    for _ in $(seq 1 $(($3 * 10))); do
        grep -q '^ready' "$2" 2>/dev/null && return 0
        kill -0 "$1" 2>/dev/null || fail "FakeClusterMain exited"
        sleep 0.1
    done
    fail "FakeClusterMain did not load its objects in $3s"
}
wait_answer() { # port [name]: waits up to 20 s for an A answer (www.example.org unless named)
    for _ in $(seq 1 100); do
        dig @127.0.0.1 -p "$1" "${2:-www.example.org}" A +tries=1 +time=1 >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    fail "server on port $1 did not answer"
}

# knotd with one zone, in $work/knot-NAME; sets started to its PID.
# The kubernetes data set's files, from the fake API server's $work/kube/services.txt ("name ip" per
# Service, namespace bench): $work/kube.queries (every Service's A query plus N/4 names that do not exist,
# 20% NXDOMAIN, in one fixed random order) and $work/cluster.local.zone (the Services' A records, for knotd).
kube_dataset() { # names
    python3 - "$work" "$1" <<'PY'
import random, sys
work, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(43)
lines = [l.split() for l in open(work + "/kube/services.txt")]
with open(work + "/cluster.local.zone", "w") as z:
    z.write("$ORIGIN cluster.local.\n$TTL 5\n"
            "@ SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 5\n"
            "@ NS ns.dns.cluster.local.\nns.dns A 127.0.0.1\n")
    for name, ip in lines:
        z.write("%s.bench.svc 5 A %s\n" % (name, ip))
qs = ["%s.bench.svc.cluster.local A" % name for name, _ in lines]
qs += ["nosuch%05d.bench.svc.cluster.local A" % i for i in range(n // 4)]
rnd.shuffle(qs)
open(work + "/kube.queries", "w").write("\n".join(qs) + "\n")
PY
}
kube_corefile() { # port ready-port metrics-port kubeconfig [option...]: the kubernetes-only Corefile, on stdout
    local port=$1 ready=$2 metrics=$3 kubeconfig=$4 option
    shift 4
    printf 'cluster.local:%s {\n    bind 127.0.0.1\n    ready 127.0.0.1:%s\n    prometheus 127.0.0.1:%s\n' \
        "$port" "$ready" "$metrics"
    printf '    kubernetes cluster.local {\n        kubeconfig %s\n' "$kubeconfig"
    for option in "$@"; do printf '        %s\n' "$option"; done
    printf '    }\n}\n'
}

start_knotd() { # name zone_origin zone_file port
    local dir="$work/knot-$1"
    mkdir -p "$dir"
    cat > "$dir/knot.conf" <<CONF
server:
    listen: 127.0.0.1@$4
    rundir: $dir
    background-workers: 1
    udp-workers: 2
    tcp-workers: 1
database:
    storage: $dir
log:
  - target: stderr
    any: error
zone:
  - domain: $2
    file: $3
CONF
    knotd -c "$dir/knot.conf" > "$work/knot-$1.log" 2>&1 &
    started=$!; pids+=("$started")
}
# The upstream of the forward runs: knotd serving example.org, where a wildcard gives every unique
# name an A answer of the same size as www's.
start_knot_upstream() { # port
    upstream_zone
    start_knotd upstream example.org "$work/example.org.zone" "$1"
}
upstream_zone() { # writes $work/example.org.zone
    cat > "$work/example.org.zone" <<ZONE
\$ORIGIN example.org.
\$TTL 0
@   SOA ns.example.org. admin.example.org. 1 3600 600 86400 0
@   NS  ns.example.org.
ns  A   127.0.0.1
www A   127.0.0.1
*   A   127.0.0.1
ZONE
}

# unbound in the foreground with its directory $work/unbound: the server lines given, then those
# every unbound here shares (2 threads, 127.0.0.0/8 allowed), then any further sections; sets
# started to its PID.
start_unbound() { # server-lines [sections]
    mkdir -p "$work/unbound"
    {
        echo "server:"
        printf '%s\n' "$1"
        cat <<CONF
    do-daemonize: no
    username: ""
    chroot: ""
    directory: "$work/unbound"
    pidfile: ""
    use-syslog: no
    logfile: ""
    verbosity: 0
    num-threads: 2
    access-control: 127.0.0.0/8 allow
CONF
        [ -z "${2:-}" ] || printf '%s\n' "$2"
    } > "$work/unbound/unbound.conf"
    unbound -d -c "$work/unbound/unbound.conf" > "$work/unbound.log" 2>&1 &
    started=$!; pids+=("$started")
}

# The forwarding references, both in front of one upstream on 127.0.0.1; each sets started to its PID.
# unbound: forwards everything, caches, 2 threads.
start_unbound_forwarder() { # port upstream-port
    start_unbound "    interface: 127.0.0.1
    port: $1
    do-not-query-localhost: no
    module-config: \"iterator\"" "forward-zone:
    name: \".\"
    forward-addr: 127.0.0.1@$2"
}
# dnsdist, the forward-only anchor: one listener, the upstream as its one backend, no packet cache
# (none is made unless the configuration asks), no security-status lookups.
start_dnsdist() { # port upstream-port
    cat > "$work/dnsdist.conf" <<CONF
setLocal("127.0.0.1:$1")
setACL({"127.0.0.0/8"})
newServer({address="127.0.0.1:$2"})
setSecurityPollSuffix("")
CONF
    dnsdist --supervised --disable-syslog -C "$work/dnsdist.conf" > "$work/dnsdist.log" 2>&1 &
    started=$!; pids+=("$started")
}

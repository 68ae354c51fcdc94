# Sourced by the benchmark scripts (bash): a work directory, the processes they start, and their
# stop on exit.
#   . "$here/processes.sh" NAME     sets work=/tmp/NAME.XXXXXX and pids=(), traps EXIT
# Append every started process's PID to pids; cleanup stops them (TERM, then KILL) and removes work.
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

# The forwarding references, both in front of one upstream on 127.0.0.1; each sets started to its PID.
# unbound: forwards everything, caches, 2 threads.
start_unbound_forwarder() { # port upstream-port
    mkdir -p "$work/unbound"
    cat > "$work/unbound/unbound.conf" <<CONF
server:
    interface: 127.0.0.1
    port: $1
    do-daemonize: no
    username: ""
    chroot: ""
    directory: "$work/unbound"
    pidfile: ""
    use-syslog: no
    logfile: ""
    verbosity: 0
    num-threads: 2
    do-not-query-localhost: no
    module-config: "iterator"
    access-control: 127.0.0.0/8 allow
forward-zone:
    name: "."
    forward-addr: 127.0.0.1@$2
CONF
    unbound -d -c "$work/unbound/unbound.conf" > "$work/unbound.log" 2>&1 &
    started=$!; pids+=("$started")
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

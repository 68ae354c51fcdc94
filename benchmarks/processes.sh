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

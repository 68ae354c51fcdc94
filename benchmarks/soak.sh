#!/usr/bin/env bash
# Soak: kdns serving 1,000 etcd names that change every second, under dnsperf at a fixed rate for a
# bounded time, on 127.0.0.1. Reports lost responses and the RSS growth after warm-up.
#   soak.sh DIST [SECONDS] [RATE]      (defaults: 600 s, 5000 qps)
set -euo pipefail
dist=${1:?usage: soak.sh DIST [SECONDS] [RATE]}
secs=${2:-600}
rate=${3:-5000}
names=1000
here=$(cd "$(dirname "$0")" && pwd)
. "$here/processes.sh" kdns-soak
b64() { printf '%s' "$1" | base64 -w0; }

client=$(free_port); peer=$(free_port); dns=$(free_port); ready=$(free_port)
etcd --data-dir "$work/etcd" --listen-client-urls "http://127.0.0.1:$client" \
     --advertise-client-urls "http://127.0.0.1:$client" --listen-peer-urls "http://127.0.0.1:$peer" \
     --initial-advertise-peer-urls "http://127.0.0.1:$peer" --initial-cluster "default=http://127.0.0.1:$peer" \
     > "$work/etcd.log" 2>&1 &
pids+=("$!")
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$client/health" >/dev/null && break; sleep 0.1; done

# Writes names i..j with the given last octet, 100 puts per transaction.
put_range() { # from to octet
    local i=$1 to=$2 octet=$3
    while [ "$i" -le "$to" ]; do
        local ops="" n=0
        while [ "$i" -le "$to" ] && [ $n -lt 100 ]; do
            local key value
            key=$(b64 "/skydns/local/soak/n$i")
            value=$(b64 "{\"host\":\"10.$((i / 250)).$((i % 250)).$octet\",\"ttl\":30}")
            ops="$ops{\"requestPut\":{\"key\":\"$key\",\"value\":\"$value\"}},"
            i=$((i + 1)); n=$((n + 1))
        done
        curl -sf -X POST "http://127.0.0.1:$client/v3/kv/txn" -d "{\"success\":[${ops%,}]}" >/dev/null
    done
}
put_range 0 $((names - 1)) 1

cat > "$work/Corefile" <<COREFILE
soak.local:$dns {
    bind 127.0.0.1
    ready 127.0.0.1:$ready
    etcd {
        endpoint http://127.0.0.1:$client
    }
}
COREFILE
"$dist/bin/kdns" -conf "$work/Corefile" -quiet > "$work/kdns.log" 2>&1 &
kpid=$!; pids+=("$kpid")
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$ready/ready" >/dev/null && break; sleep 0.1; done

# Churn: every second ten names get a new address.
(
    round=2
    while true; do
        start=$(( (round * 10) % names ))
        put_range "$start" $((start + 9)) $((round % 250 + 1))
        round=$((round + 1))
        sleep 1
    done
) &
pids+=("$!")

for i in $(seq 0 $((names - 1))); do echo "n$i.soak.local A"; done > "$work/queries"
rss() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$kpid/status"; }
warm=$(( secs / 10 )); [ "$warm" -lt 5 ] && warm=5
(
    sleep "$warm"; rss > "$work/rss.warm"
) &
pids+=("$!")
out=$(dnsperf -s 127.0.0.1 -p "$dns" -d "$work/queries" -l "$secs" -Q "$rate" -c 4 -q 1000 2>&1)
sent=$(echo "$out" | awk '/Queries sent/ {print $3}')
completed=$(echo "$out" | awk '/Queries completed/ {print $3}')
lost=$(echo "$out" | awk '/Queries lost/ {print $3}')
qps=$(echo "$out" | awk '/Queries per second/ {print $4}')
lat=$(echo "$out" | awk '/Average Latency/ {printf "%.3f", $4*1000}')
noerror=$(echo "$out" | awk '/Response codes/ {print $4}')
end_rss=$(rss)
warm_rss=$(cat "$work/rss.warm" 2>/dev/null || echo "$end_rss")
echo "## soak: kdns etcd, $names names changing 10 per second, ${secs}s at $rate qps"
echo
echo "| sent | completed | lost | NOERROR | queries/s | avg latency ms | RSS after ${warm}s MiB | RSS at end MiB | growth MiB |"
echo "|---|---|---|---|---|---|---|---|---|"
echo "| $sent | $completed | $lost | $noerror | $qps | $lat | $warm_rss | $end_rss | $(awk -v a="$end_rss" -v b="$warm_rss" 'BEGIN{printf "%.1f", a-b}') |"
if ! kill -0 "$kpid" 2>/dev/null; then echo "kdns died:"; cat "$work/kdns.log"; exit 1; fi
grep -v "^\[INFO\]" "$work/kdns.log" | head -5 || true  # kdns logs nothing but INFO lines when all is well
[ "${lost:-1}" = "0" ] || { echo "lost responses: $lost"; exit 1; }

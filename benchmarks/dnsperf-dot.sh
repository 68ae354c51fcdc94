#!/usr/bin/env bash
# DNS over TLS: kdns (a tls:// block answering from hosts) beside unbound (tls-service-key, the same
# record as local-data), in the same run, under dnsperf -m dot on reused connections, on 127.0.0.1.
#   dnsperf-dot.sh DIST [SECONDS]
# Prints a table (queries/s, average latency, server CPU seconds per 100k queries) and the kdns/unbound
# ratio, and appends it to results/latest.md. Every process it starts is stopped.
set -euo pipefail
dist=${1:?usage: dnsperf-dot.sh DIST [SECONDS]}
secs=${2:-10}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/processes.sh" kdns-dot

kport=$(free_port); ktls=$(free_port); uport=$(free_port); utls=$(free_port)
# One self-signed certificate for both servers (EC P-256), made with the JDK's keytool and openssl.
java_home=${JDK:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
"$java_home/bin/keytool" -genkeypair -alias dot -keyalg EC -groupname secp256r1 -validity 2 \
    -dname CN=dns.test -ext san=dns:dns.test,ip:127.0.0.1 -keystore "$work/dot.p12" -storetype PKCS12 \
    -storepass bench12 -keypass bench12 > "$work/keytool.log" 2>&1 || fail "keytool failed"
openssl pkcs12 -in "$work/dot.p12" -passin pass:bench12 -nokeys 2>/dev/null | openssl x509 -out "$work/dot.crt"
openssl pkcs12 -in "$work/dot.p12" -passin pass:bench12 -nocerts -nodes 2>/dev/null | openssl pkey -out "$work/dot.key"

cat > "$work/Corefile" <<COREFILE
tls://.:$ktls {
    bind 127.0.0.1
    tls $work/dot.crt $work/dot.key
    hosts {
        127.0.0.1 www.example.org
    }
}
.:$kport {
    bind 127.0.0.1
    hosts {
        127.0.0.1 www.example.org
    }
}
COREFILE
"$dist/bin/kdns" -conf "$work/Corefile" -quiet > "$work/kdns.log" 2>&1 &
kpid=$!; pids+=("$kpid")

start_unbound "    interface: 127.0.0.1@$uport
    interface: 127.0.0.1@$utls
    tls-port: $utls
    tls-service-key: \"$work/dot.key\"
    tls-service-pem: \"$work/dot.crt\"
    local-zone: \"example.org.\" static
    local-data: \"www.example.org. 3600 IN A 127.0.0.1\""
upid=$started

wait_answer "$kport"; wait_answer "$uport"

printf 'www.example.org A\n' > "$work/queries"
results=()
run() { # name pid port
    local name=$1 pid=$2 port=$3 before after out qps lat completed cpu100k
    before=$(cpu_ticks "$pid")
    out=$(dnsperf -m dot -s 127.0.0.1 -p "$port" -d "$work/queries" -l "$secs" -c 4 -q 200 2>&1)
    after=$(cpu_ticks "$pid")
    qps=$(echo "$out" | awk '/Queries per second/ {print $4}')
    lat=$(echo "$out" | awk '/Average Latency/ {printf "%.3f", $4*1000; exit}')
    completed=$(echo "$out" | awk '/Queries completed/ {print $3}')
    [ -n "$qps" ] && [ "${completed:-0}" -gt 0 ] || fail "dnsperf -m dot against $name answered nothing: $out"
    cpu100k=$(awk -v t=$((after-before)) -v hz="$ticks" -v n="$completed" 'BEGIN { printf "%.2f", (t/hz)/n*100000 }')
    results+=("| $name | $qps | $lat | $cpu100k |")
    eval "${name}_qps=$qps; ${name}_cpu=$cpu100k"
}
# Warm kdns's JIT first, then measure both.
dnsperf -m dot -s 127.0.0.1 -p "$ktls" -d "$work/queries" -l 5 -c 4 -q 200 >/dev/null 2>&1 || true
run kdns "$kpid" "$ktls"
run unbound "$upid" "$utls"
{
    echo "## DNS over TLS: kdns vs unbound, dnsperf -m dot on 127.0.0.1 ($(nproc) cores, ${secs}s, 4 connections, 200 in flight)"
    echo
    echo "| server | queries/s | avg latency ms | server CPU s / 100k queries |"
    echo "|---|---|---|---|"
    printf '%s\n' "${results[@]}"
    echo
    awk -v a="$kdns_qps" -v b="$unbound_qps" 'BEGIN { printf "ratio kdns/unbound, DoT queries/s: %.2f\n", a/b }'
    awk -v a="$kdns_cpu" -v b="$unbound_cpu" 'BEGIN { printf "ratio kdns/unbound, CPU per DoT query: %.2f\n", a/b }'
} | tee "$work/table.md"
mkdir -p "$here/results"
cat "$work/table.md" >> "$here/results/latest.md"

#!/bin/sh
# make run: a local etcd holding nginx.k8s.local exactly as ExternalDNS writes it, then kdns serving
# examples/Corefile in the foreground (Ctrl-C stops both). Without etcd on this machine (apt-get
# install etcd-server) kdns still starts; its k8s.local block then stays not ready.
#   run-example.sh DIST
set -eu
dist=$1
top=$(cd "$(dirname "$0")/.." && pwd)
client=23790
peer=23800
work="$top/target/run-etcd"
etcd_pid=""
stop_etcd() {
    [ -n "$etcd_pid" ] && kill "$etcd_pid" 2>/dev/null || true
}
trap stop_etcd EXIT
trap 'stop_etcd; exit 130' INT TERM

b64() { printf '%s' "$1" | base64 | tr -d '\n'; }
put() { # key value, through etcd's v3 JSON gateway
    curl -sf -X POST "http://127.0.0.1:$client/v3/kv/put" \
        -d "{\"key\":\"$(b64 "$1")\",\"value\":\"$(b64 "$2")\"}" >/dev/null
}

if command -v etcd >/dev/null 2>&1 && command -v curl >/dev/null 2>&1; then
    mkdir -p "$work"
    etcd --name kdns-example --data-dir "$work/data" \
        --listen-client-urls "http://127.0.0.1:$client" --advertise-client-urls "http://127.0.0.1:$client" \
        --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
        --initial-cluster "kdns-example=http://127.0.0.1:$peer" > "$work/etcd.log" 2>&1 &
    etcd_pid=$!
    i=0
    until curl -sf "http://127.0.0.1:$client/health" >/dev/null 2>&1; do
        i=$((i + 1))
        if [ "$i" -gt 100 ] || ! kill -0 "$etcd_pid" 2>/dev/null; then
            echo "etcd did not start (log: $work/etcd.log); serving without it" >&2
            break
        fi
        sleep 0.1
    done
    # An ExternalDNS record set for Service default/nginx with hostname nginx.k8s.local.
    put /skydns/local/k8s/nginx/3e1f5a7b '{"host":"127.0.0.10","targetstrip":1}' \
        && put /skydns/local/k8s/a-nginx/0c9d2e4f \
            '{"text":"\"heritage=external-dns,external-dns/owner=default,external-dns/resource=service/default/nginx\"","targetstrip":1}' \
        && echo "local etcd on 127.0.0.1:$client holds nginx.k8s.local as ExternalDNS writes it (log: $work/etcd.log)"
else
    echo "etcd or curl not found (apt-get install etcd-server curl): the k8s.local block will not be ready" >&2
fi
cd "$top/examples"
"$dist/bin/kdns" -conf Corefile

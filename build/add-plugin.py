#!/usr/bin/env python3
"""Adds NAME:MODULE to plugin.cfg at its place in CoreDNS's chain order (kdns's order for kdns's own
plugins), keeping comments and other lines. Usage: build/add-plugin.py NAME MODULE [PLUGIN_CFG]"""
import sys

ORDER = ("root metadata geoip cancel tls timeouts multisocket reload nsid bufsize bind debug trace ready "
         "health pprof prometheus errors log dnstap local dns64 acl any chaos loadbalance tsig cache rewrite "
         "header dnssec autopath minimal template transfer hosts route53 azure clouddns k8s_external "
         "kubernetes multicluster file auto secondary etcd loop forward grpc erratic whoami on sign view "
         "nomad").split()

def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    name, module = sys.argv[1], sys.argv[2]
    path = sys.argv[3] if len(sys.argv) == 4 else "plugin.cfg"
    lines = open(path).read().splitlines()
    entries = [(i, l.split("#")[0].strip().split(":")[0]) for i, l in enumerate(lines) if l.split("#")[0].strip()]
    if any(n == name for _, n in entries):
        print(f"{path}: {name} is already listed")
        return
    rank = ORDER.index(name) if name in ORDER else len(ORDER)
    insert_at = len(lines)
    for i, n in entries:
        if (ORDER.index(n) if n in ORDER else len(ORDER)) > rank:
            insert_at = i
            break
    lines.insert(insert_at, f"{name}:{module}")
    open(path, "w").write("\n".join(lines) + "\n")
    print(f"{path}: added {name}:{module}")

main()

#!/usr/bin/env bash
# memproxy elf against readelf, in one hyperfine run so the ratios share the machine's load:
# libc's dynamic symbols, and a summary of every file in /usr/bin (readelf -d as the baseline).
# Usage: bench/elf.sh [RUNS]   (after `make`)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
[ -f inspector/target/memproxy.jar ] || { echo "run 'make' first" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
libc=/lib/x86_64-linux-gnu/libc.so.6
# Non-ELF files in /usr/bin make both tools exit 1: -i keeps hyperfine going.
hyperfine -i -w 2 -r "$runs" --export-json "$work/r.json" \
  -n "readelf --dyn-syms -W libc.so.6" "readelf --dyn-syms -W $libc" \
  -n "memproxy elf --symbols libc.so.6" "bin/memproxy elf --symbols '*' $libc" \
  -n "readelf -d /usr/bin/* ($(ls /usr/bin | wc -l) files)" "readelf -d /usr/bin/*" \
  -n "memproxy elf /usr/bin/*" "bin/memproxy elf /usr/bin/*" >/dev/null
python3 - "$work/r.json" <<'PY'
import json, sys
rs = json.load(open(sys.argv[1]))["results"]
print("| command | median ms | vs readelf |")
print("|---|---:|---:|")
for i, r in enumerate(rs):
    base = rs[i - i % 2]["median"]
    print(f"| {r['command']} | {r['median']*1000:.1f} | {r['median']/base:.2f}x |")
PY

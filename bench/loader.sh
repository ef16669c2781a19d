#!/usr/bin/env bash
# memproxy ldd against ldd and libtree, in hyperfine runs that share the machine's load:
# one typical program, then every file of /usr/bin (memproxy and libtree given all files at once,
# ldd and libtree once per file), and memproxy --version as the JVM floor.
# Usage: bench/loader.sh [RUNS]   (after `make`)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
[ -f inspector/target/memproxy.jar ] || { echo "run 'make' first" >&2; exit 2; }
for t in hyperfine libtree; do command -v $t >/dev/null || { echo "needs $t (apt-get install $t)" >&2; exit 2; }; done
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
n=$(ls /usr/bin | wc -l)
# Non-ELF files and programs with missing libraries make every tool exit non-zero: -i keeps hyperfine going.
hyperfine -N -i -w 3 -r "$runs" --export-json "$work/one.json" \
  -n "ldd /usr/bin/ls" "ldd /usr/bin/ls" \
  -n "libtree /usr/bin/ls" "libtree /usr/bin/ls" \
  -n "memproxy --version (JVM floor)" "bin/memproxy --version" \
  -n "memproxy ldd /usr/bin/ls" "bin/memproxy ldd /usr/bin/ls" >/dev/null
hyperfine -i -w 1 -r "$runs" --export-json "$work/all.json" \
  -n "libtree /usr/bin/* (one process, $n files)" "libtree /usr/bin/* >/dev/null 2>&1" \
  -n "memproxy ldd /usr/bin/* (one process)" "bin/memproxy ldd /usr/bin/* >/dev/null 2>&1" >/dev/null
hyperfine -i -w 0 -r 3 --export-json "$work/loop.json" \
  -n "for f in /usr/bin/*; do libtree \$f; done" "for f in /usr/bin/*; do libtree \$f; done >/dev/null 2>&1" \
  -n "for f in /usr/bin/*; do ldd \$f; done" "for f in /usr/bin/*; do ldd \$f; done >/dev/null 2>&1" >/dev/null
python3 - "$work/one.json" "$work/all.json" "$work/loop.json" <<'PY'
import json, sys
rows = [r for f in sys.argv[1:] for r in json.load(open(f))["results"]]
base = {"one": rows[0]["median"], "all": None}
print("| command | median ms | user ms | vs ldd (same input) |")
print("|---|---:|---:|---:|")
ldd_one = rows[0]["median"]
ldd_all = rows[-1]["median"]
for i, r in enumerate(rows):
    ref = ldd_one if i < 4 else ldd_all
    print(f"| `{r['command']}` | {r['median']*1000:.1f} | {r['user']*1000:.0f} | {r['median']/ref:.3f}x |")
PY
echo "load average while measuring: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"

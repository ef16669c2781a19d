#!/usr/bin/env bash
# memproxy doctor on the demo chain (the built shim, Debian's jemalloc, samples/memproxy.conf: /bin/sh,
# gdb and valgrind.bin examined), against the launcher's own start (--version) in the same hyperfine run,
# then peak memory (maximum resident set size) of each command from /usr/bin/time. Prints medians.
# Usage: bench/doctor.sh [RUNS]   (after `make`)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
[ -f shim/build/libmemproxy.so ] && [ -f inspector/target/memproxy.jsa ] || { echo "run 'make' first" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
chain="$PWD/shim/build/libmemproxy.so:/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"
demo="--preload $chain --config samples/memproxy.conf"
names=("memproxy --version (launcher start)" "doctor, text" "doctor --format json" "check" "doctor --probe")
cmds=("bin/memproxy --version" "bin/memproxy doctor $demo" "bin/memproxy doctor --format json $demo"
      "bin/memproxy check $demo" "bin/memproxy doctor --probe $demo")
args=()
for i in "${!cmds[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
hyperfine -N -i -w 3 -r "$runs" --export-json "$work/r.json" "${args[@]}" >/dev/null
for i in "${!cmds[@]}"; do
  for _ in $(seq 10); do
    /usr/bin/time -f %M ${cmds[$i]} 2>>"$work/rss$i" >/dev/null || true
  done
done
python3 - "$work" "${#cmds[@]}" <<'PY'
import json, statistics, sys
work, n = sys.argv[1], int(sys.argv[2])
rs = json.load(open(work + "/r.json"))["results"]
base = rs[0]["median"]
print("| command | median ms | min ms | vs launcher start | CPU ms (user+sys, mean) | peak RSS MiB (median of 10) |")
print("|---|---:|---:|---:|---:|---:|")
for i, r in enumerate(rs):
    rss = [int(l) for l in open(f"{work}/rss{i}") if l.strip().isdigit()]
    print(f"| {r['command']} | {r['median']*1000:.1f} | {r['min']*1000:.1f} | {r['median']/base:.2f}x "
          f"| {(r['user'] + r['system'])*1000:.0f} | {statistics.median(rss)/1024:.1f} |")
PY

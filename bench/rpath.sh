#!/usr/bin/env bash
# Search cost on hostile inputs: an executable with 2,000 DT_NEEDED entries (none exists) and an RPATH of
# 10, 100, 1,000 and 10,000 directories (none exists), built here from source. memproxy ldd against the
# real ld.so in ldd's trace mode (LD_TRACE_LOADED_OBJECTS=1 ld.so EXE, which lists every missing library
# where `ld.so --list` stops at the first) on the same file, in the same hyperfine run, with the JVM's
# start-up (memproxy --version) as the floor; the ratio column is memproxy / ld.so. Peak memory from
# GNU time in a separate run of each.
# Usage: bench/rpath.sh [RUNS]   (after `make`)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
[ -f inspector/target/memproxy.jar ] || { echo "run 'make' first" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
ldso=/lib64/ld-linux-x86-64.so.2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
needed=2000
echo 'int memproxy_stub;' > "$work/stub.c"
echo 'int main(void) { return 0; }' > "$work/main.c"
gcc -shared -fPIC -o "$work/stub.so" "$work/stub.c"
mkdir "$work/stubs"
for i in $(seq 0 $((needed - 1))); do ln -s "$work/stub.so" "$work/stubs/libn$i.so"; done
libs=$(for i in $(seq 0 $((needed - 1))); do printf -- '-ln%d ' "$i"; done)
for dirs in 10 100 1000 10000; do
  rpath=$(seq -f '/nonexistent/rpath%g' 1 "$dirs" | paste -sd:)
  # shellcheck disable=SC2086
  echo "-o $work/many$dirs $work/main.c -L$work/stubs -Wl,--no-as-needed -Wl,--disable-new-dtags -Wl,-rpath,$rpath $libs" > "$work/args$dirs"
  gcc "@$work/args$dirs"
done
args=(-n "memproxy --version (JVM floor)" "bin/memproxy --version")
for d in 10 100 1000 10000; do
  args+=(-n "ld.so (ldd trace), RPATH of $d" "env LD_TRACE_LOADED_OBJECTS=1 $ldso $work/many$d")
  args+=(-n "memproxy ldd, RPATH of $d" "bin/memproxy ldd $work/many$d")
done
# Every library is missing, so both exit non-zero: -i keeps hyperfine going.
hyperfine -N -i -w 1 -r "$runs" --export-json "$work/r.json" "${args[@]}" >/dev/null
for d in 10 100 1000 10000; do
  for tool in ldso memproxy; do
    if [ $tool = ldso ]; then cmd=(env LD_TRACE_LOADED_OBJECTS=1 "$ldso" "$work/many$d"); else cmd=(bin/memproxy ldd "$work/many$d"); fi
    /usr/bin/time -f %M -o "$work/mem-$tool-$d" "${cmd[@]}" >/dev/null 2>&1 || true
  done
done
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
rows = json.load(open(work + "/r.json"))["results"]
def mem(tool, d):
    return int(open(f"{work}/mem-{tool}-{d}").read().split()[-1]) / 1024
floor = rows[0]["median"]
rows0_user = rows[0]["user"]
rows = rows[1:]
print(f"JVM floor (memproxy --version): {floor*1000:.1f} ms median ({rows0_user*1000:.0f} ms user)")
print()
print("| RPATH directories | ld.so median ms (user) | memproxy ldd median ms (user) | ratio | ld.so peak MiB | memproxy peak MiB |")
print("|---:|---:|---:|---:|---:|---:|")
for i, d in enumerate([10, 100, 1000, 10000]):
    l, m = rows[2 * i]["median"], rows[2 * i + 1]["median"]
    lu, mu = rows[2 * i]["user"], rows[2 * i + 1]["user"]
    print(f"| {d} | {l*1000:.1f} ({lu*1000:.0f}) | {m*1000:.1f} ({mu*1000:.0f}) | {m/l:.2f}x | {mem('ldso', d):.1f} | {mem('memproxy', d):.1f} |")
PY
echo "2,000 DT_NEEDED entries each; load average while measuring: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"

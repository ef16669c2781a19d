#!/usr/bin/env bash
# A change against a baseline build: ldd over all of /usr/bin in one process, and the scan of
# /usr/bin and /usr/lib/x86_64-linux-gnu, with `memproxy --version` (the JVM floor), libtree and
# scanelf alongside. Interleaved: each round runs every command of a group once, in turn, so a
# burst of load from other users hits all of them alike (one hyperfine group after another did
# not: the load moved in between). Two warm-up rounds, then medians of RUNS rounds.
# Usage: bench/before-after.sh BASE [RUNS]
#   BASE: another checkout, built with `make inspector` (e.g. `git worktree add /tmp/base main`).
set -euo pipefail
cd "$(dirname "$0")/.."
base=$(cd "$1" && pwd); runs=${2:-15}
for d in . "$base"; do [ -f "$d/inspector/target/memproxy.jar" ] || { echo "run 'make inspector' in $d" >&2; exit 2; }; done
command -v scanelf >/dev/null && command -v libtree >/dev/null || { echo "needs pax-utils and libtree" >&2; exit 2; }
syms="+malloc,+free,+calloc,+realloc,+memalign,+posix_memalign,+aligned_alloc,+valloc,+pvalloc,+malloc_usable_size"
python3 - "$runs" "$base" "$syms" /usr/bin/* <<'EOF'
import os, statistics, subprocess, sys, time
runs, base, syms, all_ = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
dirs = ["/usr/bin", "/usr/lib/x86_64-linux-gnu"]
groups = [
    [("memproxy --version (JVM floor)", ["bin/memproxy", "--version"]),
     ("before: memproxy ldd /usr/bin/*", [base + "/bin/memproxy", "ldd", *all_]),
     ("after: memproxy ldd /usr/bin/*", ["bin/memproxy", "ldd", *all_]),
     (f"libtree /usr/bin/* (one process, {len(all_)} files)", ["libtree", *all_])],
    [("scanelf -R: symbol search", ["scanelf", "-R", "-q", "-s", syms, *dirs]),
     ("before: memproxy scan", [base + "/bin/memproxy", "scan", "--no-progress", "--format", "json", *dirs]),
     ("after: memproxy scan", ["bin/memproxy", "scan", "--no-progress", "--format", "json", *dirs])],
]

def once(cmd):
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(p.pid, 0)
    return time.perf_counter() - t, usage.ru_utime

for group in groups:
    wall = {n: [] for n, _ in group}
    user = {n: [] for n, _ in group}
    for i in range(runs + 2):
        for n, cmd in group:
            w, u = once(cmd)
            if i >= 2:
                wall[n].append(w)
                user[n].append(u)
    before = next(statistics.median(v) for n, v in wall.items() if n.startswith("before"))
    print("| command | median ms | user ms | vs before |")
    print("|---|---:|---:|---:|")
    for n, _ in group:
        m = statistics.median(wall[n])
        print(f"| {n} | {m * 1000:.1f} | {statistics.median(user[n]) * 1000:.0f} | {m / before:.2f}x |")
    print()
EOF
echo "load average while measuring: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"

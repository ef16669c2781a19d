#!/usr/bin/env bash
# Start-up of this build against a baseline build: `memproxy --version`, the doctor refusing a usage error
# (picocli's model and the parsing, nothing examined), the doctor on one executable
# (/bin/sh) and the doctor on the demo chain with its exclusion list (the programs it names, and a program
# of each other word size found on PATH), interleaved (each round runs all eight in turn, so load from other
# users hits them alike). Medians of wall time and of CPU time (user + system) after two warm-up rounds.
# Usage: bench/startup-before-after.sh BASE [RUNS]   (BASE: another checkout, built with `make`)
set -euo pipefail
cd "$(dirname "$0")/.."
base=$(cd "$1" && pwd); runs=${2:-25}
for d in . "$base"; do [ -f "$d/inspector/target/memproxy.jsa" ] || { echo "run 'make' in $d" >&2; exit 2; }; done
chain="$PWD/shim/build/libmemproxy.so:/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"
python3 - "$runs" "$base" "$chain" <<'PY'
import os, resource, statistics, subprocess, sys, time
runs, base, chain = int(sys.argv[1]), sys.argv[2], sys.argv[3]
usage = ["doctor", "-i", "--preload", chain, "--probe-timeout", "0"]
doctor = ["doctor", "--preload", chain, "--exe", "/bin/sh"]
demo = ["doctor", "-i", "--preload", chain, "--config", "samples/memproxy.conf"]
cmds = {"before: --version": [base + "/bin/memproxy", "--version"], "after: --version": ["bin/memproxy", "--version"],
        "before: doctor, usage error": [base + "/bin/memproxy", *usage], "after: doctor, usage error": ["bin/memproxy", *usage],
        "before: doctor --exe /bin/sh": [base + "/bin/memproxy", *doctor], "after: doctor --exe /bin/sh": ["bin/memproxy", *doctor],
        "before: doctor, demo chain": [base + "/bin/memproxy", *demo], "after: doctor, demo chain": ["bin/memproxy", *demo]}
wall = {k: [] for k in cmds}; cpu = {k: [] for k in cmds}
for r in range(runs + 2):
    for k, c in cmds.items():
        u0 = resource.getrusage(resource.RUSAGE_CHILDREN); t = time.perf_counter()
        subprocess.run(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t = time.perf_counter() - t; u1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        if r >= 2:
            wall[k].append(t * 1000); cpu[k].append((u1.ru_utime - u0.ru_utime + u1.ru_stime - u0.ru_stime) * 1000)
print(f"{runs} interleaved rounds, load average {os.getloadavg()[0]:.1f} at the end")
print(f"| command | wall median (ms) | CPU median (ms) |\n|---|---|---|")
for k in cmds:
    print(f"| {k} | {statistics.median(wall[k]):.0f} | {statistics.median(cpu[k]):.0f} |")
for what in ("--version", "doctor, usage error", "doctor --exe /bin/sh", "doctor, demo chain"):
    b, a = statistics.median(cpu["before: " + what]), statistics.median(cpu["after: " + what])
    print(f"CPU after/before, {what}: {a / b:.2f}")
PY

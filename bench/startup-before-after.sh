#!/usr/bin/env bash
# Start-up of this build against a baseline build: `memproxy --version`, the doctor refusing a usage error
# (picocli's model and the parsing, nothing examined), the doctor on one executable
# (/bin/sh) and the doctor on the demo chain with its exclusion list (the programs it names, and a program
# of each other word size found on PATH), interleaved with the JVM floor of bench/startup.sh (each round runs
# all nine, in an order that rotates from round to round, so load from other users hits them alike).
# Medians of wall time and of CPU time (user + system) after two warm-up rounds, each with its ratio to the floor.
# Usage: bench/startup-before-after.sh BASE [RUNS]   (BASE: another checkout, built with `make`)
set -euo pipefail
cd "$(dirname "$0")/.."
base=$(cd "$1" && pwd); runs=${2:-25}
for d in . "$base"; do [ -f "$d/inspector/target/memproxy.jsa" ] || { echo "run 'make' in $d" >&2; exit 2; }; done
chain="$PWD/shim/build/libmemproxy.so:/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
printf 'public class Floor { public static void main(String[] a) { System.out.println("x"); } }\n' > "$work/Floor.java"
javac -d "$work" "$work/Floor.java"
python3 - "$runs" "$base" "$chain" "$work" <<'PY'
import os, resource, statistics, subprocess, sys, time
runs, base, chain, work = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
floor = ["java", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:-UsePerfData", "-cp", work, "Floor"]
usage = ["doctor", "-i", "--preload", chain, "--probe-timeout", "0"]
doctor = ["doctor", "--preload", chain, "--exe", "/bin/sh"]
demo = ["doctor", "-i", "--preload", chain, "--config", "samples/memproxy.conf"]
cmds = {"JVM floor (empty main)": floor,
        "before: --version": [base + "/bin/memproxy", "--version"], "after: --version": ["bin/memproxy", "--version"],
        "before: doctor, usage error": [base + "/bin/memproxy", *usage], "after: doctor, usage error": ["bin/memproxy", *usage],
        "before: doctor --exe /bin/sh": [base + "/bin/memproxy", *doctor], "after: doctor --exe /bin/sh": ["bin/memproxy", *doctor],
        "before: doctor, demo chain": [base + "/bin/memproxy", *demo], "after: doctor, demo chain": ["bin/memproxy", *demo]}
wall = {k: [] for k in cmds}; cpu = {k: [] for k in cmds}
keys = list(cmds)
for r in range(runs + 2):
    for k in keys[r % len(keys):] + keys[:r % len(keys)]:
        c = cmds[k]
        u0 = resource.getrusage(resource.RUSAGE_CHILDREN); t = time.perf_counter()
        subprocess.run(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t = time.perf_counter() - t; u1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        if r >= 2:
            wall[k].append(t * 1000); cpu[k].append((u1.ru_utime - u0.ru_utime + u1.ru_stime - u0.ru_stime) * 1000)
print(f"{runs} interleaved rounds, load average {os.getloadavg()[0]:.1f} at the end")
fw, fc = statistics.median(wall[keys[0]]), statistics.median(cpu[keys[0]])
print("| command | wall median (ms) | vs JVM floor | CPU median (ms) | CPU vs JVM floor |\n|---|---:|---:|---:|---:|")
for k in keys:
    w, c = statistics.median(wall[k]), statistics.median(cpu[k])
    print(f"| {k} | {w:.0f} | {w / fw:.2f}x | {c:.0f} | {c / fc:.2f}x |")
for what in ("--version", "doctor, usage error", "doctor --exe /bin/sh", "doctor, demo chain"):
    b, a = statistics.median(cpu["before: " + what]), statistics.median(cpu["after: " + what])
    print(f"CPU after/before, {what}: {a / b:.2f}")
PY

#!/usr/bin/env bash
# Start-up time of the inspector against a bare JVM (the floor: an empty main with the launcher's flags), in
# interleaved rounds: each round runs every command once, in an order that rotates from round to round, so
# load from other users of the machine hits every row alike. Medians of wall time and of CPU time (user + sys
# of the command and its children, from wait4), after two warm-up rounds, each with its ratio to the floor.
# Goals (issue: the CLI as people expect it): --version within 2.5x and the doctor within 5x of the floor.
#
# The rows also split the doctor's time: the launcher's --version is the JVM reaching Main (jar, class-data
# archive, the launcher script); "doctor, usage error" builds picocli's model of the root and the doctor and
# parses the command line (--probe-timeout 0 is refused before anything is examined); the doctor rows add
# the examination and the report.
# Usage: bench/startup.sh [RUNS]   (after `make`)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
jar=$PWD/inspector/target/memproxy.jar
jsa=$PWD/inspector/target/memproxy.jsa
[ -f "$jar" ] && [ -f "$jsa" ] || { echo "run 'make' first" >&2; exit 2; }
[ -f shim/build/libmemproxy.so ] || { echo "run 'make' first (the demo chain needs the shim)" >&2; exit 2; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
printf 'public class Floor { public static void main(String[] a) { System.out.println("x"); } }\n' > "$work/Floor.java"
javac -d "$work" "$work/Floor.java"
chain="$PWD/shim/build/libmemproxy.so:/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"
flags="-XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:-UsePerfData"
python3 - "$runs" <<PY
import os, shlex, statistics, subprocess, sys, time
runs = int(sys.argv[1])
rows = [
    ("JVM floor (empty main)", "java $flags -cp $work Floor"),
    ("memproxy --version, plain java -jar", "java -jar $jar --version"),
    ("memproxy --version, no archive", "java $flags -jar $jar --version"),
    ("memproxy --version, launcher", "bin/memproxy --version"),
    ("memproxy --version, launcher, from another directory", "sh -c 'cd / && exec $PWD/bin/memproxy --version'"),
    ("memproxy --version, launcher with two C1 compiler threads", "env MEMPROXY_JAVA_OPTS=-XX:CICompilerCount=2 bin/memproxy --version"),
    ("memproxy --help, launcher (every command's model)", "bin/memproxy --help"),
    ("memproxy elf libc.so.6, launcher", "bin/memproxy elf /lib/x86_64-linux-gnu/libc.so.6"),
    ("memproxy doctor, usage error (model and parsing only)", "bin/memproxy doctor -i --preload $chain --probe-timeout 0"),
    ("memproxy doctor --exe /bin/sh, launcher", "bin/memproxy doctor -i --preload $chain --exe /bin/sh"),
    ("memproxy doctor on the demo chain, launcher", "bin/memproxy doctor -i --preload $chain --config samples/memproxy.conf"),
]
wall = {n: [] for n, _ in rows}; cpu = {n: [] for n, _ in rows}
for r in range(runs + 2):
    k = r % len(rows)
    for name, cmd in rows[k:] + rows[:k]:
        t = time.perf_counter()
        p = subprocess.Popen(shlex.split(cmd), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, ru = os.wait4(p.pid, 0)
        t = time.perf_counter() - t
        if r >= 2:
            wall[name].append(t * 1000); cpu[name].append((ru.ru_utime + ru.ru_stime) * 1000)
fw, fc = statistics.median(wall[rows[0][0]]), statistics.median(cpu[rows[0][0]])
print(f"{runs} interleaved rounds, load average {os.getloadavg()[0]:.1f} at the end")
print("| command | wall median ms | vs JVM floor | CPU median ms (user+sys) | CPU vs JVM floor |")
print("|---|---:|---:|---:|---:|")
for name, _ in rows:
    w, c = statistics.median(wall[name]), statistics.median(cpu[name])
    print(f"| {name} | {w:.1f} | {w / fw:.2f}x | {c:.1f} | {c / fc:.2f}x |")
PY

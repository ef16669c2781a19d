#!/usr/bin/env bash
# Start-up time of the inspector: a bare JVM (floor), the jar without and with its class-data
# archive, --help (the whole command model), elf, and the doctor on the demo chain, in one hyperfine
# run so the ratios share the machine's load. Prints medians. Goals (issue: the CLI as people
# expect it): --version within 2.5x and the doctor within 5x of the floor.
# Usage: bench/startup.sh [RUNS]   (after `make`)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
jar=inspector/target/memproxy.jar
jsa=inspector/target/memproxy.jsa
[ -f "$jar" ] && [ -f "$jsa" ] || { echo "run 'make' first" >&2; exit 2; }
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
printf 'public class Floor { public static void main(String[] a) { System.out.println("x"); } }\n' > "$work/Floor.java"
javac -d "$work" "$work/Floor.java"
chain="$PWD/shim/build/libmemproxy.so:/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"
[ -f shim/build/libmemproxy.so ] || { echo "run 'make' first (the demo chain needs the shim)" >&2; exit 2; }
flags="-XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:-UsePerfData"
hyperfine -N -i -w 3 -r "$runs" --export-json "$work/r.json" \
  -n "JVM floor (empty main)" "java $flags -cp $work Floor" \
  -n "memproxy --version, plain java -jar" "java -jar $jar --version" \
  -n "memproxy --version, no archive" "java $flags -jar $jar --version" \
  -n "memproxy --version, launcher" "bin/memproxy --version" \
  -n "memproxy --version, launcher, from another directory" "sh -c 'cd / && exec $PWD/bin/memproxy --version'" \
  -n "memproxy --version, launcher with two C1 compiler threads" "env MEMPROXY_JAVA_OPTS=-XX:CICompilerCount=2 bin/memproxy --version" \
  -n "memproxy --help, launcher (every command's model)" "bin/memproxy --help" \
  -n "memproxy elf libc.so.6, launcher" "bin/memproxy elf /lib/x86_64-linux-gnu/libc.so.6" \
  -n "memproxy doctor on the demo chain, launcher" "bin/memproxy doctor -i --preload $chain --config samples/memproxy.conf" >/dev/null
python3 bench/median-table.py "$work/r.json" 0 "JVM floor"

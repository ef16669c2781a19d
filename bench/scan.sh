#!/usr/bin/env bash
# memproxy scan against scanelf (pax-utils, single-threaded C) over /usr/bin and
# /usr/lib/x86_64-linux-gnu, in one hyperfine run so the ratios share the machine's load, with the
# floors a Java scan cannot go below (bench/ScanFloor.java: the JVM alone, and a bare walk that
# opens each executable and reads 64 bytes); then peak memory (GNU time's maximum resident set size).
# Prints Markdown tables of medians.
# Usage: bench/scan.sh [RUNS]   (after `make`; needs hyperfine, pax-utils, time)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
dirs="/usr/bin /usr/lib/x86_64-linux-gnu"
[ -f inspector/target/memproxy.jar ] || { echo "run 'make' first" >&2; exit 2; }
for t in hyperfine scanelf /usr/bin/time; do
  command -v "$t" >/dev/null || { echo "needs $t (apt-get install hyperfine pax-utils time)" >&2; exit 2; }
done
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
javac -d "$work" bench/ScanFloor.java
floor="java -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:-UsePerfData -cp $work ScanFloor"
# The malloc family the scan looks for, as defined symbols (scanelf's '+' prefix).
syms="+malloc,+free,+calloc,+realloc,+memalign,+posix_memalign,+aligned_alloc,+valloc,+pvalloc,+malloc_usable_size"
# The files memproxy opens: regular files with an execute bit (hard links once is close enough here).
find $dirs -type f -perm /111 > "$work/exec-files"
mkdir "$work/empty"
echo "files: $(find $dirs -type f | wc -l) regular, $(wc -l < "$work/exec-files") with an execute bit," \
  "$(scanelf -R -F '%F' $dirs 2>/dev/null | wc -l) ELF (scanelf -R)"
hyperfine -N -w 3 -r "$runs" --export-json "$work/r.json" \
  -n "scanelf -R: needed lists, every file" "scanelf -R -q -F '%F %n' $dirs" \
  -n "scanelf -R: symbol search, every file" "scanelf -R -q -s $syms $dirs" \
  -n "scanelf: needed + symbols, the executables memproxy opens" "scanelf -q -n -s $syms -f $work/exec-files" \
  -n "java: start and exit (the JVM alone)" "$floor" \
  -n "java: bare walk, 64 bytes of each executable (bench/ScanFloor.java)" "$floor $dirs" \
  -n "memproxy --version (JVM, jar, picocli)" "bin/memproxy --version" \
  -n "memproxy scan of an empty directory (start-up, picocli, scan set-up)" "bin/memproxy scan --no-progress --format json $work/empty" \
  -n "memproxy scan (2 threads)" "bin/memproxy scan --no-progress --format json $dirs" \
  -n "memproxy scan --threads 1" "bin/memproxy scan --no-progress --threads 1 --format json $dirs" >/dev/null
python3 bench/median-table.py "$work/r.json" 1 "scanelf symbol search"
echo
echo "| peak memory (maximum resident set size) | MiB |"
echo "|---|---:|"
for what in "$dirs" ""; do
  /usr/bin/time -f "%M" -o "$work/rss" bin/memproxy scan --no-progress --format json $what > /dev/null || true
  echo "| memproxy scan ${what:-(default: PATH and /usr/lib*)} | $(( $(cat "$work/rss") / 1024 )) |"
done
/usr/bin/time -f "%M" -o "$work/rss" scanelf -R -q -s $syms $dirs > /dev/null
echo "| scanelf -R symbol search | $(( $(cat "$work/rss") / 1024 )) |"

#!/usr/bin/env bash
# The ELF reader over whole directories in one JVM (launcher flags), against the floor of opening
# each file and reading 64 bytes, measured in the same run. Prints the cold first round and medians.
# Usage: bench/elf-scan.sh [ROUNDS] [DIR...]   (after `make`; default /usr/bin /usr/lib/x86_64-linux-gnu)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-11}; shift || true
dirs=("$@"); [ ${#dirs[@]} -gt 0 ] || dirs=(/usr/bin /usr/lib/x86_64-linux-gnu)
jar=inspector/target/memproxy.jar
[ -f "$jar" ] || { echo "run 'make' first" >&2; exit 2; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
javac -cp "$jar" -d "$work" bench/ElfScan.java
java -XX:TieredStopAtLevel=1 -XX:-UsePerfData -cp "$jar:$work" ElfScan "$rounds" "${dirs[@]}"

#!/usr/bin/env bash
# Shim overhead, measured in one run with interleaved pairs:
#   glibc alone            vs  shim, system route (no allocator in the chain)
#   <allocator> preloaded  vs  shim + <allocator>, allocator route
# for small and medium sizes, 1 and 2 threads. Prints the median CPU ns/iteration
# of PAIRS pairs (default 21) and the ratio shim/baseline, then the exact
# instruction count per iteration from callgrind (independent of load).
# Usage: bench/run.sh [PAIRS]
set -euo pipefail
cd "$(dirname "$0")"
PAIRS=${1:-31}
BENCH=$PWD/build/malloc-bench
SHIM=$(cd ../shim/build && pwd)/libmemproxy.so
LIB=/usr/lib/x86_64-linux-gnu
mkdir -p results
RAW=results/raw.txt
: > "$RAW"
export MEMPROXY_CONF=/dev/null/none  # missing: nothing excluded

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# name  baseline-preload  shim-preload
CASES=(
	"glibc||$SHIM"
	"jemalloc|$LIB/libjemalloc.so.2|$SHIM:$LIB/libjemalloc.so.2"
	"tcmalloc|$LIB/libtcmalloc_minimal.so.4|$SHIM:$LIB/libtcmalloc_minimal.so.4"
	"mimalloc|$LIB/libmimalloc.so.2|$SHIM:$LIB/libmimalloc.so.2"
)
WORKLOADS=("small 1" "small 2" "medium 1" "medium 2")

echo "| baseline | workload | baseline CPU ns/iter | shim CPU ns/iter | ratio (median of pair ratios) |"
echo "|---|---|---:|---:|---:|"
for c in "${CASES[@]}"; do
	IFS='|' read -r name base shim <<<"$c"
	for w in "${WORKLOADS[@]}"; do
		read -r size threads <<<"$w"
		# About 0.1-0.3 s per run: long enough that start-up does not count.
		if [ "$size" = small ]; then ITER=4000000; else ITER=400000; fi
		b=() s=()
		for ((i = 0; i < PAIRS; i++)); do
			# Alternate which one runs first, so drift hits both sides alike.
			if ((i % 2 == 0)); then
				b+=("$(LD_PRELOAD=$base "$BENCH" "$size" "$threads" $ITER)")
				s+=("$(LD_PRELOAD=$shim "$BENCH" "$size" "$threads" $ITER)")
			else
				s+=("$(LD_PRELOAD=$shim "$BENCH" "$size" "$threads" $ITER)")
				b+=("$(LD_PRELOAD=$base "$BENCH" "$size" "$threads" $ITER)")
			fi
		done
		echo "$name $size $threads base ${b[*]}" >> "$RAW"
		echo "$name $size $threads shim ${s[*]}" >> "$RAW"
		mb=$(printf '%s\n' "${b[@]}" | median)
		ms=$(printf '%s\n' "${s[@]}" | median)
		# Median of the per-pair ratios: each pair ran back to back under the same load.
		mr=$(for ((i = 0; i < PAIRS; i++)); do echo "${s[$i]} ${b[$i]}" | awk '{ print $1 / $2 }'; done | median)
		label=$([ "$name" = glibc ] && echo "glibc (shim: system route)" || echo "$name (shim: allocator route)")
		printf '| %s | %s, %s thread%s | %.1f | %.1f | %.3f |\n' "$label" "$size" "$threads" \
			"$([ "$threads" = 1 ] || echo s)" "$mb" "$ms" "$mr"
	done
done

# Instructions per iteration: callgrind at N and 2N iterations, so start-up
# (loading, the shim's one decision) cancels out.
irs() {  # PRELOAD SIZE N -> total instructions
	local out
	out=$(mktemp)
	LD_PRELOAD=$1 valgrind --tool=callgrind --callgrind-out-file="$out" "$BENCH" "$2" 1 "$3" >/dev/null 2>&1
	awk '/^summary:|^totals:/ { print $2; exit }' "$out"
	rm -f "$out"
}
echo
echo "| baseline | workload | baseline instr/iter | shim instr/iter | extra instr/iter |"
echo "|---|---|---:|---:|---:|"
N=100000
for c in "${CASES[@]}"; do
	IFS='|' read -r name base shim <<<"$c"
	for size in small medium; do
		b1=$(irs "$base" $size $N) b2=$(irs "$base" $size $((2 * N)))
		s1=$(irs "$shim" $size $N) s2=$(irs "$shim" $size $((2 * N)))
		awk -v n=$N -v b1="$b1" -v b2="$b2" -v s1="$s1" -v s2="$s2" -v name="$name" -v size=$size \
			'BEGIN { b = (b2 - b1) / n; s = (s2 - s1) / n; printf "| %s | %s, 1 thread | %.1f | %.1f | %+.1f |\n", name, size, b, s, s - b }'
	done
done
echo
echo "raw samples: bench/$RAW"

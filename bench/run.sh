#!/usr/bin/env bash
# Allocation throughput through the shim, against the allocator alone and
# against the floor of any interposing library, in one run:
#   alone    glibc, or the allocator preloaded alone
#   floor    libforward.so + the same: one indirect jump per call (forward.c)
#   shim     the shim + the same (system route for glibc, allocator route otherwise)
# Each round runs the three chains back to back, the order rotating round to
# round, pinned to one CPU (taskset -c $CPU), so all three see the same load.
# Prints the median CPU ns/iteration of each chain and the median of the
# per-round ratios floor/alone and shim/alone, with their range over the
# rounds, then the exact instruction counts per iteration from callgrind.
# Usage: bench/run.sh [ROUNDS]   (env: SHIM=path of libmemproxy.so, CPU=1,
#                                 WORKLOADS="small 1;medium 1;small 2")
set -euo pipefail
cd "$(dirname "$0")"
ROUNDS=${1:-21}
BENCH=$PWD/build/malloc-bench
FLOOR=$PWD/build/libforward.so
SHIM=${SHIM:-$(cd ../shim/build && pwd)/libmemproxy.so}
CPU=${CPU:-1}
LIB=/usr/lib/x86_64-linux-gnu
IFS=';' read -r -a WORKLOADS <<<"${WORKLOADS:-small 1;medium 1}"
mkdir -p results
RAW=results/raw.txt
: > "$RAW"
export MEMPROXY_CONF=/dev/null/none  # missing: nothing excluded

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
range() { sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.3f–%.3f", lo, hi }'; }

# name  allocator-preload (empty for glibc)
CASES=(
	"glibc|"
	"jemalloc|$LIB/libjemalloc.so.2"
	"tcmalloc|$LIB/libtcmalloc_minimal.so.4"
	"mimalloc|$LIB/libmimalloc.so.2"
)
chain() {  # KIND ALLOCATOR -> LD_PRELOAD value
	local first
	case $1 in alone) first= ;; floor) first=$FLOOR ;; shim) first=$SHIM ;; esac
	if [ -n "$first" ] && [ -n "$2" ]; then echo "$first:$2"; else echo "$first$2"; fi
}

echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the start; pinned to CPU $CPU; $ROUNDS rounds"
echo
echo "| allocator | workload | alone ns/iter | floor ns/iter | shim ns/iter | floor/alone (range) | shim/alone (range) | shim/floor |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
for c in "${CASES[@]}"; do
	IFS='|' read -r name alloc <<<"$c"
	for w in "${WORKLOADS[@]}"; do
		read -r size threads <<<"$w"
		if [ "$size" = small ]; then ITER=2000000; else ITER=200000; fi
		declare -A t=([alone]="" [floor]="" [shim]="")
		rf=() rs=() rsf=()
		kinds=(alone floor shim)
		for ((i = 0; i < ROUNDS; i++)); do
			declare -A got=()
			for ((k = 0; k < 3; k++)); do
				kind=${kinds[$(((i + k) % 3))]}
				got[$kind]=$(LD_PRELOAD=$(chain "$kind" "$alloc") taskset -c "$CPU" "$BENCH" "$size" "$threads" $ITER)
				t[$kind]+=" ${got[$kind]}"
			done
			rf+=("$(awk -v a="${got[floor]}" -v b="${got[alone]}" 'BEGIN { print a / b }')")
			rs+=("$(awk -v a="${got[shim]}" -v b="${got[alone]}" 'BEGIN { print a / b }')")
			rsf+=("$(awk -v a="${got[shim]}" -v b="${got[floor]}" 'BEGIN { print a / b }')")
		done
		for kind in alone floor shim; do echo "$name $size $threads $kind${t[$kind]}" >> "$RAW"; done
		printf '| %s | %s, %s thread%s | %.2f | %.2f | %.2f | %.3f (%s) | %.3f (%s) | %.3f |\n' "$name" "$size" "$threads" \
			"$([ "$threads" = 1 ] || echo s)" \
			"$(tr ' ' '\n' <<<"${t[alone]}" | grep . | median)" \
			"$(tr ' ' '\n' <<<"${t[floor]}" | grep . | median)" \
			"$(tr ' ' '\n' <<<"${t[shim]}" | grep . | median)" \
			"$(printf '%s\n' "${rf[@]}" | median)" "$(printf '%s\n' "${rf[@]}" | range)" \
			"$(printf '%s\n' "${rs[@]}" | median)" "$(printf '%s\n' "${rs[@]}" | range)" \
			"$(printf '%s\n' "${rsf[@]}" | median)"
		unset t
	done
done
echo
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"

# Instructions per iteration: callgrind at N and 2N iterations, so start-up
# (loading, the shim's one decision) cancels out.
[ "${NO_CALLGRIND:-}" ] && exit 0
irs() {  # PRELOAD SIZE N -> total instructions
	local out
	out=$(mktemp)
	LD_PRELOAD=$1 valgrind --tool=callgrind --callgrind-out-file="$out" "$BENCH" "$2" 1 "$3" >/dev/null 2>&1
	awk '/^summary:|^totals:/ { print $2; exit }' "$out"
	rm -f "$out"
}
echo
echo "| allocator | workload | alone instr/iter | floor | shim | floor − alone | shim − alone |"
echo "|---|---|---:|---:|---:|---:|---:|"
N=100000
for c in "${CASES[@]}"; do
	IFS='|' read -r name alloc <<<"$c"
	for size in small medium; do
		v=()
		for kind in alone floor shim; do
			p=$(chain "$kind" "$alloc")
			a=$(irs "$p" $size $N) b=$(irs "$p" $size $((2 * N)))
			v+=("$(awk -v a="$a" -v b="$b" -v n=$N 'BEGIN { print (b - a) / n }')")
		done
		awk -v name="$name" -v size=$size -v a="${v[0]}" -v f="${v[1]}" -v s="${v[2]}" \
			'BEGIN { printf "| %s | %s, 1 thread | %.1f | %.1f | %.1f | %+.1f | %+.1f |\n", name, size, a, f, s, f - a, s - a }'
	done
done
echo
echo "raw samples: bench/$RAW"

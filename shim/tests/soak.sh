#!/usr/bin/env bash
# soak.sh [--short]: real programs' own test suites under every chain, compared
# with the same run without a preload, test by test:
# - CPython's (Debian's libpython3.11-testsuite), PYTHONMALLOC=malloc so that
#   every object goes through malloc; one `python3.11 -m test -v MODULE` per
#   module, compared by its per-test "... ok/FAIL/skipped" lines and exit status;
# - GLib's installed tests (libglib2.0-tests), G_SLICE=always-malloc; one
#   program per suite, compared by its TAP "ok/not ok" lines and exit status.
# Chains: each allocator on the allocator route (nothing listed) and on the
# system route (@allocator none), behind the shim. `make soak` runs the whole
# list (docs/testing.md, "Soak", gives the duration); --short is the subset `make test` runs.
# Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
SHIM=$PWD/build/libmemproxy.so
LIBDIR=${LIBDIR:-/usr/lib/x86_64-linux-gnu}
PYTHON=/usr/bin/python3.11
GLIB_TESTS=/usr/libexec/installed-tests/glib
declare -A ALLOC_LIB=(
	[jemalloc]=$LIBDIR/libjemalloc.so.2
	[tcmalloc]=$LIBDIR/libtcmalloc_minimal.so.4
	[mimalloc]=$LIBDIR/libmimalloc.so.2
)

if [ "${1:-}" = --short ]; then
	PY_MODULES="test_bisect test_list test_string"
	GLIB_SUITES="array-test base64 hash string mem-overflow"
else
	PY_MODULES="test_bisect test_heapq test_list test_tuple test_dict test_set test_deque test_string
		test_bytes test_unicode test_int test_long test_float test_math test_json test_re test_struct
		test_array test_collections test_functools test_operator test_copy test_csv test_base64
		test_binascii test_hashlib test_zlib test_datetime test_fractions test_textwrap test_difflib
		test_enum test_memoryview test_tracemalloc"
	GLIB_SUITES="array-test base64 bytes checksum hash list slist string strfuncs markup-parse tree regex
		option-context mem-overflow keyfile date dataset node cache hook hostutils scannerapi shell uri
		utf8-validate unicode once protocol refcount rcbox strvbuilder pattern queue"
fi
for f in "$SHIM" "$PYTHON" "$GLIB_TESTS/array-test"; do
	[ -e "$f" ] || { echo "soak: $f is missing (make -C shim; make deps)"; exit 2; }
done

WORK=$(mktemp -d /tmp/memproxy-soak.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
: > "$WORK/empty.conf"
printf '@allocator none\n' > "$WORK/none.conf"
passed=0
failed=0

# outcome KIND NAME: the run's normalised result on stdout.
outcome() {
	local kind=$1 name=$2 rc
	if [ "$kind" = python ]; then
		PYTHONMALLOC=malloc timeout 900 "$PYTHON" -m test -v "$name" > "$WORK/out" 2>&1
		rc=$?
		grep -E ' \.\.\. (ok|FAIL|ERROR|skipped.*|expected failure|unexpected success)$' "$WORK/out" | sort
	else
		G_SLICE=always-malloc timeout 900 "$GLIB_TESTS/$name" > "$WORK/out" 2>&1
		rc=$?
		# A suite may name a test after its random seed (queue: /queue/random/seed:N).
		grep -E '^(not )?ok [0-9]+ ' "$WORK/out" | sed -E 's/ # .*//; s/seed:[0-9]+/seed:N/' | sort
	fi
	echo "exit status $rc"
}

# The route each chain takes, from the shim's own debug line.
route_of() {  # CONF PRELOAD
	MEMPROXY_CONF=$1 MEMPROXY_DEBUG=1 LD_PRELOAD=$2 "$PYTHON" -c pass 2>&1 | sed -n 's/.* route=\([a-z]*\) allocator=\([a-z]*\) .*/\1 \2/p'
}

CHAINS=()
for a in jemalloc tcmalloc mimalloc; do
	CHAINS+=("allocator $a $WORK/empty.conf $SHIM:${ALLOC_LIB[$a]}" "system $a $WORK/none.conf $SHIM:${ALLOC_LIB[$a]}")
done
for c in "${CHAINS[@]}"; do
	read -r route alloc conf preload <<< "$c"
	want="$route $([ "$route" = allocator ] && echo "$alloc" || echo none)"
	got=$(route_of "$conf" "$preload")
	if [ "$got" = "$want" ]; then
		passed=$((passed + 1)); echo "ok - $alloc $route route: the shim decides '$got'"
	else
		failed=$((failed + 1)); echo "FAIL - $alloc $route route: the shim decided '$got', expected '$want'"
	fi
done

start=$(date +%s)
for kind in python glib; do
	if [ $kind = python ]; then list=$PY_MODULES; else list=$GLIB_SUITES; fi
	for name in $list; do
		LD_PRELOAD= outcome $kind "$name" > "$WORK/base"
		if ! tail -1 "$WORK/base" | grep -qx 'exit status 0'; then
			echo "# note: $kind $name fails without a preload too ($(tail -1 "$WORK/base")); compared as it is"
		fi
		for c in "${CHAINS[@]}"; do
			read -r route alloc conf preload <<< "$c"
			MEMPROXY_CONF=$conf LD_PRELOAD=$preload outcome $kind "$name" > "$WORK/shim"
			if cmp -s "$WORK/base" "$WORK/shim"; then
				passed=$((passed + 1))
				echo "ok - $alloc $route route: $kind $name ($(grep -vc '^exit status' "$WORK/base") tests)"
			else
				failed=$((failed + 1))
				echo "FAIL - $alloc $route route: $kind $name differs from the run without a preload:"
				diff "$WORK/base" "$WORK/shim" | head -20 | sed 's/^/    /'
			fi
		done
	done
done
echo "# $(( $(date +%s) - start )) s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]

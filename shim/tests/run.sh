#!/usr/bin/env bash
# Runs the shim's tests under the real Debian allocators. Ends with the line
# "N passed, N failed" and exits non-zero when anything failed.
# ARCH (x86_64, i386; default the host's) picks the build (SHIM_BUILD, default
# build/ARCH), the allocators' directory (LIBDIR) and the real programs (PROGRAMS).
# Under emulation (make test-aarch64) QEMU names qemu-aarch64-static, SHIM_BUILD the
# trampolines that start the programs of GUEST_BUILD under it, and SHIM_BUILD/bin
# the real arm64 programs.
set -u
cd "$(dirname "$0")/.."
SHIM_DIR=$PWD
ARCH=${ARCH:-$(uname -m)}
declare -A TRIPLET=([x86_64]=x86_64-linux-gnu [i386]=i386-linux-gnu [aarch64]=aarch64-linux-gnu)
B=${SHIM_BUILD:-$SHIM_DIR/build/$ARCH}
T=$B/tests
SHIM=$B/libmemproxy.so
QEMU=${QEMU:-}
# Where the programs themselves are, for the checks that hand one to a loader or an emulator.
GUEST_T=${GUEST_BUILD:-$B}/tests
LIBDIR=${LIBDIR:-/usr/lib/${TRIPLET[$ARCH]}}
PROGRAMS_FILE=${PROGRAMS:-$SHIM_DIR/tests/programs$([ "$ARCH" != x86_64 ] && echo -$ARCH).txt}
echo "# $ARCH: $SHIM with the allocators in $LIBDIR"
VECTORS=$SHIM_DIR/tests/config-vectors.tsv
export SAMPLES=$SHIM_DIR/../samples/build
make -s -C "$SHIM_DIR/../samples" all || exit 1
declare -A ALLOC_LIB=(
	[jemalloc]=$LIBDIR/libjemalloc.so.2
	[tcmalloc]=$LIBDIR/libtcmalloc_minimal.so.4
	[mimalloc]=$LIBDIR/libmimalloc.so.2
)
# The allocators of data/allocators.tsv (the shim's table), each of which needs its library above.
ALLOCATORS=$(awk -F '\t' '!/^#/ && NF { print $1 }' "$SHIM_DIR/data/allocators.tsv")
for a in $ALLOCATORS; do [ -n "${ALLOC_LIB[$a]:-}" ] || { echo "run.sh: no library for allocator $a of data/allocators.tsv"; exit 1; }; done

WORK=$(mktemp -d /tmp/memproxy-test.XXXXXX)
chmod 755 "$WORK"
trap 'rm -rf "$WORK"' EXIT
: > "$WORK/empty.conf"
printf '# listed programs\nprobe\ncontract\nstress\nctor\ncxxtest\nreenter\nnullerrno\nglibcapi\nnewedge\nnewedge-libc++\nobjects-main\npreinit\nconform\n' > "$WORK/listed.conf"
printf '@allocator none\n' > "$WORK/none.conf"
for a in $ALLOCATORS; do printf '@allocator %s\n' $a > "$WORK/$a.conf"; done
# One chain for both classes, as installed machine-wide: $MULTI/$LIB/libmemproxy.so holds every built
# shim, /usr/$LIB the allocator of the process's class.
MULTI=$WORK/multiarch
for lib in "$SHIM_DIR"/build/*/libmemproxy.so; do
	arch=$(basename "$(dirname "$lib")")
	mkdir -p "$MULTI/lib/${TRIPLET[$arch]}" && ln -s "$lib" "$MULTI/lib/${TRIPLET[$arch]}/libmemproxy.so"
done
LIB_CHAIN() { echo "$MULTI/\$LIB/libmemproxy.so:/usr/\$LIB/$(basename "${ALLOC_LIB[$1]}")"; }

passed=0
failed=0
# Secure execution and unreadable files need a second user: root, or sudo without a password.
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
LOG=$WORK/log

# check NAME COMMAND...: passes when COMMAND exits 0.
check() {
	local name=$1
	shift
	if "$@" > "$LOG" 2>&1; then
		passed=$((passed + 1))
		echo "ok - $name"
	else
		failed=$((failed + 1))
		echo "FAIL - $name"
		tail -n 15 "$LOG" | sed 's/^/    /'
	fi
}

# shim_run CONF PRELOAD CMD...: run with MEMPROXY_DEBUG; the debug line lands in $WORK/debug.
shim_run() {
	local conf=$1 preload=$2
	shift 2
	MEMPROXY_CONF=$conf MEMPROXY_DEBUG=1 LD_PRELOAD=$preload "$@" 2> "$WORK/debug"
	local rc=$?
	cat "$WORK/debug" >&2
	return $rc
}

# expect_line ROUTE ALLOCATOR REASON: the debug line of the last shim_run.
expect_line() {
	grep -Eq "^memproxy: pid=[0-9]+ exe=[^ ]+ route=$1 allocator=$2 reason=$3\$" "$WORK/debug" || {
		echo "expected route=$1 allocator=$2 reason=$3 in:"
		cat "$WORK/debug"
		return 1
	}
}

# routed CONF PRELOAD ROUTE ALLOCATOR REASON CMD...: runs, then checks the line.
routed() {
	local conf=$1 preload=$2 route=$3 alloc=$4 reason=$5
	shift 5
	shim_run "$conf" "$preload" "$@" && expect_line "$route" "$alloc" "$reason"
}

echo "# build facts"
# size_t in mangled C++ names: m (unsigned long) on LP64, j (unsigned int) on ILP32.
SZ=m; [ "$ARCH" = i386 ] && SZ=j
LIBC=${LIBC:-$LIBDIR/libc.so.6}
# glibc's malloc API: every function libc.so.6 exports (default or compatibility
# version, GLIBC_PRIVATE aside) under one of the malloc family's names.
glibc_malloc_api() {
	nm -D --defined-only "$LIBC" | awk '$2 ~ /^[TW]$/ && $3 !~ /GLIBC_PRIVATE/ { sub(/@.*/, "", $3); print $3 }' |
		grep -Ex '(__libc_)?(malloc|free|cfree|calloc|realloc|reallocarray|memalign|aligned_alloc|posix_memalign|valloc|pvalloc|mallopt|mallinfo2?|malloc_[a-z_]+)' |
		sort -u
}
# The shim's exports, data/exports.txt (shared with the inspector), in this build's C++ mangling.
listed_exports() {
	awk -F '\t' '!/^#/ && NF == 2 { print $1 }' "$SHIM_DIR/data/exports.txt" |
		sed -E "s/^(_Zn[wa]|_Zd[la]Pv)m/\\1$SZ/" | sort
}
exports() {
	local got
	got=$(nm -D --defined-only "$SHIM" | awk '{print $3}' | sort)
	[ "$(glibc_malloc_api | wc -l)" -ge 27 ] || { echo "too few malloc functions found in $LIBC"; return 1; }
	[ "$(listed_exports | wc -l)" -ge 48 ] || { echo "too few symbols in data/exports.txt"; return 1; }
	echo "built library vs data/exports.txt:"
	diff <(listed_exports) <(echo "$got") &&
		echo "libc.so.6's malloc API missing from data/exports.txt:" &&
		! comm -23 <(glibc_malloc_api) <(listed_exports) | grep .
}
check "exports data/exports.txt, nothing else, and that covers glibc's whole malloc API (from $LIBC)" exports
# One atomic pointer to an immutable table, published with release, read with acquire; then the
# entry points' slots (route.h), each stored with release from that table, read with acquire.
publication() {
	! grep -n 'memory_order_relaxed\|__ATOMIC_RELAXED\|__ATOMIC_CONSUME' "$SHIM_DIR"/src/*.c "$SHIM_DIR"/src/*.h &&
		grep -q 'atomic_store_explicit(&mp_current, t, memory_order_release)' "$SHIM_DIR/src/memproxy.c" &&
		grep -q 'atomic_load_explicit(&mp_current, memory_order_acquire)' "$SHIM_DIR/src/route.h" &&
		grep -q '__atomic_store_n(&mp_live.f, t->f, __ATOMIC_RELEASE)' "$SHIM_DIR/src/memproxy.c" &&
		grep -q '__atomic_load_n(&mp_live.slot, __ATOMIC_ACQUIRE)' "$SHIM_DIR/src/route.h" &&
		[ "$(grep -c 'mp_current' "$SHIM_DIR"/src/*.c | awk -F: '{s+=$2} END {print s}')" = 2 ] &&
		[ "$(grep -c 'mp_live' "$SHIM_DIR"/src/*.c | awk -F: '{s+=$2} END {print s}')" = 2 ]
}
check "the route is published with release and read with acquire (no relaxed or plain access)" publication
# x86-64: an entry point that only forwards is one indirect jump through its slot, the least any
# interposing library costs (BENCHMARKS.md "Shim overhead"); endbr64 before it when built with CET.
one_jump() {
	local f a out
	for f in malloc free calloc realloc _Znwm _ZdlPv; do
		a=$(nm -D --defined-only "$SHIM" | awk -v f="$f" '$3 == f { print $1 }')
		out=$(objdump -d --no-show-raw-insn --start-address=0x$a --stop-address=$((0x$a + 16)) "$SHIM" |
			grep -E '^ +[0-9a-f]+:' | grep -v endbr64 | head -1)
		echo "$out" | grep -Eq 'jmp +\*0x[0-9a-f]+\(%rip\) +# [0-9a-f]+ <mp_live(\+0x[0-9a-f]+)?>' || { echo "$f: $out"; return 1; }
	done
}
[ "$ARCH" = x86_64 ] && check "x86-64: malloc, free, calloc, realloc, new, delete are each one jmp *slot(%rip)" one_jump
config_path_symbol() {
	nm -D --defined-only "$SHIM" | grep -q ' R memproxy_config_path$'
}
check "the compiled-in list path is exported as read-only data (memproxy_config_path)" config_path_symbol
no_cxx_runtime() {
	! readelf -d "$SHIM" | grep -E 'NEEDED.*(stdc\+\+|gcc_s)' && readelf -d "$SHIM" | grep -q 'NEEDED.*libc.so.6'
}
check "needs only libc (no C++ runtime)" no_cxx_runtime
check "config vectors ($VECTORS)" "$T/vectors" "$VECTORS"
compiled_profiles() {
	diff <(grep -v '^#' "$SHIM_DIR/data/allocators.tsv" | cut -f 1-9) <("$T/vectors" --profiles)
}
check "the compiled allocator table is data/allocators.tsv (the inspector's too)" compiled_profiles
man_page_clean() { [ -z "$(groff -t -man -Tutf8 -ww -z "$SHIM_DIR/memproxy.conf.5" 2>&1)" ]; }
check "memproxy.conf.5 formats without warnings" man_page_clean

echo "# no allocator in the chain: glibc"
check "no allocator: debug line" routed "$WORK/empty.conf" "$SHIM" system none no-allocator "$T/probe" glibc
check "no allocator: contract" routed "$WORK/empty.conf" "$SHIM" system none no-allocator "$T/contract" system
check "no allocator: C++" routed "$WORK/empty.conf" "$SHIM" system none no-allocator "$T/cxxtest" glibc

for a in $ALLOCATORS; do
	lib=${ALLOC_LIB[$a]}
	for order in short libc; do
		if [ $order = short ]; then chain="$SHIM:$lib"; else chain="$SHIM:libc.so.6:$lib"; fi
		tag="$a, ${chain//$B\//}"
		tag=${tag//$LIBDIR\//}
		echo "# $tag"
		check "$tag: not listed -> $a serves everything" \
			routed "$WORK/empty.conf" "$chain" allocator "$a" not-excluded "$T/probe" "$a"
		check "$tag: listed -> glibc serves everything" \
			routed "$WORK/listed.conf" "$chain" system none excluded "$T/probe" glibc
		check "$tag: @allocator none -> glibc" \
			routed "$WORK/none.conf" "$chain" system none forced "$T/probe" glibc
		check "$tag: @allocator $a" \
			routed "$WORK/$a.conf" "$chain" allocator "$a" not-excluded "$T/probe" "$a"
		for route in allocator system; do
			if [ $route = allocator ]; then conf=$WORK/empty.conf; owner=$a; else conf=$WORK/listed.conf; owner=glibc; fi
			check "$tag: $route route: contract (errno, EINVAL, overflow, alignment 16..64K)" \
				shim_run "$conf" "$chain" "$T/contract" $route
			check "$tag: $route route: every NULL sets ENOMEM" shim_run "$conf" "$chain" "$T/nullerrno"
			check "$tag: $route route: glibc's other entry points (__libc_*, cfree, mallopt, mallinfo2)" \
				shim_run "$conf" "$chain" "$T/glibcapi" "$owner"
			check "$tag: $route route: new-handler corners under libstdc++" shim_run "$conf" "$chain" "$T/newedge"
			# libc++ is Debian's for the host word size only (shim/Makefile); the shim's path for it is the same on both.
			[ "$ARCH" = "$(uname -m)" ] &&
				check "$tag: $route route: new-handler corners under libc++" shim_run "$conf" "$chain" "$T/newedge-libc++"
			check "$tag: $route route: 300 shared objects before libc" \
				shim_run "$conf" "$chain" "$T/objects/objects-main" "$owner"
			check "$tag: $route route: allocation from .preinit_array sees MEMPROXY_CONF" \
				shim_run "$conf" "$chain" "$T/preinit" "$owner"
			# Debian's 32-bit jemalloc deadlocks on its own in a child forked while other threads allocate:
			# preloaded alone, with no shim, this program hung 4 times in 25. The allocator route is that
			# allocator alone, so on i386 the check runs only where jemalloc does not serve the threads.
			if [ "$ARCH" = i386 ] && [ "$a" = jemalloc ] && [ "$route" = allocator ]; then :; else
			check "$tag: $route route: threads x malloc/realloc/free + fork" \
				shim_run "$conf" "$chain" timeout 300 "$T/stress"
			fi
			check "$tag: $route route: constructors, destructors, dlopen" \
				shim_run "$conf" "$chain" "$T/ctor" "$T/libctor.so"
			check "$tag: $route route: C++ new/delete, aligned, nothrow, bad_alloc" \
				shim_run "$conf" "$chain" "$T/cxxtest" "$owner"
			check "$tag: $route route: arena blocks from a re-entrant call" \
				shim_run "$conf" "${chain/$SHIM/$SHIM:$T/libreenter.so}" "$T/reenter"
			check "$tag: $route route: probe with an arena in use" \
				shim_run "$conf" "${chain/$SHIM/$SHIM:$T/libreenter.so}" "$T/probe" "$owner"
		done
	done
done

echo "# fork handlers a library looks up at run time"
# tcmalloc registers its fork handlers through a weak pthread_atfork, which arm64's libc.so.6 does not export
# (src/atfork.c); the shim's must be the one it finds, on every architecture.
atfork_binding() {
	LD_DEBUG=bindings MEMPROXY_CONF=$WORK/empty.conf LD_PRELOAD=$SHIM:${ALLOC_LIB[tcmalloc]} "$T/probe" tcmalloc 2> "$WORK/bindings" &&
		grep -E "binding file [^ ]*libtcmalloc_minimal\.so\.4 \[0\] to [^ ]*libmemproxy\.so \[0\]: normal symbol \`pthread_atfork'" "$WORK/bindings"
}
check "tcmalloc's pthread_atfork binds to the shim's (LD_DEBUG=bindings)" atfork_binding

echo "# the decision's inputs, whatever the start"
LDSO=$(readelf -l "$GUEST_T/probe" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
# Under emulation the loader is started through its trampoline, and given the program itself.
LDSO_RUN=$LDSO; [ -n "$QEMU" ] && LDSO_RUN=$B/ld.so
for a in $ALLOCATORS; do
	check "$a: started through the loader ($LDSO probe): the program's own name is listed" \
		routed "$WORK/listed.conf" "$SHIM:${ALLOC_LIB[$a]}" system none excluded "$LDSO_RUN" "$GUEST_T/probe" glibc
	check "$a: started through the loader: a program not listed gets $a" \
		routed "$WORK/empty.conf" "$SHIM:${ALLOC_LIB[$a]}" allocator $a not-excluded "$LDSO_RUN" "$GUEST_T/probe" $a
	check "$a: first allocation in .preinit_array: MEMPROXY_CONF and MEMPROXY_DEBUG honoured" \
		routed "$WORK/listed.conf" "$SHIM:${ALLOC_LIB[$a]}" system none excluded "$T/preinit" glibc
	check "$a: 300 shared objects before libc: the system route is glibc's" \
		routed "$WORK/listed.conf" "$SHIM:${ALLOC_LIB[$a]}" system none excluded "$T/objects/objects-main" glibc
done
check "no allocator: 300 shared objects before libc" \
	routed "$WORK/empty.conf" "$SHIM" system none no-allocator "$T/objects/objects-main" glibc
# The program's name is read (readlinkat of /proc/self/exe) only when the list names a program or
# MEMPROXY_DEBUG is set: without /proc (a mount namespace with an empty tmpfs over it) a list that names
# one gives exe-unknown, one that names none the allocator. qemu answers a readlink of /proc/self/exe
# itself, without /proc, so under emulation the name is always known: these run on the host's classes.
if [ -z "$QEMU" ]; then
	without_proc() {  # CONF PRELOAD CMD...: routed, in a mount namespace where /proc is an empty tmpfs
		local conf=$1 preload=$2
		shift 2
		as_root unshare --mount sh -c 'mount -t tmpfs none /proc && [ ! -e /proc/self/exe ] && exec "$@"' sh \
			env MEMPROXY_CONF="$conf" MEMPROXY_DEBUG=1 LD_PRELOAD="$preload" "$@" 2> "$WORK/debug"
		local rc=$?
		cat "$WORK/debug" >&2
		return $rc
	}
	exe_unknown_named() {  # ALLOCATOR
		without_proc "$WORK/listed.conf" "$SHIM:${ALLOC_LIB[$1]}" "$T/probe" glibc &&
			expect_line system none exe-unknown && grep -q " exe=? " "$WORK/debug"
	}
	exe_unknown_unnamed() {  # ALLOCATOR CONF
		without_proc "$2" "$SHIM:${ALLOC_LIB[$1]}" "$T/probe" "$1" &&
			expect_line allocator "$1" not-excluded && grep -q " exe=? " "$WORK/debug"
	}
	for a in $ALLOCATORS; do
		check "$a: /proc/self/exe unreadable, the list names a program -> system, exe-unknown" exe_unknown_named $a
		check "$a: /proc/self/exe unreadable, an empty list -> $a" exe_unknown_unnamed $a "$WORK/empty.conf"
	done
	check "jemalloc: /proc/self/exe unreadable, the installed list (names none) -> jemalloc" \
		exe_unknown_unnamed jemalloc "$SHIM_DIR/memproxy.conf"
	# strace: the decision's readlinkat of /proc/self/exe happens exactly when the name is needed.
	exe_reads() {  # CONF DEBUG: how many times the probe (jemalloc chain) reads /proc/self/exe's link
		MEMPROXY_CONF=$1 MEMPROXY_DEBUG=$2 LD_PRELOAD=$SHIM:${ALLOC_LIB[jemalloc]} \
			strace -f -qq -e trace=readlink,readlinkat -o "$WORK/strace" "$T/probe" jemalloc > /dev/null 2>&1 ||
			{ echo "probe failed under strace"; return 1; }
		grep -c '"/proc/self/exe"' "$WORK/strace" || true
	}
	no_exe_read() {
		local n
		n=$(exe_reads "$WORK/empty.conf" 0) && [ "$n" = 0 ] || { echo "empty list: $n reads"; cat "$WORK/strace"; return 1; }
		n=$(exe_reads "$SHIM_DIR/memproxy.conf" 0) && [ "$n" = 0 ] || { echo "installed list: $n reads"; cat "$WORK/strace"; return 1; }
		n=$(exe_reads "$WORK/does-not-exist.conf" 0) && [ "$n" = 0 ] || { echo "no list: $n reads"; cat "$WORK/strace"; return 1; }
		# The same start reads it when the list names a program, or for the debug line.
		printf 'ls\n' > "$WORK/names-ls.conf"
		n=$(exe_reads "$WORK/names-ls.conf" 0) && [ "$n" = 1 ] || { echo "a list naming ls: $n reads"; cat "$WORK/strace"; return 1; }
		n=$(exe_reads "$WORK/empty.conf" 1) && [ "$n" = 1 ] || { echo "MEMPROXY_DEBUG=1: $n reads"; cat "$WORK/strace"; return 1; }
	}
	check "strace: no readlinkat of /proc/self/exe for a list without names (empty, installed, missing); one with names or MEMPROXY_DEBUG" \
		no_exe_read
fi

echo "# conformance oracle (docs/shim.md, \"Conformance oracle\")"
"$T/conform" > "$WORK/oracle.none.txt" 2>/dev/null
for a in $ALLOCATORS; do
	for chain in "$SHIM:${ALLOC_LIB[$a]}" "$SHIM:libc.so.6:${ALLOC_LIB[$a]}"; do
		system_identical() {
			MEMPROXY_CONF=$WORK/listed.conf LD_PRELOAD=$1 "$T/conform" 2>/dev/null > "$WORK/oracle.sys.txt" &&
				diff "$WORK/oracle.none.txt" "$WORK/oracle.sys.txt"
		}
		check "$a: system route, ${chain//$B\//}: transcript byte-identical to no preload" system_identical "$chain"
	done
	LD_PRELOAD=${ALLOC_LIB[$a]} "$T/conform" > "$WORK/alone.$a.txt" 2>/dev/null
	MEMPROXY_CONF=$WORK/empty.conf LD_PRELOAD=$SHIM:${ALLOC_LIB[$a]} "$T/conform" > "$WORK/shim.$a.txt" 2>/dev/null
done
check "no allocator: transcript byte-identical to no preload" \
	bash -c "MEMPROXY_CONF='$WORK/empty.conf' LD_PRELOAD='$SHIM' '$T/conform' 2>/dev/null | diff '$WORK/oracle.none.txt' -"
check "allocator route: transcript = the allocator alone, except the contract table of docs/shim.md" \
	"$SHIM_DIR/tests/oracle-compare.py" "$SHIM_DIR/../docs/shim.md" "$WORK" $ALLOCATORS

echo "# threads and fork() during the decision"
for chain in "$T/hooks/libmemproxy.so:$T/libforkwindow.so" "$T/hooks/libmemproxy.so:$T/libforkwindow.so:${ALLOC_LIB[jemalloc]}"; do
	check "a child forked right after the decision was claimed decides (${chain//$B\//})" \
		shim_run "$WORK/empty.conf" "$chain" timeout 30 "$T/forkwindow"
done
two_decisions() {  # PRELOAD: the process and its child forked mid-decision each report one
	shim_run "$WORK/empty.conf" "$1" timeout 60 "$T/decidewait" &&
		[ "$(grep -Ec '^memproxy: pid=[0-9]+ exe=decidewait ' "$WORK/debug")" = 2 ]
}
check "no allocator: a thread waits for the decision, a child forked mid-decision decides" \
	two_decisions "$SHIM:$T/libdecidewait.so"
for a in $ALLOCATORS; do
	check "$a: a thread waits for the decision, a child forked mid-decision decides" \
		two_decisions "$SHIM:$T/libdecidewait.so:${ALLOC_LIB[$a]}"
done

echo "# allocators named in the config"
MI="$SHIM:${ALLOC_LIB[mimalloc]}"
printf '%s\n' '@allocator custom' '@symbol malloc mi_malloc' '@symbol free mi_free' '@symbol calloc mi_calloc' \
	'@symbol realloc mi_realloc' '@symbol memalign mi_memalign' '@symbol usable_size mi_usable_size' > "$WORK/custom.conf"
check "@allocator custom with mimalloc's functions -> mimalloc serves everything" \
	routed "$WORK/custom.conf" "$MI" allocator custom not-excluded "$T/probe" mimalloc no-trim
printf '@symbol trim mi_no_such_function\n' | cat "$WORK/custom.conf" - > "$WORK/custom-missing.conf"
check "@allocator custom naming a missing function -> system, allocator-missing" \
	routed "$WORK/custom-missing.conf" "$MI" system none allocator-missing "$T/probe" glibc
check "@allocator tcmalloc when only jemalloc is loaded -> system, allocator-missing" \
	routed "$WORK/tcmalloc.conf" "$SHIM:${ALLOC_LIB[jemalloc]}" system none allocator-missing "$T/probe" glibc
check "two allocators loaded: the first in the chain wins" \
	routed "$WORK/empty.conf" "$SHIM:${ALLOC_LIB[tcmalloc]}:${ALLOC_LIB[jemalloc]}" allocator tcmalloc not-excluded \
	"$T/probe" tcmalloc
check "two allocators loaded: @allocator picks the second" \
	routed "$WORK/jemalloc.conf" "$SHIM:${ALLOC_LIB[tcmalloc]}:${ALLOC_LIB[jemalloc]}" allocator jemalloc not-excluded \
	"$T/probe" jemalloc

check "the installed sample config is valid" \
	routed "$SHIM_DIR/memproxy.conf" "$SHIM:${ALLOC_LIB[jemalloc]}" allocator jemalloc not-excluded "$T/probe" jemalloc
check "samples/memproxy.conf is valid" \
	routed "$SHIM_DIR/../samples/memproxy.conf" "$SHIM:${ALLOC_LIB[mimalloc]}:${ALLOC_LIB[jemalloc]}" \
	allocator jemalloc not-excluded "$T/probe" jemalloc

echo "# bad configs: the process always starts (jemalloc chain, probe)"
JE="$SHIM:${ALLOC_LIB[jemalloc]}"
C=$WORK/conf
mkdir -p "$C"
printf 'probe\n' > "$C/unreadable"; chmod 600 "$C/unreadable"
mkfifo "$C/fifo"
ln -s loop-b "$C/loop-a"; ln -s loop-a "$C/loop-b"
head -c 30000 /dev/urandom | tr -d '@\302\341\342\343\357' > "$C/junk"  # no Unicode blanks: names only
{ head -c 3000 /dev/urandom | tr -d '@\n'; printf '\n@\xff\xfe junk\n'; } > "$C/junk-directive"
head -c $((10 * 1024 * 1024)) /dev/zero | tr '\0' 'x' > "$C/ten-mib"
{ head -c 60000 /dev/zero | tr '\0' 'y'; printf '\nprobe\n'; } > "$C/long-line"
printf 'pro\0be\nprobe\0\n' > "$C/nul-only"
printf 'x\0y\nprobe\n' > "$C/nul-other-line"
printf '# exclusions\r\nls\r\nprobe\r\n' > "$C/crlf"
printf '\357\273\277probe\n' > "$C/bom"
printf '\302\240@allocator none\n' > "$C/nbsp-directive"
printf 'probe\302\240\n' > "$C/nbsp-name"
check "missing config -> allocator, no-config" \
	routed "$C/does-not-exist" "$JE" allocator jemalloc no-config "$T/probe" jemalloc
check "empty config -> allocator, not-excluded" \
	routed "$WORK/empty.conf" "$JE" allocator jemalloc not-excluded "$T/probe" jemalloc
as_nobody() {  # CONF PRELOAD CMD...: the environment is passed after the user change
	local conf=$1 preload=$2
	shift 2
	as_root setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/env \
		MEMPROXY_CONF="$conf" MEMPROXY_DEBUG=1 LD_PRELOAD="$preload" "$@" 2> "$WORK/debug"
}
unreadable_config() { as_nobody "$C/unreadable" "$JE" "$T/probe" glibc && expect_line system none config-unreadable; }
check "unreadable config (run as nobody) -> system, config-unreadable" unreadable_config
check "directory -> system, config-not-regular" \
	routed "$C" "$JE" system none config-not-regular "$T/probe" glibc
check "FIFO without writer does not block -> system, config-not-regular" \
	routed "$C/fifo" "$JE" system none config-not-regular timeout 20 "$T/probe" glibc
check "symlink loop -> system, config-unreadable" \
	routed "$C/loop-a" "$JE" system none config-unreadable "$T/probe" glibc
check "binary junk without directives -> names that match nothing" \
	routed "$C/junk" "$JE" allocator jemalloc not-excluded "$T/probe" jemalloc
check "binary junk with an @ line -> system, bad-config" \
	routed "$C/junk-directive" "$JE" system none bad-config "$T/probe" glibc
check "10 MiB config -> system, config-too-large" \
	routed "$C/ten-mib" "$JE" system none config-too-large "$T/probe" glibc
check "60000-byte line (longer than PATH_MAX), then the name -> excluded" \
	routed "$C/long-line" "$JE" system none excluded "$T/probe" glibc
check "NUL bytes inside names -> they match nothing" \
	routed "$C/nul-only" "$JE" allocator jemalloc not-excluded "$T/probe" jemalloc
check "NUL byte in another line -> the name still matches" \
	routed "$C/nul-other-line" "$JE" system none excluded "$T/probe" glibc
check "CRLF line endings -> excluded" \
	routed "$C/crlf" "$JE" system none excluded "$T/probe" glibc
check "UTF-8 byte-order mark, then the name -> excluded" \
	routed "$C/bom" "$JE" system none excluded "$T/probe" glibc
check "no-break space before @ -> system, bad-config" \
	routed "$C/nbsp-directive" "$JE" system none bad-config "$T/probe" glibc
check "no-break space after a name -> system, bad-config" \
	routed "$C/nbsp-name" "$JE" system none bad-config "$T/probe" glibc
check "MEMPROXY_DEBUG unset -> nothing on stderr" \
	bash -c "MEMPROXY_CONF='$WORK/empty.conf' LD_PRELOAD='$JE' '$T/probe' jemalloc 2>&1 >/dev/null | wc -c | grep -qx 0"

echo "# secure execution: run as nobody through a setuid-root file"
# The probe links jemalloc and finds the shim through its RPATH; the shim's compiled-in config is
# $GUEST_T/secure/memproxy.conf. MEMPROXY_CONF names a config that would exclude the probe, and
# MEMPROXY_DEBUG asks for the decision line: in secure mode both must be ignored.
# Natively the probe itself is setuid root. Under emulation the kernel gives AT_SECURE to qemu, which hands
# its own to the guest: a setuid-root copy of qemu-aarch64-static, in a directory only root and nobody's group
# can enter, starts the arm64 probe in secure execution. qemu's static libc then drops LD_PRELOAD from its own
# environment, so the preload is handed to the guest with -E (in both runs alike).
SEC=$T/secure
printf 'secprobe\n' > "$WORK/exclude-secprobe.conf"
if [ -n "$QEMU" ]; then
	mkdir -m 0710 "$WORK/setuid" && as_root chown root:65534 "$WORK/setuid" && cp "$QEMU" "$WORK/setuid/qemu"
	SETUID=$WORK/setuid/qemu
	SECURE_CMD=("$SETUID" -E LD_PRELOAD=libmemproxy.so "$GUEST_T/secure/secprobe")
else
	SETUID=$SEC/secprobe
	SECURE_CMD=(/usr/bin/env LD_PRELOAD=libmemproxy.so "$SEC/secprobe")
fi
as_nobody_through() {  # MODE CONFIG-TEXT OWNER: SECURE_CMD as nobody with SETUID and the shim in MODE
	printf "$2" > "$SEC/memproxy.conf"
	as_root chown root:root "$SETUID" "$SEC/libmemproxy.so" &&
	as_root chmod "$1" "$SETUID" "$SEC/libmemproxy.so" &&
	as_root setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/env \
		MEMPROXY_CONF="$WORK/exclude-secprobe.conf" MEMPROXY_DEBUG=1 "${SECURE_CMD[@]}" "$3" 2> "$WORK/debug"
	local rc=$?
	as_root chmod 0755 "$SETUID" "$SEC/libmemproxy.so"
	cat "$WORK/debug"
	return $rc
}
secure_run() {  # CONFIG-TEXT EXPECTED-OWNER: setuid root
	# MEMPROXY_DEBUG is ignored in secure execution: the probe's owner check is the evidence.
	as_nobody_through 4755 "$1" "$2" && ! grep -q '^memproxy:' "$WORK/debug"
}
check "secure: default -> system (MEMPROXY_DEBUG ignored)" secure_run '' glibc
check "secure: @secure allocator -> MEMPROXY_CONF ignored, jemalloc" secure_run '@secure allocator\n' jemalloc
check "secure: the compiled-in list still applies" secure_run '@secure allocator\nsecprobe\n' glibc
# The same command as nobody with nothing setuid: not secure, so both variables apply.
not_secure_same_command() { as_nobody_through 0755 '@secure allocator\n' glibc && expect_line system none excluded; }
check "not secure (the same command, nothing setuid): MEMPROXY_CONF and MEMPROXY_DEBUG apply" not_secure_same_command
not_secure_control() {
	printf '@secure allocator\n' > "$SEC/memproxy.conf"
	MEMPROXY_CONF="$WORK/exclude-secprobe.conf" MEMPROXY_DEBUG=1 LD_PRELOAD=libmemproxy.so \
		"$SEC/secprobe" glibc 2> "$WORK/debug" && expect_line system none excluded
}
check "not secure (same program as its owner): MEMPROXY_CONF applies" not_secure_control

if [ -e "$MULTI/lib/x86_64-linux-gnu/libmemproxy.so" ] && [ -e "$MULTI/lib/i386-linux-gnu/libmemproxy.so" ]; then
	echo "# one \$LIB chain for both classes"
	printf 'hello\n' > "$WORK/exclude-hello.conf"
	both_classes() {  # ALLOCATOR: a 64-bit bash starts 32-bit and 64-bit programs; hello is excluded
		MEMPROXY_CONF=$WORK/exclude-hello.conf MEMPROXY_DEBUG=1 LD_PRELOAD=$(LIB_CHAIN "$1") \
			bash -c 'hello && ls / && lua5.4 -e "io.write(io.open(\"/proc/self/maps\"):read(\"a\"))"' > "$WORK/out" 2> "$WORK/debug" ||
			return 1
		cat "$WORK/debug"
		local line="^memproxy: pid=[0-9]+ exe="
		! grep -v '^memproxy: ' "$WORK/debug" &&  # no loader error
		grep -Eq "${line}bash route=allocator allocator=$1 reason=not-excluded\$" "$WORK/debug" &&
		grep -Eq "${line}hello route=system allocator=none reason=excluded\$" "$WORK/debug" &&
		grep -Eq "${line}ls route=allocator allocator=$1 reason=not-excluded\$" "$WORK/debug" &&
		grep -Eq "${line}lua5.4 route=allocator allocator=$1 reason=not-excluded\$" "$WORK/debug" &&
		grep -q " $SHIM_DIR/build/i386/libmemproxy.so\$" "$WORK/out" &&
		grep -q " /usr/lib/i386-linux-gnu/$(basename "${ALLOC_LIB[$1]}")" "$WORK/out"
	}
	for a in $ALLOCATORS; do
		check "$a: one \$LIB chain: no loader error, each class its own shim, routed by the list" both_classes "$a"
	done
fi

echo "# real programs: identical output and exit status with the shim"
REAL_PROGRAM="ls /"; [ "$ARCH" = i386 ] && REAL_PROGRAM="tree -L 1 /"  # tree:i386: make deps
# Under emulation the arm64 programs come first in PATH: trampolines named after them (shim/Makefile).
PROGRAM_PATH=$PATH
if [ -n "$QEMU" ]; then PROGRAM_PATH=$B/bin:$PATH; REAL_PROGRAM="$B/bin/ls /"; fi
mapfile -t PROGRAMS < <(grep -v -e '^#' -e '^$' "$PROGRAMS_FILE")
[ "${#PROGRAMS[@]}" -gt 0 ] || { echo "no programs in $PROGRAMS_FILE"; failed=$((failed + 1)); }
cd "$WORK"
for i in "${!PROGRAMS[@]}"; do
	PATH=$PROGRAM_PATH bash -c "${PROGRAMS[$i]}" > "base.$i.out" 2> "base.$i.err"
	echo $? > "base.$i.rc"
done
same_as_without() {  # INDEX PRELOAD
	LD_PRELOAD=$2 MEMPROXY_CONF=$WORK/empty.conf PATH=$PROGRAM_PATH bash -c "${PROGRAMS[$1]}" > "shim.out" 2> "shim.err"
	echo $? > "shim.rc"
	cmp -s "base.$1.rc" shim.rc || { echo "exit status $(cat "base.$1.rc") -> $(cat shim.rc)"; return 1; }
	diff "base.$1.out" shim.out >/dev/null || { echo "stdout differs"; diff "base.$1.out" shim.out | head; return 1; }
	diff "base.$1.err" shim.err >/dev/null || { echo "stderr differs"; diff "base.$1.err" shim.err | head; return 1; }
}
for a in $ALLOCATORS; do
	check "$a: a real program takes the allocator route" \
		routed "$WORK/empty.conf" "$SHIM:${ALLOC_LIB[$a]}" allocator "$a" not-excluded $REAL_PROGRAM
	for i in "${!PROGRAMS[@]}"; do
		# Through bash (64-bit): the chain names both classes' files with $LIB.
		check "$a: ${PROGRAMS[$i]}" same_as_without "$i" "$(LIB_CHAIN "$a")"
	done
done

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]

#!/usr/bin/env bash
# Why the shim forwards each call instead of binding callers straight to the
# chosen allocator. The only loader mechanism for the latter is a GNU indirect
# function (IFUNC): ld.so calls the library's resolver and binds the caller to
# what it returns. This builds libdirect-binding.so (direct-binding.c, whose
# resolvers return forwarders to glibc) and libforward.so (forward.c, plain
# forwarding, as the shim does), runs real programs under each, and counts
# the lines ld.so prints on their standard error.
# Usage: bench/direct-binding.sh   (after `make -C bench`)
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p build
cc -O2 -Wall -Wextra -Werror -shared -fPIC -nostartfiles -o build/libdirect-binding.so direct-binding.c
[ -f build/libforward.so ] || make -s build/libforward.so
libc=$(ldd /bin/ls | awk '/libc.so.6/ { print $3 }')
echo "References to malloc and free in $libc that ld.so binds while it relocates libc,"
echo "before any preloaded library is relocated (readelf -rW):"
readelf -rW "$libc" | awk '$3 ~ /GLOB_DAT/ && $5 ~ /^(malloc|free|calloc|realloc)@/ { print "  " $3, $5 }'
echo
printf '| program | IFUNC library: status | lines from ld.so | first line | forwarding library: status | lines |\n'
printf '|---|---:|---:|---|---:|---:|\n'
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
for cmd in "ls /" "sh -c true" "python3 -c pass" "perl -e 1" "sort /dev/null" "git --version"; do
	set +e
	LD_PRELOAD=$PWD/build/libdirect-binding.so $cmd >/dev/null 2>"$work/i"; si=$?
	LD_PRELOAD=$PWD/build/libforward.so $cmd >/dev/null 2>"$work/f"; sf=$?
	set -e
	first=$(head -n 1 "$work/i" | sed 's/|/\\|/g')
	printf '| `%s` | %d | %d | %s | %d | %d |\n' "$cmd" "$si" "$(wc -l <"$work/i")" "${first:-}" "$sf" "$(wc -l <"$work/f")"
done

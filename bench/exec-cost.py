#!/usr/bin/env python3
"""exec-cost.py [ROUNDS] [STARTS]: the shim's cost per program start.

Starts `ls` on an empty directory STARTS times per round under two chains
that differ only in the first preload: an empty library (built here) or the
shim, each followed by the same allocator. Rounds alternate the order; the
figure is the median over rounds of (time per start), and the difference
shim - empty is the shim's own cost. Also the system route (ls listed).
Prints a Markdown table for BENCHMARKS.md."""
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHIM = os.path.join(ROOT, "shim/build/libmemproxy.so")
LIBDIR = "/usr/lib/x86_64-linux-gnu"
ALLOCATORS = {"jemalloc": "libjemalloc.so.2", "tcmalloc": "libtcmalloc_minimal.so.4", "mimalloc": "libmimalloc.so.2"}


def starts(env, n, empty_dir):
    argv = ["/bin/ls", empty_dir]
    t0 = time.perf_counter()
    for _ in range(n):
        pid = os.posix_spawn(argv[0], argv, env)
        os.waitpid(pid, 0)
    return (time.perf_counter() - t0) / n * 1e6


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 11
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 400
    work = tempfile.mkdtemp(prefix="memproxy-exec-")
    empty_dir = os.path.join(work, "empty")
    os.mkdir(empty_dir)
    empty_lib = os.path.join(work, "libempty.so")
    src = os.path.join(work, "empty.c")
    open(src, "w").write("int memproxy_bench_empty;\n")
    subprocess.run(["cc", "-shared", "-fPIC", "-O2", "-o", empty_lib, src], check=True)
    empty_conf = os.path.join(work, "empty.conf")
    open(empty_conf, "w").close()
    listed_conf = os.path.join(work, "listed.conf")
    open(listed_conf, "w").write("ls\n")
    print(f"| allocator | route | empty + allocator µs/start | shim + allocator µs/start | shim cost µs | ratio |")
    print("|---|---|---|---|---|---|")
    for name, lib in ALLOCATORS.items():
        for route, conf in (("allocator", empty_conf), ("system", listed_conf)):
            base = dict(os.environ, MEMPROXY_CONF=conf, LD_PRELOAD=f"{empty_lib}:{LIBDIR}/{lib}")
            shim = dict(os.environ, MEMPROXY_CONF=conf, LD_PRELOAD=f"{SHIM}:{LIBDIR}/{lib}")
            a, b = [], []
            for r in range(rounds):
                pair = [(base, a), (shim, b)]
                if r % 2:
                    pair.reverse()
                for env, out in pair:
                    out.append(starts(env, n, empty_dir))
            ma, mb = statistics.median(a), statistics.median(b)
            print(f"| {name} | {route} | {ma:.1f} | {mb:.1f} | {mb - ma:+.1f} | {mb / ma:.3f} |")
    subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()

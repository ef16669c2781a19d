#!/usr/bin/env python3
"""exec-cost.py [ROUNDS] [STARTS]: the shim's cost per program start.

Starts `ls` on an empty directory STARTS times per round under two chains
that differ only in the first preload: an empty library (built here) or the
shim, each followed by the same allocator. Rounds alternate the order; the
figures are medians over rounds of the mean wall time and the mean CPU time
(user + system, from wait4) per start; shim - empty is the shim's own cost.
Also the system route (ls listed). Then, because a shared machine's timings
swing by more than the effect, the instructions one start executes
(valgrind --tool=callgrind, exact and repeatable). Prints Markdown tables."""
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
    """Mean wall and CPU microseconds per start."""
    argv = ["/bin/ls", empty_dir]
    cpu = 0.0
    t0 = time.perf_counter()
    for _ in range(n):
        pid = os.posix_spawn(argv[0], argv, env)
        _, _, usage = os.wait4(pid, 0)
        cpu += usage.ru_utime + usage.ru_stime
    return (time.perf_counter() - t0) / n * 1e6, cpu / n * 1e6


def instructions(env, empty_dir):
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", "/bin/ls", empty_dir],
                         env=env, capture_output=True, text=True).stderr
    for line in out.splitlines():
        if "Collected :" in line:
            return int(line.split(":")[-1])
    return 0


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
    print(f"{rounds} rounds of {n} starts per chain\n")
    print("| allocator | route | wall µs/start: empty + allocator | shim + allocator | shim cost | "
          "CPU µs/start: empty + allocator | shim + allocator | shim cost |")
    print("|---|---|---|---|---|---|---|---|")
    chains = []
    for name, lib in ALLOCATORS.items():
        for route, conf in (("allocator", empty_conf), ("system", listed_conf)):
            base = dict(os.environ, MEMPROXY_CONF=conf, LD_PRELOAD=f"{empty_lib}:{LIBDIR}/{lib}")
            shim = dict(os.environ, MEMPROXY_CONF=conf, LD_PRELOAD=f"{SHIM}:{LIBDIR}/{lib}")
            chains.append((name, route, base, shim))
            a, b = [], []
            for r in range(rounds):
                pair = [(base, a), (shim, b)]
                if r % 2:
                    pair.reverse()
                for env, out in pair:
                    out.append(starts(env, n, empty_dir))
            wa, wb = statistics.median(x[0] for x in a), statistics.median(x[0] for x in b)
            ca, cb = statistics.median(x[1] for x in a), statistics.median(x[1] for x in b)
            print(f"| {name} | {route} | {wa:.0f} | {wb:.0f} | {wb - wa:+.0f} | {ca:.0f} | {cb:.0f} | {cb - ca:+.0f} |")
    print("\n| allocator | route | instructions: empty + allocator | shim + allocator | shim's own |")
    print("|---|---|---|---|---|")
    for name, route, base, shim in chains:
        ia, ib = instructions(base, empty_dir), instructions(shim, empty_dir)
        print(f"| {name} | {route} | {ia:,} | {ib:,} | {ib - ia:+,} |")
    subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()

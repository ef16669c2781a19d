#!/usr/bin/env python3
"""exec-cost.py: the shim's cost per program start, measured so that the
machine's load cancels out.

Starts `ls` on an empty directory under two chains that differ only in the
first preload: BASE (an empty library built here, or --base LIB, e.g. the
shim of another commit) and the shim (--shim LIB), each followed by the same
allocator. The starts are taken in pairs, one start of each chain back to
back, the order alternating pair to pair, so both sides of a pair run under
the same load. Per start: the CPU time (user + system, from wait4's rusage,
which the kernel keeps per task: time spent waiting for the CPU does not
count) and the minor page faults. The figure is the median of the per-pair
differences, with a distribution-free 95% confidence interval (order
statistics of the sorted differences). Both routes, with the list the
package installs (shim/memproxy.conf): allocator (as installed: it names no
program, so the shim does not read the program's name) and system (`ls` added
to it); --routes named is the allocator route with a list that names another
program (`vim` added), which makes the shim read /proc/self/exe.

Then the floors, each against the empty library: the shim loaded in a
process that never allocates (so it never decides), an empty library that
only maps as much zero-filled data as the shim, and one that only makes the
decision's system calls. Then, where the tools are installed (make -C bench deps): `perf stat -e
task-clock,page-faults` over alternating rounds; the system calls one start
makes (strace -f); the instructions one start executes (valgrind
--tool=callgrind, exact and repeatable). Prints Markdown tables.

Usage: exec-cost.py [--pairs N] [--allocators jemalloc,tcmalloc,mimalloc]
                    [--routes allocator,system,named] [--base LIB] [--shim LIB]
                    [--no-floors | --only-floors] [--no-perf] [--no-strace] [--no-callgrind]"""
import argparse
import os
import shutil
import statistics
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIBDIR = "/usr/lib/x86_64-linux-gnu"
ALLOCATORS = {"jemalloc": "libjemalloc.so.2", "tcmalloc": "libtcmalloc_minimal.so.4", "mimalloc": "libmimalloc.so.2"}


def loadavg():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def start(env, argv):
    """CPU microseconds and minor faults of one start."""
    pid = os.posix_spawn(argv[0], argv, env)
    _, _, u = os.wait4(pid, 0)
    return (u.ru_utime + u.ru_stime) * 1e6, u.ru_minflt


def median_ci(values):
    """Median and the distribution-free 95% interval of the median."""
    v = sorted(values)
    n = len(v)
    k = max(1, int(0.98 * n ** 0.5))  # 1.96 * sqrt(n) / 2
    return statistics.median(v), v[max(0, n // 2 - k)], v[min(n - 1, n // 2 + k)]


def pairs(base, shim, argv, n):
    d, a_cpu, b_cpu, a_flt, b_flt = [], [], [], [], []
    for i in range(n):
        if i % 2:
            b = start(shim, argv)
            a = start(base, argv)
        else:
            a = start(base, argv)
            b = start(shim, argv)
        d.append(b[0] - a[0])
        a_cpu.append(a[0])
        b_cpu.append(b[0])
        a_flt.append(a[1])
        b_flt.append(b[1])
    return d, a_cpu, b_cpu, a_flt, b_flt


def perf_round(env, argv, runs):
    """Mean task-clock (µs) and page faults per start over RUNS starts."""
    out = subprocess.run(["perf", "stat", "-x,", "-e", "task-clock,page-faults", "-r", str(runs), "--"] + argv,
                         env=env, capture_output=True, text=True).stderr
    clock = faults = None
    for line in out.splitlines():
        f = line.split(",")
        if len(f) > 3 and f[2].startswith("task-clock"):
            clock = float(f[0]) * 1000  # msec -> µs
        if len(f) > 3 and f[2].startswith("page-faults"):
            faults = float(f[0])
    return clock, faults


def syscalls(env, argv, work):
    out = os.path.join(work, "strace.txt")
    subprocess.run(["strace", "-f", "-qq", "-o", out] + argv, env=env, capture_output=True)
    with open(out) as f:
        return sum(1 for line in f if "(" in line and "+++" not in line and "---" not in line)


def instructions(env, argv):
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + argv,
                         env=env, capture_output=True, text=True).stderr
    for line in out.splitlines():
        if "Collected :" in line:
            return int(line.split(":")[-1])
    return 0


SYSCALLS_C = r"""
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
/* The system calls the shim's decision makes (PARTS: 1 gettid, 2 the list,
 * 4 /proc/self/exe), and nothing else. */
static char buf[70000];
__attribute__((constructor)) static void decision_syscalls(void)
{
	if (PARTS & 1)
		syscall(SYS_gettid);
	if (PARTS & 2) {
		int fd = open(getenv("MEMPROXY_CONF"), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		struct stat st;
		fstat(fd, &st);
		read(fd, buf, sizeof buf);
		close(fd);
	}
	if (PARTS & 4)
		readlink("/proc/self/exe", buf, 4095);
}
"""


def shim_bss(path):
    """Bytes of the shim's writable segment beyond its file contents."""
    out = subprocess.run(["readelf", "-lW", path], capture_output=True, text=True).stdout
    for line in out.splitlines():
        f = line.split()
        if f and f[0] == "LOAD" and f[-2] == "RW":
            return int(f[5], 16) - int(f[4], 16)
    return 0


def floors(args, work, argv, base_lib, conf):
    """What parts of the shim's work cost when done alone, against the empty
    library, in the same run: the floor of a shim that must be loaded, read
    the list and name the executable."""
    build = []
    bss = shim_bss(args.shim)
    nop_src, nop = os.path.join(work, "nop.c"), os.path.join(work, "nop")
    with open(nop_src, "w") as f:
        f.write("int main(void) { return 0; }\n")
    subprocess.run(["cc", "-O2", "-o", nop, nop_src], check=True)
    sources = [f"unsigned char memproxy_bench_bss[{bss}];\n"] + \
        [f"#define PARTS {parts}\n" + SYSCALLS_C for parts in (7, 1, 2, 4, 3)]
    for i, source in enumerate(sources):
        src, so = os.path.join(work, f"floor{i}.c"), os.path.join(work, f"libfloor{i}.so")
        with open(src, "w") as f:
            f.write(source)
        subprocess.run(["cc", "-shared", "-fPIC", "-O2", "-o", so, src], check=True)
        build.append(so)
    mimalloc = f"{LIBDIR}/{ALLOCATORS['mimalloc']}"
    jemalloc = f"{LIBDIR}/{ALLOCATORS['jemalloc']}"
    variants = [
        ("the shim, loaded but never deciding (a program that returns at once; mimalloc chain, where "
         "nothing allocates)", args.shim, [nop], mimalloc),
        ("the shim with ls, which allocates, so the shim decides (mimalloc chain, for scale)",
         args.shim, argv, mimalloc),
        (f"empty library + {bss // 1024} KiB of zero-filled data (the size of the shim's, mapped by ld.so)",
         build[0], argv, jemalloc),
        ("empty library + the decision's system calls with a list that names a program (gettid; openat, fstat, "
         "read, close of the list; readlinkat of /proc/self/exe)", build[1], argv, jemalloc),
        ("empty library + the decision's system calls with a list that names none, as installed (gettid; "
         "openat, fstat, read, close of the list)", build[5], argv, jemalloc),
        ("empty library + gettid only", build[2], argv, jemalloc),
        ("empty library + openat, fstat, read, close of the list only", build[3], argv, jemalloc),
        ("empty library + readlinkat of /proc/self/exe only", build[4], argv, jemalloc),
    ]
    print("\nFloors: each library against the empty library in the same chain, with the installed list, "
          "same pairs method:\n")
    print("| library | CPU µs/start: empty | library | difference: median of pairs | 95% CI | minor faults: empty | library |")
    print("|---|---:|---:|---:|---|---:|---:|")
    for label, so, program, lib in variants:
        base = dict(os.environ, MEMPROXY_CONF=conf, LD_PRELOAD=f"{base_lib}:{lib}")
        test = dict(os.environ, MEMPROXY_CONF=conf, LD_PRELOAD=f"{so}:{lib}")
        d, a, b, fa, fb = pairs(base, test, program, args.pairs)
        m, lo, hi = median_ci(d)
        print(f"| {label} | {statistics.median(a):.0f} | {statistics.median(b):.0f} | {m:+.1f} | {lo:+.0f} to {hi:+.0f} "
              f"| {statistics.median(fa):.0f} | {statistics.median(fb):.0f} |", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pairs", type=int, default=2000)
    ap.add_argument("--allocators", default=",".join(ALLOCATORS))
    ap.add_argument("--routes", default="allocator,system")
    ap.add_argument("--base", help="first preload of the baseline chain (default: an empty library)")
    ap.add_argument("--shim", default=os.path.join(ROOT, "shim/build/libmemproxy.so"))
    ap.add_argument("--perf-rounds", type=int, default=20)
    ap.add_argument("--perf-runs", type=int, default=50)
    ap.add_argument("--no-floors", action="store_true")
    ap.add_argument("--only-floors", action="store_true")
    ap.add_argument("--no-perf", action="store_true")
    ap.add_argument("--no-strace", action="store_true")
    ap.add_argument("--no-callgrind", action="store_true")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="memproxy-exec-")
    empty_dir = os.path.join(work, "empty")
    os.mkdir(empty_dir)
    argv = ["/bin/ls", empty_dir]
    base_lib = args.base
    if not base_lib:
        base_lib = os.path.join(work, "libempty.so")
        src = os.path.join(work, "empty.c")
        with open(src, "w") as f:
            f.write("int memproxy_bench_empty;\n")
        subprocess.run(["cc", "-shared", "-fPIC", "-O2", "-o", base_lib, src], check=True)
    # The list the package installs (shim/memproxy.conf), and the same with ls listed.
    with open(os.path.join(ROOT, "shim/memproxy.conf")) as f:
        sample = f.read()
    confs = {"allocator": os.path.join(work, "memproxy.conf"), "system": os.path.join(work, "listed.conf"),
             "named": os.path.join(work, "names-vim.conf")}
    with open(confs["allocator"], "w") as f:
        f.write(sample)
    with open(confs["system"], "w") as f:
        f.write(sample + "ls\n")
    with open(confs["named"], "w") as f:
        f.write(sample + "vim\n")

    chains = []
    for name in args.allocators.split(","):
        lib = f"{LIBDIR}/{ALLOCATORS[name]}"
        for route in args.routes.split(","):
            base = dict(os.environ, MEMPROXY_CONF=confs[route], LD_PRELOAD=f"{base_lib}:{lib}")
            shim = dict(os.environ, MEMPROXY_CONF=confs[route], LD_PRELOAD=f"{args.shim}:{lib}")
            chains.append((name, route, base, shim))

    if args.only_floors:
        print(f"{args.pairs} pairs of starts per row; load average {loadavg()} at the start")
        floors(args, work, argv, base_lib, confs["allocator"])
        print(f"\nload average {loadavg()} at the end")
        shutil.rmtree(work)
        return
    print(f"base: {'empty library' if not args.base else base_lib}; shim: {args.shim}")
    print(f"{args.pairs} pairs of starts per row; load average {loadavg()} at the start\n")
    print("| allocator | route | CPU µs/start: base chain | shim chain | shim − base: median of pairs | 95% CI "
          "| minor faults: base | shim | load |")
    print("|---|---|---:|---:|---:|---|---:|---:|---:|")
    for name, route, base, shim in chains:
        d, a, b, fa, fb = pairs(base, shim, argv, args.pairs)
        m, lo, hi = median_ci(d)
        print(f"| {name} | {route} | {statistics.median(a):.0f} | {statistics.median(b):.0f} | {m:+.1f} "
              f"| {lo:+.0f} to {hi:+.0f} | {statistics.median(fa):.0f} | {statistics.median(fb):.0f} | {loadavg()} |",
              flush=True)

    if not args.no_floors:
        floors(args, work, argv, base_lib, confs["allocator"])

    if not args.no_perf and shutil.which("perf"):
        print(f"\n`perf stat -e task-clock,page-faults -r {args.perf_runs}`, {args.perf_rounds} alternating rounds "
              "per chain; medians of the round means and of the per-round differences:\n")
        print("| allocator | route | task-clock µs: base | shim | shim − base (95% CI) | page faults: base | shim |")
        print("|---|---|---:|---:|---:|---:|---:|")
        for name, route, base, shim in chains:
            rows = []
            for r in range(args.perf_rounds):
                pair = [base, shim] if r % 2 == 0 else [shim, base]
                got = {id(e): perf_round(e, argv, args.perf_runs) for e in pair}
                rows.append((got[id(base)], got[id(shim)]))
            m, lo, hi = median_ci([s[0] - b[0] for b, s in rows])
            print(f"| {name} | {route} | {statistics.median(b[0] for b, _ in rows):.0f} "
                  f"| {statistics.median(s[0] for _, s in rows):.0f} | {m:+.1f} ({lo:+.0f} to {hi:+.0f}) "
                  f"| {statistics.median(b[1] for b, _ in rows):.0f} | {statistics.median(s[1] for _, s in rows):.0f} |",
                  flush=True)

    if not args.no_strace and shutil.which("strace"):
        print("\n| allocator | route | system calls per start: base | shim | shim − base |")
        print("|---|---|---:|---:|---:|")
        for name, route, base, shim in chains:
            a, b = syscalls(base, argv, work), syscalls(shim, argv, work)
            print(f"| {name} | {route} | {a} | {b} | {b - a:+d} |", flush=True)

    if not args.no_callgrind and shutil.which("valgrind"):
        print("\n| allocator | route | instructions per start: base | shim | shim − base |")
        print("|---|---|---:|---:|---:|")
        for name, route, base, shim in chains:
            a, b = instructions(base, argv), instructions(shim, argv)
            print(f"| {name} | {route} | {a:,} | {b:,} | {b - a:+,} |", flush=True)
    print(f"\nload average {loadavg()} at the end")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()

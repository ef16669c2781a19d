#!/usr/bin/env python3
"""program-throughput.py: what the shim's forwarding costs a real program, against
the allocator alone and against libforward.so (the floor of any interposing library).

bench/run.sh measures the worst case, a loop that does nothing but allocate and
free. This runs real interpreters on allocation-heavy scripts, every object
through malloc: CPython with PYTHONMALLOC=malloc building and walking dicts,
lists and strings, and Perl building hashes of strings. Each round runs the
three chains (alone, floor, shim) back to back in an order that rotates, pinned
to one CPU; the figure per run is its CPU time (user + system, from wait4), and
the ratios are medians of the per-round ratios. Then callgrind's exact
instruction counts for one run of each.

Usage: bench/program-throughput.py [ROUNDS] [--no-callgrind]   (after make -C shim && make -C bench)
"""
import os, shutil, statistics, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHIM = os.environ.get("SHIM", os.path.join(HERE, "..", "shim", "build", "libmemproxy.so"))
FLOOR = os.path.join(HERE, "build", "libforward.so")
LIB = "/usr/lib/x86_64-linux-gnu"
ALLOCATORS = [("glibc", ""), ("jemalloc", f"{LIB}/libjemalloc.so.2"),
              ("tcmalloc", f"{LIB}/libtcmalloc_minimal.so.4"), ("mimalloc", f"{LIB}/libmimalloc.so.2")]
PY = ("import json, sys\n"
      "for r in range(int(sys.argv[1])):\n"
      "    d = {str(i): [i, str(i) * 3, {'k': i}] for i in range(20000)}\n"
      "    s = json.dumps(d)\n"
      "    e = json.loads(s)\n"
      "    t = sorted(e.items(), key=lambda kv: len(kv[1][1]))\n")
PL = ('for my $r (1..$ARGV[0]) { my %h; $h{$_} = [$_, "x" x ($_ % 50), {k => $_}] for 1..30000;'
      ' my @k = sort keys %h; my $s = join(",", map { $h{$_}[1] } @k); }')
PROGRAMS = [("CPython, PYTHONMALLOC=malloc", ["python3", "-c", PY], {"PYTHONMALLOC": "malloc"}),
            ("Perl", ["perl", "-e", PL], {})]
TIMED_REPEATS, COUNTED_REPEATS = "5", "1"  # passes over the data: about 0.5 s per timed run


def chain(kind, alloc):
    first = {"alone": "", "floor": FLOOR, "shim": SHIM}[kind]
    return ":".join(x for x in (first, alloc) if x)


def cpu_of(argv, env):
    pid = os.fork()
    if pid == 0:
        os.sched_setaffinity(0, {int(os.environ.get("CPU", "1"))})
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1)
        os.execvpe(argv[0], argv, env)
    _, status, ru = os.wait4(pid, 0)
    if status != 0:
        sys.exit(f"program-throughput: {argv[0]} failed with status {status}")
    return ru.ru_utime + ru.ru_stime


def environment(kind, alloc, extra):
    # A missing list (nothing excluded); fixed hash seeds, so each run does the same work.
    env = dict(os.environ, MEMPROXY_CONF="/dev/null/none", PYTHONHASHSEED="0", PERL_HASH_SEED="0",
               PERL_PERTURB_KEYS="0", **extra)
    env.pop("LD_PRELOAD", None)
    pre = chain(kind, alloc)
    if pre:
        env["LD_PRELOAD"] = pre
    return env


def instructions(argv, env):
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *argv],
                         env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True).stderr
    for line in out.splitlines():
        if "Collected" in line:
            return int(line.split()[-1].replace(",", ""))
    return None


def main():
    rounds = int(next((a for a in sys.argv[1:] if a.isdigit()), "15"))
    callgrind = "--no-callgrind" not in sys.argv and shutil.which("valgrind")
    for path in (SHIM, FLOOR):
        if not os.path.exists(path):
            sys.exit(f"program-throughput: {path} is missing; run make -C shim && make -C bench")
    print(f"load average {os.getloadavg()[0]:.2f} at the start; {rounds} rounds")
    print()
    print("| program | allocator | alone CPU s | floor CPU s | shim CPU s | floor/alone | shim/alone (range) | shim/floor |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    counts = []
    kinds = ["alone", "floor", "shim"]
    for pname, argv, extra in PROGRAMS:
        for aname, alloc in ALLOCATORS:
            t = {k: [] for k in kinds}
            for r in range(rounds):
                for i in range(3):
                    k = kinds[(r + i) % 3]
                    t[k].append(cpu_of(argv + [TIMED_REPEATS], environment(k, alloc, extra)))
            ratio = lambda a, b: [x / y for x, y in zip(t[a], t[b])]
            sa = ratio("shim", "alone")
            print(f"| {pname} | {aname} | {statistics.median(t['alone']):.3f} | {statistics.median(t['floor']):.3f}"
                  f" | {statistics.median(t['shim']):.3f} | {statistics.median(ratio('floor', 'alone')):.3f}"
                  f" | {statistics.median(sa):.3f} ({min(sa):.3f}–{max(sa):.3f})"
                  f" | {statistics.median(ratio('shim', 'floor')):.3f} |", flush=True)
            if callgrind:
                counts.append((pname, aname, *(instructions(argv + [COUNTED_REPEATS], environment(k, alloc, extra)) for k in kinds)))
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end")
    if counts:
        print("\nInstructions per run (valgrind --tool=callgrind), one run of each:\n")
        print("| program | allocator | alone | floor | shim | shim/alone |")
        print("|---|---|---:|---:|---:|---:|")
        for p, a, al, fl, sh in counts:
            print(f"| {p} | {a} | {al:,} | {fl:,} | {sh:,} | {sh / al:.4f} |")


if __name__ == "__main__":
    main()

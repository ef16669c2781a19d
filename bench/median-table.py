#!/usr/bin/env python3
"""Prints hyperfine's results as a Markdown table: median ms and the ratio to one baseline row, then the
mean CPU time (user+sys) and its ratio, which moves much less than wall time when other work shares
the cores.

Usage: median-table.py RESULTS.json BASELINE_INDEX BASELINE_NAME
"""
import json
import sys

results = json.load(open(sys.argv[1]))["results"]
base = results[int(sys.argv[2])]
cpu = lambda r: r["user"] + r["system"]
print(f"| command | median ms | vs {sys.argv[3]} | CPU ms (user+sys, mean) | CPU vs {sys.argv[3]} |")
print("|---|---:|---:|---:|---:|")
for r in results:
    print(f"| {r['command']} | {r['median']*1000:.1f} | {r['median']/base['median']:.2f}x"
          f" | {cpu(r)*1000:.1f} | {cpu(r)/cpu(base):.2f}x |")

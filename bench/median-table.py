#!/usr/bin/env python3
"""Prints hyperfine's results as a Markdown table: median ms and the ratio to one baseline row.

Usage: median-table.py RESULTS.json BASELINE_INDEX BASELINE_NAME
"""
import json
import sys

results = json.load(open(sys.argv[1]))["results"]
base = results[int(sys.argv[2])]["median"]
print(f"| command | median ms | vs {sys.argv[3]} |")
print("|---|---:|---:|")
for r in results:
    print(f"| {r['command']} | {r['median']*1000:.1f} | {r['median']/base:.2f}x |")

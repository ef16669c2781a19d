#!/usr/bin/env python3
"""oracle-compare.py DOC DIR ALLOCATOR...

Compares the conformance oracle's transcripts on the allocator route
(DIR/shim.ALLOCATOR.txt) with the allocator preloaded alone
(DIR/alone.ALLOCATOR.txt). Every row that differs must be allowed by a row of
the table of contract differences in DOC (docs/shim.md, between the markers
<!-- contract-table --> and <!-- /contract-table -->), whose Call, Alone and
memproxy cells are shell patterns over the transcript. A table row that
allows nothing any more is reported too, so the table stays true.
Exit 0 when both hold, 1 otherwise."""
import fnmatch
import re
import sys


def table(doc):
    text = open(doc, encoding="utf-8").read()
    m = re.search(r"<!-- contract-table -->(.*?)<!-- /contract-table -->", text, re.S)
    if not m:
        sys.exit(f"{doc}: no contract table (<!-- contract-table --> markers)")
    rules = []
    for line in m.group(1).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5 or not cells[1].startswith("`"):
            continue
        allocators, call, alone, shim, why = cells
        unquote = lambda c: c.strip("`").replace("\\|", "|")
        rules.append({"allocators": [a.strip() for a in allocators.split(",")], "call": unquote(call),
                      "alone": unquote(alone), "shim": unquote(shim), "why": why, "used": 0})
    return rules


def rows(path):
    out = {}
    for line in open(path, encoding="utf-8"):
        call, _, result = line.rstrip("\n").partition("\t")
        out[call] = result
    return out


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    doc, directory, allocators = sys.argv[1], sys.argv[2], sys.argv[3:]
    rules = table(doc)
    bad = 0
    for a in allocators:
        alone, shim = rows(f"{directory}/alone.{a}.txt"), rows(f"{directory}/shim.{a}.txt")
        for call in sorted(set(alone) | set(shim)):
            x, y = alone.get(call, "(missing)"), shim.get(call, "(missing)")
            if x == y:
                continue
            for r in rules:
                if ((a in r["allocators"] or "all" in r["allocators"]) and fnmatch.fnmatchcase(call, r["call"])
                        and fnmatch.fnmatchcase(x, r["alone"]) and fnmatch.fnmatchcase(y, r["shim"])):
                    r["used"] += 1
                    break
            else:
                bad += 1
                print(f"undocumented difference under {a}: {call}\n    alone:    {x}\n    memproxy: {y}")
    for r in rules:
        if not r["used"]:
            bad += 1
            print(f"contract table row allows no difference any more: {r['allocators']} {r['call']}")
    print(f"oracle: {len(rules)} table rows, {bad} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

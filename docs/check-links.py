#!/usr/bin/env python3
"""check-links.py [--self-test] [TOP]

Checks every Markdown file of the repository (README.md, docs/*.md, BENCHMARKS.md,
CHANGELOG.md and the others; build output and hidden directories are skipped):

- every relative link, image and reference definition names a file or directory
  that exists inside the repository;
- every #anchor names a heading (GitHub's slug rules) or an <a id>/<a name> of the
  target file;
- no document cites a path outside the repository: no absolute link to a file,
  and no relative path, linked or written in the text, that climbs out of it.

Prints one line per problem (FILE:LINE: what) and exits 1 when there is one, 0 otherwise.
--self-test first checks a small tree with known broken links, so a checker that
stopped finding problems fails too (make test-docs runs both)."""
import os
import re
import sys
import tempfile
import unicodedata

SKIP_DIRS = {"target", "build", "node_modules"}
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
REFDEF = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")
HTML = re.compile(r"<(?:a|img)\b[^>]*?\b(?:href|src)\s*=\s*[\"']([^\"']*)[\"']", re.I)
HTML_ID = re.compile(r"<a\b[^>]*?\b(?:id|name)\s*=\s*[\"']([^\"']*)[\"']", re.I)
# A document or source file cited in the text by a relative path: "../" at the start of a word (not
# inside /usr/bin/../lib), naming a file with a document's or a source's extension (so a hostile tar
# entry such as ../../etc/passwd, described as such, is not a citation).
TEXT_UP = re.compile(r"(?:^|(?<=[\s`'\"(\[<=]))((?:\.\./)+[\w.@/-]*\."
                     r"(?:md|txt|rst|adoc|html?|pdf|[1-8]|c|h|cc|java|py|sh|tsv|json))\b")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def markdown_files(top):
    for d, dirs, files in os.walk(top):
        dirs[:] = sorted(x for x in dirs if not x.startswith(".") and x not in SKIP_DIRS)
        for f in sorted(files):
            if f.endswith(".md"):
                yield os.path.join(d, f)


def lines_outside_code(text):
    """(number, line, raw line, in_code) for every line; fenced blocks are code, and outside them
    line has its inline code spans removed."""
    fence = None
    for n, line in enumerate(text.split("\n"), 1):
        m = re.match(r"^ {0,3}(`{3,}|~{3,})", line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
            yield n, line, line, True
        elif m:
            fence = m.group(1)
            yield n, line, line, True
        else:
            yield n, re.sub(r"(`+)(?:(?!\1).)+?\1", "", line), line, False


def slug(heading):
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)   # a link shows its text
    text = re.sub(r"<[^>]+>", "", text).replace("`", "").strip().lower()
    kept = "".join(c for c in text
                   if c in " -_" or unicodedata.category(c)[0] in "LNM")
    return kept.replace(" ", "-")


def anchors(path, cache={}):
    if path not in cache:
        found, seen, previous = set(), {}, ""
        text = open(path, encoding="utf-8").read()
        for _, line, raw, code in lines_outside_code(text):
            title = None
            m = re.match(r"^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$", raw)
            if not code and m:
                title = m.group(1)
            elif not code and re.match(r"^ {0,3}(=+|-+)\s*$", line) and previous.strip() \
                    and not previous.lstrip().startswith(("|", "-", "*", ">")):
                title = previous.strip()
            if title is not None:
                s = slug(title)
                n = seen.get(s, 0)
                seen[s] = n + 1
                found.add(s if n == 0 else f"{s}-{n}")
            if not code:
                found.update(HTML_ID.findall(line))
            previous = "" if code else raw
        cache[path] = found
    return cache[path]


def inside(top, path):
    top, path = os.path.realpath(top), os.path.realpath(path)
    return path == top or path.startswith(top + os.sep)


def check_file(top, path):
    problems = []
    rel = os.path.relpath(path, top)
    here = os.path.dirname(path)
    text = open(path, encoding="utf-8").read()
    for n, line, raw, code in lines_outside_code(text):
        targets = [] if code else [m.group(1) for m in LINK.finditer(line)] + HTML.findall(line)
        m = None if code else REFDEF.match(line)
        if m:
            targets.append(m.group(1))
        for m in TEXT_UP.finditer(raw):
            if m.group(1) not in targets and not inside(top, os.path.join(here, m.group(1))):
                problems.append(f"{rel}:{n}: cites {m.group(1)}, outside the repository")
        for target in targets:
            target = target.strip("<>")
            if SCHEME.match(target):
                if target.lower().startswith("file:"):
                    problems.append(f"{rel}:{n}: link {target}: a file outside the repository")
                continue
            name, _, anchor = target.partition("#")
            if name.startswith("/"):
                problems.append(f"{rel}:{n}: link {target}: an absolute path; link relative to this file")
                continue
            dest = os.path.normpath(os.path.join(here, name)) if name else path
            if not inside(top, dest):
                problems.append(f"{rel}:{n}: link {target}: outside the repository")
            elif not os.path.exists(dest):
                problems.append(f"{rel}:{n}: link {target}: {os.path.relpath(dest, top)} does not exist")
            elif anchor:
                if not dest.endswith(".md") or os.path.isdir(dest):
                    problems.append(f"{rel}:{n}: link {target}: an anchor into a file that is not Markdown")
                elif anchor not in anchors(dest):
                    problems.append(f"{rel}:{n}: link {target}: no heading '#{anchor}' in "
                                    f"{os.path.relpath(dest, top)}")
    return problems


def check(top):
    problems = []
    for path in markdown_files(top):
        problems += check_file(top, path)
    return problems


def self_test():
    """The checker must find each kind of problem in a tree made for it, and none in good links."""
    with tempfile.TemporaryDirectory() as tmp:
        top = os.path.join(tmp, "repo")
        os.makedirs(os.path.join(top, "docs"))
        with open(os.path.join(top, "README.md"), "w") as f:
            f.write("# Top `title`: one\n\n## Same\n\n## Same\n\n"
                    "[ok](docs/a.md#a-heading) [ok](#same-1) [ok](#top-title-one) [ok](docs/)\n"
                    "[web](https://example.org/x) `[code](nowhere.md)`\n"
                    "```\n[in a fence](nowhere.md)\n```\n"
                    "[missing](docs/nowhere.md)\n"
                    "[bad anchor](docs/a.md#no-such-heading)\n"
                    "[out](../outside.md)\n"
                    "[abs](/etc/passwd)\n"
                    "see ../shared/docs/rules.md\n"
                    "[ref]: docs/gone.md\n")
        with open(os.path.join(top, "docs", "a.md"), "w") as f:
            f.write("# A heading\n\n[back](../README.md#same)\n")
        with open(os.path.join(tmp, "outside.md"), "w") as f:
            f.write("# outside\n")
        found = check(top)
        expected = ["README.md:12: link docs/nowhere.md", "README.md:13: link docs/a.md#no-such-heading",
                    "README.md:14: link ../outside.md: outside", "README.md:15: link /etc/passwd",
                    "README.md:16: cites ../shared/docs/rules.md", "README.md:17: link docs/gone.md"]
        missing = [e for e in expected if not any(p.startswith(e) for p in found)]
        extra = [p for p in found if not any(p.startswith(e) for e in expected)]
        if missing or extra:
            for e in missing:
                print(f"check-links self-test: not reported: {e}")
            for p in extra:
                print(f"check-links self-test: reported wrongly: {p}")
            return False
    return True


def main():
    args = sys.argv[1:]
    if args and args[0] == "--self-test":
        if not self_test():
            return 1
        args = args[1:]
    top = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    problems = check(top)
    for p in problems:
        print(p)
    count = len(list(markdown_files(top)))
    print(f"check-links: {count} Markdown files, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

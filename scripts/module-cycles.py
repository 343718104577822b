#!/usr/bin/env python3
"""Fails when the modules of a crate import each other in a cycle (issue 12).

A module is a source file (`src/a/b.rs` or `src/a/b/mod.rs` is `a::b`). An edge A -> B is any
`crate::B...` path in A's text (in `use` lines and inline), or `super::...` resolved against A.
A bare `child::...` path in a module is an edge to its child module. A module's `mod`
declarations are not edges, and neither is a reference to a module's own ancestors (its
namespace).
Each module depends on the longest module path its reference names. Prints every cycle found
(strongly connected components of more than one module) and exits 1 if there is one.

usage: module-cycles.py CRATE_SRC_DIR [...]
"""

import os
import re
import sys

PATH = re.compile(r"\b(crate|super)((?:::[A-Za-z_][A-Za-z0-9_]*)+)")
STRICT = True
CHILD = re.compile(r"(?<![:\w])([a-z_][a-z0-9_]*)::")
GROUP = re.compile(r"\b(crate|super)::((?:[A-Za-z_][A-Za-z0-9_]*::)*)\{([^}]*)\}", re.S)


def modules(src):
    found = {}
    for root, _, files in os.walk(src):
        for f in files:
            if not f.endswith(".rs"):
                continue
            rel = os.path.relpath(os.path.join(root, f), src)[:-3].split(os.sep)
            if rel[-1] == "mod":
                rel = rel[:-1]
            if rel in (["lib"], ["main"]):
                rel = []
            found["::".join(rel)] = os.path.join(root, f)
    return found


def strip(text):
    """The code without comments, string and character literals, and test modules."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            i = text.find("\n", i)
            i = n if i < 0 else i
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif c == "r" and re.match(r'r#*"', text[i:i + 4]) and not (i and text[i - 1].isalnum()):
            hashes = re.match(r'r(#*)"', text[i:]).group(1)
            j = text.find('"' + hashes, i + 2 + len(hashes))
            out.append('""')
            i = n if j < 0 else j + 1 + len(hashes)
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append('""')
            i = j + 1
        elif c == "'" and re.match(r"'(\\.[^']*|[^\\'])'", text[i:i + 12]):
            m = re.match(r"'(\\.[^']*|[^\\'])'", text[i:i + 12])
            out.append("' '")
            i += len(m.group(0))
        else:
            out.append(c)
            i += 1
    code = "".join(out)
    # Tests are not part of the module graph.
    cut = code.find("#[cfg(test)]")
    return code if cut < 0 else code[:cut]


def resolve(module, head, rest, known):
    parts = [p for p in rest.split("::") if p]
    if head == "crate":
        base = []
    else:
        base = module.split("::") if module else []
        # `super` in a mod.rs-less file is its parent; count each leading super.
        base = base[:-1]
        while parts and parts[0] == "super":
            base, parts = base[:-1], parts[1:]
    path = base + parts
    for n in range(len(path), 0, -1):
        name = "::".join(path[:n])
        if name in known:
            return name
    return None


def edges(mods):
    graph = {m: set() for m in mods}
    for m, file in mods.items():
        text = strip(open(file, encoding="utf-8").read())
        # A path followed by `::{` is a group's prefix: its items are the references.
        refs = [m.groups() for m in PATH.finditer(text) if not text.startswith("::{", m.end())]
        for head, prefix, inner in GROUP.findall(text):
            for item in inner.split(","):
                item = item.strip().split(" as ")[0].strip()
                if item and item != "self":
                    refs.append((head, "::" + prefix + item))
        for head, rest in refs:
            target = resolve(m, head, rest, mods)
            if target is not None and target != m and (STRICT or target not in ancestors(m)):
                graph[m].add(target)
        # Paths through a child module by its bare name (`writer::run`, `use record::Record`).
        for name in set(CHILD.findall(text)):
            child = f"{m}::{name}" if m else name
            if child in mods:
                graph[m].add(child)
    return graph


def ancestors(m):
    """The modules `m` lies inside: its namespace, not something it imports (a child using
    what its parent defines is not counted)."""
    parts = m.split("::")
    return {"::".join(parts[:i]) for i in range(len(parts))}


def cycles(graph):
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            visit(v)
    return out


def main():
    bad = False
    for src in sys.argv[1:]:
        graph = edges(modules(src))
        for comp in cycles(graph):
            bad = True
            inside = {m: sorted(t for t in graph[m] if t in comp) for m in comp}
            print(f"{src}: modules in a cycle:")
            for m, ts in inside.items():
                print(f"  {m or '(crate root)'} -> {', '.join(t or '(root)' for t in ts)}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()

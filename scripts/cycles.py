#!/usr/bin/env python3
"""Module import graph per crate: prints cycles (strongly connected components > 1) and imports of crate-root items."""
import os, re, sys
root = sys.argv[1] if len(sys.argv) > 1 else '.'
def modpath(src, f):
    rel = os.path.relpath(f, src)[:-3].split(os.sep)
    if rel[-1] in ('lib', 'main', 'mod'): rel = rel[:-1]
    return tuple(rel)
bad = 0
for crate in sorted(os.listdir(os.path.join(root, 'crates'))):
    src = os.path.join(root, 'crates', crate, 'src')
    if not os.path.isdir(src): continue
    files = {}
    for d, _, fs in os.walk(src):
        for f in fs:
            if f.endswith('.rs'): files[modpath(src, os.path.join(d, f))] = os.path.join(d, f)
    mods = set(files)
    def resolve(parts):
        for n in range(len(parts), -1, -1):
            if tuple(parts[:n]) in mods: return tuple(parts[:n]), parts[n:]
        return (), parts
    edges = {m: set() for m in mods}; root_items = []
    for m, f in files.items():
        text = open(f).read()
        text = re.split(r'#\[cfg\(test\)\]', text)[0]
        text = '\n'.join(l for l in text.splitlines() if not l.strip().startswith('//'))
        # visibility (`pub(crate)`, `pub(super)`, `pub(in path)`) names no item
        text = re.sub(r'pub\((crate|super|self|in [^)]*)\)', 'pub', text)
        # expand use crate::{a, b::c} roughly
        refs = []
        for mm in re.finditer(r'(?<![$\w])(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)*)(::\{([^;]*?)\})?', text, re.S):
            base = mm.group(1); path = [p for p in mm.group(2).split('::') if p]
            if base == 'crate': start = []
            elif base == 'super': start = list(m[:-1])
            else: start = list(m)
            if mm.group(4):
                for item in re.split(r',\s*', mm.group(4)):
                    item = item.strip().split(' as ')[0]
                    if item: refs.append(start + path + [p for p in item.split('::') if p and p != 'self'])
            else: refs.append(start + path)
        children = {c[-1] for c in mods if c[:-1] == m and len(c) == len(m) + 1}
        for c in children:
            for mm in re.finditer(r'(?<![:\w])' + c + r'::(\w+)', text):
                refs.append(list(m) + [c, mm.group(1)])
        for r in refs:
            target, rest = resolve(r)
            if target == () and rest and rest[0] not in [x[0] for x in mods if x]:
                root_items.append((m, '::'.join(rest)))
            if target != m: edges[m].add(target)
    # tarjan
    idx = {}; low = {}; st = []; on = set(); out = []; c = [0]
    sys.setrecursionlimit(10000)
    def sc(v):
        idx[v] = low[v] = c[0]; c[0] += 1; st.append(v); on.add(v)
        for w in edges.get(v, ()):
            if w not in edges: continue
            if w not in idx: sc(w); low[v] = min(low[v], low[w])
            elif w in on: low[v] = min(low[v], idx[w])
        if low[v] == idx[v]:
            comp = []
            while True:
                w = st.pop(); on.discard(w); comp.append(w)
                if w == v: break
            if len(comp) > 1: out.append(comp)
    for v in edges:
        if v not in idx: sc(v)
    for comp in out:
        bad += 1; print(crate, 'CYCLE:', ' <-> '.join('::'.join(x) or 'lib' for x in comp))
    for m, item in root_items:
        bad += 1; print(crate, 'ROOT IMPORT:', '::'.join(m), '->', item)
print('problems:', bad)

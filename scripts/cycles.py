#!/usr/bin/env python3
"""Checks the module graph of every crate under crates/ (ARCHITECTURE.md: "No module imports
from its crate's lib.rs, and module imports form no cycle").

A module's references are its `crate::…`, `super::…`, `self::…` paths and the `child::…` paths
to its own submodules, outside `#[cfg(test)]` (everything after the first one in a file is
test code) and outside comments. Visibility (`pub(crate)`, `pub(super)`, `pub(in …)`) names
no item. Two problems are reported, one line each:

  CRATE CYCLE: a <-> b <-> …     modules that reach each other (a strongly connected component)
  CRATE ROOT IMPORT: m -> item   a module importing an item defined or re-exported in the
                                 crate root (lib.rs/main.rs) instead of from its own module

Usage: scripts/cycles.py [ROOT] [--skip CRATE]...   (ROOT: the workspace, default .)
Prints nothing and exits 0 when the graph is clean; exits 1 otherwise.
       scripts/cycles.py --self-test   checks the reader on a made-up workspace.
"""
import os
import re
import sys

REFERENCE = re.compile(
    r'(?<![$\w])(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)*)(::\{([^;]*?)\})?', re.S)
VISIBILITY = re.compile(r'pub\((crate|super|self|in [^)]*)\)')


def module_path(src, path):
    """`src/a/b.rs` and `src/a/b/mod.rs` are ("a", "b"); lib.rs and main.rs are ()."""
    parts = os.path.relpath(path, src)[:-3].split(os.sep)
    if parts[-1] in ('lib', 'main', 'mod'):
        parts = parts[:-1]
    return tuple(parts)


def code_of(path):
    """The file's text without test code, line comments and visibility qualifiers."""
    text = open(path, encoding='utf-8').read().split('#[cfg(test)]')[0]
    text = '\n'.join(l for l in text.splitlines() if not l.strip().startswith('//'))
    return VISIBILITY.sub('pub', text)


def references(module, text, children):
    """Every path the module names, as absolute module paths plus item names."""
    refs = []
    for m in REFERENCE.finditer(text):
        base, path = m.group(1), [p for p in m.group(2).split('::') if p]
        start = {'crate': [], 'super': list(module[:-1]), 'self': list(module)}[base]
        if m.group(4):
            for item in re.split(r',\s*', m.group(4)):
                item = item.strip().split(' as ')[0]
                if item:
                    refs.append(start + path + [p for p in item.split('::') if p and p != 'self'])
        else:
            refs.append(start + path)
    for child in children:
        for m in re.finditer(r'(?<![:\w])' + child + r'::(\w+)', text):
            refs.append(list(module) + [child, m.group(1)])
    return refs


def check_crate(name, src):
    files = {}
    for folder, _, names in os.walk(src):
        for f in names:
            if f.endswith('.rs'):
                files[module_path(src, os.path.join(folder, f))] = os.path.join(folder, f)
    modules = set(files)
    top_level = {m[0] for m in modules if m}

    def resolve(parts):
        for n in range(len(parts), -1, -1):
            if tuple(parts[:n]) in modules:
                return tuple(parts[:n]), parts[n:]
        return (), parts

    edges = {m: set() for m in modules}
    problems = []
    for module, path in sorted(files.items()):
        children = {c[-1] for c in modules if c[:-1] == module and len(c) == len(module) + 1}
        for ref in references(module, code_of(path), children):
            target, rest = resolve(ref)
            if target == () and rest and rest[0] not in top_level:
                problems.append(f"{name} ROOT IMPORT: {'::'.join(module)} -> {'::'.join(rest)}")
            if target != module:
                edges[module].add(target)
    for component in strongly_connected(edges):
        names = sorted('::'.join(m) or 'lib' for m in component)
        problems.insert(0, f"{name} CYCLE: {' <-> '.join(names)}")
    return problems


def strongly_connected(edges):
    """Tarjan's algorithm; only components of more than one module."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in edges:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(component)

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


SELF_TEST = {
    # a <-> b through a grouped import and a child path; c only names its visibility
    'lib.rs': 'mod a;\nmod b;\nmod c;\npub use a::Thing;\npub fn helper() {}\n',
    'a.rs': 'use crate::{b::Other, b::inner};\npub struct Thing;\n',
    'b.rs': 'pub(crate) mod inner;\npub struct Other;\nfn f() { inner::g(); crate::a::Thing; }\n',
    'b/inner.rs': 'pub(super) fn g() {}\npub(crate) fn h() {}\n',
    # reaches into the root, but only from test code after the first #[cfg(test)]
    'c.rs': 'use crate::helper;\n// crate::b::Other in a comment\n'
            '#[cfg(test)]\nmod tests { use crate::helper; }\n',
}
SELF_TEST_EXPECTED = ['demo CYCLE: a <-> b', 'demo ROOT IMPORT: c -> helper']


def self_test():
    import tempfile
    with tempfile.TemporaryDirectory() as root:
        src = os.path.join(root, 'crates', 'demo', 'src')
        for name, text in SELF_TEST.items():
            os.makedirs(os.path.dirname(os.path.join(src, name)), exist_ok=True)
            with open(os.path.join(src, name), 'w', encoding='utf-8') as f:
                f.write(text)
        found = check_crate('demo', src)
    if found != SELF_TEST_EXPECTED:
        print(f'self-test: expected {SELF_TEST_EXPECTED}, found {found}')
        return 1
    return 0


def main(args):
    if args == ['--self-test']:
        return self_test()
    skip, root = set(), '.'
    while args:
        arg = args.pop(0)
        if arg == '--skip' and args:
            skip.add(args.pop(0))
        elif arg.startswith('-'):
            sys.exit(__doc__)
        else:
            root = arg
    problems = []
    for crate in sorted(os.listdir(os.path.join(root, 'crates'))):
        src = os.path.join(root, 'crates', crate, 'src')
        if crate not in skip and os.path.isdir(src):
            problems += check_crate(crate, src)
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""Checks that every target's dependency list in Package.swift matches what its files import.

    python3 scripts/check-deps.py            # from anywhere inside the repository

For each `.target`, `.executableTarget` and `.testTarget`, the modules its Swift files `import`
(also `@testable import`, `import struct X.Y`, imports inside `#if canImport(...)`) must be exactly
its declared `dependencies` (target names, and products by their name: `.product(name: "GRDB", ...)`):
  - imported but not declared: the module is only reached through another target (or not at all);
  - declared but not imported: the dependency is unused.
Modules of the toolchain and the system (Foundation, XCTest, Glibc, Dispatch, ...) are not counted.
Exit status 0 when every list matches, 1 otherwise (one line per difference).
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Modules that come with the toolchain or the operating system, never declared in Package.swift.
SYSTEM = {
    "Swift", "Foundation", "FoundationEssentials", "FoundationInternationalization", "FoundationNetworking",
    "FoundationXML", "CoreFoundation", "Dispatch", "XCTest", "Testing", "Glibc", "Musl", "Darwin", "Android",
    "WinSDK", "ucrt", "os", "Synchronization", "_Concurrency", "_StringProcessing", "RegexBuilder",
    "Observation", "Distributed", "SwiftShims", "PackageDescription",
}

IMPORT = re.compile(
    r"^\s*(?:@[\w()]+\s+)*import\s+(?:(?:typealias|struct|class|enum|protocol|let|var|func)\s+)?([A-Za-z_]\w*)",
    re.M)


def balanced(text, start, open_ch, close_ch):
    """The text from `start` (an opening bracket) to its matching closing bracket, exclusive of both;
    string literals are skipped so brackets inside them do not count."""
    assert text[start] == open_ch
    depth, i, n = 0, start, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif c == open_ch:
            depth += 1
        elif c == close_ch:
            depth -= 1
            if depth == 0:
                return text[start + 1:i]
        i += 1
    raise ValueError("unbalanced %s at %d" % (open_ch, start))


def strip_comments(text, keep_strings=True):
    """`text` without comments (`//`, nested `/* */`), and without string literals unless `keep_strings`
    (so Python in a test's multi-line string literal is not read as imports)."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif text[i] == '"' or (text[i] == "#" and re.match(r'#+"', text[i:])):
            hashes = len(re.match(r"#*", text[i:]).group(0))
            i += hashes
            quote = '"""' if text.startswith('"""', i) else '"'
            end = quote + "#" * hashes
            j = i + len(quote)
            while j < n and not text.startswith(end, j):
                j += 2 if (text[j] == "\\" and hashes == 0) else 1
            j = min(n, j + len(end))
            if keep_strings:
                out.append(text[i - hashes:j])
            else:
                out.append(" " if quote == '"' else "\n" * text.count("\n", i, j))
            i = j
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def targets(manifest):
    """(kind, name, path, dependencies) for every Swift target of the manifest."""
    text = strip_comments(manifest)
    out = []
    for m in re.finditer(r"\.(target|executableTarget|testTarget|systemLibrary)\s*\(", text):
        body = balanced(text, m.end() - 1, "(", ")")
        name = re.search(r'\bname:\s*"([^"]+)"', body).group(1)
        path = re.search(r'\bpath:\s*"([^"]+)"', body)
        deps = []
        d = re.search(r"\bdependencies:\s*\[", body)
        if d:
            lst = balanced(body, d.end() - 1, "[", "]")
            for p in re.finditer(r"\.product\s*\(", lst):
                deps.append(re.search(r'name:\s*"([^"]+)"', balanced(lst, p.end() - 1, "(", ")")).group(1))
            lst = re.sub(r"\.product\s*\((?:[^()]|\([^()]*\))*\)", "", lst)
            deps += re.findall(r'"([^"]+)"', lst)
        kind = m.group(1)
        default = ("Tests/" if kind == "testTarget" else "Sources/") + name
        out.append((kind, name, path.group(1) if path else default, deps))
    return out


def imports(folder):
    found = {}
    for dirpath, _, files in os.walk(folder):
        for f in sorted(files):
            if not f.endswith(".swift"):
                continue
            p = os.path.join(dirpath, f)
            with open(p, encoding="utf-8") as fh:
                for mod in IMPORT.findall(strip_comments(fh.read(), keep_strings=False)):
                    found.setdefault(mod, os.path.relpath(p, ROOT))
    return found


def main():
    with open(os.path.join(ROOT, "Package.swift"), encoding="utf-8") as fh:
        all_targets = targets(fh.read())
    names = {t[1] for t in all_targets}
    problems = []
    checked = 0
    for kind, name, path, deps in all_targets:
        if kind == "systemLibrary":
            continue
        checked += 1
        folder = os.path.join(ROOT, path)
        if not os.path.isdir(folder):
            problems.append(f"{name}: its folder {path} does not exist")
            continue
        used = {m: f for m, f in imports(folder).items() if m not in SYSTEM and m != name}
        declared = set(deps)
        if len(declared) != len(deps):
            problems.append(f"{name}: a dependency is listed twice: {deps}")
        for m in sorted(set(used) - declared):
            where = "another target" if m in names else "a product or an unknown module"
            problems.append(f"{name}: imports {m} ({used[m]}) without declaring it ({where})")
        for m in sorted(declared - set(used)):
            problems.append(f"{name}: declares {m} but no file imports it")
    for p in problems:
        print(p)
    print(f"check-deps: {checked} targets, {len(problems)} difference(s)", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

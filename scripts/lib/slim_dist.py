"""Final size step for dist/: drops code the console never runs, then optimises once.

    python3 scripts/lib/slim_dist.py dist/index.html

Trunk runs wasm-bindgen but not wasm-opt here (index.html: data-wasm-opt="0"); this step:
1. removes the stream classes wasm-streams exports (IntoUnderlyingSource, ...Sink,
   ...ByteSource) from the wasm's exports and from the JS glue. leptos 0.8 always enables
   server_fn's `browser` feature, which brings wasm-streams; the console never creates a
   stream, but an export is never dead code to the compiler;
2. points the indirect call table's entries for wasm-streams functions (the futures and drop
   glue those classes hand to JavaScript, found by the names in the "name" section) at a
   function that only traps. Table entries are roots to wasm-opt, so without this the code
   behind them stays. Entries keep their number and order, so no table index moves; only
   the stream objects the console never creates could call them. Skipped with a note when
   the module has no name section;
3. runs `wasm-opt -Oz` once, which now also drops the code behind those exports and entries;
4. minifies the JS glue with esbuild (wasm-bindgen writes it readable; Trunk's minifier
   fails on it), which also drops the classes, no longer exported;
5. writes the new sha384 integrity of both files into index.html.
Fails when the classes are not found, so a dependency change that renames them is noticed.
Measured on d3ba818's sources: wasm 260,930 -> 259,537 bytes gzip, JS 8,245 -> 6,464.
Step 2, measured 2026-11-30 on d901f99's sources: wasm 615,357 -> 605,853 bytes raw, 236,773
-> 232,906 gzip -9 (the 40 wasm_streams functions go, and with the one call_indirect of their
five-argument type gone, wasm-opt also turns the table's other functions of that type into a
trap: the table is not exported, so nothing could call them).
"""
import base64
import hashlib
import os
import re
import subprocess
import sys

from wasm_module import (
    function_bodies,
    function_names,
    leb,
    map_table_functions,
    put_leb,
    sections,
    table_functions,
)

STREAM_EXPORTS = ("intounderlying", "__wbg_intounderlying")
STREAM_CLASSES = ("IntoUnderlyingByteSource", "IntoUnderlyingSink", "IntoUnderlyingSource")
# Functions with this in their name exist for wasm-streams' types only.
STREAM_CODE = "wasm_streams"
# A function body with no locals that only traps: unreachable, end.
TRAP_BODY = b"\x00\x00\x0b"
# What rustc's wasm32 target emits and Trunk's own wasm-opt run enables (same output bytes).
WASM_FEATURES = [
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
]


def drop_exports(data, prefixes):
    """The module without the exports whose names start with one of prefixes; and those names."""
    out, removed = bytearray(data[:8]), []
    for section, start, body, end in sections(data):
        if section != 7:  # not the export section: copied as it is
            out += data[start:end]
            continue
        count, j = leb(data, body)
        kept = []
        for _ in range(count):
            first = j
            length, j = leb(data, j)
            name = data[j : j + length].decode("utf8")
            _, j = leb(data, j + length + 1)  # after the kind byte: the index
            if name.startswith(prefixes):
                removed.append(name)
            else:
                kept.append(data[first:j])
        payload = put_leb(len(kept)) + b"".join(kept)
        out += bytes([7]) + put_leb(len(payload)) + payload
    return bytes(out), removed


def redirect_table_entries(data, marker):
    """The module with each table entry whose function name contains marker pointing at a
    function that already exists and only traps; the number of entries changed; and what
    they now point at, or why nothing changed.

    A table entry's function type need not match anything (call_indirect checks it at the
    call), so any function can stand in. One already in the table is preferred, since
    wasm-opt keeps it anyway. Never raises: a module it cannot read is returned as it was.
    """
    try:
        names = function_names(data)
        if names is None:
            return data, 0, "the module has no name section"
        redirected = {index for index, name in names.items() if marker in name}
        in_table = set(table_functions(data))
        traps = [
            index
            for index, body in function_bodies(data)
            if body == TRAP_BODY and index not in redirected
        ]
        if not traps:
            return data, 0, "no function that only traps"
        target = min(traps, key=lambda index: (index not in in_table, index))
        module, changed = map_table_functions(
            data, lambda index: target if index in redirected else index
        )
        return module, changed, names.get(target, f"function {target}")
    except (ValueError, IndexError) as error:
        return data, 0, f"unreadable module ({error})"


def sri(data):
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def main():
    index = sys.argv[1]
    dist = os.path.dirname(os.path.abspath(index))
    html = open(index, encoding="utf-8").read()
    (js_name,) = set(re.findall(r'href="/([^"/]+\.js)"', html))
    (wasm_name,) = set(re.findall(r'href="/([^"/]+_bg\.wasm)"', html))
    js_path, wasm_path = os.path.join(dist, js_name), os.path.join(dist, wasm_name)

    wasm, removed = drop_exports(open(wasm_path, "rb").read(), STREAM_EXPORTS)
    if not removed:
        sys.exit(f"slim_dist: no export starts with {' or '.join(STREAM_EXPORTS)}")
    wasm, redirected, target = redirect_table_entries(wasm, STREAM_CODE)
    if redirected:
        print(f"slim: {redirected} table entries of {STREAM_CODE} -> {target}", file=sys.stderr)
    else:
        print(f"slim: no table entry of {STREAM_CODE} redirected: {target}", file=sys.stderr)
    open(wasm_path, "wb").write(wasm)
    subprocess.run(["wasm-opt", "-Oz", *WASM_FEATURES, wasm_path, "-o", wasm_path], check=True)

    js = open(js_path, encoding="utf-8").read()
    for name in STREAM_CLASSES:
        # The class, the line that gives it Symbol.dispose, and its FinalizationRegistry:
        # the last two are statements with effects to esbuild, so they would keep the class.
        for pattern in (
            rf"^export class {name}\b",
            rf"^if \(Symbol\.dispose\) {name}\.prototype\[Symbol\.dispose\] = .*;$",
            rf"^const {name}Finalization = \(typeof FinalizationRegistry === 'undefined'\)\n"
            rf"\s*\? .*\n\s*: new FinalizationRegistry\(.*\);$",
        ):
            replacement = f"class {name}" if pattern.startswith("^export") else ""
            js, found = re.subn(pattern, replacement, js, flags=re.M)
            if found != 1:
                sys.exit(f"slim_dist: {pattern!r} not found once in {js_name}")
    minified = subprocess.run(
        ["esbuild", "--minify", "--tree-shaking=true", "--format=esm", "--loader=js", "--log-level=warning"],
        input=js.encode(),
        stdout=subprocess.PIPE,
        check=True,
    ).stdout.decode()
    open(js_path, "w", encoding="utf-8").write(minified)
    # esbuild renames the classes, so look for what their bodies call: the dropped exports.
    if "intounderlying" in minified:
        sys.exit("slim_dist: esbuild kept code of the stream classes")

    for name, path in ((js_name, js_path), (wasm_name, wasm_path)):
        pattern = rf'(href="/{re.escape(name)}"[^>]*?integrity=")[^"]*(")'
        html, found = re.subn(pattern, rf"\g<1>{sri(open(path, 'rb').read())}\g<2>", html)
        if found != 1:
            sys.exit(f"slim_dist: no integrity attribute for {name} in index.html")
    open(index, "w", encoding="utf-8").write(html)
    print(f"slim: {len(removed)} stream exports dropped, wasm-opt -Oz, JS minified", file=sys.stderr)


if __name__ == "__main__":
    main()

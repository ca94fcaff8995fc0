"""Final size step for dist/: drops code the console never runs, then optimises once.

    python3 scripts/lib/slim_dist.py dist/index.html

Trunk runs wasm-bindgen but not wasm-opt here (index.html: data-wasm-opt="0"); this step:
1. removes the stream classes wasm-streams exports (IntoUnderlyingSource, ...Sink,
   ...ByteSource) from the wasm's exports and from the JS glue. leptos 0.8 always enables
   server_fn's `browser` feature, which brings wasm-streams; the console never creates a
   stream, but an export is never dead code to the compiler;
2. runs `wasm-opt -Oz` once, which now also drops the code behind those exports;
3. minifies the JS glue with esbuild (wasm-bindgen writes it readable; Trunk's minifier
   fails on it), which also drops the classes, no longer exported;
4. writes the new sha384 integrity of both files into index.html.
Fails when the classes are not found, so a dependency change that renames them is noticed.
Measured on d3ba818's sources: wasm 260,930 -> 259,537 bytes gzip, JS 8,245 -> 6,464.
"""
import base64
import hashlib
import os
import re
import subprocess
import sys

from wasm_module import put_leb, leb, sections

STREAM_EXPORTS = ("intounderlying", "__wbg_intounderlying")
STREAM_CLASSES = ("IntoUnderlyingByteSource", "IntoUnderlyingSink", "IntoUnderlyingSource")
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
    open(wasm_path, "wb").write(wasm)
    subprocess.run(["wasm-opt", "-Oz", *WASM_FEATURES, wasm_path, "-o", wasm_path], check=True)

    js = open(js_path, encoding="utf-8").read()
    for name in STREAM_CLASSES:
        js, found = re.subn(rf"^export class {name}\b", f"class {name}", js, flags=re.M)
        if found != 1:
            sys.exit(f"slim_dist: class {name} not found in {js_name}")
    minified = subprocess.run(
        ["esbuild", "--minify", "--format=esm", "--loader=js", "--log-level=warning"],
        input=js.encode(),
        stdout=subprocess.PIPE,
        check=True,
    ).stdout.decode()
    open(js_path, "w", encoding="utf-8").write(minified)
    left = [name for name in STREAM_CLASSES if name in minified]
    if left:
        sys.exit(f"slim_dist: esbuild kept {', '.join(left)}")

    for name, path in ((js_name, js_path), (wasm_name, wasm_path)):
        pattern = rf'(href="/{re.escape(name)}"[^>]*?integrity=")[^"]*(")'
        html, found = re.subn(pattern, rf"\g<1>{sri(open(path, 'rb').read())}\g<2>", html)
        if found != 1:
            sys.exit(f"slim_dist: no integrity attribute for {name} in index.html")
    open(index, "w", encoding="utf-8").write(html)
    print(f"slim: {len(removed)} stream exports dropped, wasm-opt -Oz, JS minified", file=sys.stderr)


main()

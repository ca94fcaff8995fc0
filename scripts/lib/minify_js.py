"""Minifies the JS glue wasm-bindgen wrote into dist/, in place, with esbuild (tools/).

wasm-bindgen writes the glue readable, and Trunk's own minifier (0.21) stops on it with
"Failed to minify JS" and leaves it as it is. esbuild reads it as the ES module it is. The
integrity hash Trunk put on the glue's <link rel="modulepreload"> is written anew, or the
browser would refuse the changed file.

    python3 scripts/lib/minify_js.py dist/index.html
"""
import base64
import hashlib
import os
import re
import subprocess
import sys

path = sys.argv[1]
dist = os.path.dirname(os.path.abspath(path))
html = open(path, encoding="utf-8").read()
names = sorted(set(re.findall(r'href="/([^"/]+\.js)"', html)))
if not names:
    sys.exit("minify_js.py: index.html links no JS glue")
for name in names:
    file = os.path.join(dist, name)
    before = os.path.getsize(file)
    subprocess.run(
        ["esbuild", file, "--minify", "--format=esm", "--log-level=warning",
         "--allow-overwrite", f"--outfile={file}"],
        check=True,
    )
    data = open(file, "rb").read()
    sri = "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()
    pattern = re.compile(r'(<link[^>]*href="/%s"[^>]*integrity=")[^"]*(")' % re.escape(name))
    html, count = pattern.subn(lambda m: m.group(1) + sri + m.group(2), html)
    if count == 0 and "integrity=" in html:
        sys.exit(f"minify_js.py: no integrity attribute for {name} to update")
    print(f"JS glue: {name} minified, {before:,} -> {len(data):,} bytes")
open(path, "w", encoding="utf-8").write(html)

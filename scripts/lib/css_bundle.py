"""Joins the stylesheets Trunk linked in dist/index.html into one file.

Each component keeps its own stylesheet in style/ (one place to edit), but a browser that
meets thirteen render-blocking <link>s waits for all of them before the first paint; one file
paints sooner. Measured in headless Chromium on loopback, on a busy 2-core machine, first
contentful paint, median of 15 interleaved loads: 208 ms with thirteen files, 144 ms with one,
92 ms for the bare shell with no CSS or script at all.
The joined file keeps the links' order (later rules win as before), is minified by esbuild
(tools/; comments and spaces go: 4,994 -> 3,949 bytes gzip), is named by its content hash like
Trunk's files, and is pinned by a sha384 subresource-integrity hash.
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
link_re = re.compile(r'[ \t]*<link rel="stylesheet" href="/([^"/]+\.css)"[^>]*>\n?')
links = link_re.findall(html)
if len(links) <= 1:
    print(f"stylesheets: {len(links)} file, nothing to join")
    sys.exit(0)

parts = []
for name in links:
    with open(os.path.join(dist, name), encoding="utf-8") as f:
        parts.append(f.read().rstrip() + "\n")
css = subprocess.run(
    ["esbuild", "--minify", "--loader=css", "--log-level=warning"],
    input="".join(parts).encode("utf-8"),
    stdout=subprocess.PIPE,
    check=True,
).stdout
name = "console-%s.css" % hashlib.sha256(css).hexdigest()[:16]
with open(os.path.join(dist, name), "wb") as f:
    f.write(css)
for old in links:
    os.remove(os.path.join(dist, old))

sri = "sha384-" + base64.b64encode(hashlib.sha384(css).digest()).decode()
joined = f'  <link rel="stylesheet" href="/{name}" integrity="{sri}"/>\n'
first = link_re.search(html)
html = html[: first.start()] + joined + link_re.sub("", html[first.start() :])
open(path, "w", encoding="utf-8").write(html)
print(f"stylesheets: {len(links)} files joined into {name} ({len(css):,} bytes)")

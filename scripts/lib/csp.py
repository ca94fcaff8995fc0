"""Adds a Content-Security-Policy to the built dist/index.html.

The policy allows only the app's own files, WebAssembly compilation, Trunk's inline loader
(by its SHA-256, computed here because Trunk writes it), and network calls to AWS endpoints,
loopback (the local emulator) and any extra origins named in FC_CSP_CONNECT (space separated,
e.g. a CORS relay). A meta policy cannot be widened at run time, so a relay must be named at
build time.
"""
import base64
import hashlib
import os
import re
import sys

path = sys.argv[1]
html = open(path, encoding="utf-8").read()
if 'http-equiv="Content-Security-Policy"' in html:
    sys.exit(0)

inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, flags=re.S)
script_hashes = " ".join(
    "'sha256-%s'" % base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode()
    for s in inline_scripts
)
connect = ["'self'", "https://*.amazonaws.com", "http://127.0.0.1:*", "http://localhost:*"]
connect += os.environ.get("FC_CSP_CONNECT", "").split()
policy = "; ".join(
    [
        "default-src 'none'",
        f"script-src 'self' 'wasm-unsafe-eval' {script_hashes}".strip(),
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src " + " ".join(connect),
        "base-uri 'none'",
        "form-action 'none'",
        "object-src 'none'",
    ]
)
meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
html, count = re.subn(r'(<meta charset="utf-8">)', r"\1\n  " + meta, html, count=1)
if count != 1:
    sys.exit("csp.py: no <meta charset=\"utf-8\"> to put the policy after")
open(path, "w", encoding="utf-8").write(html)
print(f"content security policy: {len(inline_scripts)} inline script(s) pinned by hash")

"""Writes a deployable folder from dist/ and a checked config (see scripts/package.sh).

    package.py DIST CONFIG CHECKED_JSON OUT

CHECKED_JSON is what `fc-config CONFIG` printed: the environment and the connect-src origins
the console's own rules computed from the config.
"""
import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

dist, config, checked, out = (Path(a) for a in sys.argv[1:5])
info = json.loads(checked.read_text())

if out.exists():
    shutil.rmtree(out)
out.mkdir(parents=True)

# The hashed assets Trunk wrote (name-HASH.ext), without the precompressed copies: CloudFront
# and the usual static hosts compress on their own.
assets = sorted(p.name for p in dist.iterdir()
                if p.is_file() and re.search(r"-[0-9a-f]{16}(_bg)?\.(js|wasm|css)$", p.name))
if not any(a.endswith(".wasm") for a in assets):
    sys.exit("package.py: no hashed .wasm in dist/: build the console first")
for name in assets:
    shutil.copy2(dist / name, out / name)
shutil.copy2(config, out / "config.json")

# index.html: connect-src computed from the config, nothing else allowed (no loopback, no
# wildcard AWS host), and the service worker's scope.
html = (dist / "index.html").read_text(encoding="utf-8")
match = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
if not match:
    sys.exit("package.py: dist/index.html has no Content-Security-Policy (built by scripts/build-web.sh?)")
directives = [d.strip() for d in match.group(1).split(";") if d.strip()]
connect = "connect-src 'self' " + " ".join(info["connectSrc"])
directives = [connect if d.startswith("connect-src") else d for d in directives]
meta_policy = "; ".join(directives)
# The config's place, which tells the console it is a packaged deployment (src/state/deploy.rs).
html = html.replace(match.group(0), f'<meta http-equiv="Content-Security-Policy" content="{meta_policy}">\n'
                    '  <meta name="fc-config" content="/config.json">')
(out / "index.html").write_text(html, encoding="utf-8")

# The service worker: its text changes with any file of the shell, so a new deployment (or a
# new config) is noticed by every open console.
shell = ["/index.html", "/config.json"] + ["/" + a for a in assets]
digest = hashlib.sha256()
for path in shell:
    digest.update(path.encode())
    digest.update((out / path.lstrip("/")).read_bytes())
version = digest.hexdigest()[:16]
worker = Path(__file__).with_name("service-worker.js").read_text(encoding="utf-8")
worker = worker.replace("__VERSION__", version).replace("__SHELL__", json.dumps(shell))
(out / "sw.js").write_text(worker, encoding="utf-8")

# The headers a host should send (Netlify / Cloudflare Pages `_headers` syntax; the
# deployment guide maps them to a CloudFront response headers policy). A header policy may
# carry frame-ancestors, which a meta policy cannot.
header_policy = meta_policy + "; frame-ancestors 'none'"
lines = [
    "/*",
    f"  Content-Security-Policy: {header_policy}",
    "  Strict-Transport-Security: max-age=63072000; includeSubDomains",
    "  X-Content-Type-Options: nosniff",
    "  Referrer-Policy: no-referrer",
    "  Cross-Origin-Opener-Policy: same-origin",
    "",
]
for path in ["/", "/index.html", "/config.json", "/sw.js"]:
    lines += [path, "  Cache-Control: no-cache", ""]
for name in assets:
    lines += [f"/{name}", "  Cache-Control: public, max-age=31536000, immutable", ""]
(out / "_headers").write_text("\n".join(lines), encoding="utf-8")

total = sum(p.stat().st_size for p in out.iterdir())
print(f"packaged {info['environment']!r} into {out} ({len(list(out.iterdir()))} files, {total // 1024} KB)")
print(f"  service worker version {version}")
print("  connect-src 'self' " + " ".join(info["connectSrc"]))

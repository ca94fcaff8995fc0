"""Prints the transfer size of the built console (dist/): raw and gzip per asset and in total.

Also writes dist/.fc-size.json for benchmarks. Brotli is shown when the `brotli` module exists.
"""
import gzip
import json
import pathlib
import sys

try:
    import brotli  # type: ignore
except ImportError:  # optional
    brotli = None

dist = pathlib.Path(sys.argv[1])
rows = []
for path in sorted(dist.iterdir()):
    if path.suffix not in {".wasm", ".js", ".css", ".html"} or not path.is_file():
        continue
    data = path.read_bytes()
    row = {
        "file": path.name,
        "kind": path.suffix[1:],
        "raw": len(data),
        "gzip": len(gzip.compress(data, compresslevel=9, mtime=0)),
    }
    if brotli is not None:
        row["brotli"] = len(brotli.compress(data, quality=11))
    rows.append(row)

total = {k: sum(r.get(k, 0) for r in rows) for k in ("raw", "gzip", "brotli")}
print("console size (dist/):")
print(f"  {'file':44} {'raw':>10} {'gzip':>10}" + (f" {'brotli':>10}" if brotli else ""))
for r in rows:
    line = f"  {r['file']:44} {r['raw']:>10,} {r['gzip']:>10,}"
    if brotli:
        line += f" {r['brotli']:>10,}"
    print(line)
line = f"  {'total':44} {total['raw']:>10,} {total['gzip']:>10,}"
if brotli:
    line += f" {total['brotli']:>10,}"
print(line)
(dist / ".fc-size.json").write_text(json.dumps({"assets": rows, "total": total}, indent=1))

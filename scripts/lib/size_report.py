"""Prints the transfer size of the built console (dist/): raw and gzip per asset and in total.

"gzip -9" is what a server compressing on the fly sends; "served" is the size of the gzip
copy the build writes next to each file (FILE.gz, Zopfli, scripts/lib/precompress.mjs), which
the emulator sends instead. Also writes dist/.fc-size.json for benchmarks. Brotli is shown
when the `brotli` module exists.
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
    copy = path.with_name(path.name + ".gz")
    if copy.is_file():
        row["served"] = copy.stat().st_size
    if brotli is not None:
        row["brotli"] = len(brotli.compress(data, quality=11))
    rows.append(row)

total = {k: sum(r.get(k, 0) for r in rows) for k in ("raw", "gzip", "brotli")}
# Files without a copy go out as they are.
total["served"] = sum(r.get("served", r["raw"]) for r in rows)
print("console size (dist/):")
print(
    f"  {'file':44} {'raw':>10} {'gzip -9':>10} {'served':>10}"
    + (f" {'brotli':>10}" if brotli else "")
)
for r in rows:
    line = f"  {r['file']:44} {r['raw']:>10,} {r['gzip']:>10,} {r.get('served', r['raw']):>10,}"
    if brotli:
        line += f" {r['brotli']:>10,}"
    print(line)
line = f"  {'total':44} {total['raw']:>10,} {total['gzip']:>10,} {total['served']:>10,}"
if brotli:
    line += f" {total['brotli']:>10,}"
print(line)
(dist / ".fc-size.json").write_text(json.dumps({"assets": rows, "total": total}, indent=1))

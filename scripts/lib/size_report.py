"""Prints the transfer size of the built console (dist/): raw and gzip per asset and in total.

"gzip -9" is what a server compressing on the fly sends; "served" is the size of the gzip
copy the build writes next to each file (FILE.gz, Zopfli, scripts/lib/precompress.mjs), and
"brotli" that of its brotli copy (FILE.br), which the emulator sends to browsers that accept
it. Also writes dist/.fc-size.json for benchmarks.
"""
import gzip
import json
import pathlib
import sys

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
    for key, suffix in (("served", ".gz"), ("brotli", ".br")):
        copy = path.with_name(path.name + suffix)
        if copy.is_file():
            row[key] = copy.stat().st_size
    rows.append(row)

total = {k: sum(r[k] for r in rows) for k in ("raw", "gzip")}
# Files without a copy go out as they are.
for key in ("served", "brotli"):
    total[key] = sum(r.get(key, r["raw"]) for r in rows)
print("console size (dist/):")
print(f"  {'file':44} {'raw':>10} {'gzip -9':>10} {'served':>10} {'brotli':>10}")
for r in rows + [dict(total, file="total")]:
    print(
        f"  {r['file']:44} {r['raw']:>10,} {r['gzip']:>10,}"
        f" {r.get('served', r['raw']):>10,} {r.get('brotli', r['raw']):>10,}"
    )
(dist / ".fc-size.json").write_text(json.dumps({"assets": rows, "total": total}, indent=1))

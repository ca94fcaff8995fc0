"""Code bytes of a wasm module per crate, from its name section: where the size comes from.

Use on cargo's output before wasm-bindgen and wasm-opt (it keeps the names):
    python3 bench/wasm_code_by_crate.py target/web/wasm32-unknown-unknown/release/failover-console.wasm [N]
A generic function counts for the crate that defines it (drop glue and sorting of the
console's types count for `core`). Figures are before wasm-opt, so only relative.
"""
import collections
import re
import sys

data = open(sys.argv[1], "rb").read()
top = int(sys.argv[2]) if len(sys.argv) > 2 else 25


def leb(i):
    """Reads an unsigned LEB128 at i; answers (value, next index)."""
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def sections(data):
    """Yields (id, size, start of payload, end of payload) for each section."""
    if data[:4] != b"\0asm":
        sys.exit(f"{sys.argv[1]} is not a wasm module")
    i = 8
    while i < len(data):
        section = data[i]
        size, start = leb(i + 1)
        yield section, size, start, start + size
        i = start + size


imported_functions, bodies, names = 0, [], {}
for section, _, i, end in sections(data):
    if section == 2:  # imports: function indices start after the imported functions
        count, j = leb(i)
        for _ in range(count):
            for _ in range(2):  # module and field names
                length, j = leb(j)
                j += length
            kind = data[j]
            j += 1
            if kind == 0:
                _, j = leb(j)
                imported_functions += 1
            elif kind == 1:  # table: reftype, limits
                flags, j = leb(j + 1)
                _, j = leb(j)
                j = leb(j)[1] if flags & 1 else j
            elif kind == 2:  # memory: limits
                flags, j = leb(j)
                _, j = leb(j)
                j = leb(j)[1] if flags & 1 else j
            elif kind == 3:  # global: valtype, mutability
                j += 2
    elif section == 10:  # code: body sizes
        count, j = leb(i)
        for _ in range(count):
            length, j = leb(j)
            bodies.append(length)
            j += length
    elif section == 0:  # custom: the "name" section's function names
        length, j = leb(i)
        if data[j : j + length] == b"name":
            j += length
            while j < end:
                sub = data[j]
                sub_size, j = leb(j + 1)
                if sub == 1:
                    count, k = leb(j)
                    for _ in range(count):
                        index, k = leb(k)
                        length, k = leb(k)
                        names[index] = data[k : k + length].decode("utf8", "replace")
                        k += length
                j += sub_size

# v0 mangling names a crate `C[s<hash>_]<len><name>`; legacy mangling starts `_ZN<len><name>`.
v0_crate = re.compile(r"C(?:s[0-9a-zA-Z]*_)?(\d+)([A-Za-z_][A-Za-z0-9_]*)")
legacy_crate = re.compile(r"_ZN(\d+)([A-Za-z_][A-Za-z0-9_]*)")
per_crate = collections.Counter()
for n, size in enumerate(bodies):
    name = names.get(n + imported_functions, "?")
    m = (v0_crate if name.startswith("_R") else legacy_crate).search(name)
    per_crate[m.group(2)[: int(m.group(1))] if m else name[:24]] += size
total = sum(bodies)
print(f"code bytes before wasm-opt: {total:,} in {len(bodies):,} functions")
for crate, size in per_crate.most_common(top):
    print(f"  {size:>9,} {100 * size / total:5.1f}%  {crate}")

"""Reading a wasm module's binary layout: LEB128 numbers and the sections they frame.

Shared by scripts/lib/slim_dist.py (drops exports) and bench/wasm_code_by_crate.py (code size
per crate).
"""


def leb(data, i):
    """Reads an unsigned LEB128 at i; answers (value, next index)."""
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, i


def put_leb(value):
    """An unsigned LEB128."""
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | 0x80 if value else byte)
        if not value:
            return bytes(out)


def sections(data):
    """(section id, start of the header, start of the body, end) for each section, in order."""
    if data[:4] != b"\0asm":
        raise ValueError("not a wasm module")
    i = 8
    while i < len(data):
        size, body = leb(data, i + 1)
        yield data[i], i, body, body + size
        i = body + size

"""Reading a wasm module's binary layout: LEB128 numbers, the sections they frame, function
names and bodies, and the function indices of the element segments (the indirect call table).

Shared by scripts/lib/slim_dist.py (drops exports and the table entries only they reach) and
bench/wasm_code_by_crate.py (code size per crate).
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


def custom_section(data, name):
    """(start, end) of the body of the custom section called name, after its name; or None."""
    for section, _, body, end in sections(data):
        if section == 0:
            length, j = leb(data, body)
            if data[j : j + length] == name.encode():
                return j + length, end
    return None


def function_names(data):
    """Function index -> name, from the "name" section; None when the module has none.

    Indices count imported functions first, as calls and the element section do.
    """
    found = custom_section(data, "name")
    if found is None:
        return None
    i, end = found
    names = {}
    while i < end:  # subsections: an id, a size, the content
        size, j = leb(data, i + 1)
        if data[i] == 1:  # the function names; 0 is the module's name, 2 the locals'
            count, k = leb(data, j)
            for _ in range(count):
                index, k = leb(data, k)
                length, k = leb(data, k)
                names[index] = data[k : k + length].decode("utf8", "replace")
                k += length
        i = j + size
    return names


def _limits_end(data, i):
    """The index after the limits (a flag byte, a minimum, a maximum when flag bit 0 says so) at i."""
    flags = data[i]
    _, i = leb(data, i + 1)
    if flags & 1:
        _, i = leb(data, i)
    return i


def imported_functions(data):
    """How many functions the module imports: the first function indices are theirs."""
    for section, _, body, _ in sections(data):
        if section != 2:
            continue
        count, j = leb(data, body)
        functions = 0
        for _ in range(count):
            for _ in range(2):  # module and field names
                length, j = leb(data, j)
                j += length
            kind, j = data[j], j + 1
            if kind == 0:  # function: its type index
                functions += 1
                _, j = leb(data, j)
            elif kind == 1:  # table: a reference type, then limits
                j = _limits_end(data, j + 1)
            elif kind == 2:  # memory: limits
                j = _limits_end(data, j)
            elif kind == 3:  # global: a value type and mutability
                j += 2
            elif kind == 4:  # tag: an attribute byte, then a type index
                _, j = leb(data, j + 1)
            else:
                raise ValueError(f"unknown import kind {kind}")
        return functions
    return 0


def function_bodies(data):
    """(function index, body bytes: locals then code) for each function the module defines."""
    first = imported_functions(data)
    for section, _, body, _ in sections(data):
        if section == 10:
            count, j = leb(data, body)
            for n in range(count):
                size, j = leb(data, j)
                yield first + n, data[j : j + size]
                j += size


def const_expr_end(data, i):
    """The index after the constant expression at i (an element or data segment's offset).

    Reads each instruction's immediates, since a value such as i32.const 11 holds the
    byte 0x0b that also ends the expression.
    """
    while True:
        op, i = data[i], i + 1
        if op == 0x0B:  # end
            return i
        if op in (0x41, 0x42):  # i32.const, i64.const: a signed LEB128 (same length rule)
            _, i = leb(data, i)
        elif op in (0x23, 0xD2):  # global.get, ref.func: an index
            _, i = leb(data, i)
        elif op == 0xD0:  # ref.null: a heap type byte
            i += 1
        elif op not in (0x6A, 0x6B, 0x6C, 0x7C, 0x7D, 0x7E):  # extended-const arithmetic
            raise ValueError(f"unexpected opcode {op:#x} in a constant expression")


def table_functions(data):
    """The function indices in the element segments, in table order."""
    found = []
    map_table_functions(data, lambda index: found.append(index) or index)
    return found


def map_table_functions(data, new_index):
    """The module with each function index in its element segments replaced by new_index(index).

    Answers (module, how many entries changed). Entries and segments keep their number and
    order, so no table slot moves. Entries written as expressions are changed only when the
    expression is a single ref.func. When nothing changes, the module is returned as it was.
    """
    out, changed = bytearray(data[:8]), 0
    for section, start, body, end in sections(data):
        if section != 9:
            out += data[start:end]
            continue
        count, j = leb(data, body)
        payload = bytearray(data[body:j])
        for _ in range(count):
            first, flags = j, data[j]
            j += 1
            if flags & 3 == 2:  # an explicit table index
                _, j = leb(data, j)
            if not flags & 1:  # active: the offset
                j = const_expr_end(data, j)
            if flags & 3 != 0:  # an element kind (0 = functions) or a reference type
                j += 1
            entries, j = leb(data, j)
            payload += data[first:j]
            for _ in range(entries):
                if not flags & 4:  # function indices
                    index, after = leb(data, j)
                    prefix, suffix = b"", b""
                elif data[j] == 0xD2 and data[leb(data, j + 1)[1]] == 0x0B:  # ref.func x; end
                    index, after = leb(data, j + 1)
                    prefix, suffix, after = b"\xd2", b"\x0b", after + 1
                else:  # any other expression: copied as it is
                    after = const_expr_end(data, j)
                    payload += data[j:after]
                    j = after
                    continue
                target = new_index(index)
                if target == index:
                    payload += data[j:after]
                else:
                    payload += prefix + put_leb(target) + suffix
                    changed += 1
                j = after
        out += bytes([9]) + put_leb(len(payload)) + payload
    return (bytes(out), changed) if changed else (data, 0)

"""Reading a wasm module's binary layout: LEB128 numbers, the sections they frame, imports and
exports, function names and bodies, and the function indices of the element segments (the
indirect call table); and writing the imports, exports and table entries back changed.

Shared by scripts/lib/slim_dist.py (drops exports and the table entries only they reach,
renames imports and exports) and bench/wasm_code_by_crate.py (code size per crate).
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


def name_at(data, i):
    """Reads a name (a LEB128 length, then UTF-8) at i; answers (name, next index)."""
    length, i = leb(data, i)
    return data[i : i + length].decode("utf8"), i + length


def put_name(name):
    """A name: its UTF-8 length as LEB128, then the bytes."""
    raw = name.encode("utf8")
    return put_leb(len(raw)) + raw


def _entries(data, section_id, read_entry):
    """read_entry(data, i) -> (entry, next index) for each entry of the section section_id (a
    count, then the entries), in order; nothing when the module has no such section."""
    for section, _, body, _ in sections(data):
        if section == section_id:
            count, j = leb(data, body)
            for _ in range(count):
                entry, j = read_entry(data, j)
                yield entry
            return


def _import_entry(data, j):
    """((module, field, kind, start of the kind byte, end), end) of the import at j."""
    module, j = name_at(data, j)
    field, j = name_at(data, j)
    kind, after = data[j], j + 1
    if kind == 0:  # function: its type index
        _, after = leb(data, after)
    elif kind == 1:  # table: a reference type, then limits
        after = _limits_end(data, after + 1)
    elif kind == 2:  # memory: limits
        after = _limits_end(data, after)
    elif kind == 3:  # global: a value type and mutability
        after += 2
    elif kind == 4:  # tag: an attribute byte, then a type index
        _, after = leb(data, after + 1)
    else:
        raise ValueError(f"unknown import kind {kind}")
    return (module, field, kind, j, after), after


def _import_entries(data):
    """(module, field, kind, start of the kind byte, end) for each import, in order."""
    return _entries(data, 2, _import_entry)


def imports(data):
    """(module name, field name, kind) for each import, in order; kind 0 is a function."""
    return [(module, field, kind) for module, field, kind, _, _ in _import_entries(data)]


def imported_functions(data):
    """How many functions the module imports: the first function indices are theirs."""
    return sum(kind == 0 for _, _, kind in imports(data))


def _replace_section(data, section_id, payload):
    """The module with the body of its section section_id, if it has one, replaced by payload."""
    out = bytearray(data[:8])
    for section, start, _, end in sections(data):
        if section == section_id:
            out += bytes([section]) + put_leb(len(payload)) + payload
        else:
            out += data[start:end]
    return bytes(out)


def rename_imports(data, new_names):
    """The module with each import's (module, field) names replaced by new_names(module, field),
    a pair; kinds, types and the order of the imports (so every function index) unchanged."""
    entries = list(_import_entries(data))
    payload = bytearray(put_leb(len(entries)))
    for module, field, _, kind_at, after in entries:
        module, field = new_names(module, field)
        payload += put_name(module) + put_name(field) + data[kind_at:after]
    return _replace_section(data, 2, bytes(payload))


def _export_entry(data, j):
    """((name, kind, index, start of the kind byte, end), end) of the export at j."""
    name, j = name_at(data, j)
    kind, (index, after) = data[j], leb(data, j + 1)
    return (name, kind, index, j, after), after


def _export_entries(data):
    """(name, kind, index, start of the kind byte, end) for each export, in order."""
    return _entries(data, 7, _export_entry)


def exports(data):
    """(name, kind, index) for each export, in order; kind 0 is a function, 1 a table,
    2 a memory, 3 a global."""
    return [(name, kind, index) for name, kind, index, _, _ in _export_entries(data)]


def map_exports(data, new_name):
    """The module with each export renamed to new_name(name), or left out when that is None;
    the others keep their kind, index and order."""
    kept = []
    for name, _, _, kind_at, after in _export_entries(data):
        name = new_name(name)
        if name is not None:
            kept.append(put_name(name) + data[kind_at:after])
    return _replace_section(data, 7, put_leb(len(kept)) + b"".join(kept))


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


def without_sections(data, drop):
    """The module without the sections for which drop(section id, name) is true; name is a
    custom section's name, None for the others."""
    out = bytearray(data[:8])
    for section, start, body, end in sections(data):
        if not drop(section, name_at(data, body)[0] if section == 0 else None):
            out += data[start:end]
    return bytes(out)


def with_function_names(data, names):
    """The module with its "name" section replaced by one holding names (index -> name) only."""
    out = without_sections(data, lambda _, name: name == "name")
    entries = b"".join(put_leb(i) + put_name(n) for i, n in sorted(names.items()))
    function_names_part = put_leb(len(names)) + entries
    payload = put_name("name") + b"\x01" + put_leb(len(function_names_part)) + function_names_part
    return bytes(out + b"\x00" + put_leb(len(payload)) + payload)


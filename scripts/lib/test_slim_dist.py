"""Tests slim_dist.redirect_table_entries on small wasm modules written here byte by byte.

    python3 -m pytest scripts/lib/test_slim_dist.py    (or: python3 scripts/lib/test_slim_dist.py)
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from slim_dist import redirect_table_entries  # noqa: E402
from wasm_module import function_names, put_leb, table_functions  # noqa: E402

IMPORTED = 1  # one imported function, so defined functions start at index 1
KEEP, STREAM, TRAP = 1, 2, 3
NAMES = {0: "env::log", KEEP: "console::keep", STREAM: "wasm_streams::sink::write", TRAP: "trap"}


def section(section_id, payload):
    return bytes([section_id]) + put_leb(len(payload)) + payload


def vec(items):
    return put_leb(len(items)) + b"".join(items)


def text(value):
    return put_leb(len(value.encode())) + value.encode()


def module(first, second, names=True):
    """A module with two element segments: functions [KEEP, first] at table offset 11 (its
    i32.const holds the byte 0x0b that also ends an expression), and [second] as a ref.func
    expression at offset 1."""
    types = section(1, vec([b"\x60\x00\x00"]))  # () -> ()
    imports = section(2, vec([text("env") + text("log") + b"\x00\x00"]))
    functions = section(3, vec([b"\x00"] * 3))
    table = section(4, vec([b"\x70\x00\x10"]))  # funcref, at least 16 entries
    elements = section(
        9,
        vec(
            [
                b"\x00\x41\x0b\x0b" + vec([put_leb(KEEP), put_leb(first)]),
                b"\x04\x41\x01\x0b" + vec([b"\xd2" + put_leb(second) + b"\x0b"]),
            ]
        ),
    )
    bodies = [b"\x00\x01\x0b", b"\x00\x01\x01\x0b", b"\x00\x00\x0b"]  # nop; nop nop; unreachable
    code = section(10, vec([put_leb(len(body)) + body for body in bodies]))
    out = b"\0asm\x01\0\0\0" + types + imports + functions + table + elements + code
    if names:
        entries = vec([put_leb(index) + text(name) for index, name in sorted(NAMES.items())])
        out += section(0, text("name") + b"\x01" + put_leb(len(entries)) + entries)
    return out


class RedirectTableEntries(unittest.TestCase):
    def test_reads_the_module(self):
        self.assertEqual(function_names(module(STREAM, STREAM)), NAMES)
        self.assertEqual(table_functions(module(STREAM, STREAM)), [KEEP, STREAM, STREAM])

    def test_redirects_exactly_the_stream_entries(self):
        out, changed, target = redirect_table_entries(module(STREAM, STREAM), "wasm_streams")
        self.assertEqual((changed, target), (2, "trap"))
        # Everything else, the other entry and the layout included, is byte for byte the same.
        self.assertEqual(out, module(TRAP, TRAP))

    def test_leaves_a_module_without_stream_entries_as_it_is(self):
        data = module(KEEP, KEEP)
        self.assertEqual(redirect_table_entries(data, "wasm_streams")[:2], (data, 0))

    def test_leaves_a_module_without_a_name_section_as_it_is(self):
        data = module(STREAM, STREAM, names=False)
        out, changed, note = redirect_table_entries(data, "wasm_streams")
        self.assertEqual((out, changed, note), (data, 0, "the module has no name section"))


if __name__ == "__main__":
    unittest.main()

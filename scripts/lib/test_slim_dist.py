"""Tests slim_dist.redirect_table_entries, slim_dist.order_for_gzip and slim_dist.rename_glue on
small wasm modules written here byte by byte (and, for rename_glue, a glue text in wasm-bindgen
0.2.130's shape). order_for_gzip runs the wasm-opt of tools/ (scripts/bootstrap.sh) and node.

    python3 -m pytest scripts/lib/test_slim_dist.py    (or: python3 scripts/lib/test_slim_dist.py)
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from slim_dist import (  # noqa: E402
    gzip_order,
    order_for_gzip,
    redirect_table_entries,
    rename_glue,
    short_names,
)
from wasm_module import (  # noqa: E402
    exports,
    function_bodies,
    function_names,
    imports,
    put_leb,
    sections,
    table_functions,
)

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


MODULE = "./demo_bg.js"
TIMEOUT = "__wbg_setTimeout_9ef22b48643bd7de"
INIT_TABLE = "__wbindgen_init_externref_table"
GONE = "__wbg_enqueue_c11626eae1c54509"  # in the glue, but no longer imported by the module
MALLOC = "__wbindgen_malloc"
SHIM = "wasm_bindgen_91c1f021a19370e4___convert__closures_____invoke_______true_"
KEPT = ("memory", "main", "bench_sign")
# A glue in the shape wasm-bindgen 0.2.130 writes (cut down): the JS module's own export
# (bench_sign), the import object literal with both forms of member, a closure's invoke shim
# named after its export, and the memory read by name.
GLUE = f"""export function bench_sign(iterations) {{
    const ret = wasm.bench_sign(iterations);
    return ret;
}}
function __wbg_get_imports() {{
    const import0 = {{
        __proto__: null,
        {GONE}: function() {{ return handleError(function (arg0, arg1) {{
            arg0.enqueue(arg1);
        }}, arguments); }},
        {TIMEOUT}: function() {{ return handleError(function (arg0, arg1) {{
            const ret = setTimeout(makeMutClosure(arg0, arg1, {SHIM}), 10);
            return ret;
        }}, arguments); }},
        {INIT_TABLE}: function(arg0) {{
            const ptr = passStringToWasm0("", wasm.{MALLOC});
            getDataViewMemory0().setInt32(arg0, ptr, true);
        }},
    }};
    return {{
        __proto__: null,
        "{MODULE}": import0,
    }};
}}

function {SHIM}(arg0, arg1) {{
    wasm.{SHIM}(arg0, arg1);
}}

function getDataViewMemory0() {{
    return new DataView(wasm.memory.buffer);
}}

let wasm;
function __wbg_finalize_init(instance) {{
    wasm = instance.exports;
    return wasm;
}}

export {{ initSync, __wbg_init as default }};
"""


def glue_module(extra_import=None):
    """A module importing TIMEOUT and INIT_TABLE from MODULE (and extra_import when given),
    with a memory and the exports KEPT, MALLOC and SHIM (main and SHIM one function)."""
    fields = [TIMEOUT, INIT_TABLE] + ([extra_import] if extra_import else [])
    types = section(1, vec([b"\x60\x00\x00"]))  # () -> ()
    imported = section(2, vec([text(MODULE) + text(field) + b"\x00\x00" for field in fields]))
    first = len(fields)  # defined functions: first, first + 1, first + 2
    functions = section(3, vec([b"\x00"] * 3))
    memory = section(5, vec([b"\x00\x01"]))  # one page at least
    exported = section(
        7,
        vec(
            [
                text("memory") + b"\x02\x00",
                text("main") + b"\x00" + put_leb(first),
                text("bench_sign") + b"\x00" + put_leb(first + 1),
                text(MALLOC) + b"\x00" + put_leb(first + 2),
                text(SHIM) + b"\x00" + put_leb(first),
            ]
        ),
    )
    code = section(10, vec([b"\x02\x00\x0b"] * 3))  # no locals; end
    return b"\0asm\x01\0\0\0" + types + imported + functions + memory + exported + code


class RenameGlue(unittest.TestCase):
    def test_renames_imports_and_exports_in_module_and_glue_alike(self):
        data = glue_module()
        out, glue, renamed = rename_glue(data, GLUE)
        module, timeout, init_table = renamed[MODULE], renamed[TIMEOUT], renamed[INIT_TABLE]
        malloc, shim = renamed[MALLOC], renamed[SHIM]
        self.assertEqual(imports(out), [(module, timeout, 0), (module, init_table, 0)])
        self.assertEqual(
            [name for name, _, _ in exports(out)], ["memory", "main", "bench_sign", malloc, shim]
        )
        short = [module, timeout, init_table, malloc, shim]
        self.assertTrue(all(len(name) <= 2 and name.isalnum() for name in short), short)
        self.assertEqual(len({timeout, init_table}), 2)
        self.assertEqual(len({malloc, shim} | set(KEPT)), 5)
        # The glue hands the object over under the new module name, each member now has its
        # import's new name (with its own body), and it reads the exports by their new names.
        self.assertIn(f'        "{module}": import0,', glue)
        self.assertRegex(glue, rf"\n        {timeout}: function\(\) {{ return handleError\("
                         rf"function \(arg0, arg1\) {{\n            const ret = setTimeout")
        self.assertRegex(glue, rf"\n        {init_table}: function\(arg0\) {{\n.*wasm\.{malloc}\)")
        self.assertIn(f"    wasm.{shim}(arg0, arg1);", glue)
        # The glue's own shim function is renamed where it is declared and passed, together.
        local = re.search(r"^function (\w+)\(arg0, arg1\)", glue, re.M).group(1)
        self.assertIn(f"makeMutClosure(arg0, arg1, {local})", glue)
        # Kept exports are read by their names; the member for the import the module lacks goes.
        for name in ("wasm.bench_sign(", "wasm.memory.buffer", "export function bench_sign("):
            self.assertIn(name, glue)
        self.assertIsNone(renamed[GONE])
        for old in (MODULE, TIMEOUT, INIT_TABLE, GONE, MALLOC, SHIM):
            self.assertNotIn(old, glue)
            self.assertNotIn(old.encode(), out)
        # Only the import and export sections change.
        kept = lambda module: [module[s:e] for i, s, _, e in sections(module) if i not in (2, 7)]
        self.assertEqual(kept(out), kept(data))

    def test_an_old_name_left_in_the_glue_fails(self):
        glue = GLUE + f"const {{ {MALLOC}: malloc }} = wasm;\n"
        with self.assertRaisesRegex(ValueError, f"old names still in the glue.*{MALLOC}"):
            rename_glue(glue_module(), glue)

    def test_an_import_with_no_member_in_the_glue_fails(self):
        with self.assertRaisesRegex(ValueError, "no member in import0: __wbg_missing_0123"):
            rename_glue(glue_module("__wbg_missing_0123"), GLUE)

    def test_keep_keeps_an_export_name(self):
        out, glue, renamed = rename_glue(glue_module(), GLUE, keep=[MALLOC])
        self.assertIn(MALLOC, [name for name, _, _ in exports(out)])
        self.assertIn(f"wasm.{MALLOC})", glue)
        self.assertNotIn(MALLOC, renamed)

    def test_short_names_are_distinct_identifiers_avoiding_taken(self):
        names = [name for name, _ in zip(short_names({"b"}), range(200))]
        self.assertEqual(len(set(names)), 200)
        self.assertEqual(names[:3], ["a", "c", "d"])
        self.assertTrue(all(re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", name) for name in names))
        self.assertNotIn("in", names)


TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools")


def call_exports(data, names):
    """What each export of the module returns when node calls it."""
    script = (
        "const m = new WebAssembly.Module(require('fs').readFileSync(process.argv[1]));"
        "const e = new WebAssembly.Instance(m, {}).exports;"
        "console.log(JSON.stringify(process.argv.slice(2).map((n) => e[n]())));"
    )
    with tempfile.NamedTemporaryFile(suffix=".wasm") as f:
        f.write(data)
        f.flush()
        out = subprocess.run(["node", "-e", script, f.name, *names], capture_output=True, check=True)
    return json.loads(out.stdout)


class OrderForGzip(unittest.TestCase):
    """Three functions of type () -> i32: seven (7), eight (calls seven, adds 1), three (3),
    exported under those names."""

    BODIES = [b"\x00\x41\x07\x0b", b"\x00\x10\x00\x41\x01\x6a\x0b", b"\x00\x41\x03\x0b"]
    NAMES = ["seven", "eight", "three"]

    def module(self):
        types = section(1, vec([b"\x60\x00\x01\x7f"]))
        functions = section(3, vec([b"\x00"] * 3))
        exported = section(7, vec([text(n) + b"\x00" + put_leb(i) for i, n in enumerate(self.NAMES)]))
        code = section(10, vec([put_leb(len(b)) + b for b in self.BODIES]))
        producers = section(0, text("producers") + b"\x00")
        return b"\0asm\x01\0\0\0" + types + functions + exported + code + producers

    def test_orders_by_bytes_and_keeps_what_each_export_does(self):
        data = self.module()
        self.assertEqual(gzip_order(data), [1, 2, 0])  # 00 10..., 00 41 03, 00 41 07
        self.assertEqual(call_exports(data, self.NAMES), [7, 8, 3])
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "m.wasm")
            open(path, "wb").write(data)
            env_path = os.path.join(TOOLS, "node_modules", ".bin") + os.pathsep + os.environ["PATH"]
            with mock.patch.dict(os.environ, {"PATH": env_path}):
                order_for_gzip(path)
            out = open(path, "rb").read()
        bodies = [body for _, body in function_bodies(out)]
        # eight first, its call renumbered to seven's new index (2); then three; then seven.
        self.assertEqual(bodies, [b"\x00\x10\x02\x41\x01\x6a\x0b", self.BODIES[2], self.BODIES[0]])
        self.assertEqual(call_exports(out, self.NAMES), [7, 8, 3])
        self.assertEqual([s for s in sections(out) if s[0] == 0], [], "custom sections left")


if __name__ == "__main__":
    unittest.main()

"""Final size step for dist/: drops code the console never runs, then optimises once.

    python3 scripts/lib/slim_dist.py dist/index.html

Trunk runs wasm-bindgen but not wasm-opt here (index.html: data-wasm-opt="0"); this step:
1. removes the stream classes wasm-streams exports (IntoUnderlyingSource, ...Sink,
   ...ByteSource) from the wasm's exports and from the JS glue. leptos 0.8 always enables
   server_fn's `browser` feature, which brings wasm-streams; the console never creates a
   stream, but an export is never dead code to the compiler;
2. points the indirect call table's entries for wasm-streams functions (the futures and drop
   glue those classes hand to JavaScript, found by the names in the "name" section) at a
   function that only traps. Table entries are roots to wasm-opt, so without this the code
   behind them stays. Entries keep their number and order, so no table index moves; only
   the stream objects the console never creates could call them. Skipped with a note when
   the module has no name section;
3. runs wasm-opt (WASM_OPT_PASSES: -Oz twice, with the low-memory and inlining options
   measured there), which now also drops the code behind those exports and entries;
4. orders the functions for gzip: by size class, then by their bytes, so that functions alike
   (drop glue, the copies of one generic) sit next to each other, within deflate's 32 KB
   window. wasm-opt renumbers them (--reorder-functions-by-name, with names that spell out
   the order). Measured on 41b46a2's sources: 596,092 -> 596,927 bytes raw (some calls get
   longer indices) but 228,223 -> 226,399 gzip -9 and 217,900 -> 216,159 Zopfli gzip;
   ordering by name, by size or by similarity (MinHash, greedy) did less;
5. gives the imports (module and field names) and the exports only the JS glue reads short
   names (a, b, ..., aa, ...), in the wasm and in the glue alike. wasm-bindgen names imports
   like `__wbg_setItem_cfa3cb31f271776a` and closure shims by their whole Rust type; the hex
   hashes do not compress, and both files spell every name out. The glue (wasm-bindgen
   0.2.130) lists the imports as members of one object literal per module (`const import0 =
   {...}`, handed over as `"./NAME_bg.js": import0`) and reads exports as `wasm.NAME`; only
   those places are rewritten, with the glue's own function named after each closure shim.
   `memory`, `main`, and exports the JS module exports itself (bench_sign) or index.html
   names keep their names. Done after wasm-opt, which drops unused imports, so that the glue
   members for those go instead of keeping their long names; and on the readable glue,
   whose shape is wasm-bindgen's, not esbuild's printing;
6. minifies the JS glue with esbuild (wasm-bindgen writes it readable; Trunk's minifier
   fails on it), which also drops the classes, no longer exported;
7. writes the new sha384 integrity of both files into index.html.
Fails when the classes are not found, so a dependency change that renames them is noticed;
and when the glue is not in the shape step 5 expects, an import has no member in it, or an
old name is still in it, before or after esbuild.
Measured on d3ba818's sources: wasm 260,930 -> 259,537 bytes gzip, JS 8,245 -> 6,464.
Step 2, measured 2026-11-30 on d901f99's sources: wasm 615,357 -> 605,853 bytes raw, 236,773
-> 232,906 gzip -9 (the 40 wasm_streams functions go, and with the one call_indirect of their
five-argument type gone, wasm-opt also turns the table's other functions of that type into a
trap: the table is not exported, so nothing could call them).
Step 5, measured 2026-11-30 on 253a86d's sources (144 imports, 13 exports renamed, 13 glue
members dropped; names in the wasm 9,368 -> 506 bytes): wasm 596,092 -> 587,228 bytes raw,
228,235 -> 225,067 gzip -9; JS 19,380 -> 12,325 raw, 5,963 -> 3,510 gzip -9.
"""
import base64
import hashlib
import itertools
import json
import os
import re
import string
import subprocess
import sys

from wasm_module import (
    exports,
    function_bodies,
    function_names,
    imported_functions,
    imports,
    map_exports,
    map_table_functions,
    rename_imports,
    table_functions,
    with_function_names,
    without_sections,
)

STREAM_EXPORTS = ("intounderlying", "__wbg_intounderlying")
STREAM_CLASSES = ("IntoUnderlyingByteSource", "IntoUnderlyingSink", "IntoUnderlyingSource")
# Functions with this in their name exist for wasm-streams' types only.
STREAM_CODE = "wasm_streams"
# A function body with no locals that only traps: unreachable, end.
TRAP_BODY = b"\x00\x00\x0b"
# What rustc's wasm32 target emits and Trunk's own wasm-opt run enables (same output bytes).
WASM_FEATURES = [
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
]
# The optimisation run (step 3). Measured 2026-11-30 on 2358098's sources, wasm before the
# renaming step, gzip -9 / Zopfli: plain -Oz 540,257 bytes raw, 208,869 / 198,945.
# - --low-memory-unused lets wasm-opt fold a small added constant into a load or store
#   offset (load(p + 8) -> load offset=8 (p)): the two differ only when p + 8 wraps past
#   4 GiB, which a Rust pointer never does (no allocation spans the top of memory; Weak's
#   usize::MAX sentinel is never read through). Rust emits such adds in every struct field
#   access: 535,639 / 207,159.
# - -aimfs=4 (always inline functions up to 4 bytes of code, default 2: field getters and
#   one-call wrappers): 3 gave 206,446, 5 gave 206,856, 6 and 8 more.
# - a second -Oz cleans up after that inlining: with both, 532,199 / 206,083 / 196,299.
# Tried and not kept: --converge, --gufa, -iit, --const-hoisting (-4 KB raw, +0.8 KB gzip),
# --merge-similar-functions, -ocimfs and -fimfs at other values.
WASM_OPT_PASSES = ["--low-memory-unused", "-aimfs=4", "-Oz", "-Oz"]


def drop_exports(data, prefixes):
    """The module without the exports whose names start with one of prefixes; and those names."""
    removed = [name for name, _, _ in exports(data) if name.startswith(prefixes)]
    return map_exports(data, lambda name: None if name.startswith(prefixes) else name), removed


def redirect_table_entries(data, marker):
    """The module with each table entry whose function name contains marker pointing at a
    function that already exists and only traps; the number of entries changed; and what
    they now point at, or why nothing changed.

    A table entry's function type need not match anything (call_indirect checks it at the
    call), so any function can stand in. One already in the table is preferred, since
    wasm-opt keeps it anyway. Never raises: a module it cannot read is returned as it was.
    """
    try:
        names = function_names(data)
        if names is None:
            return data, 0, "the module has no name section"
        redirected = {index for index, name in names.items() if marker in name}
        in_table = set(table_functions(data))
        traps = [
            index
            for index, body in function_bodies(data)
            if body == TRAP_BODY and index not in redirected
        ]
        if not traps:
            return data, 0, "no function that only traps"
        target = min(traps, key=lambda index: (index not in in_table, index))
        module, changed = map_table_functions(
            data, lambda index: target if index in redirected else index
        )
        return module, changed, names.get(target, f"function {target}")
    except (ValueError, IndexError) as error:
        return data, 0, f"unreadable module ({error})"


# Exports that keep their names even when only the glue uses them: the memory (its usual name,
# which tools and whoever reads the exports Trunk hands to its start event look for) and main.
KEPT_EXPORTS = ("memory", "main")
# Short words a generated name must not be (valid property names, but confusing to read).
RESERVED_WORDS = {"do", "if", "in", "for", "int", "let", "new", "try", "var"}
# wasm-bindgen 0.2.130's glue builds one object literal per import module, a member per
# import (`NAME: function(...) {...},` at 8 spaces, or with `handleError` around it),
# and hands them to the instance as `"MODULE": importN` in __wbg_get_imports.
IMPORT_OBJECT = r"^    const {var} = \{{\n        __proto__: null,\n(.*?)^    \}};$"
IMPORT_MEMBER = re.compile(r"^        ([A-Za-z_$][\w$]*): ", re.M)
IMPORT_MEMBER_END = re.compile(r"\n        \}(?:, arguments\); \})?,\n\Z")


def short_names(taken=()):
    """a, b, ..., Z, aa, ab, ...: valid JavaScript identifiers, never one of taken."""
    for size in itertools.count(1):
        for head in string.ascii_letters:
            for tail in itertools.product(string.ascii_letters + string.digits, repeat=size - 1):
                name = head + "".join(tail)
                if name not in taken and name not in RESERVED_WORDS:
                    yield name


def _word(name):
    """A pattern for name as a whole identifier (not part of a longer one)."""
    return rf"(?<![\w$]){re.escape(name)}(?![\w$])"


def _read(name):
    """A pattern for the glue reading the export name: `wasm.NAME`."""
    return rf"(?<![\w$.])wasm\.{re.escape(name)}(?![\w$])"


def leftover_names(text, names):
    """The names of names still in text as whole identifiers, sorted."""
    return sorted(name for name in names if re.search(_word(name), text))


def module_export_names(js):
    """The names in the JS module's own export list (`export function x`, `export { a as b }`)."""
    found = re.findall(r"^export (?:async )?(?:function\*?|class|const|let|var) ([\w$]+)", js, re.M)
    for group in re.findall(r"^export \{([^}]*)\}", js, re.M):
        found += group.replace(" as ", ",").replace(" ", "").split(",")
    return {name for name in found if name}


def _rename_import_object(js, module, short_module, fields):
    """The glue with the import object of module under short_module, its members for fields
    renamed by fields (old -> new), and its members for anything else (imports wasm-opt
    dropped) left out; and the names of the members left out."""
    line = rf"^        {re.escape(json.dumps(module))}: (import\d+),$"
    found = re.findall(line, js, re.M)
    if len(found) != 1:
        raise ValueError(f"no single `{json.dumps(module)}: importN,` line in the glue")
    (var,) = found
    js = re.sub(line, f"        {json.dumps(short_module)}: {var},", js, flags=re.M)
    blocks = list(re.finditer(IMPORT_OBJECT.format(var=var), js, re.M | re.S))
    if len(blocks) != 1:
        raise ValueError(f"the object literal `const {var} = {{...}}` not found once in the glue")
    body = blocks[0].group(1)
    starts = list(IMPORT_MEMBER.finditer(body))
    if body and (not starts or starts[0].start() != 0):
        raise ValueError(f"{var} does not start with a member")
    members, dropped, found = [], [], set()
    for n, start in enumerate(starts):
        member = body[start.start() : starts[n + 1].start() if n + 1 < len(starts) else len(body)]
        name = start.group(1)
        if not IMPORT_MEMBER_END.search(member):
            raise ValueError(f"the member {name} of {var} does not end as a function does")
        if name in fields:
            members.append(f"        {fields[name]}: " + member[start.end() - start.start() :])
            found.add(name)
        else:
            dropped.append(name)
    missing = sorted(set(fields) - found)
    if missing:
        raise ValueError(f"imports of {module} with no member in {var}: {', '.join(missing)}")
    start, end = blocks[0].span(1)
    return js[:start] + "".join(members) + js[end:], dropped


def rename_glue(wasm, js, keep=()):
    """Short names for the module's import modules and imports, and for each export the glue
    reads as `wasm.NAME`, in the module and in the glue alike.

    Answers (module, glue, {old name: new name, or None for a glue member left out}).
    Exports in keep or KEPT_EXPORTS, those the glue's own export list names and those the
    glue never reads as `wasm.NAME` keep their names. Glue members for imports the module
    no longer has (wasm-opt drops unused ones) are left out. Raises ValueError when the glue
    is not in the shape expected, an import has no member, or an old name is left in it.
    """
    renamed, fields_of = {}, {}
    for module, field, _ in imports(wasm):
        fields_of.setdefault(module, {})[field] = None  # each name once, in import order
    new_module = dict(zip(fields_of, short_names()))
    for module in fields_of:
        fields = fields_of[module] = dict(zip(fields_of[module], short_names()))
        js, dropped = _rename_import_object(js, module, new_module[module], fields)
        renamed.update({module: new_module[module], **fields, **dict.fromkeys(dropped)})
    wasm = rename_imports(wasm, lambda module, name: (new_module[module], fields_of[module][name]))

    names = [name for name, _, _ in exports(wasm)]
    kept = set(KEPT_EXPORTS) | set(keep) | module_export_names(js)
    read_by_glue = [name for name in names if name not in kept and re.search(_read(name), js)]
    new_export = dict(zip(read_by_glue, short_names(set(names) - set(read_by_glue))))
    for name, short in new_export.items():
        js = re.sub(_read(name), f"wasm.{short}", js)
        # A closure's invoke shim is a JS function of the export's name that calls it: that
        # name, where it is declared, called and passed (makeMutClosure(a, b, NAME)), too.
        if re.search(rf"^function {re.escape(name)}\(", js, re.M):
            local = f"__wbg_invoke_{short}"
            if re.search(_word(local), js):
                raise ValueError(f"{local} is already a name in the glue")
            shim, called = re.escape(name), r"(?:(?<=^function )|(?<=return )|(?<== )|(?<=\())"
            uses = rf"{called}{shim}(?=\()|(?<=, ){shim}(?=[,)])"  # declared or called; passed
            js = re.sub(uses, local, js, flags=re.M)
    renamed.update(new_export)
    wasm = map_exports(wasm, lambda name: new_export.get(name, name))

    left = leftover_names(js, renamed)
    if left:
        raise ValueError(f"old names still in the glue after renaming: {', '.join(left)}")
    return wasm, js, renamed


def _names_size(wasm):
    """Bytes of the import module, import and export names of the module."""
    return sum(len(m.encode()) + len(f.encode()) for m, f, _ in imports(wasm)) + sum(
        len(name.encode()) for name, _, _ in exports(wasm)
    )


def gzip_order(data):
    """The defined functions' indices in the order that compresses best found: size classes
    of 64 bytes, then the bodies' bytes."""
    bodies = dict(function_bodies(data))
    return sorted(bodies, key=lambda index: (len(bodies[index]) // 64, bodies[index]))


def order_for_gzip(path):
    """Rewrites the wasm at path with its functions in gzip_order (wasm-opt renumbers every
    call, table entry and export). The output has no custom section: wasm-opt writes the
    name section it is given only with -g."""
    data = without_custom_sections(open(path, "rb").read())
    names = {index: f"i{index:06d}" for index in range(imported_functions(data))}
    names.update({index: f"f{rank:06d}" for rank, index in enumerate(gzip_order(data))})
    open(path, "wb").write(with_function_names(data, names))
    subprocess.run(
        [
            "wasm-opt",
            *WASM_FEATURES,
            "--reorder-functions-by-name",
            # Read for the features the module uses, then left out with the rest.
            "--strip-target-features",
            path,
            "-o",
            path,
        ],
        check=True,
    )


def without_custom_sections(data):
    """The module without its custom sections (producers, wasm-bindgen's __wasm_split_unstable,
    names) but target_features, which wasm-opt reads: browsers ignore them all."""
    return without_sections(data, lambda section, name: section == 0 and name != "target_features")


def sri(data):
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def main():
    index = sys.argv[1]
    dist = os.path.dirname(os.path.abspath(index))
    html = open(index, encoding="utf-8").read()
    (js_name,) = set(re.findall(r'href="/([^"/]+\.js)"', html))
    (wasm_name,) = set(re.findall(r'href="/([^"/]+_bg\.wasm)"', html))
    js_path, wasm_path = os.path.join(dist, js_name), os.path.join(dist, wasm_name)

    wasm, removed = drop_exports(open(wasm_path, "rb").read(), STREAM_EXPORTS)
    if not removed:
        sys.exit(f"slim_dist: no export starts with {' or '.join(STREAM_EXPORTS)}")
    wasm, redirected, target = redirect_table_entries(wasm, STREAM_CODE)
    if redirected:
        print(f"slim: {redirected} table entries of {STREAM_CODE} -> {target}", file=sys.stderr)
    else:
        print(f"slim: no table entry of {STREAM_CODE} redirected: {target}", file=sys.stderr)
    open(wasm_path, "wb").write(wasm)
    subprocess.run(
        ["wasm-opt", *WASM_OPT_PASSES, *WASM_FEATURES, wasm_path, "-o", wasm_path], check=True
    )
    order_for_gzip(wasm_path)

    js = open(js_path, encoding="utf-8").read()
    for name in STREAM_CLASSES:
        # The class, the line that gives it Symbol.dispose, and its FinalizationRegistry:
        # the last two are statements with effects to esbuild, so they would keep the class.
        for pattern in (
            rf"^export class {name}\b",
            rf"^if \(Symbol\.dispose\) {name}\.prototype\[Symbol\.dispose\] = .*;$",
            rf"^const {name}Finalization = \(typeof FinalizationRegistry === 'undefined'\)\n"
            rf"\s*\? .*\n\s*: new FinalizationRegistry\(.*\);$",
        ):
            replacement = f"class {name}" if pattern.startswith("^export") else ""
            js, found = re.subn(pattern, replacement, js, flags=re.M)
            if found != 1:
                sys.exit(f"slim_dist: {pattern!r} not found once in {js_name}")
    wasm = open(wasm_path, "rb").read()
    names_before = _names_size(wasm)
    # Exports that index.html names keep their names too.
    keep = [name for name, _, _ in exports(wasm) if re.search(_word(name), html)]
    try:
        wasm, js, renamed = rename_glue(wasm, js, keep)
    except ValueError as error:
        sys.exit(f"slim_dist: renaming imports and exports: {error}")
    open(wasm_path, "wb").write(wasm)
    minified = subprocess.run(
        ["esbuild", "--minify", "--tree-shaking=true", "--format=esm", "--loader=js", "--log-level=warning"],
        input=js.encode(),
        stdout=subprocess.PIPE,
        check=True,
    ).stdout.decode()
    open(js_path, "w", encoding="utf-8").write(minified)
    # esbuild renames the classes, so look for what their bodies call: the dropped exports.
    if "intounderlying" in minified:
        sys.exit("slim_dist: esbuild kept code of the stream classes")
    left = leftover_names(minified, renamed)
    if left:
        sys.exit(f"slim_dist: old import or export names left in {js_name}: {', '.join(left)}")

    for name, path in ((js_name, js_path), (wasm_name, wasm_path)):
        pattern = rf'(href="/{re.escape(name)}"[^>]*?integrity=")[^"]*(")'
        html, found = re.subn(pattern, rf"\g<1>{sri(open(path, 'rb').read())}\g<2>", html)
        if found != 1:
            sys.exit(f"slim_dist: no integrity attribute for {name} in index.html")
    open(index, "w", encoding="utf-8").write(html)
    dropped = sum(new is None for new in renamed.values())
    print(
        f"slim: {len(removed)} stream exports dropped, wasm-opt {' '.join(WASM_OPT_PASSES)}, "
        f"{len(renamed) - dropped} import and export names shortened (names in the wasm {names_before} -> "
        f"{_names_size(wasm)} bytes; {dropped} glue imports the wasm lacks dropped), JS minified",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()

// Prints the figures of two runs of scripts/bench.sh side by side: the run before issue 14
// (bench/before-issue-14.txt, the build at 919813a) and the run just made. Lines are matched
// by their label, the text before the first figure; only lines that both runs have are shown.
//
//   node bench/compare.mjs BEFORE.txt NOW.txt
import { readFileSync } from 'node:fs';

const [beforePath, nowPath] = process.argv.slice(2);
if (!beforePath || !nowPath) {
  console.error('usage: compare.mjs BEFORE.txt NOW.txt');
  process.exit(2);
}

// "  label      12,345  171,606  note" -> [label, "12,345 171,606"]: the label ends where two
// spaces are followed by a figure.
function figures(path) {
  const rows = new Map();
  for (const raw of readFileSync(path, 'utf8').replace(/\x1b\[[0-9;]*m/g, '').split('\n')) {
    const m = raw.match(/^\s+(\S.*?)\s{2,}(-?[\d.,]+(?:x| ms| KB|%| signatures\/s)?(?:\s+[\d.,]+)*)(?:\s|$)/);
    if (m && /\d/.test(m[2])) rows.set(m[1].trim(), m[2].trim().replace(/\s{2,}/g, ' / '));
  }
  return rows;
}

// Lines whose label changed since the run before, by their new label.
const renamed = new Map([
  ['failover-console signer (aws-sigv4, wasm)', 'failover-console (own signer, wasm)'],
]);

const before = figures(beforePath);
for (const [now, old] of renamed) if (before.has(old)) before.set(now, before.get(old));
const now = figures(nowPath);
const width = Math.max(...[...now.keys()].filter((k) => before.has(k)).map((k) => k.length), 10);
console.log(`  ${'figure'.padEnd(width)}  ${'before (919813a)'.padStart(34)}  ${'now'.padStart(34)}`);
for (const [label, value] of now) {
  if (!before.has(label)) continue;
  console.log(`  ${label.padEnd(width)}  ${before.get(label).padStart(34)}  ${value.padStart(34)}`);
}

// Transfer size of the built console (dist/) next to what the same job costs in JavaScript:
// the AWS SDK for JavaScript v3 clients and commands the console uses, React, and both, each
// bundled here with esbuild (minified, browser, ESM, tree-shaken). Figures only, never a verdict.
// "served" is the gzip copy the build writes next to each console file (FILE.gz, Zopfli) and
// the emulator sends; e2e/bench/console-bench.mjs counts the same bytes as Chromium receives them.
//
//   node bench/bench.mjs --dist dist [--json out.json]
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const arg = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const dist = arg('--dist') ?? join(here, '..', 'dist');
const jsonOut = arg('--json');

// The same compressors a web server uses at their highest settings (gzip -9, brotli 11).
function sizes(bytes) {
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }).length,
  };
}
const add = (a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli });
const zero = { raw: 0, gzip: 0, brotli: 0 };

// ---- the console: what the browser downloads besides index.html ----
const kinds = { '.wasm': 'wasm', '.js': 'JS', '.css': 'CSS' };
const consoleRows = { wasm: zero, JS: zero, CSS: zero };
for (const file of readdirSync(dist).sort()) {
  const kind = kinds[extname(file)];
  if (!kind) continue;
  consoleRows[kind] = add(consoleRows[kind] ?? zero, sizes(readFileSync(join(dist, file))));
}
const consoleTotal = Object.values(consoleRows).reduce(add, zero);
// The precompressed copies, where the build wrote them (a file without one goes out raw).
const served = {};
for (const file of readdirSync(dist).sort()) {
  const kind = kinds[extname(file)];
  if (!kind) continue;
  const copy = join(dist, `${file}.gz`);
  const bytes = existsSync(copy) ? statSync(copy).size : statSync(join(dist, file)).size;
  served[kind] = (served[kind] ?? 0) + bytes;
}
const servedTotal = Object.values(served).reduce((a, b) => a + b, 0);

// ---- the comparison: every client and command the console calls (src/aws/services) ----
const aws = `
export { ElastiCacheClient, DescribeGlobalReplicationGroupsCommand, DescribeReplicationGroupsCommand,
  DescribeEventsCommand as ElastiCacheDescribeEventsCommand, CreateGlobalReplicationGroupCommand,
  FailoverGlobalReplicationGroupCommand, TestFailoverCommand } from '@aws-sdk/client-elasticache';
export { NeptuneClient, DescribeGlobalClustersCommand, DescribeDBClustersCommand,
  DescribeEventsCommand as NeptuneDescribeEventsCommand, FailoverGlobalClusterCommand,
  SwitchoverGlobalClusterCommand } from '@aws-sdk/client-neptune';
export { MemoryDBClient, DescribeClustersCommand, DescribeEventsCommand as MemoryDbDescribeEventsCommand,
  FailoverShardCommand } from '@aws-sdk/client-memorydb';
`;
const react = `
export { createElement, useState, useEffect } from 'react';
export { createRoot } from 'react-dom/client';
`;

async function bundle(contents) {
  const out = await build({
    stdin: { contents, resolveDir: here, loader: 'js' },
    bundle: true,
    minify: true,
    treeShaking: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    write: false,
    logLevel: 'error',
  });
  return sizes(out.outputFiles[0].contents);
}

const version = (name) =>
  JSON.parse(readFileSync(join(here, 'node_modules', name, 'package.json'), 'utf8')).version;
const sdkName = `AWS SDK v3 ${version('@aws-sdk/client-elasticache')}: 3 clients, 14 commands`;
const reactName = `React ${version('react')} + react-dom`;
const jsRows = [
  [sdkName, await bundle(aws)],
  [reactName, await bundle(react)],
  ['React + AWS SDK clients', await bundle(react + aws)],
];

// ---- the table ----
const W = 58;
const n = (v) => v.toLocaleString('en-US');
const line = (name, s, copy) =>
  `  ${name.padEnd(W)} ${n(s.raw).padStart(11)} ${n(s.gzip).padStart(10)} ${n(s.brotli).padStart(10)}` +
  (copy === undefined ? '' : ` ${n(copy).padStart(10)}`);
const out = [];
out.push(`  ${'transfer size, bytes (JavaScript: esbuild --minify, ESM)'.padEnd(W)} ${'raw'.padStart(11)} ${'gzip -9'.padStart(10)} ${'brotli 11'.padStart(10)} ${'served'.padStart(10)}`);
for (const [kind, s] of Object.entries(consoleRows)) out.push(line(`failover-console ${kind}`, s, served[kind]));
out.push(line('failover-console total (wasm + JS + CSS)', consoleTotal, servedTotal));
out.push('  ' + '-'.repeat(W + 34));
for (const [name, s] of jsRows) out.push(line(name, s));
out.push('  ' + '-'.repeat(W + 34));
const ratio = (a, b) => (a / b).toFixed(2).padStart(10);
for (const [name, s] of [jsRows[0], jsRows[2]]) {
  out.push(
    `  ${('ratio console / ' + name.replace(/:.*$/, '')).padEnd(W)} ${ratio(consoleTotal.raw, s.raw).padStart(11)} ` +
      `${ratio(consoleTotal.gzip, s.gzip)} ${ratio(consoleTotal.brotli, s.brotli)}`,
  );
}
const kb = (b) => `${(b / 1000).toFixed(1)} KB`;
out.push(
  `  budget: at most 280 KB gzip as served; the console is ${kb(servedTotal)} as served (Zopfli gzip), ` +
    `${kb(consoleTotal.gzip)} gzip -9, ${kb(consoleTotal.brotli)} brotli 11`,
);
console.log(out.join('\n'));

if (jsonOut) {
  writeFileSync(
    jsonOut,
    JSON.stringify({ console: { ...consoleRows, total: consoleTotal, served: { ...served, total: servedTotal } }, javascript: Object.fromEntries(jsRows) }, null, 1),
  );
}

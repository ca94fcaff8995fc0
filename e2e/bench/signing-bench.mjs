// SigV4 signing throughput in the same Chromium: the console's signer (src/aws/signing.rs over
// the aws-sigv4 crate, compiled to wasm, through the `bench_sign` export of src/bench.rs)
// beside aws4fetch (SubtleCrypto).
// Prints signatures per second and the ratio; never passes or fails on speed.
//
//   node bench/signing-bench.mjs [iterations]     (from e2e/; needs dist/ and the emulator built)
//
// Both sign the same request: POST DescribeReplicationGroups to elasticache.us-east-1 with a
// session token, a different X-Amz-Date each time. Differences worth knowing when reading the
// ratio: aws4fetch is async (SubtleCrypto HMACs, awaited one by one, as a caller would) and
// caches the derived signing key per day; ours is synchronous and derives it every time.
//
// What the export costs the product (same tree built with and without `pub mod bench;`,
// 2026-11-22): wasm +1,229 bytes raw (+589 gzip), JS glue +613 raw (+189 gzip).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startEmulator } from '../lib/harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const N = Number(process.argv[2] ?? process.env.SIGN_ITERATIONS ?? 5000);
const ROUNDS = 5;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const emulator = await startEmulator({ timeScale: 20 });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  // The built page's CSP forbids injected scripts; the bench bypasses it, the product never does.
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(`${emulator.url}/`);
  await page.waitForFunction(() => typeof window.wasmBindings?.bench_sign === 'function', null, { timeout: 30_000 })
    .catch(() => { throw new Error('window.wasmBindings.bench_sign is missing: rebuild dist/ with scripts/build-web.sh'); });
  await page.addScriptTag({ path: path.join(here, '../node_modules/aws4fetch/dist/aws4fetch.umd.js') });

  const ours = (n) => page.evaluate((k) => window.wasmBindings.bench_sign(k), n);
  const theirs = (n) => page.evaluate(async (k) => {
    const { AwsV4Signer } = window.aws4fetch;
    const body = 'Action=DescribeReplicationGroups&Version=2015-02-02&MaxRecords=100';
    const sessionToken = 'bench-session-token'.repeat(20);
    const stamp = (i) => new Date((1_700_000_000 + i) * 1000).toISOString().replace(/[:-]|\.\d{3}/g, '');
    const t0 = performance.now();
    for (let i = 0; i < k; i++) {
      const signer = new AwsV4Signer({
        url: 'https://elasticache.us-east-1.amazonaws.com/',
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body,
        accessKeyId: 'AKIABENCHMARK0000001',
        secretAccessKey: 'bench-secret-access-key-not-for-aws-00000',
        sessionToken,
        service: 'elasticache',
        region: 'us-east-1',
        datetime: stamp(i),
      });
      await signer.sign();
    }
    return performance.now() - t0;
  }, n);

  // Warm up both (JIT, wasm tier-up, SubtleCrypto), then alternate rounds so drift hits both.
  await ours(Math.min(500, N));
  await theirs(Math.min(500, N));
  const a = [];
  const b = [];
  for (let r = 0; r < ROUNDS; r++) {
    const x = await ours(N);
    if (!Number.isFinite(x)) throw new Error('bench_sign failed to sign');
    a.push(x);
    b.push(await theirs(N));
  }
  const rate = (ms) => N / (ms / 1000);
  const oursRate = rate(median(a));
  const theirsRate = rate(median(b));
  const version = await page.evaluate(() => navigator.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? 'Chromium');
  console.log(`SigV4 signing throughput in ${version}, ${N} signatures per round, median of ${ROUNDS} rounds:`);
  console.log(`  ${'failover-console signer (aws-sigv4, wasm)'.padEnd(40)} ${oursRate.toFixed(0).padStart(9)} signatures/s  (${(median(a) / N * 1000).toFixed(1)} µs each)`);
  console.log(`  ${'aws4fetch 1.0.20 (SubtleCrypto)'.padEnd(40)} ${theirsRate.toFixed(0).padStart(9)} signatures/s  (${(median(b) / N * 1000).toFixed(1)} µs each)`);
  console.log(`  ratio wasm / aws4fetch: ${(oursRate / theirsRate).toFixed(2)}x`);
} finally {
  await browser.close();
  await emulator.stop();
}

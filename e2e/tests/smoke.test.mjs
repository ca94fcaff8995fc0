// The console loads from the emulator, mounts, and renders without a browser error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openBrowser, screenshot, startEmulator } from '../lib/harness.mjs';

test('the served console mounts and renders without errors', async () => {
  const emulator = await startEmulator();
  const session = await openBrowser();
  try {
    const { page } = session;
    const assets = [];
    page.on('response', (r) => {
      if (/\.(wasm|js|css)$/.test(new URL(r.url()).pathname)) assets.push(r);
    });
    const response = await page.goto(`${emulator.url}/`);
    assert.equal(response.status(), 200);
    await page.waitForSelector('[data-app-mounted="true"]', { timeout: 15_000 });
    assert.match(await page.title(), /failover-console/);
    // The static shell's placeholder is gone once the app has mounted.
    assert.equal(await page.getByText('Loading console…').count(), 0);
    // The built page carries a strict policy, and nothing the app did violated it (Chromium
    // would also log each violation as a console error, which assertNoErrors catches).
    const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(policy, /default-src 'none'/);
    assert.match(policy, /script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
    assert.doesNotMatch(policy, /unsafe-inline/);
    // Every asset Trunk links is pinned by a subresource-integrity hash.
    const unpinned = await page.locator('link[rel="stylesheet"]:not([integrity]), link[rel="modulepreload"]:not([integrity])').count();
    assert.equal(unpinned, 0);
    // The wasm, JS and CSS came as the build's brotli copies (scripts/lib/precompress.mjs),
    // which Chromium accepts: the bytes on the wire are those of FILE.br, and the browser
    // decoded them (the app mounted).
    const dist = process.env.FC_DIST ?? join(fileURLToPath(import.meta.url), '..', '..', '..', 'dist');
    assert.equal(assets.length, 3, `wasm, JS and CSS: ${assets.map((r) => r.url())}`);
    for (const r of assets) {
      const name = basename(new URL(r.url()).pathname);
      assert.equal((await r.allHeaders())['content-encoding'], 'br', name);
      const sizes = await r.request().sizes();
      assert.equal(sizes.responseBodySize, statSync(join(dist, `${name}.br`)).size, name);
    }
    await screenshot(page, 'smoke-mounted');
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('a deep link is served the app, not a 404', async () => {
  const emulator = await startEmulator();
  try {
    const res = await fetch(`${emulator.url}/r/elasticache/global/ldgnf-checkout-sessions`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<html/i);
  } finally {
    await emulator.stop();
  }
});

// The console loads from the emulator, mounts, and renders without a browser error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, screenshot, startEmulator } from '../lib/harness.mjs';

test('the served console mounts and renders without errors', async () => {
  const emulator = await startEmulator();
  const session = await openBrowser();
  try {
    const { page } = session;
    const response = await page.goto(`${emulator.url}/`);
    assert.equal(response.status(), 200);
    await page.waitForSelector('[data-app-mounted="true"]', { timeout: 15_000 });
    assert.match(await page.title(), /failover-console/);
    // The static shell's placeholder is gone once the app has mounted.
    assert.equal(await page.getByText('Loading console…').count(), 0);
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

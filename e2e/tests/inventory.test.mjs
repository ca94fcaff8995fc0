// Inventory: filters live in the URL, deep links open resources, the palette jumps by name,
// and a filter keystroke stays fast with thousands of shards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, screenshot, startEmulator } from '../lib/harness.mjs';
import { connectViaUrl, rowNames, waitUntil } from './console.mjs';

test('filters by text, service, region and status, and keeps them in the URL', async () => {
  const emulator = await startEmulator();
  const session = await openBrowser();
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    await page.getByRole('searchbox', { name: 'Filter' }).fill('graph');
    await waitUntil('q in URL', () => page.url().includes('q=graph'));
    const names = await rowNames(page);
    assert.ok(names.length >= 3 && names.every((n) => n.includes('graph')), names.join(','));
    await page.getByLabel('Service', { exact: true }).selectOption('neptune');
    await waitUntil('service in URL', () => page.url().includes('service=neptune'));
    await page.getByLabel('Region', { exact: true }).selectOption('us-west-2');
    await waitUntil('region in URL', () => page.url().includes('region=us-west-2'));
    const west = await rowNames(page);
    assert.ok(west.includes('recs-graph-usw2') && west.includes('identity-graph'), west.join(','));
    assert.ok(!west.includes('fraud-graph'), 'fraud-graph has no member in us-west-2');
    await page.getByLabel('Status', { exact: true }).selectOption('failed');
    await page.getByText('No resource matches this filter.').waitFor();
    await screenshot(page, 'inventory-filtered-empty');

    // The same filter, opened as a link in a fresh tab.
    const other = await session.context.newPage();
    await other.goto(`${emulator.url}/?connect=emulator&q=pay&service=memorydb&sort=status`);
    await other.getByRole('link', { name: 'payments-ledger', exact: true }).waitFor({ timeout: 20_000 });
    assert.deepEqual(await rowNames(other), ['payments-ledger']);
    // Its kind says the service once.
    assert.equal(await other.locator('.inventory-table__kind').first().innerText(), 'MemoryDB cluster');
    assert.equal(await other.getByRole('searchbox', { name: 'Filter' }).inputValue(), 'pay');
    assert.equal(await other.getByLabel('Service', { exact: true }).inputValue(), 'memorydb');
    await other.close();
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('deep links open each kind of resource page with its picture', async () => {
  const emulator = await startEmulator();
  const session = await openBrowser();
  try {
    const { page } = session;
    const pages = [
      ['/r/elasticache/global/ldgnf-checkout-sessions', 'ldgnf-checkout-sessions', 'resource-global-datastore'],
      ['/r/elasticache/rg/us-east-1/orders-queue', 'orders-queue', 'resource-replication-group'],
      ['/r/neptune/global/identity-graph', 'identity-graph', 'resource-neptune-global'],
      ['/r/neptune/cluster/us-west-2/recs-graph-usw2', 'recs-graph-usw2', 'resource-neptune-cluster'],
      ['/r/memorydb/us-east-1/payments-ledger', 'payments-ledger', 'resource-memorydb'],
    ];
    for (const [path, name, shot] of pages) {
      await page.goto(`${emulator.url}${path}?connect=emulator`);
      await page.getByRole('heading', { level: 1, name }).waitFor();
      await page.getByRole('heading', { name: 'Topology' }).waitFor({ timeout: 20_000 });
      await page.getByRole('group', { name: /Topology/ }).waitFor();
      await page.waitForTimeout(300);
      await screenshot(page, shot);
    }
    // The last one is MemoryDB: its kind is said once ("MemoryDB cluster", not "MemoryDB MemoryDB").
    assert.equal(await page.locator('.resource-page__crumbs').innerText(), 'Inventory / MemoryDB cluster');
    // The global datastore's picture marks the writer region.
    await page.goto(`${emulator.url}/r/elasticache/global/ldgnf-checkout-sessions?connect=emulator`);
    const writer = page.locator('.topology__region--writer');
    await writer.waitFor({ timeout: 20_000 });
    assert.match(await writer.innerText(), /us-east-1[\s\S]*WRITER[\s\S]*checkout-sessions-use1/);
    assert.equal(await page.locator('.topology__region').count(), 3);
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('links move between pages without reloading; Back and Forward bring back the page and its filter', async () => {
  const emulator = await startEmulator();
  const session = await openBrowser();
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    // A mark on the window: a full page load would wipe it (and the in-memory session).
    await page.evaluate(() => { window.__sameDocument = true; });
    const sameDocument = () => page.evaluate(() => window.__sameDocument === true);

    await page.getByRole('searchbox', { name: 'Filter' }).fill('orders');
    await waitUntil('q in URL', () => page.url().includes('q=orders'));
    await page.getByRole('link', { name: 'orders-queue', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'orders-queue' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/r/elasticache/rg/us-east-1/orders-queue');
    assert.ok(await sameDocument(), 'following a link reloaded the page');

    await page.getByRole('link', { name: 'Runs', exact: true }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Runs' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/runs');

    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'orders-queue' }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Inventory' }).waitFor();
    assert.equal(await page.getByRole('searchbox', { name: 'Filter' }).inputValue(), 'orders');
    assert.ok((await rowNames(page)).every((n) => n.includes('orders')));
    await page.goForward();
    await page.getByRole('heading', { level: 1, name: 'orders-queue' }).waitFor();
    assert.ok(await sameDocument(), 'Back or Forward reloaded the page');

    // An unknown path is the app's own "Not found", with a way back.
    await page.evaluate(() => { history.pushState(null, '', '/nowhere'); dispatchEvent(new PopStateEvent('popstate')); });
    await page.getByRole('heading', { level: 1, name: 'Not found' }).waitFor();
    await page.getByRole('link', { name: 'Back to the inventory' }).click();
    await page.getByRole('heading', { level: 1, name: 'Inventory' }).waitFor();
    assert.ok(await sameDocument());
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('"/" opens the palette; typing and Enter jump to the resource', async () => {
  const emulator = await startEmulator();
  const session = await openBrowser();
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    await page.keyboard.press('/');
    const palette = page.getByRole('dialog', { name: 'Jump to resource' });
    await palette.waitFor();
    await page.keyboard.type('fraud');
    await palette.getByRole('option', { name: /fraud-graph/ }).first().waitFor();
    await screenshot(page, 'palette');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'fraud-graph' }).waitFor();
    assert.match(page.url(), /\/r\/neptune\/global\/fraud-graph$/);
    // Ctrl+K works from inside a text field too.
    await page.goto(`${emulator.url}/`);
    await page.getByRole('searchbox', { name: 'Filter' }).focus();
    await page.keyboard.press('Control+k');
    await palette.waitFor();
    await page.keyboard.press('Escape');
    await palette.waitFor({ state: 'detached' });
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('with 5,000+ shards a filter keystroke re-renders a bounded table', async () => {
  const emulator = await startEmulator({ topology: 'large:100' });
  const session = await openBrowser();
  try {
    const { page } = session;
    await page.goto(`${emulator.url}/?connect=emulator`);
    const grid = page.getByRole('table', { name: 'Load state by region and service' });
    await waitUntil('every cell loaded', async () => (await grid.locator('.slot-grid__state--ready').count()) === 9, 90_000, 500);
    const state = await emulator.state();
    const shards = state.elasticache.replicationGroups.reduce((n, rg) => n + rg.nodeGroups.length, 0)
      + state.memorydb.clusters.reduce((n, c) => n + c.shards.length, 0);
    console.log(`# large topology: ${shards} shards`);
    assert.ok(shards >= 5000, `expected 5000+ shards, got ${shards}`);
    const timings = [];
    for (const ch of ['c', 'h', 'e', 'c', 'k']) {
      const ms = await page.evaluate(async (ch) => {
        const input = document.querySelector('input[type=search]');
        const body = document.querySelector('.inventory-table tbody');
        const t0 = performance.now();
        let last = t0;
        const obs = new MutationObserver(() => { last = performance.now(); });
        obs.observe(body, { childList: true, subtree: true, characterData: true });
        input.value += ch;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        await new Promise((r) => setTimeout(r, 300));
        obs.disconnect();
        return last - t0;
      }, ch);
      timings.push(ms);
    }
    // A figure, not a verdict: the 50 ms budget is judged by scripts/bench.sh, never by a timed test.
    console.log(`# filter keystroke re-render (ms): ${timings.map((t) => t.toFixed(1)).join(', ')}`);
    await screenshot(page, 'inventory-large');
    // The filter really filtered: every row left names the typed text, and the table stays bounded.
    const rows = page.locator('.inventory-table tbody tr');
    const count = await rows.count();
    assert.ok(count > 0 && count <= 200, `rows after filtering 'check': ${count}`);
    const strays = await rows.evaluateAll((trs) => trs.filter((tr) => !/check/i.test(tr.textContent)).length);
    assert.equal(strays, 0, `${strays} rows do not match the filter 'check'`);
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('dark colour scheme: the theme variables switch and status still reads as text', async () => {
  const emulator = await startEmulator();
  const session = await openBrowser({ colorScheme: 'dark' });
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, 'rgb(20, 21, 23)');
    assert.match(await page.locator('.status-badge').first().innerText(), /available/);
    await screenshot(page, 'dark-inventory');
    await page.goto(`${emulator.url}/r/elasticache/global/ldgnf-checkout-sessions`);
    await page.getByRole('heading', { name: 'Topology' }).waitFor({ timeout: 20_000 });
    await screenshot(page, 'dark-global-datastore');
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('a list call the role may not make hides nothing the other call returned, and the cell names it', async () => {
  // A read-only role without elasticache:DescribeGlobalReplicationGroups (issue 17).
  const emulator = await startEmulator({ args: ['--deny', 'DescribeGlobalReplicationGroups'] });
  const session = await openBrowser({ allowConsoleError: (t) => /status of 403/.test(t) });
  try {
    const { page } = session;
    await connectViaUrl(page, emulator, 'orders-queue');
    const names = await rowNames(page);
    for (const name of ['orders-queue', 'checkout-sessions-usw2', 'feature-flags', 'identity-graph']) {
      assert.ok(names.includes(name), `${name} is listed: ${names}`);
    }
    assert.ok(!names.includes('ldgnf-checkout-sessions'), 'the denied list is not invented');
    const grid = page.getByRole('table', { name: 'Load state by region and service' });
    const cell = grid.getByRole('row', { name: /us-east-1/ }).getByRole('cell').first();
    const text = await cell.innerText();
    assert.match(text, /✓ \d+ listed/);
    assert.match(text, /partly listed/);
    assert.match(text, /AccessDenied/);
    assert.match(text, /DescribeGlobalReplicationGroups/);
    await screenshot(page, 'inventory-partly-listed');
  } finally {
    await session.close();
    await emulator.stop();
  }
});

// Console performance benchmark: prints figures, never passes or fails on time.
//
//   node bench/console-bench.mjs            (from e2e/; needs dist/ and the emulator built)
//
// Measures, in headless Chromium against the emulator on loopback:
// - first contentful paint and navigation → rendered inventory (default topology),
// - the bytes Chromium received for the console's wasm, JS and CSS (the brotli copies served),
// - cumulative layout shift while the inventory loads and polls, and on deep-linked resource pages,
// - first paint of a bare one-line page in the same Chromium, as the floor,
// - the large topology: shards in view, time to render, filter keystroke → DOM updated,
// - polls per minute: idle inventory, idle with the tab hidden, and while a run is active,
// - lag between the emulator settling a failover and the console showing it settled.
import {
  connectViaUrl, countCalls, dialog, checksSettled, runCard, setHidden, waitUntil,
} from '../tests/console.mjs';
import { openBrowser, startEmulator } from '../lib/harness.mjs';

const rows = [];
const put = (what, value, note = '') => {
  rows.push([what, value, note]);
  console.log(`  ${what.padEnd(52)} ${String(value).padStart(12)}  ${note}`);
};
const ms = (v) => `${v.toFixed(0)} ms`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sleep = (t) => new Promise((r) => setTimeout(r, t));

// Sums layout shifts not caused by input into window.__cls, from each navigation's start.
const watchLayoutShift = (page) => page.addInitScript(() => {
  window.__cls = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
  }).observe({ type: 'layout-shift', buffered: true });
});

async function defaultTopology() {
  const emulator = await startEmulator({ timeScale: 20 });
  const session = await openBrowser();
  const { page } = session;
  try {
    await watchLayoutShift(page);
    const t0 = Date.now();
    await page.goto(`${emulator.url}/?connect=emulator`);
    const grid = page.getByRole('table', { name: 'Load state by region and service' });
    await waitUntil('every cell loaded', async () => (await grid.locator('.slot-grid__state--ready').count()) === 9, 30_000, 10);
    const rendered = Date.now() - t0;
    const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN);
    put('navigation → inventory rendered (default)', ms(rendered), 'budget 1000 ms');
    // What Chromium received for the console's files (the emulator sends their brotli copies).
    const got = await page.evaluate(() => {
      const out = { wasm: 0, js: 0, css: 0 };
      for (const e of performance.getEntriesByType('resource')) {
        const m = /\.(wasm|js|css)$/.exec(new URL(e.name).pathname);
        if (m) out[m[1]] += e.encodedBodySize;
      }
      return out;
    });
    const kbs = (b) => `${(b / 1000).toFixed(1)} KB`;
    put(
      'bytes received at load: wasm + JS + CSS',
      kbs(got.wasm + got.js + got.css),
      `wasm ${kbs(got.wasm)}, JS ${kbs(got.js)}, CSS ${kbs(got.css)}; brotli`,
    );
    // First paint over 7 fresh contexts each (cold cache), interleaved with the floor: the same
    // Chromium painting a one-line page from a data: URL, with nothing to fetch.
    const paints = { console: [], bare: [] };
    for (let i = 0; i < 7; i++) {
      for (const [which, url] of [['console', `${emulator.url}/`], ['bare', 'data:text/html,<!DOCTYPE html><title>bare</title><p>Loading console…</p>']]) {
        const ctx = await session.browser.newContext();
        const p = await ctx.newPage();
        await p.goto(url);
        await p.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0);
        paints[which].push(await p.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0].startTime));
        await ctx.close();
      }
    }
    const fcpMedian = median(paints.console);
    const bareMedian = median(paints.bare);
    put('first contentful paint (app shell), median of 7', ms(fcpMedian), `budget 200 ms; first load ${ms(fcp)}`);
    put('first contentful paint, bare one-line page', ms(bareMedian), `console/bare ${(fcpMedian / bareMedian).toFixed(2)}`);
    const calls = countCalls(page, emulator.url);
    await sleep(30_000);
    put('AWS calls per minute, idle inventory', (calls.n * 2).toFixed(0), 'measured over 30 s');
    put('cumulative layout shift (load + 30 s polling)', (await page.evaluate(() => window.__cls)).toFixed(4), 'budget: none');
    // Hidden tab: no polls at all.
    await setHidden(page, true);
    await sleep(1_000);
    calls.n = 0;
    await sleep(20_000);
    put('AWS calls per minute, tab hidden', (calls.n * 3).toFixed(0), 'measured over 20 s');
    await setHidden(page, false);

    // An active run: test failover of a shard, counting calls until it settles, and the lag
    // between the emulator's settle (its own state) and the console saying so.
    await page.getByRole('searchbox', { name: 'Filter' }).fill('orders-queue');
    await page.getByRole('link', { name: 'orders-queue', exact: true }).first().click();
    await page.getByRole('heading', { name: 'Topology' }).waitFor({ timeout: 20_000 });
    const primaryOf = async () => (await emulator.state()).elasticache.replicationGroups
      .find((g) => g.replicationGroupId === 'orders-queue').nodeGroups.find((n) => n.nodeGroupId === '0001');
    await page.getByRole('button', { name: 'Test failover shard 0001' }).click();
    await checksSettled(page);
    calls.n = 0;
    const runStart = Date.now();
    await dialog(page).getByRole('button', { name: 'Test failover', exact: true }).click();
    const card = runCard(page, 'Test failover of shard 0001');
    let emulatorSettledAt = null;
    let consoleSettledAt = null;
    const status = async () => (await emulator.state()).elasticache.replicationGroups
      .find((g) => g.replicationGroupId === 'orders-queue').status;
    await sleep(200);
    while (consoleSettledAt === null && Date.now() - runStart < 120_000) {
      if (emulatorSettledAt === null && (await status()) === 'available' && (await primaryOf())) {
        emulatorSettledAt = Date.now();
      }
      const phase = await card.locator('.run-card__phase').textContent().catch(() => '');
      if (phase.includes('settled')) consoleSettledAt = Date.now();
      await sleep(50);
    }
    const activeMinutes = (Date.now() - runStart) / 60_000;
    put('AWS calls per minute, one active run', (calls.n / activeMinutes).toFixed(0), `${calls.n} calls in ${((Date.now() - runStart) / 1000).toFixed(1)} s`);
    if (emulatorSettledAt && consoleSettledAt) {
      put('lag: emulator settled → console shows settled', ms(consoleSettledAt - emulatorSettledAt), 'budget 3000 ms');
    } else {
      put('lag: emulator settled → console shows settled', 'n/a', 'run did not settle in 120 s');
    }
    put('browser errors during the run', session.errors.length, '');
  } finally {
    await session.close();
    await emulator.stop();
  }
}

// Layout shift while a deep-linked resource page loads its picture, runs and events.
async function deepLinkShift() {
  const emulator = await startEmulator({ timeScale: 20 });
  const session = await openBrowser();
  const { page } = session;
  try {
    await watchLayoutShift(page);
    for (const link of ['/r/elasticache/global/ldgnf-checkout-sessions', '/r/neptune/global/fraud-graph']) {
      await page.goto(`${emulator.url}${link}?connect=emulator`);
      await page.getByRole('heading', { name: 'Topology' }).waitFor({ timeout: 20_000 });
      await sleep(5_000);
      put(`cumulative layout shift, ${link.split('/').slice(2, 4).join(' ')} deep link`, (await page.evaluate(() => window.__cls)).toFixed(4), 'load + 5 s polling');
    }
  } finally {
    await session.close();
    await emulator.stop();
  }
}

async function largeTopology() {
  const emulator = await startEmulator({ topology: 'large:100', timeScale: 20 });
  const session = await openBrowser();
  const { page } = session;
  try {
    const t0 = Date.now();
    await page.goto(`${emulator.url}/?connect=emulator`);
    const grid = page.getByRole('table', { name: 'Load state by region and service' });
    await waitUntil('every cell loaded', async () => (await grid.locator('.slot-grid__state--ready').count()) === 9, 120_000, 20);
    const rendered = Date.now() - t0;
    const state = await emulator.state();
    const shards = state.elasticache.replicationGroups.reduce((n, rg) => n + rg.nodeGroups.length, 0)
      + state.memorydb.clusters.reduce((n, c) => n + c.shards.length, 0);
    put('large:100 shards in view', shards, '');
    put('navigation → inventory rendered (large:100)', ms(rendered), '');
    const timings = [];
    for (const text of ['o', 'or', 'ord', 'orde', 'order', 'orders', 'order', 'ord', '', 'c', 'ch', 'che']) {
      timings.push(await page.evaluate(async (text) => {
        const input = document.querySelector('input[type=search]');
        const body = document.querySelector('.inventory-table tbody');
        const t0 = performance.now();
        let last = t0;
        const obs = new MutationObserver(() => { last = performance.now(); });
        obs.observe(body, { childList: true, subtree: true, characterData: true });
        input.value = text;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        // Wait for the frame after the update to be painted.
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        await new Promise((r) => setTimeout(r, 150));
        obs.disconnect();
        return last - t0;
      }, text));
    }
    put('filter keystroke → DOM updated, median (large)', ms(median(timings)), 'budget 50 ms');
    put('filter keystroke → DOM updated, slowest (large)', ms(Math.max(...timings)), `${timings.length} keystrokes`);
  } finally {
    await session.close();
    await emulator.stop();
  }
}

console.log('console benchmark (headless Chromium, emulator on loopback)');
await defaultTopology();
await deepLinkShift();
await largeTopology();

// Back and Forward step through the inventory's filter choices, and a run stored by the build
// before the move to serde and leptos_router (919813a) resumes after the upgrade.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openBrowser, screenshot, startEmulator } from '../lib/harness.mjs';
import {
  boto3Call, connectViaUrl, globalDatastore, rowNames, runCard, waitSettled, waitUntil,
} from './console.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The query of the page's URL as an object. */
function query(page) {
  return Object.fromEntries(new URL(page.url()).searchParams);
}

test('Back and Forward step through filtered inventory views: URL, controls and rows agree', async () => {
  const emulator = await startEmulator();
  const session = await openBrowser();
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    const box = page.getByRole('searchbox', { name: 'Filter' });
    const service = page.getByLabel('Service', { exact: true });
    const region = page.getByLabel('Region', { exact: true });

    await box.fill('checkout');
    await waitUntil('q in URL', () => query(page).q === 'checkout');
    await service.selectOption('elasticache');
    await waitUntil('service in URL', () => query(page).service === 'elasticache');
    await region.selectOption('eu-west-1');
    await waitUntil('region in URL', () => query(page).region === 'eu-west-1');
    await waitUntil('rows of eu-west-1 only', async () => {
      const names = await rowNames(page);
      return names.length > 0 && names.every((n) => n.includes('checkout'));
    });
    const narrowest = await rowNames(page);

    // Back: the region choice is undone; the text and the service stay.
    await page.goBack();
    await waitUntil('region gone from URL', () => query(page).region === undefined);
    assert.deepEqual(query(page), { q: 'checkout', service: 'elasticache' });
    assert.equal(await box.inputValue(), 'checkout');
    assert.equal(await service.inputValue(), 'elasticache');
    assert.equal(await region.inputValue(), '');
    await waitUntil('more rows without the region', async () => (await rowNames(page)).length > narrowest.length);
    const kinds = await page.locator('.inventory-table__service').allInnerTexts();
    assert.ok(kinds.length > 0 && kinds.every((k) => k === 'ElastiCache'), `services: ${kinds}`);

    // Back again: the service choice is undone; every service's checkout rows show.
    await page.goBack();
    await waitUntil('service gone from URL', () => query(page).service === undefined);
    assert.deepEqual(query(page), { q: 'checkout' });
    assert.equal(await service.inputValue(), '');
    assert.equal(await box.inputValue(), 'checkout');

    // Forward: the service choice comes back, with its rows.
    await page.goForward();
    await waitUntil('service back in URL', () => query(page).service === 'elasticache');
    assert.equal(await service.inputValue(), 'elasticache');
    assert.equal(await region.inputValue(), '');
    await waitUntil('ElastiCache rows only', async () => {
      const k = await page.locator('.inventory-table__service').allInnerTexts();
      return k.length > 0 && k.every((x) => x === 'ElastiCache');
    });
    await screenshot(page, 'inventory-after-back-forward');
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('runs stored by the previous build (919813a) load after the upgrade, and the one in progress resumes', async () => {
  const emulator = await startEmulator({ timeScale: 5 });
  const session = await openBrowser();
  try {
    const { page, context } = session;
    const stored = (name) => readFileSync(path.join(root, 'tests/fixtures/stored', name), 'utf8').trim();
    const runs = stored('runs-919813a.json');
    const meta = stored('session-meta-919813a.json');
    // What the old build left in this tab's sessionStorage, in place before the new build loads
    // (once: a reload must see what the new build wrote since).
    await context.addInitScript(({ runs, meta }) => {
      if (!sessionStorage.getItem('test.seeded')) {
        sessionStorage.setItem('fc.runs', runs);
        sessionStorage.setItem('fc.session.meta', meta);
        sessionStorage.setItem('test.seeded', '1');
      }
    }, { runs, meta });
    await page.goto(`${emulator.url}/runs`);
    await page.waitForSelector('[data-app-mounted="true"]');

    // The settled run reads as it was recorded.
    const settled = runCard(page, 'Promote checkout-sessions-euw1');
    await settled.waitFor();
    const settledText = await settled.innerText();
    assert.match(settledText, /settled/i);
    assert.match(settledText, /Time to settle\s*12\.1 s/);
    assert.match(settledText, /checkout-sessions-euw1 \(eu-west-1\) is primary/);

    // The run in progress is shown in progress, and is polled again: the old build's session
    // settings (the emulator preset) reconnect by themselves.
    const running = runCard(page, 'Promote pricing-cache-euw1');
    await running.waitFor();
    assert.match(await running.locator('.run-card__phase').innerText(), /in progress/i);
    await page.getByText(/key …0001/).first().waitFor({ timeout: 20_000 });

    // That build's emulator had accepted the promotion; this one has not seen it. Make the
    // change happen (as AWS would have gone on with it), and the resumed run sees it settle.
    boto3Call(emulator, 'elasticache', 'eu-west-1', 'failover_global_replication_group', {
      GlobalReplicationGroupId: 'ldgnf-pricing-cache',
      PrimaryRegion: 'eu-west-1',
      PrimaryReplicationGroupId: 'pricing-cache-euw1',
    });
    await waitSettled(page, 'Promote pricing-cache-euw1', 120_000);
    assert.equal(globalDatastore(await emulator.state(), 'ldgnf-pricing-cache').primaryReplicationGroupId, 'pricing-cache-euw1');
    assert.match(await running.innerText(), /pricing-cache-euw1 \(eu-west-1\) is primary/);

    // What the new build stores reads back in the same shape: both runs, the old fields.
    const now = JSON.parse(await page.evaluate(() => sessionStorage.getItem('fc.runs')));
    assert.deepEqual(now.map((r) => r.id).sort(), JSON.parse(runs).map((r) => r.id).sort());
    assert.deepEqual(Object.keys(now[0]), Object.keys(JSON.parse(runs)[0]));
    await screenshot(page, 'runs-resumed-after-upgrade');
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

// A region goes down (issue 17): the emulator closes every call for us-east-1 unanswered, as
// an unreachable AWS endpoint does. The console must go on from the healthy regions: list the
// global resources, say which region is not answering, read a global datastore from a member
// that answers, and promote a secondary in a healthy region.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, screenshot, startEmulator } from '../lib/harness.mjs';
import {
  checksSettled, connectViaUrl, dialog, globalDatastore, openFromInventory, rowNames, runCard,
  waitSettled, waitUntil,
} from './console.mjs';

// The dropped calls are logged by Chromium as failed loads: what this file is about.
const allowNetErrors = (text) => /ERR_EMPTY_RESPONSE|ERR_CONNECTION|ERR_SOCKET/.test(text);

test('with us-east-1 down the console lists, reads and fails over from the regions that answer', async () => {
  const emulator = await startEmulator({ faults: 'region-down=us-east-1' });
  const session = await openBrowser({ allowConsoleError: allowNetErrors });
  try {
    const { page } = session;
    // The global datastore whose writer is in us-east-1 is listed by its other regions.
    await connectViaUrl(page, emulator, 'ldgnf-checkout-sessions');
    const names = await rowNames(page);
    for (const name of ['checkout-sessions-usw2', 'feature-flags', 'identity-graph']) assert.ok(names.includes(name), `${name}: ${names}`);
    assert.ok(!names.includes('orders-queue'), 'nothing is invented for the region that does not answer');
    const strip = page.getByRole('status', { name: 'Endpoints not answering' });
    await waitUntil('the header names the region', async () => /us-east-1 · ElastiCache, Neptune, MemoryDB(, STS)?: no answer for \d+ s, since/.test(await strip.innerText()), 30_000);
    const row = page.locator('.inventory-table__row').filter({ has: page.getByRole('link', { name: 'ldgnf-checkout-sessions', exact: true }) });
    await waitUntil('the row names the member out of reach', async () => /us-east-1 not answering/.test(await row.innerText()), 20_000);
    // STS, asked in the next region, still names the caller.
    await waitUntil('the caller named', async () => /user\/emulator-akiaemulatordemo0001$/.test((await page.locator('.app-header__session').getAttribute('title')) ?? ''), 30_000);
    await screenshot(page, 'region-down-inventory');

    // The page reads the datastore from a member region that answers, and does not read the
    // member in the silent one (that read would only wait for its timeout): it says so.
    const memberReads = [];
    page.on('request', (req) => {
      if ((req.postData() ?? '').includes('ReplicationGroupId=checkout-sessions-use1')) memberReads.push(req.url());
    });
    await openFromInventory(page, 'ldgnf-checkout-sessions');
    assert.match(await page.locator('.resource-page__freshness').innerText(), /from (us-west-2|eu-west-1)$/);
    await waitUntil('the silent member said not read', async () => /Not read: us-east-1 · ElastiCache is not answering the console/.test(await page.locator('main').innerText()));
    await page.waitForTimeout(6_000); // a slow poll or more
    assert.deepEqual(memberReads, [], 'no read of the member in the silent region');
    await page.getByRole('button', { name: 'Promote checkout-sessions-usw2 (us-west-2) to primary' }).click();
    await checksSettled(page);
    await dialog(page).getByLabel('Type ldgnf-checkout-sessions to confirm').fill('ldgnf-checkout-sessions');
    await dialog(page).getByRole('button', { name: 'Promote secondary', exact: true }).click();
    await waitSettled(page, 'Promote checkout-sessions-usw2', 120_000);
    assert.equal(globalDatastore(await emulator.state(), 'ldgnf-checkout-sessions').primaryReplicationGroupId, 'checkout-sessions-usw2');
    // The events of the regions that answer are read: the completion event ends the settle time.
    const card = runCard(page, 'Promote checkout-sessions-usw2');
    await waitUntil('the completion event measured', async () => /completion event/.test(await card.locator('.run-card__settle-source').innerText()), 30_000);
    await waitUntil('the page shows the new writer', async () => /Writes now: checkout-sessions-usw2 \(us-west-2\)/.test(await page.locator('main').innerText()), 30_000);
    assert.doesNotMatch(await page.getByRole('region', { name: 'Recent events (6 h)' }).innerText(), /got no answer/);
    await screenshot(page, 'region-down-promoted');
  } finally {
    await session.close();
    await emulator.stop();
  }
});

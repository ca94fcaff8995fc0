// The browser's clock is 10 minutes fast. The first calls are refused as skewed (SigV4 allows
// 5 minutes), the client learns the offset from the answer's Date header and retries, the
// inventory loads fully, and a failover afterwards is accepted on its first and only try.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, screenshot, startEmulator } from '../lib/harness.mjs';
import {
  callsOf, checksSettled, connectViaUrl, dialog, globalDatastore, openFromInventory, runCard,
  waitSettled, waitUntil,
} from './console.mjs';

const SKEW_MS = 10 * 60 * 1000;
// The refused first calls are logged by Chromium as failed loads.
const allowHttpErrors = (text) => /status of 4\d\d/.test(text);

/**
 * Makes the page's clock SKEW_MS fast before any of its scripts run: the console reads the
 * time through `Date.now()` (src/aws/clock.rs → js_sys::Date::now), and `new Date()` follows.
 */
async function skewPageClock(page, skewMs) {
  await page.addInitScript((skew) => {
    const RealDate = Date;
    const realNow = RealDate.now.bind(RealDate);
    class SkewedDate extends RealDate {
      constructor(...args) {
        if (args.length === 0) super(realNow() + skew);
        else super(...args);
      }
      static now() { return realNow() + skew; }
    }
    globalThis.Date = SkewedDate;
  }, skewMs);
}

// Emulator log lines: `<time> <signing name> <region> - key <id> refused: 403 SignatureDoesNotMatch (Signature not yet current: ...)`
// (a fast clock signs in the future; a slow one gives "Signature expired")
// and, once accepted, `<time> <signing name> <region> <Action> 200`.
const SKEW_REFUSAL = /^\S+ (elasticache|rds|memorydb) (\S+) - key \S+ refused: \d+ (SignatureDoesNotMatch|InvalidSignatureException) \(Signature (expired|not yet current)/;
const ACCEPTED = /^\S+ (elasticache|rds|memorydb) (\S+) (Describe\w+|\w+) 200$/;
// How many list calls each service starts at once per region: each may be refused once.
const FIRST_WAVE = { elasticache: 2, rds: 2, memorydb: 2 };

function parseLog(log) {
  const refused = [];
  const accepted = [];
  for (const line of log.split('\n')) {
    let m = SKEW_REFUSAL.exec(line);
    if (m) refused.push({ service: m[1], region: m[2] });
    m = ACCEPTED.exec(line);
    if (m) accepted.push({ service: m[1], region: m[2], action: m[3] });
  }
  return { refused, accepted };
}

test('a browser clock 10 minutes fast is corrected from the Date header; reads and a failover then succeed', async () => {
  const emulator = await startEmulator({ timeScale: 20 });
  const session = await openBrowser({ allowConsoleError: allowHttpErrors });
  try {
    const { page } = session;
    await skewPageClock(page, SKEW_MS);
    await connectViaUrl(page, emulator);
    assert.ok(await page.evaluate(() => Date.now() - performance.timeOrigin - performance.now()) > 9 * 60 * 1000,
      'the page clock really is fast');
    // The whole inventory loads: every region × service cell, and no error left anywhere.
    const grid = page.getByRole('table', { name: 'Load state by region and service' });
    await waitUntil('nine loaded cells', async () => (await grid.locator('.slot-grid__state--ready').count()) === 9, 60_000);
    assert.equal(await grid.getByRole('alert').count(), 0);
    for (const name of ['ldgnf-checkout-sessions', 'orders-queue', 'identity-graph', 'recs-graph-usw2', 'payments-ledger']) {
      await page.getByRole('link', { name, exact: true }).first().waitFor();
    }
    await screenshot(page, 'clock-skew-inventory');

    // The emulator refused the skewed first calls, each at most once, then accepted them.
    const { refused, accepted } = parseLog(emulator.log());
    assert.ok(refused.length >= 1, 'the first calls were refused as skewed');
    const per = {};
    for (const r of refused) per[`${r.service} ${r.region}`] = (per[`${r.service} ${r.region}`] ?? 0) + 1;
    console.log(`# skew refusals before correction: ${refused.length} ${JSON.stringify(per)}`);
    for (const [key, n] of Object.entries(per)) {
      const service = key.split(' ')[0];
      assert.ok(n <= FIRST_WAVE[service], `${key}: ${n} refusals; at most one per call of the first wave (${FIRST_WAVE[service]})`);
    }
    for (const key of Object.keys(per)) {
      assert.ok(accepted.some((a) => `${a.service} ${a.region}` === key), `${key} accepted after correction`);
    }

    // A failover now goes through on its first try: no new refusal, one call, accepted.
    const refusedBefore = refused.length;
    await openFromInventory(page, 'ldgnf-checkout-sessions');
    await page.getByRole('button', { name: 'Promote checkout-sessions-usw2 (us-west-2) to primary' }).click();
    await checksSettled(page);
    await dialog(page).getByLabel('Type ldgnf-checkout-sessions to confirm').fill('ldgnf-checkout-sessions');
    await dialog(page).getByRole('button', { name: 'Promote secondary', exact: true }).click();
    await waitSettled(page, 'Promote checkout-sessions-usw2', 120_000);
    const calls = await callsOf(emulator, 'FailoverGlobalReplicationGroup');
    assert.equal(calls.length, 1);
    assert.equal(calls[0].result, 'OK');
    assert.equal(parseLog(emulator.log()).refused.length, refusedBefore, 'nothing refused after the correction');
    assert.equal(globalDatastore(await emulator.state(), 'ldgnf-checkout-sessions').primaryReplicationGroupId, 'checkout-sessions-usw2');
    // The run's events are asked for in AWS's time, not the fast local clock's.
    const card = runCard(page, 'Promote checkout-sessions-usw2');
    await waitUntil('the run shows its events', async () => (await card.locator('.event-list__item').count()) > 0, 30_000);
    await screenshot(page, 'clock-skew-run-settled');
  } finally {
    await session.close();
    await emulator.stop();
  }
});

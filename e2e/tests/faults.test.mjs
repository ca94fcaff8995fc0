// Faults on every read (throttling, 5xx, 300 ms latency; fixed seed): each failover flow still
// completes, the page shows only calm "retrying" states while it does, no error is left once a
// run settled, and the emulator's call log proves each mutating call arrived exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, screenshot, startEmulator } from '../lib/harness.mjs';
import {
  checksSettled, connectViaUrl, dialog, globalCluster, globalDatastore, memorydbCluster,
  openFromInventory, replicationGroup, runCard, waitSettled, waitUntil,
} from './console.mjs';

const FAULTS = 'throttle=0.2,error5xx=0.1,latency=300ms';
// Chromium logs every refused read as a failed resource load; with faults on that is expected.
const allowHttpErrors = (text) => /status of (4|5)\d\d/.test(text);

// Records the text of every alert that ever appears on the page (error panels are role=alert),
// so a failure shown for a second and then cleared is still seen by the test.
async function recordAlerts(page) {
  await page.addInitScript(() => {
    window.__alerts = [];
    const seen = new WeakSet();
    const scan = () => {
      for (const el of document.querySelectorAll('[role="alert"]')) {
        if (seen.has(el)) continue;
        seen.add(el);
        const where = el.closest('.slot-grid') ? 'slot' : el.closest('.run-card') ? 'run' : el.closest('[role="dialog"]') ? 'dialog' : 'page';
        // The text settles a tick after insertion.
        setTimeout(() => window.__alerts.push({ where, text: el.innerText }), 0);
      }
    };
    new MutationObserver(scan).observe(document, { childList: true, subtree: true });
  });
}

const alertsSeen = (page) => page.evaluate(() => window.__alerts);

/** Asserts the page holds no error panel now, outside the (calm) region grid. */
async function noErrorLeft(page, card) {
  assert.equal(await card.getByRole('alert').count(), 0, 'the settled run shows no error');
  assert.doesNotMatch(await card.innerText(), /Connection lost|AWS refused/);
}

test('with read faults on, all four failover flows complete and each call is sent once', async () => {
  const emulator = await startEmulator({ timeScale: 30, faults: FAULTS, args: ['--seed', '42'] });
  const session = await openBrowser({ allowConsoleError: allowHttpErrors });
  try {
    const { page } = session;
    await recordAlerts(page);
    await connectViaUrl(page, emulator);
    // Every region × service cell ends up loaded despite the faults (reads retry).
    const grid = page.getByRole('table', { name: 'Load state by region and service' });
    await waitUntil('nine loaded cells', async () => (await grid.locator('.slot-grid__state--ready').count()) === 9, 60_000);

    // 1. Promote a global datastore secondary.
    await openFromInventory(page, 'ldgnf-checkout-sessions');
    await page.getByRole('button', { name: 'Promote checkout-sessions-usw2 (us-west-2) to primary' }).click();
    await checksSettled(page);
    await dialog(page).getByLabel('Type ldgnf-checkout-sessions to confirm').fill('ldgnf-checkout-sessions');
    await dialog(page).getByRole('button', { name: 'Promote secondary', exact: true }).click();
    await waitSettled(page, 'Promote checkout-sessions-usw2', 120_000);
    await noErrorLeft(page, runCard(page, 'Promote checkout-sessions-usw2'));
    assert.equal(globalDatastore(await emulator.state(), 'ldgnf-checkout-sessions').primaryReplicationGroupId, 'checkout-sessions-usw2');

    // 2. ElastiCache test failover of one shard.
    await page.goto(`${emulator.url}/`);
    await openFromInventory(page, 'orders-queue');
    const shardBefore = replicationGroup(await emulator.state(), 'orders-queue').nodeGroups.find((n) => n.nodeGroupId === '0002').primary;
    await page.getByRole('button', { name: 'Test failover shard 0002' }).click();
    await checksSettled(page);
    await dialog(page).getByRole('button', { name: 'Test failover', exact: true }).click();
    await waitSettled(page, 'Test failover of shard 0002', 120_000);
    await noErrorLeft(page, runCard(page, 'Test failover of shard 0002'));
    assert.notEqual(replicationGroup(await emulator.state(), 'orders-queue').nodeGroups.find((n) => n.nodeGroupId === '0002').primary, shardBefore);

    // 3. Neptune switchover.
    await page.goto(`${emulator.url}/`);
    await openFromInventory(page, 'identity-graph');
    await page.getByRole('button', { name: 'Switch over to identity-graph-usw2 (us-west-2)' }).click();
    await checksSettled(page);
    await dialog(page).getByLabel('Type identity-graph to confirm').fill('identity-graph');
    await dialog(page).getByRole('button', { name: 'Switch over', exact: true }).click();
    await waitSettled(page, 'Switch over identity-graph to us-west-2', 120_000);
    await noErrorLeft(page, runCard(page, 'Switch over identity-graph to us-west-2'));
    assert.equal(globalCluster(await emulator.state(), 'identity-graph').writerClusterId, 'identity-graph-usw2');

    // 4. MemoryDB shard failover.
    await page.goto(`${emulator.url}/`);
    await openFromInventory(page, 'payments-ledger');
    const shard = memorydbCluster(await emulator.state(), 'payments-ledger').shards[0];
    await page.getByRole('button', { name: `Fail over shard ${shard.name}` }).click();
    await checksSettled(page);
    await dialog(page).getByRole('button', { name: 'Fail over shard', exact: true }).click();
    await waitSettled(page, `Fail over shard ${shard.name} of payments-ledger`, 120_000);
    await noErrorLeft(page, runCard(page, `Fail over shard ${shard.name} of payments-ledger`));
    assert.notEqual(memorydbCluster(await emulator.state(), 'payments-ledger').shards[0].primary, shard.primary);
    await screenshot(page, 'faults-all-flows-settled');

    // Exactly once: one entry per action, each accepted, and nothing else mutating.
    const calls = await emulator.calls();
    const summary = calls.map((c) => `${c.action}:${c.result}`).sort();
    assert.deepEqual(summary, [
      'FailoverGlobalReplicationGroup:OK', 'FailoverShard:OK', 'SwitchoverGlobalCluster:OK', 'TestFailover:OK',
    ]);

    // Calm: whatever failed along the way was shown as something being retried, never as a
    // refusal. Region cells say "— retrying"; a run's failed poll says "Connection lost — retrying".
    const alerts = await alertsSeen(page);
    console.log(`# alerts shown while faults were on: ${alerts.length} (${alerts.map((a) => a.where).join(', ')})`);
    for (const a of alerts) {
      assert.ok(['slot', 'run'].includes(a.where), `unexpected ${a.where} error: ${a.text}`);
      assert.match(a.text, /retrying/, `a transient read error not shown as retrying: ${a.text}`);
      assert.doesNotMatch(a.text, /AWS refused/);
    }
    // And the faults really were on: the emulator refused some reads.
    const injected = emulator.log().split('\n').filter((l) => / (Throttling|ThrottlingException|ServiceUnavailable|InternalFailure) /.test(l));
    console.log(`# reads refused by injected faults and retried by the console: ${injected.length}`);
    assert.ok(injected.length > 0, 'the faults were on');
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('a region cell whose reads keep being throttled says it is retrying, not failed', async () => {
  // Every read throttled: the cells can only show the throttling error, so its wording is
  // checked deterministically here (the run above only sees it when retries run out).
  const emulator = await startEmulator({ faults: 'throttle=1', args: ['--seed', '7'] });
  const session = await openBrowser({ allowConsoleError: allowHttpErrors });
  try {
    const { page } = session;
    await page.goto(`${emulator.url}/?connect=emulator`);
    await page.waitForSelector('[data-app-mounted="true"]');
    const grid = page.getByRole('table', { name: 'Load state by region and service' });
    await waitUntil('nine throttled cells', async () => (await grid.getByRole('alert').count()) === 9, 60_000);
    for (const text of await grid.getByRole('alert').allInnerTexts()) {
      assert.match(text, /— retrying/);
      assert.match(text, /Throttling|ThrottlingException/);
    }
    await screenshot(page, 'faults-throttled-cells');
    // Not the one "credentials refused" banner: throttling is not an auth problem.
    assert.doesNotMatch(await page.locator('main').innerText(), /refused the credentials|Reconnect/i);
  } finally {
    await session.close();
    await emulator.stop();
  }
});

/**
 * Waits until every preflight check passes, as a person would before confirming: the page's
 * picture refreshes every few seconds, so right after a run settled it can still say "updating".
 */
async function confirmEnabled(page) {
  const confirm = dialog(page).getByRole('button', { name: 'Fail over shard', exact: true });
  await waitUntil('the confirm button enabled', () => confirm.isEnabled(), 15_000)
    .catch(async (e) => { throw new Error(`${e.message}\n--- the dialog showed:\n${await dialog(page).innerText()}`); });
}

test('the read before an action is retried past a burst of throttling, and the action goes out once; reads that keep failing leave it unsent and say so', async () => {
  const emulator = await startEmulator({ timeScale: 30 });
  const session = await openBrowser({ allowConsoleError: allowHttpErrors });
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    await openFromInventory(page, 'payments-ledger');
    const shards = memorydbCluster(await emulator.state(), 'payments-ledger').shards;

    // Every DescribeClusters answered with ThrottlingException: for 2.5 s from the first one
    // refused (longer than one read with all its client-side retries), or for good.
    let refuseUntil = 0;
    let refused = 0;
    await page.route('**/*', async (route) => {
      const req = route.request();
      const target = (await req.headerValue('x-amz-target')) ?? '';
      if (refuseUntil && target === 'AmazonMemoryDB.DescribeClusters') {
        if (refuseUntil === -1) refuseUntil = Date.now() + 2_500;
        if (refuseUntil === Infinity || Date.now() < refuseUntil) {
          refused += 1;
          return route.fulfill({
            status: 400,
            headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': `refused-${refused}` },
            body: JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }),
          });
        }
      }
      return route.continue();
    });

    // 1. A burst: the action still goes out, once, and settles.
    await page.getByRole('button', { name: `Fail over shard ${shards[0].name}` }).click();
    await checksSettled(page);
    await confirmEnabled(page);
    refuseUntil = -1;
    await dialog(page).getByRole('button', { name: 'Fail over shard', exact: true }).click();
    const first = `Fail over shard ${shards[0].name} of payments-ledger`;
    await waitSettled(page, first, 60_000);
    assert.ok(refused >= 4, `the burst refused ${refused} reads`);
    assert.equal((await emulator.calls()).filter((c) => c.action === 'FailoverShard').length, 1);
    await noErrorLeft(page, runCard(page, first));

    // 2. Reads that never come back: nothing is sent, and the run says so.
    await waitUntil('the cluster available again', async () => memorydbCluster(await emulator.state(), 'payments-ledger').status === 'available', 30_000);
    await page.getByRole('button', { name: `Fail over shard ${shards[1].name}` }).click();
    await checksSettled(page);
    await confirmEnabled(page);
    refuseUntil = Infinity;
    await dialog(page).getByRole('button', { name: 'Fail over shard', exact: true }).click();
    const second = runCard(page, `Fail over shard ${shards[1].name} of payments-ledger`);
    await waitUntil('the second run rejected', async () => (await second.locator('.run-card__phase').textContent()).includes('rejected'), 60_000);
    assert.match(await second.innerText(), /Nothing was sent: reading the resource first failed/);
    assert.doesNotMatch(await second.innerText(), /AWS refused the call/);
    // The dialog, still open, says the same and lets the person try again.
    assert.match(await dialog(page).innerText(), /Nothing was sent: reading the resource first failed/);
    assert.doesNotMatch(await dialog(page).innerText(), /AWS refused the call/);
    assert.equal((await emulator.calls()).filter((c) => c.action === 'FailoverShard').length, 1, 'nothing more was sent');
    await screenshot(page, 'faults-pre-read-never-answered');
  } finally {
    await session.close();
    await emulator.stop();
  }
});

// ElastiCache actions end to end: promote a secondary, test-fail-over a shard, create a global
// datastore; each checked on the page and against the emulator's state. Plus the AWS error of
// an action whose resource changed behind the console's back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, screenshot, startEmulator } from '../lib/harness.mjs';
import {
  boto3Call, callsOf, checksSettled, confirmButton, connectViaUrl, dialog, globalDatastore, openFromInventory,
  replicationGroup, waitSettled, waitUntil, watchReads,
} from './console.mjs';

test('promote a secondary: name-typed confirmation, one call, writer moves, time to settle shown', async () => {
  const emulator = await startEmulator();
  const session = await openBrowser();
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    await openFromInventory(page, 'ldgnf-checkout-sessions');
    await screenshot(page, 'global-datastore-before');
    await page.getByRole('button', { name: 'Promote checkout-sessions-usw2 (us-west-2) to primary' }).click();
    const d = dialog(page);
    await d.waitFor();
    assert.equal(await d.getAttribute('aria-modal'), 'true');
    const text = await d.innerText();
    assert.match(text, /checkout-sessions-use1 \(us-east-1\) stops taking writes/);
    assert.match(text, /us-west-2/);
    await checksSettled(page);
    const confirm = confirmButton(page);
    assert.equal(await confirm.textContent(), 'Promote secondary');
    assert.ok(await confirm.isDisabled(), 'disabled before the name is typed');
    await d.getByLabel('Type ldgnf-checkout-sessions to confirm').fill('ldgnf-checkout');
    assert.ok(await confirm.isDisabled(), 'disabled with a partial name');
    await d.getByLabel('Type ldgnf-checkout-sessions to confirm').fill('ldgnf-checkout-sessions');
    await waitUntil('confirm enabled', async () => !(await confirm.isDisabled()));
    await screenshot(page, 'dialog-promote');
    await confirm.dblclick();
    await waitSettled(page, 'Promote checkout-sessions-usw2');
    const settle = await page.locator('.run-card__settle').first().innerText();
    assert.match(settle, /\d+\.\d s/);
    const g = globalDatastore(await emulator.state(), 'ldgnf-checkout-sessions');
    assert.equal(g.primaryReplicationGroupId, 'checkout-sessions-usw2');
    assert.equal(g.primaryRegion, 'us-west-2');
    assert.equal((await callsOf(emulator, 'FailoverGlobalReplicationGroup')).length, 1, 'sent exactly once');
    await waitUntil('picture shows the new writer', async () => /us-west-2[\s\S]*WRITER/.test(await page.locator('.topology__region--writer').innerText()));
    const events = await page.locator('.run-card .event-list__item').count();
    assert.ok(events > 0, 'the run shows events');
    await screenshot(page, 'global-datastore-after-promote');
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('test failover of a shard moves its primary and counts the quota', async () => {
  const emulator = await startEmulator();
  const session = await openBrowser();
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    await openFromInventory(page, 'orders-queue');
    const before = replicationGroup(await emulator.state(), 'orders-queue').nodeGroups.find((n) => n.nodeGroupId === '0002').primary;
    await page.getByRole('button', { name: 'Test failover shard 0002' }).click();
    const d = dialog(page);
    await checksSettled(page);
    const checks = await d.getByRole('list', { name: 'Preflight checks' }).innerText();
    assert.match(checks, /Multi-AZ is enabled/);
    assert.match(checks, /0 of 15 used/);
    await screenshot(page, 'dialog-test-failover');
    // Sample the run's writer line while it runs: a node never "moves" to itself.
    await page.evaluate(() => {
      window.__writerLines = new Set();
      window.__writerSampler = setInterval(() => {
        document.querySelectorAll('.run-card dt').forEach((dt) => {
          if (dt.textContent === 'Writer') window.__writerLines.add(dt.nextElementSibling.textContent);
        });
      }, 50);
    });
    await d.getByRole('button', { name: 'Test failover', exact: true }).click();
    await waitSettled(page, 'Test failover of shard 0002');
    const lines = await page.evaluate(() => { clearInterval(window.__writerSampler); return [...window.__writerLines]; });
    assert.ok(lines.length > 0);
    assert.ok(!lines.some((l) => /^(\S+) ⟶ \1$/.test(l)), `no self-move shown: ${lines.join(' | ')}`);
    const after = replicationGroup(await emulator.state(), 'orders-queue').nodeGroups.find((n) => n.nodeGroupId === '0002').primary;
    assert.notEqual(after, before, 'the shard primary moved');
    assert.match(await page.locator('.run-card__result').first().innerText(), new RegExp(after));
    // The next dialog counts the call just made.
    await page.getByRole('button', { name: 'Test failover shard 0003' }).click();
    await checksSettled(page);
    assert.match(await dialog(page).innerText(), /1 of 15 used in us-east-1/);
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'detached' });
    // The quota is counted per Region: a group in us-west-2 has all of its own left.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inventory' }).click();
    await openFromInventory(page, 'feature-flags');
    await page.getByRole('button', { name: 'Test failover shard 0001' }).click();
    await checksSettled(page);
    assert.match(await dialog(page).innerText(), /0 of 15 used in us-west-2/);
    await page.keyboard.press('Escape');
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('slow answers: the resource page and the run never read the same group at once', async () => {
  // 400 ms per read: without coordination the page's refresh and the run's poll overlap.
  const emulator = await startEmulator({ timeScale: 10, faults: 'latency=400ms' });
  const session = await openBrowser();
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    await openFromInventory(page, 'orders-queue');
    await page.getByRole('button', { name: 'Test failover shard 0001' }).click();
    await checksSettled(page);
    const reads = watchReads(page, 'DescribeReplicationGroups', 'ReplicationGroupId', 'orders-queue');
    await dialog(page).getByRole('button', { name: 'Test failover', exact: true }).click();
    await waitSettled(page, 'Test failover of shard 0001', 120_000);
    console.log(`# DescribeReplicationGroups of orders-queue during the run: ${reads.sent} sent, at most ${reads.max} in flight`);
    assert.ok(reads.sent >= 8, `the page and the run both polled (${reads.sent} reads)`);
    assert.equal(reads.max, 1, 'one read of the resource in flight at a time');
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('a shard failover without Multi-AZ is blocked by the preflight', async () => {
  const emulator = await startEmulator();
  const session = await openBrowser();
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    await openFromInventory(page, 'legacy-sessions');
    await page.getByRole('button', { name: /Test failover shard/ }).first().click();
    await checksSettled(page);
    const d = dialog(page);
    assert.match(await d.locator('.checklist__item--fail').first().innerText(), /Multi-AZ/);
    assert.ok(await d.getByRole('button', { name: 'Test failover', exact: true }).isDisabled());
    await screenshot(page, 'dialog-blocked-multi-az');
    assert.equal((await callsOf(emulator, 'TestFailover')).length, 0);
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('create a global datastore from a replication group', async () => {
  const emulator = await startEmulator();
  const session = await openBrowser();
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    await openFromInventory(page, 'orders-queue');
    await page.getByRole('button', { name: 'Create global datastore from this group' }).click();
    const d = dialog(page);
    await checksSettled(page);
    // A bad suffix says what is wrong; a good one, the id AWS will give (us-east-1's prefix).
    const suffixCheck = d.locator('.checklist__item').filter({ hasText: 'Suffix is valid' });
    await d.getByLabel('Global datastore suffix').fill('orders_global');
    assert.match(await suffixCheck.innerText(), /FAIL[\s\S]*“_” is not allowed/i);
    await d.getByLabel('Global datastore suffix').fill('orders-global');
    assert.match(await suffixCheck.innerText(), /PASS[\s\S]*AWS will name it ldgnf-orders-global/i);
    assert.match(await d.innerText(), /AWS puts its prefix for us-east-1 before it: ldgnf-orders-global/);
    await d.getByLabel('Type orders-queue to confirm').fill('orders-queue');
    await d.getByRole('button', { name: 'Create global datastore', exact: true }).click();
    await waitSettled(page, 'Create a global datastore from orders-queue');
    const rg = replicationGroup(await emulator.state(), 'orders-queue');
    assert.equal(rg.globalReplicationGroupId, 'ldgnf-orders-global', 'the id the dialog announced');
    assert.equal(rg.globalRole.toLowerCase(), 'primary');
    await screenshot(page, 'create-global-after');
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('an action on a resource that changed meanwhile shows AWS\'s invalid-state error', async () => {
  const emulator = await startEmulator();
  const session = await openBrowser({ allowConsoleError: (t) => /status of 4\d\d/.test(t) });
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    await openFromInventory(page, 'ldgnf-pricing-cache');
    await page.getByRole('button', { name: 'Promote pricing-cache-euw1 (eu-west-1) to primary' }).click();
    const d = dialog(page);
    await checksSettled(page);
    await d.getByLabel('Type ldgnf-pricing-cache to confirm').fill('ldgnf-pricing-cache');
    const confirm = confirmButton(page);
    assert.equal(await confirm.textContent(), 'Promote secondary');
    await waitUntil('confirm enabled', async () => !(await confirm.isDisabled()));
    // Someone else promotes it first (boto3, straight to the emulator).
    boto3Call(emulator, 'elasticache', 'eu-west-1', 'failover_global_replication_group', {
      GlobalReplicationGroupId: 'ldgnf-pricing-cache', PrimaryRegion: 'eu-west-1', PrimaryReplicationGroupId: 'pricing-cache-euw1',
    });
    await confirm.click();
    const error = d.getByRole('alert').filter({ hasText: 'AWS refused the call' });
    await error.waitFor({ timeout: 15_000 });
    const text = await error.innerText();
    assert.match(text, /InvalidGlobalReplicationGroupState/);
    assert.match(text, /Request id/);
    assert.ok(await confirm.isDisabled(), 'never retried, not even by a second click');
    await screenshot(page, 'dialog-invalid-state');
    assert.equal((await callsOf(emulator, 'FailoverGlobalReplicationGroup')).length, 2);
  } finally {
    await session.close();
    await emulator.stop();
  }
});

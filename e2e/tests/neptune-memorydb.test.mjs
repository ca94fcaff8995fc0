// Neptune switchover (both APIs) and failover with data loss, and MemoryDB shard failover,
// end to end on the page and against the emulator's state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, screenshot, startEmulator } from '../lib/harness.mjs';
import {
  callsOf, checksSettled, connectViaUrl, dialog, globalCluster, memorydbCluster, openFromInventory,
  runCard, waitSettled, waitUntil,
} from './console.mjs';

test('Neptune switchover moves the writer; the Switchover=true form does too', async () => {
  const emulator = await startEmulator();
  const session = await openBrowser();
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    await openFromInventory(page, 'identity-graph');
    await page.getByRole('button', { name: 'Switch over to identity-graph-usw2 (us-west-2)' }).click();
    const d = dialog(page);
    await checksSettled(page);
    // Focus is in the name box, not on the API checkbox above it: typing goes where it should.
    const nameBox = d.getByLabel('Type identity-graph to confirm');
    await waitUntil('focus in the name box', () => nameBox.evaluate((el) => el === document.activeElement));
    await page.keyboard.type('identity-graph');
    assert.equal(await nameBox.inputValue(), 'identity-graph');
    await screenshot(page, 'dialog-switchover');
    await d.getByRole('button', { name: 'Switch over', exact: true }).click();
    await waitSettled(page, 'Switch over identity-graph to us-west-2');
    assert.equal(globalCluster(await emulator.state(), 'identity-graph').writerClusterId, 'identity-graph-usw2');
    assert.equal((await callsOf(emulator, 'SwitchoverGlobalCluster')).length, 1);

    await page.getByRole('button', { name: 'Switch over to identity-graph-euw1 (eu-west-1)' }).click();
    await checksSettled(page);
    await d.getByRole('checkbox', { name: /FailoverGlobalCluster with Switchover=true/ }).check();
    await d.getByLabel('Type identity-graph to confirm').fill('identity-graph');
    await d.getByRole('button', { name: 'Switch over', exact: true }).click();
    await waitSettled(page, 'Switch over identity-graph to eu-west-1');
    assert.equal(globalCluster(await emulator.state(), 'identity-graph').writerClusterId, 'identity-graph-euw1');
    const failovers = await callsOf(emulator, 'FailoverGlobalCluster');
    assert.equal(failovers.length, 1);
    assert.match(JSON.stringify(failovers[0].params), /Switchover/);
    await screenshot(page, 'neptune-after-switchovers');
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('Neptune failover warns loudly about data loss and moves the writer', async () => {
  const emulator = await startEmulator();
  const session = await openBrowser();
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    await openFromInventory(page, 'fraud-graph');
    await page.getByRole('button', { name: 'Fail over to fraud-graph-use1 (allow data loss)' }).click();
    const d = dialog(page);
    await checksSettled(page);
    assert.match(await d.getByRole('alert').first().innerText(), /Data loss/);
    await d.getByLabel('Type fraud-graph to confirm').fill('fraud-graph');
    // The name says which database; the words say the loss is understood. Both are needed.
    const confirm = d.getByRole('button', { name: 'Fail over (allow data loss)', exact: true });
    assert.ok(await confirm.isDisabled(), 'the name alone does not confirm a failover that loses data');
    await d.getByLabel('Type allow data loss to accept the loss').fill('allow data loss');
    assert.ok(await confirm.isEnabled());
    await screenshot(page, 'dialog-neptune-failover');
    await d.getByRole('button', { name: 'Fail over (allow data loss)', exact: true }).click();
    await waitSettled(page, 'Fail over fraud-graph to us-east-1');
    const g = globalCluster(await emulator.state(), 'fraud-graph');
    assert.equal(g.writerClusterId, 'fraud-graph-use1');
    const calls = await callsOf(emulator, 'FailoverGlobalCluster');
    assert.equal(calls.length, 1);
    assert.match(JSON.stringify(calls[0].params), /AllowDataLoss/);
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('MemoryDB shard failover moves the hidden primary and settles', async () => {
  const emulator = await startEmulator();
  const session = await openBrowser();
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    await openFromInventory(page, 'payments-ledger');
    const shardOf = (s) => memorydbCluster(s, 'payments-ledger').shards[0];
    const shard = shardOf(await emulator.state());
    await page.getByRole('button', { name: `Fail over shard ${shard.name}` }).click();
    await checksSettled(page);
    await dialog(page).getByRole('button', { name: 'Fail over shard', exact: true }).click();
    await waitSettled(page, `Fail over shard ${shard.name} of payments-ledger`);
    const now = shardOf(await emulator.state()).primary;
    assert.notEqual(now, shard.primary);
    assert.equal((await callsOf(emulator, 'FailoverShard')).length, 1);
    // MemoryDB's reads hide node roles: the run names the old and new primary from the
    // service's events, and the nodes say their role is not reported rather than guess.
    const card = runCard(page, `Fail over shard ${shard.name} of payments-ledger`);
    const writer = await card.locator('dt:text-is("Writer") + dd').innerText();
    assert.equal(writer, `${shard.primary} ⟶ ${now}`);
    assert.match(await card.locator('.run-card__result').innerText(), new RegExp(`primary is now ${now}`));
    assert.match(await page.getByRole('region', { name: 'Topology' }).innerText(), /role \?/);
    await screenshot(page, 'memorydb-after-failover');
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

// What an on-call engineer must be able to trust (issue 15): a global resource is read from
// the regions it lives in, no badge keeps a status from before a run, stale data looks stale,
// and an action that may not start now says why before the dialog.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO, openBrowser, screenshot, startEmulator } from '../lib/harness.mjs';
import { startProxy } from '../lib/proxy.mjs';
import {
  boto3Call, boto3Script, checksSettled, connectViaUrl, dialog, fillConnectForm, openFromInventory,
  rowNames, runCard, setCredentialsExpired, startPromotion, waitSettled, waitUntil,
} from './console.mjs';

// A frozen or refused endpoint is logged by Chromium as a failed load: expected here.
const allowNetErrors = (text) => /ERR_CONNECTION|ERR_EMPTY_RESPONSE|ERR_SOCKET|ERR_TIMED_OUT|status of (4|5)\d\d/.test(text);
const blockedLine = (page) => page.locator('#actions-blocked');

/** The status words of the topology's region boxes, by region name. */
async function regionStatuses(page) {
  return page.locator('.topology__region').evaluateAll((boxes) => Object.fromEntries(boxes.map((b) => [
    b.querySelector('.topology__region-name').textContent.trim(),
    b.querySelector('.topology__status .status-badge__text').textContent.trim(),
  ])));
}

test('a global datastore created in us-west-2 opens from its deep link, read from its member region', async () => {
  const emulator = await startEmulator();
  const session = await openBrowser();
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    // Created behind the console's back, from a group in us-west-2: AWS answers for it in
    // us-west-2 only, and us-east-1 is the first region the session selected.
    boto3Call(emulator, 'elasticache', 'us-west-2', 'create_global_replication_group', {
      GlobalReplicationGroupIdSuffix: 'flags', PrimaryReplicationGroupId: 'feature-flags',
    });
    await page.goto(`${emulator.url}/r/elasticache/global/sgaui-flags`);
    await page.getByRole('heading', { name: 'Topology' }).waitFor({ timeout: 20_000 });
    const topology = await page.getByRole('region', { name: 'Topology' }).innerText();
    assert.match(topology, /us-west-2/);
    assert.match(topology, /feature-flags/);
    assert.doesNotMatch(await page.locator('main').innerText(), /NotFound/);
    assert.match(await page.locator('.resource-page__freshness').innerText(), /from us-west-2$/);
    await screenshot(page, 'global-read-from-member-region');
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('after a reload mid-switchover, no member badge or inventory row keeps the old status', async () => {
  // Time scale 5: a switchover takes long enough to reload in the middle of it.
  const emulator = await startEmulator({ timeScale: 5 });
  const session = await openBrowser();
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    await openFromInventory(page, 'identity-graph');
    await page.getByRole('button', { name: 'Switch over to identity-graph-usw2 (us-west-2)' }).click();
    await checksSettled(page);
    await dialog(page).getByLabel('Type identity-graph to confirm').fill('identity-graph');
    await dialog(page).getByRole('button', { name: 'Switch over', exact: true }).click();
    const card = runCard(page, 'Switch over identity-graph to us-west-2');
    await waitUntil('a member shows the switchover', async () => Object.values(await regionStatuses(page)).some((s) => s !== 'available'), 30_000);
    // The longest statuses ("switching-over") fit their badge: none is cut short.
    await waitUntil('the heading shows the switchover', async () => /switching-over/.test(await page.locator('.resource-page__status').innerText()), 30_000);
    const clipped = await page.locator('.status-badge__text').evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth).map((e) => e.textContent));
    assert.deepEqual(clipped, [], 'no status is clipped');
    await page.reload();
    await page.getByRole('heading', { name: 'Topology' }).waitFor({ timeout: 20_000 });
    await waitSettled(page, 'Switch over identity-graph to us-west-2', 120_000);
    assert.ok(await card.isVisible());
    // Every member box reads its own cluster again: all available within a few polls.
    await waitUntil('every member box available', async () => Object.values(await regionStatuses(page)).every((s) => s === 'available'), 10_000);
    await screenshot(page, 'switchover-settled-after-reload');
    // The inventory was read again when the run settled.
    await page.getByRole('link', { name: 'Inventory' }).first().click();
    await waitUntil('inventory lists the clusters', async () => (await rowNames(page)).includes('identity-graph-usw2'));
    const row = page.locator('.inventory-table__row').filter({ has: page.getByRole('link', { name: 'identity-graph-usw2', exact: true }) });
    await waitUntil('the new writer row is available', async () => /available/.test(await row.innerText()), 5_000);
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('actions are disabled with their reason while a run is active on the resource', async () => {
  const emulator = await startEmulator({ timeScale: 5 });
  const session = await openBrowser();
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    const card = await startPromotion(page, {
      datastore: 'ldgnf-checkout-sessions', group: 'checkout-sessions-usw2', region: 'us-west-2',
    });
    const other = page.getByRole('button', { name: 'Promote checkout-sessions-euw1 (eu-west-1) to primary' });
    await waitUntil('the other promotion is disabled', () => other.isDisabled(), 10_000);
    assert.match(await blockedLine(page).innerText(), /A promotion is in progress on this resource/);
    // The tray's chip names where the promotion goes.
    assert.match(await page.getByRole('complementary', { name: 'Runs' }).innerText(), /Promote secondary · ldgnf-checkout-sessions → us-west-2/);
    await screenshot(page, 'actions-blocked-during-run');
    await waitSettled(page, 'Promote checkout-sessions-usw2', 120_000);
    assert.ok(await card.isVisible());
    await waitUntil('actions enabled again once settled', () => other.isEnabled(), 15_000);
    assert.equal((await blockedLine(page).innerText()).trim(), '');
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('a frozen endpoint: the picture turns stale with its age, the header names the endpoint, actions wait', async () => {
  const emulator = await startEmulator();
  const proxy = await startProxy(emulator.port);
  const session = await openBrowser({ allowConsoleError: allowNetErrors });
  try {
    const { page } = session;
    // The timeout is a connect setting: 3 s here, so a hung call becomes an error quickly.
    await page.goto(`${proxy.url}/connect`);
    await page.getByLabel('Request timeout (seconds)').fill('3');
    await page.getByRole('button', { name: 'Connect to the local emulator' }).click();
    await page.getByRole('link', { name: 'orders-queue', exact: true }).waitFor({ timeout: 20_000 });
    await openFromInventory(page, 'orders-queue');
    const freshness = page.locator('.resource-page__freshness');
    await waitUntil('fresh', async () => /^read \d+ s ago/.test(await freshness.innerText()));
    const action = page.getByRole('button', { name: 'Test failover shard 0001' });
    assert.ok(await action.isEnabled());

    proxy.freeze();
    await waitUntil('the picture is drawn stale', async () => /STALE — last read \d+ s ago/.test(await freshness.innerText()), 40_000);
    const badge = page.locator('.resource-page__status .status-badge');
    assert.match(await badge.innerText(), /stale: available/);
    assert.match(await badge.getAttribute('class'), /status-badge--stale/);
    const boxes = await page.locator('.topology .status-badge__text').allInnerTexts();
    assert.ok(boxes.length > 0 && boxes.every((t) => t.startsWith('stale: ')), `every status in the picture is stale: ${boxes}`);
    assert.ok(await action.isDisabled(), 'no action on a stale picture');
    assert.match(await blockedLine(page).innerText(), /stale|No connection to us-east-1/);
    const strip = page.getByRole('status', { name: 'Endpoints not answering' });
    await waitUntil('the header names the endpoint', async () => /us-east-1 · ElastiCache(, [A-Za-z]+)*: no answer for \d+ s, since \d\d:\d\d:\d\d UTC \(\d+ failed calls?, last: timed out \(no response within 3 s\)\)/.test(await strip.innerText()), 30_000);
    await screenshot(page, 'frozen-endpoint-stale');
    // The inventory's rows age too: their badges turn stale once their listing is too old.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inventory' }).click();
    const row = page.locator('.inventory-table__row').filter({ has: page.getByRole('link', { name: 'orders-queue', exact: true }) });
    await waitUntil('the inventory row is stale', async () => /stale: available/.test(await row.innerText()), 40_000);
    await screenshot(page, 'frozen-endpoint-inventory-stale');

    proxy.thaw();
    await waitUntil('the inventory row is fresh again', async () => /^\W*available$/m.test(await row.locator('.status-badge').innerText()), 40_000);
    await openFromInventory(page, 'orders-queue');
    await waitUntil('fresh again', async () => /^read \d+ s ago/.test(await freshness.innerText()), 30_000);
    await waitUntil('the strip is gone', async () => (await page.locator('.reach-strip').count()) === 0, 30_000);
    assert.match(await badge.innerText(), /^\W*available$/);
    await waitUntil('actions enabled again', () => action.isEnabled(), 10_000);
  } finally {
    await session.close();
    await proxy.stop();
    await emulator.stop();
  }
});

test('a Neptune failover that allows data loss asks for the words as well as the name', async () => {
  const emulator = await startEmulator();
  const session = await openBrowser();
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    await openFromInventory(page, 'fraud-graph');
    await page.getByRole('button', { name: 'Fail over to fraud-graph-use1 (allow data loss)' }).click();
    await checksSettled(page);
    const d = dialog(page);
    const confirm = d.getByRole('button', { name: 'Fail over (allow data loss)', exact: true });
    await page.keyboard.type('fraud-graph');
    assert.ok(await confirm.isDisabled(), 'the name alone does not confirm it');
    await d.getByLabel('Type allow data loss to accept the loss').fill('allow data loss');
    assert.ok(await confirm.isEnabled());
    await screenshot(page, 'dialog-data-loss-words');
    await page.keyboard.press('Escape');
    assert.equal((await emulator.calls()).filter((c) => c.action === 'FailoverGlobalCluster').length, 0);
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('links both ways: topology members to their pages and back, Neptune clusters by deep link', async () => {
  const emulator = await startEmulator();
  const session = await openBrowser();
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    await openFromInventory(page, 'ldgnf-checkout-sessions');
    const topology = page.getByRole('region', { name: 'Topology' });
    await topology.getByRole('link', { name: 'checkout-sessions-usw2', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'checkout-sessions-usw2' }).waitFor();
    await topology.waitFor();
    await page.getByRole('link', { name: 'ldgnf-checkout-sessions', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'ldgnf-checkout-sessions' }).waitFor();

    await page.goto(`${emulator.url}/r/neptune/global/identity-graph`);
    await topology.waitFor({ timeout: 20_000 });
    await topology.getByRole('link', { name: 'identity-graph-euw1', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'identity-graph-euw1' }).waitFor();
    await waitUntil('the cluster names its global database', async () => /Reader of global database identity-graph/.test(await page.locator('main').innerText()), 20_000);
    await screenshot(page, 'neptune-cluster-links-back');
    await page.getByRole('link', { name: 'identity-graph', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'identity-graph' }).waitFor();

    // A cluster page opened by its deep link alone, with no inventory visited first.
    await page.goto(`${emulator.url}/r/neptune/cluster/us-east-1/identity-graph-use1`);
    await waitUntil('a deep-linked cluster names its global database', async () => /Writer of global database identity-graph/.test(await page.locator('main').innerText()), 20_000);
    assert.doesNotMatch(await page.locator('main').innerText(), /open it from the inventory/);
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('the inventory shows the region of every row, flags risks as words, and filters to what is at risk', async () => {
  // Fast time: the fifteen test failovers that spend us-west-2's quota take seconds.
  const emulator = await startEmulator({ timeScale: 200 });
  const session = await openBrowser();
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    const rowOf = (name) => page.locator('.inventory-table__row').filter({ has: page.getByRole('link', { name, exact: true }) });
    const regionOf = async (name) => (await rowOf(name).locator('.inventory-table__region').innerText()).trim();
    assert.equal(await regionOf('checkout-sessions-usw2'), 'us-west-2', 'a secondary shows its region');
    assert.equal(await regionOf('ldgnf-checkout-sessions'), 'us-east-1, us-west-2, eu-west-1', 'a global row, writer first');
    const risks = async (name) => rowOf(name).locator('.risk-badge').allInnerTexts();
    assert.deepEqual((await risks('reporting-cache')).map((t) => t.replace(/^\W+/, '')), ['single-AZ', 'no replica']);
    assert.deepEqual((await risks('legacy-sessions')).map((t) => t.replace(/^\W+/, '')), ['single-AZ']);
    assert.deepEqual(await risks('orders-queue'), []);

    // Fifteen TestFailover calls in us-west-2 (AWS's quota per Region and 24 hours), each
    // after the group's previous node replacement finished, as AWS requires.
    await boto3Script(emulator, 'us-west-2', `
def ready(group):
    rg = ec.describe_replication_groups(ReplicationGroupId=group)['ReplicationGroups'][0]
    return rg['Status'] == 'available' and all(n['Status'] == 'available' for n in rg['NodeGroups'])
calls = [('feature-flags', '0001'), ('checkout-sessions-usw2', '0001'), ('checkout-sessions-usw2', '0002'), ('checkout-sessions-usw2', '0003')]
for i in range(15):
    group, shard = calls[i % len(calls)]
    deadline = time.time() + 30
    while not ready(group):
        assert time.time() < deadline, group
        time.sleep(0.05)
    ec.test_failover(ReplicationGroupId=group, NodeGroupId=shard)
`);
    await waitUntil('quota spent flagged in us-west-2', async () => /quota spent/.test(await rowOf('feature-flags').innerText()), 30_000);
    assert.doesNotMatch(await rowOf('orders-queue').innerText(), /quota spent/, 'us-east-1 keeps its own quota');

    await page.getByRole('combobox', { name: 'Risk' }).selectOption('at-risk');
    await waitUntil('only rows at risk', async () => !(await rowNames(page)).includes('orders-queue'));
    const names = await rowNames(page);
    for (const name of ['reporting-cache', 'legacy-sessions', 'feature-flags']) assert.ok(names.includes(name), `${name} is at risk: ${names}`);
    assert.match(page.url(), /risk=at-risk/);
    await screenshot(page, 'inventory-at-risk');
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('resource pages list where applications connect, each endpoint with a copy button', async () => {
  const emulator = await startEmulator();
  const session = await openBrowser();
  try {
    const { page } = session;
    await session.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: emulator.url });
    await connectViaUrl(page, emulator);
    await openFromInventory(page, 'orders-queue');
    const endpoints = page.getByRole('region', { name: 'Endpoints' });
    const address = (await endpoints.locator('.endpoints__address').first().innerText()).trim();
    assert.match(await endpoints.innerText(), /configuration endpoint/);
    assert.match(address, /orders-queue.*:6379$/);
    await endpoints.getByRole('button', { name: 'Copy configuration endpoint' }).click();
    await waitUntil('the copy is confirmed', async () => /Copied/.test(await endpoints.innerText()), 5_000);
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), address);
    // Event times say their date and zone.
    const events = page.getByRole('region', { name: 'Recent events (6 h)' });
    await waitUntil('events listed', async () => (await events.locator('.event-list__time').count()) > 0, 20_000);
    const times = await events.locator('.event-list__time').allInnerTexts();
    assert.ok(times.every((t) => /^[A-Z][a-z]{2} \d{1,2} \d\d:\d\d:\d\d UTC$/.test(t.trim())), `dated times: ${times}`);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inventory' }).click();
    await openFromInventory(page, 'ldgnf-checkout-sessions');
    const text = await endpoints.innerText();
    // The primary's first: after a promotion, applications move to the new primary's.
    assert.match(text, /^us-east-1 · primary · configuration/m);
    assert.match(text, /us-west-2 · secondary · configuration/);
    await screenshot(page, 'endpoints-global-datastore');

    await page.goto(`${emulator.url}/r/neptune/cluster/us-east-1/identity-graph-use1`);
    await waitUntil('Neptune endpoints', async () => /cluster endpoint \(writer\)[\s\S]*reader endpoint/.test(await endpoints.innerText()), 20_000);
    await page.goto(`${emulator.url}/r/memorydb/us-east-1/payments-ledger`);
    await waitUntil('MemoryDB endpoint', async () => /cluster endpoint[\s\S]*clustercfg\.payments-ledger/.test(await endpoints.innerText()), 20_000);
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('time to settle runs on AWS clock to the completion event; a gap in reads is reported as blind', async () => {
  // Time scale 5: the promotion completes about 12 s after AWS accepts it.
  const emulator = await startEmulator({ timeScale: 5 });
  const session = await openBrowser({ allowConsoleError: (t) => /status of 4\d\d/.test(t) });
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    const card = await startPromotion(page, {
      datastore: 'ldgnf-checkout-sessions', group: 'checkout-sessions-euw1', region: 'eu-west-1',
    });
    // The token expires for 16 s: the console cannot read past the completion (~12 s).
    await setCredentialsExpired(emulator, true);
    await card.getByText('Credentials expired — reconnect to resume').waitFor({ timeout: 20_000 });
    await new Promise((r) => setTimeout(r, 16_000));
    await setCredentialsExpired(emulator, false);
    const settle = await waitSettled(page, 'Promote checkout-sessions-euw1', 120_000);
    const seconds = Number(settle.replace(' s', ''));
    assert.ok(seconds >= 10 && seconds <= 14, `settle time ${settle}: AWS's completion event, not when the console saw it`);
    assert.match(await card.locator('.run-card__settle-source').innerText(), /AWS's clock, accepted call to completion event/);
    const blind = await card.locator('.run-card__blind').innerText();
    const blindSeconds = Number(/blind for ([\d.]+) s/.exec(blind)?.[1]);
    assert.ok(blindSeconds >= 12, `the gap is reported: ${blind}`);
    assert.match(await card.locator('.run-card__request-id').innerText(), /\S{8,}/);
    // The record kept (and exported) says the same.
    const stored = JSON.parse(await page.evaluate(() => sessionStorage.getItem('fc.runs')));
    const run = stored.find((r) => r.action.target_group === 'checkout-sessions-euw1');
    assert.ok(run.request_id && run.blind.length >= 1 && run.settle_source === 'completion event', JSON.stringify(run));
    // Who acted, as AWS names them (sts:GetCallerIdentity at connect).
    assert.equal(run.caller_arn, 'arn:aws:iam::123456789012:user/emulator-akiaemulatordemo0001');
    assert.match(await card.innerText(), /arn:aws:iam::123456789012:user\/emulator-akiaemulatordemo0001/);
    await screenshot(page, 'settle-time-with-blind-gap');
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('a region typed on the Connect screen is listed; a bad one is refused; counts read "1 region"', async () => {
  const emulator = await startEmulator();
  const session = await openBrowser();
  try {
    const { page } = session;
    await page.goto(`${emulator.url}/connect`);
    await fillConnectForm(page, emulator.url, { key: DEMO.accessKeyId, secret: DEMO.secretAccessKey });
    for (const region of ['us-west-2', 'eu-west-1']) await page.getByRole('checkbox', { name: region, exact: true }).uncheck();
    const connect = page.getByRole('button', { name: 'Connect', exact: true });
    await page.getByLabel('Other regions').fill('ap-south-1, ap-south');
    await connect.click();
    await page.getByRole('alert').filter({ hasText: '“ap-south” is not a region name' }).waitFor();
    await page.getByLabel('Other regions').fill('ap-south-1');
    await connect.click();
    const grid = page.getByRole('table', { name: 'Load state by region and service' });
    await grid.getByRole('rowheader', { name: 'ap-south-1' }).waitFor({ timeout: 20_000 });
    // STS answered at connect: the header names the caller as AWS does.
    await waitUntil('the caller named', async () => /· 2 regions · user\/emulator-akiaemulatordemo0001$/.test((await page.locator('.app-header__session').innerText()).trim()), 20_000);

    await page.goto(`${emulator.url}/connect`);
    await page.getByLabel('Secret access key').fill(DEMO.secretAccessKey);
    await page.getByLabel('Access key id').fill(DEMO.accessKeyId);
    await page.getByLabel('Other regions').fill('');
    await connect.click();
    await waitUntil('one region', async () => /· 1 region · user\/emulator-akiaemulatordemo0001$/.test((await page.locator('.app-header__session').innerText()).trim()), 20_000);
  } finally {
    await session.close();
    await emulator.stop();
  }
});

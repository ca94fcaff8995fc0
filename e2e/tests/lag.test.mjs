// Replication lag from CloudWatch (issue 18): on each edge of the topology (writer → each
// secondary), the least-lagging secondary marked and proposed, the writes at risk in the
// preflight and the confirmation, a threshold warning, MemoryDB Multi-Region clusters, and a
// CloudWatch that refuses: the page works and says the lag is unknown, never 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, screenshot, startEmulator } from '../lib/harness.mjs';
import {
  boto3Script, checksSettled, connectViaUrl, dialog, openFromInventory, proposePlan, setHidden, waitUntil,
} from './console.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The lag boto3 reads from the emulator's CloudWatch: the slowest shard's latest value, s. */
async function lagByBoto3(emulator, region, group, shards = 3) {
  const ids = Array.from({ length: shards }, (_, i) => `${group}-000${i + 1}-001`);
  const out = await boto3Script(emulator, region, `
import datetime, json
cw = boto3.client('cloudwatch', region_name=${JSON.stringify(region)}, endpoint_url=${JSON.stringify(emulator.url)},
    aws_access_key_id='AKIAEMULATORDEMO0001', aws_secret_access_key='emulator-demo-secret-key-not-for-aws')
end = datetime.datetime.now(datetime.timezone.utc)
q = [{'Id': 'm%d' % i, 'MetricStat': {'Metric': {'Namespace': 'AWS/ElastiCache', 'MetricName': 'GlobalDatastoreReplicationLag',
      'Dimensions': [{'Name': 'CacheClusterId', 'Value': c}]}, 'Period': 60, 'Stat': 'Maximum'}} for i, c in enumerate(${JSON.stringify(ids)})]
r = cw.get_metric_data(MetricDataQueries=q, StartTime=end - datetime.timedelta(minutes=15), EndTime=end)
print(json.dumps(max(x['Values'][0] for x in r['MetricDataResults'])))
`);
  return JSON.parse(out);
}

/** Counts the GetMetricData calls the page sends, per signed Region. */
function countMetricCalls(page) {
  const byRegion = {};
  page.on('request', (req) => {
    if (req.method() !== 'POST' || (req.headers()['x-amz-target'] ?? '') !== 'GraniteServiceVersion20100801.GetMetricData') return;
    const region = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(req.headers().authorization ?? '')?.[1] ?? '?';
    byRegion[region] = (byRegion[region] ?? 0) + 1;
  });
  return byRegion;
}

function edge(page, to) {
  return page.getByRole('group', { name: `us-east-1 replicates to ${to}` });
}

test('each edge from the writer carries the lag the emulator serves, read once per Region, none while hidden', async () => {
  const emulator = await startEmulator();
  const session = await openBrowser();
  try {
    const { page } = session;
    const calls = countMetricCalls(page);
    await connectViaUrl(page, emulator);
    await openFromInventory(page, 'ldgnf-checkout-sessions');
    // Edges from the writer to each secondary: not a chain through the first secondary.
    for (const to of ['us-west-2', 'eu-west-1']) {
      await waitUntil(`lag on the edge to ${to}`, async () => /lag \d/.test(await edge(page, to).innerText()));
    }
    assert.equal(await page.locator('.topology__edge').count(), 2);
    assert.equal(await page.locator('.topology__hub .topology__region--writer').count(), 1);
    const shown = Number(/lag (\d+(?:\.\d+)?) s/.exec(await edge(page, 'us-west-2').innerText())[1]);
    const truth = await lagByBoto3(emulator, 'us-west-2', 'checkout-sessions-usw2');
    assert.ok(Math.abs(shown - truth) <= 0.25, `edge shows ${shown} s, boto3 reads ${truth} s`);
    const points = await edge(page, 'us-west-2').locator('polyline').getAttribute('points');
    assert.ok(points.split(' ').length >= 10, `a 15-minute sparkline: ${points}`);
    await screenshot(page, 'lag-edges');

    // One call per Region while shown (the next is a minute away), none while hidden.
    await sleep(8_000);
    assert.deepEqual(calls, { 'us-west-2': 1, 'eu-west-1': 1 }, JSON.stringify(calls));
    await setHidden(page, true);
    const before = JSON.stringify(calls);
    await sleep(3_000);
    assert.equal(JSON.stringify(calls), before, 'no CloudWatch call while hidden');
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('a growing lag warns in the preflight; the least-lagging secondary is marked and proposed', async () => {
  const emulator = await startEmulator({ args: ['--lag', 'checkout-sessions-usw2=growing,checkout-sessions-euw1=steady'] });
  const session = await openBrowser();
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    await openFromInventory(page, 'ldgnf-checkout-sessions');
    await waitUntil('warning on the growing edge', async () => /⚠ lag \d+ s/.test(await edge(page, 'us-west-2').innerText()));
    assert.match(await edge(page, 'eu-west-1').innerText(), /◆ least lag/);
    const euw1 = page.getByRole('button', { name: 'Promote checkout-sessions-euw1 (eu-west-1) to primary' });
    assert.match(await euw1.innerText(), /least lag/);
    assert.doesNotMatch(await page.getByRole('button', { name: 'Promote checkout-sessions-usw2 (us-west-2) to primary' }).innerText(), /least lag/);

    await page.getByRole('button', { name: 'Promote checkout-sessions-usw2 (us-west-2) to primary' }).click();
    await checksSettled(page);
    const lagCheck = dialog(page).locator('.checklist__item', { hasText: 'Replication lag of the target' });
    assert.match(await lagCheck.getAttribute('class'), /warn/);
    assert.match(await lagCheck.innerText(), /Estimated writes at risk: about \d+ s of changes \(last lag value at \d\d:\d\d UTC\): above the 10 s threshold/);
    assert.match(await dialog(page).locator('.dialog__at-risk').innerText(), /Estimated writes at risk: about \d+ s/);
    await screenshot(page, 'lag-dialog-warning');
    await page.keyboard.press('Escape');

    await euw1.click();
    await checksSettled(page);
    const ok = dialog(page).locator('.checklist__item', { hasText: 'Replication lag of the target' });
    assert.match(await ok.getAttribute('class'), /pass/);
    await page.keyboard.press('Escape');

    // The threshold is the user's: at 60 s the growing lag no longer warns.
    await page.getByLabel('Lag warning threshold in seconds').fill('60');
    await page.getByLabel('Lag warning threshold in seconds').press('Enter');
    await page.getByLabel('Lag warning threshold in seconds').blur();
    await waitUntil('no warning at 60 s', async () => !/⚠/.test(await edge(page, 'us-west-2').innerText()));

    // A plan evacuating us-east-1 moves the writer to the least-lagging secondary.
    await proposePlan(page, 'us-east-1');
    const step = page.locator('.plan-step', { hasText: 'ldgnf-checkout-sessions' });
    await waitUntil('checkout step', async () => (await step.count()) > 0);
    const text = await step.first().innerText();
    assert.match(text, /checkout-sessions-euw1/);
    assert.match(text, /least replication lag of its secondaries/);
    // The plan's preflight carries each move's writes at risk.
    await page.getByRole('button', { name: 'Dry run and preflight every step' }).click();
    // Each step's checks sit in a <details> (closed unless blocked): read its text, not what is drawn.
    await waitUntil('lag in the plan preflight', async () => /Replication lag of the target[\s\S]*Estimated writes at risk: about/.test(await page.locator('.plan-review').textContent()), 30_000);
    await screenshot(page, 'lag-plan-least');
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('a Multi-Region cluster lists its regional clusters, says it is active-active, and shows each pair\'s lag; a Neptune edge without datapoints says no data', async () => {
  const emulator = await startEmulator();
  const session = await openBrowser();
  try {
    const { page } = session;
    await connectViaUrl(page, emulator, 'wqmzt-session-store');
    const row = page.locator('tr', { has: page.getByRole('link', { name: 'wqmzt-session-store', exact: true }) });
    assert.match(await row.innerText(), /every Region \(active-active\)/);
    await openFromInventory(page, 'wqmzt-session-store');
    assert.equal(await page.locator('.topology__region').count(), 3);
    assert.equal(await page.locator('.topology__writer-mark').count(), 3, 'every Region writes');
    assert.match(await page.locator('.resource-page__actions').innerText(), /Active-active: every regional cluster accepts writes/);
    const matrix = page.locator('.lag-matrix');
    await waitUntil('six pairs with lag', async () => (await matrix.locator('.lag--ok, .lag--warn').count()) === 6, 30_000);
    assert.equal(await matrix.locator('.lag-matrix__self').count(), 3);
    for (const name of ['session-store-use1', 'session-store-usw2', 'session-store-euw1']) {
      assert.ok(await page.getByRole('link', { name, exact: true }).count() > 0, name);
    }
    await screenshot(page, 'multi-region-cluster');

    // Neptune sends its lag only when it is not zero: fraud-graph's secondary has none, and
    // the edge says "no data" (and why), never "lag 0".
    await page.getByRole('link', { name: 'Inventory', exact: true }).first().click();
    await openFromInventory(page, 'fraud-graph');
    const np = page.getByRole('group', { name: 'eu-west-1 replicates to us-east-1' });
    await waitUntil('no data on the Neptune edge', async () => /lag: no data/.test(await np.innerText()));
    assert.match(await np.locator('.topology__lag').getAttribute('title'), /only when it is not zero/);
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('with CloudWatch refusing, the page still works and says the lag is unknown, never 0', async () => {
  const emulator = await startEmulator({ args: ['--deny', 'GetMetricData,ListMetrics'] });
  const session = await openBrowser();
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    await openFromInventory(page, 'ldgnf-checkout-sessions');
    await waitUntil('lag unknown', async () => /lag unknown/.test(await edge(page, 'us-west-2').innerText()));
    const title = await edge(page, 'us-west-2').locator('.topology__lag').getAttribute('title');
    assert.match(title, /AccessDenied\w* in us-west-2/);
    assert.doesNotMatch(await page.locator('.topology').innerText(), /lag 0/);
    await page.getByRole('button', { name: 'Promote checkout-sessions-usw2 (us-west-2) to primary' }).click();
    await checksSettled(page);
    const lagCheck = dialog(page).locator('.checklist__item', { hasText: 'Replication lag of the target' });
    assert.match(await lagCheck.innerText(), /Estimated writes at risk: unknown/);
    // A warning, not a blocker: the promotion stays possible.
    await dialog(page).getByLabel('Type ldgnf-checkout-sessions to confirm').fill('ldgnf-checkout-sessions');
    await waitUntil('confirm enabled', async () => !(await dialog(page).getByRole('button', { name: 'Promote secondary', exact: true }).isDisabled()));
    await screenshot(page, 'lag-unknown');
    // The run's record keeps what was at risk when it was sent (here: not known, and why).
    await dialog(page).getByRole('button', { name: 'Promote secondary', exact: true }).click();
    const card = page.locator('.run-card', { hasText: 'Promote checkout-sessions-usw2' }).first();
    await waitUntil('at risk on the run card', async () => /When sent\s*Estimated writes at risk: unknown/.test(await card.innerText()));
  } finally {
    await session.close();
    await emulator.stop();
  }
});

// Region evacuation plans (issue 17): a region goes down mid-session; the console proposes a
// plan that moves every writer out of it, dry-runs it (nothing sent), preflights every step,
// starts it on one typed confirmation, runs stages in order and steps in parallel, and
// exports the record; boto3 then confirms, on its own, that no writer is left there. Also:
// a reload mid-plan resumes it, a failing step halts its stage, an approval gate holds the
// next stage, and a bad plan file is refused with the place named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openBrowser, screenshot, startEmulator } from '../lib/harness.mjs';
import {
  boto3Script, callsOf, checkAndStartPlan, checksSettled, connectViaUrl, dialog, openFromInventory,
  openPlanLink, proposePlan, rowNames, setCredentialsExpired, waitUntil,
} from './console.mjs';

const allowNetErrors = (text) => /ERR_EMPTY_RESPONSE|ERR_CONNECTION|ERR_SOCKET/.test(text);

async function regionDown(emulator, regions) {
  const res = await fetch(`${emulator.url}/_emulator/faults`, { method: 'POST', body: JSON.stringify({ regionDown: regions }) });
  assert.equal(res.status, 200);
}

const planRun = (page) => page.locator('.plan-run').first();
const planState = async (page) => planRun(page).locator('.plan-run__state').innerText();

// A plan moves each writer to its least-lagging secondary: identity-graph-euw1's lag grows,
// so identity-graph goes to us-west-2 (checkout-sessions-usw2 is steady, euw1 spiky, by default).
const LAG = ['--lag', 'identity-graph-euw1=growing'];

test('evacuating a region that went down mid-session: proposed, dry-run, run, no writer left there', async () => {
  const emulator = await startEmulator({ args: LAG });
  const session = await openBrowser({ allowConsoleError: allowNetErrors });
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    await regionDown(emulator, ['us-east-1']);
    // The inventory keeps every global resource while us-east-1 is silent.
    const strip = page.getByRole('status', { name: 'Endpoints not answering' });
    await waitUntil('the header names us-east-1', async () => /us-east-1 · ElastiCache, Neptune, MemoryDB/.test(await strip.innerText()), 40_000);
    const names = await rowNames(page);
    for (const n of ['ldgnf-checkout-sessions', 'ldgnf-pricing-cache', 'identity-graph', 'fraud-graph']) assert.ok(names.includes(n), `${n}: ${names}`);

    await proposePlan(page, 'us-east-1');
    const editor = page.locator('.plan-editor');
    const text = await editor.innerText();
    assert.match(text, /Stage 1: ElastiCache global datastores/);
    assert.match(text, /Promote checkout-sessions-usw2 \(us-west-2\) to primary of ldgnf-checkout-sessions/);
    assert.match(text, /Promote pricing-cache-euw1 \(eu-west-1\) to primary of ldgnf-pricing-cache/);
    // The writer's region does not answer: Neptune fails over, saying why.
    assert.match(text, /Stage 2: Neptune global databases/);
    assert.match(text, /Fail over identity-graph to us-west-2 \(allow data loss\)/);
    assert.match(text, /us-east-1 · Neptune does not answer: a switchover needs the writer/);
    assert.doesNotMatch(text, /fraud-graph/, 'its writer is in eu-west-1');

    // Dry run: the exact requests, nothing sent.
    await page.getByRole('button', { name: 'Dry run and preflight every step' }).click();
    const dry = page.locator('.plan-review .dry-run');
    await waitUntil('the dry run drawn', async () => (await dry.locator('.dry-run__call').count()) === 3);
    const dryText = await dry.innerText();
    assert.match(dryText, /ElastiCache FailoverGlobalReplicationGroup us-west-2 → http:\/\/127\.0\.0\.1:\d+\/\n\s+GlobalReplicationGroupId = ldgnf-checkout-sessions\n\s+PrimaryRegion = us-west-2\n\s+PrimaryReplicationGroupId = checkout-sessions-usw2/);
    assert.match(dryText, /aws neptune failover-global-cluster --global-cluster-identifier identity-graph --target-db-cluster-identifier arn:aws:rds:us-west-2:\d+:cluster:identity-graph-usw2 --allow-data-loss --region us-west-2 --endpoint-url http:\/\/127\.0\.0\.1:\d+\//);
    await waitUntil('the preflight answered', async () => /No blocker: the plan may start/.test(await page.locator('.plan-review__confirm').innerText()), 30_000);
    assert.equal((await emulator.calls()).length, 0, 'a dry run and a preflight send no mutating call');
    await screenshot(page, 'plan-review');

    // One confirmation for the whole plan: the region's name.
    const start = page.getByRole('button', { name: 'Start plan' });
    assert.ok(await start.isDisabled());
    await page.getByLabel('Type us-east-1 to start the plan').fill('us-east-');
    assert.ok(await start.isDisabled());
    await page.getByLabel('Type us-east-1 to start the plan').fill('us-east-1');
    await start.click();
    await waitUntil('stage 1 under way', async () => /running stage 1 of 2/.test(await planState(page)));
    await screenshot(page, 'plan-in-progress');
    await waitUntil('the plan through', async () => /done: recovery time \d+\.\d s/.test(await planState(page)), 120_000);
    const run = await planRun(page).innerText();
    assert.equal(await planRun(page).locator('.plan-run__step--settled').count(), 3, run);
    assert.match(run, /settled in \d+\.\d s/);
    // Stages in order: no Neptune call before both promotions were accepted.
    const calls = await emulator.calls();
    const neptune = calls.find((c) => c.action === 'FailoverGlobalCluster');
    const promotions = calls.filter((c) => c.action === 'FailoverGlobalReplicationGroup');
    assert.equal(promotions.length, 2);
    assert.ok(promotions.every((p) => p.time <= neptune.time), JSON.stringify(calls));
    assert.equal(neptune.params.AllowDataLoss, 'true');

    // boto3, on its own, from a region that answers: no writer left in us-east-1.
    const out = await boto3Script(emulator, 'us-west-2', `
import json
np = boto3.client('neptune', region_name='us-west-2', endpoint_url=ec.meta.endpoint_url,
    aws_access_key_id='AKIAEMULATORDEMO0001', aws_secret_access_key='emulator-demo-secret-key-not-for-aws')
writers = []
# A global datastore is listed by its members' regions: ask each region that answers.
for region in ['us-west-2', 'eu-west-1']:
    c = boto3.client('elasticache', region_name=region, endpoint_url=ec.meta.endpoint_url,
        aws_access_key_id='AKIAEMULATORDEMO0001', aws_secret_access_key='emulator-demo-secret-key-not-for-aws')
    for g in c.describe_global_replication_groups(ShowMemberInfo=True)['GlobalReplicationGroups']:
        writers += [(g['GlobalReplicationGroupId'], m['ReplicationGroupRegion']) for m in g['Members'] if m['Role'] == 'PRIMARY']
writers = sorted(set(writers))
for g in np.describe_global_clusters()['GlobalClusters']:
    writers += [(g['GlobalClusterIdentifier'], m['DBClusterArn'].split(':')[3]) for m in g['GlobalClusterMembers'] if m['IsWriter']]
print(json.dumps(sorted(set(writers))))
`);
    const writers = JSON.parse(out);
    assert.ok(writers.length >= 4, out);
    assert.deepEqual(writers.filter(([, region]) => region === 'us-east-1'), [], out);

    // The record, exported.
    const [js] = await Promise.all([page.waitForEvent('download'), planRun(page).getByRole('button', { name: 'Export JSON' }).click()]);
    const record = JSON.parse(await readFile(await js.path(), 'utf8'));
    assert.equal(record.state.state, 'done');
    assert.equal(record.steps.flat().filter((s) => s.outcome?.ok).length, 3);
    const [md] = await Promise.all([page.waitForEvent('download'), planRun(page).getByRole('button', { name: 'Export Markdown' }).click()]);
    const markdown = await readFile(await md.path(), 'utf8');
    assert.match(markdown, /# Evacuate us-east-1 — record/);
    assert.match(markdown, /- Recovery time: \d+\.\d s/);
    assert.match(markdown, /\| Fail over identity-graph to us-west-2 \(allow data loss\) \| .* \| \d+\.\d s \| [\w-]+ \|/);

    // Failback: the inverse, as a plan to review; drift is warned about.
    assert.match(await planRun(page).innerText(), /Terraform's aws_elasticache_global_replication_group/);
    await planRun(page).getByRole('button', { name: 'Plan failback' }).click();
    const back = await page.locator('.plan-editor').innerText();
    assert.match(back, /Writers return to us-east-1/);
    assert.match(back, /Switch over identity-graph to us-east-1/);
    assert.match(back, /Promote checkout-sessions-use1 \(us-east-1\) to primary of ldgnf-checkout-sessions/);
    await screenshot(page, 'plan-done-failback');
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('a reload mid-plan resumes it; an approval gate holds the next stage; nothing is sent twice', async () => {
  const emulator = await startEmulator({ timeScale: 5, args: LAG });
  const session = await openBrowser();
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    // Deep link: the plan is proposed once the inventory is listed.
    await openPlanLink(page, emulator, 'us-east-1');
    assert.match(await page.locator('.plan-editor').innerText(), /Switch over identity-graph to us-west-2/);
    // A gate between the caches and the graph.
    await page.getByRole('button', { name: 'Add an approval gate before this stage' }).nth(1).click();
    assert.match(await page.locator('.plan-editor').innerText(), /Stage 2: approval gate/);
    await checkAndStartPlan(page, 'us-east-1');
    await waitUntil('the promotions sent', async () => (await callsOf(emulator, 'FailoverGlobalReplicationGroup')).length === 2, 30_000);
    // Reload while the promotions run (12 s each at this time scale). The link's proposal is
    // not made again (the emulator's page reconnects by itself).
    assert.equal(new URL(page.url()).search, '', 'the deep link was consumed');
    await page.reload();
    await page.waitForSelector('[data-app-mounted="true"]');
    await waitUntil('the plan shown again', async () => (await page.locator('.plan-run').count()) === 1, 20_000);
    assert.equal(await page.locator('.plan-editor').count(), 0, 'no second proposal');
    await waitUntil('the gate reached', async () => /waiting for approval: Application traffic drained/.test(await planState(page)), 90_000);
    await page.waitForTimeout(3_000);
    assert.equal((await callsOf(emulator, 'SwitchoverGlobalCluster')).length, 0, 'the gate holds the next stage');
    assert.equal((await callsOf(emulator, 'FailoverGlobalReplicationGroup')).length, 2, 'no step sent twice across the reload');
    await screenshot(page, 'plan-gate');
    await page.getByRole('button', { name: 'Approve and go on' }).click();
    await waitUntil('the switchover sent', async () => (await callsOf(emulator, 'SwitchoverGlobalCluster')).length === 1, 20_000);
    await waitUntil('the plan through', async () => /done: recovery time/.test(await planState(page)), 120_000);
    assert.match(await planRun(page).innerText(), /approved by arn:aws:iam::123456789012:user\/emulator-akiaemulatordemo0001/);
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('a failing step halts its stage and says why; a bad plan file is refused with its place named', async () => {
  // Promotions of ldgnf-pricing-cache are refused: AccessDenied for FailoverGlobalReplicationGroup.
  const emulator = await startEmulator({ args: ['--deny', 'FailoverGlobalReplicationGroup', ...LAG] });
  const session = await openBrowser({ allowConsoleError: (t) => /403/.test(t) });
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    await proposePlan(page, 'us-east-1');
    await checkAndStartPlan(page, 'us-east-1');
    await waitUntil('the plan halted', async () => /halted: stage 1 step \d \(Promote secondary · ldgnf-[a-z-]+ → [a-z0-9-]+\) failed: rejected/.test(await planState(page)), 60_000);
    const text = await planRun(page).innerText();
    assert.equal(await planRun(page).locator('.plan-run__step--failed').count() >= 1, true);
    assert.match(text, /AccessDenied|not authorized/);
    await page.waitForTimeout(2_000);
    assert.equal((await emulator.calls()).filter((c) => c.action !== 'FailoverGlobalReplicationGroup').length, 0, 'stage 2 never started');
    assert.ok(await planRun(page).getByRole('button', { name: 'Continue past them' }).isVisible());
    await screenshot(page, 'plan-halted');

    // A single action dry-runs too: its dialog shows the request and the CLI command, and the
    // switch to FailoverGlobalCluster changes both before anything is sent.
    await page.locator('.app-header__link', { hasText: 'Inventory' }).click();
    await openFromInventory(page, 'identity-graph');
    await page.getByRole('button', { name: 'Switch over to identity-graph-usw2 (us-west-2)' }).click();
    await checksSettled(page);
    const dialogDry = dialog(page).locator('.dry-run');
    await dialogDry.locator('summary').click();
    assert.match(await dialogDry.innerText(), /aws neptune switchover-global-cluster --global-cluster-identifier identity-graph --target-db-cluster-identifier arn:aws:rds:us-west-2:\d+:cluster:identity-graph-usw2 --region us-west-2/);
    await dialog(page).getByText('Send as FailoverGlobalCluster with Switchover=true').click();
    await waitUntil('the dry run follows the dialog', async () => /aws neptune failover-global-cluster .* --switchover --region us-west-2/.test(await dialogDry.innerText()));
    await dialog(page).getByRole('button', { name: 'Cancel' }).click();
    assert.equal((await callsOf(emulator, 'SwitchoverGlobalCluster')).length + (await callsOf(emulator, 'FailoverGlobalCluster')).length, 0);

    // Plan files: a good export reads back; a broken one is refused, naming stage and step.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fc-plan-'));
    await proposePlan(page, 'us-east-1');
    const [js] = await Promise.all([page.waitForEvent('download'), page.locator('.plan-editor').getByRole('button', { name: 'Export JSON' }).click()]);
    const plan = JSON.parse(await readFile(await js.path(), 'utf8'));
    assert.equal(plan.format, 'failover-console/plan');
    assert.equal(plan.version, 1);
    delete plan.stages[1].steps[0].action.target_region;
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify(plan));
    await page.locator('.plans-page__file').setInputFiles(bad);
    await waitUntil('the refusal shown', async () => /Plan file refused: stage 2, step 1: missing field `target_region`/.test(await page.locator('.plans-page__import-error').innerText()));
    const wrong = path.join(dir, 'wrong.json');
    await writeFile(wrong, JSON.stringify({ format: 'failover-console/plan', version: 7 }));
    await page.locator('.plans-page__file').setInputFiles(wrong);
    await waitUntil('the version refused', async () => /"version" 7 is newer than this console reads \(1\)/.test(await page.locator('.plans-page__import-error').innerText()));
    // A good file replaces the draft.
    await page.getByRole('button', { name: 'Discard draft' }).click();
    const good = path.join(dir, 'good.json');
    plan.stages[1].steps[0].action.target_region = 'us-west-2';
    plan.name = 'Runbook: leave us-east-1';
    await writeFile(good, JSON.stringify(plan));
    await page.locator('.plans-page__file').setInputFiles(good);
    await waitUntil('the imported plan shown', async () => (await page.locator('.plan-editor__name').inputValue()) === 'Runbook: leave us-east-1');
    assert.equal(await page.locator('.plans-page__import-error').count(), 0);
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('credentials that expire mid-plan hold it; restored, it finishes with every call sent once', async () => {
  const emulator = await startEmulator({ timeScale: 5, args: LAG });
  const session = await openBrowser({ allowConsoleError: (t) => /403|400/.test(t) });
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    await proposePlan(page, 'us-east-1');
    await checkAndStartPlan(page, 'us-east-1');
    await waitUntil('the promotions sent', async () => (await callsOf(emulator, 'FailoverGlobalReplicationGroup')).length === 2, 30_000);
    await setCredentialsExpired(emulator, true);
    // The promotions finish at AWS (12 s at this time scale) while the console cannot read.
    await page.waitForTimeout(16_000);
    assert.match(await planState(page), /running stage 1 of 2/);
    assert.equal((await callsOf(emulator, 'SwitchoverGlobalCluster')).length, 0, 'stage 2 waits for stage 1 to be seen settled');
    await setCredentialsExpired(emulator, false);
    await waitUntil('the plan through', async () => /done: recovery time/.test(await planState(page)), 120_000);
    assert.equal((await callsOf(emulator, 'FailoverGlobalReplicationGroup')).length, 2);
    assert.equal((await callsOf(emulator, 'SwitchoverGlobalCluster')).length, 1);
    assert.equal(await planRun(page).locator('.plan-run__step--settled').count(), 3);
  } finally {
    await session.close();
    await emulator.stop();
  }
});

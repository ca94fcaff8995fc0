// Helpers shared by the console's end-to-end tests: connect the way a person does, wait for
// what a person would wait for, and read the emulator's ground truth.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value; fails with `what` after `timeout` ms. */
export async function waitUntil(what, fn, timeout = 30_000, every = 200) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last})`);
    await sleep(every);
  }
}

/** Opens the console with `?connect=emulator` and waits for the inventory to list `expect`. */
export async function connectViaUrl(page, emulator, expect = 'ldgnf-checkout-sessions') {
  await page.goto(`${emulator.url}/?connect=emulator`);
  await page.waitForSelector('[data-app-mounted="true"]');
  await page.getByRole('link', { name: expect, exact: true }).first().waitFor({ timeout: 20_000 });
}

/** The endpoint overrides of the Connect form, every one set to `url` (the emulator, a proxy). */
export const ENDPOINT_FIELDS = ['ElastiCache endpoint URL', 'Neptune endpoint URL', 'MemoryDB endpoint URL', 'STS endpoint URL', 'CloudWatch endpoint URL'];

/**
 * Fills the Connect form by hand, as a person does: key, secret (and token), every endpoint
 * override set to `url`. Does not press Connect.
 */
export async function fillConnectForm(page, url, { key, secret, token } = {}) {
  await page.waitForSelector('[data-app-mounted="true"]');
  if (key !== undefined) await page.getByLabel('Access key id').fill(key);
  if (secret !== undefined) await page.getByLabel('Secret access key').fill(secret);
  if (token !== undefined) await page.getByLabel('Session token (optional)').fill(token);
  for (const label of ENDPOINT_FIELDS) await page.getByLabel(label).fill(url);
}

/** Expires (or restores) the emulator's demo credentials, as a token running out would. */
export async function setCredentialsExpired(emulator, expired) {
  await fetch(`${emulator.url}/_emulator/credentials/${expired ? 'expire' : 'restore'}`, {
    method: 'POST', body: JSON.stringify({ accessKeyId: 'AKIAEMULATORDEMO0001' }),
  });
}

/** The names in the inventory table, in the order shown. */
export async function rowNames(page) {
  return page.locator('.inventory-table__name a').allInnerTexts();
}

/** Opens a resource from the inventory by clicking its name, as a person would. */
export async function openFromInventory(page, name) {
  await page.getByRole('searchbox', { name: 'Filter' }).fill(name);
  await page.getByRole('link', { name, exact: true }).first().click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
  // The picture is drawn once the first read answered.
  await page.getByRole('heading', { name: 'Topology' }).waitFor({ timeout: 20_000 });
}

/** The dialog, once open. */
export function dialog(page) {
  return page.getByRole('dialog');
}

/** Waits until every preflight check of the open dialog is done (none pending). */
export async function checksSettled(page) {
  await waitUntil('preflight checks', async () => (await dialog(page).locator('.checklist__item--pending').count()) === 0);
}

/** Reads the emulator's resources. */
export async function emulatorState(emulator) {
  return emulator.state();
}

export function globalDatastore(state, id) {
  const g = state.elasticache.globalReplicationGroups.find((x) => x.globalReplicationGroupId === id);
  assert.ok(g, `no global datastore ${id}`);
  return g;
}

export function replicationGroup(state, id) {
  const g = state.elasticache.replicationGroups.find((x) => x.replicationGroupId === id);
  assert.ok(g, `no replication group ${id}`);
  return g;
}

export function globalCluster(state, id) {
  const g = state.neptune.globalClusters.find((x) => x.globalClusterIdentifier === id);
  assert.ok(g, `no global cluster ${id}`);
  return g;
}

export function memorydbCluster(state, name) {
  const c = state.memorydb.clusters.find((x) => x.name === name);
  assert.ok(c, `no MemoryDB cluster ${name}`);
  return c;
}

/** The run card for a run whose title contains `text`. */
export function runCard(page, text) {
  return page.locator('article.run-card').filter({ hasText: text }).first();
}

/** Waits until the run card says "settled" and returns its time-to-settle text. */
export async function waitSettled(page, text, timeout = 90_000) {
  const card = runCard(page, text);
  try {
    await waitUntil(`run "${text}" to settle`, async () => (await card.locator('.run-card__phase').textContent()).includes('settled'), timeout);
  } catch (e) {
    // Say what the run showed when it gave up: its phase, error, transitions and events.
    const shown = await card.evaluate((el) => {
      el.querySelectorAll('details').forEach((d) => { d.open = true; });
      return el.innerText;
    }).catch((err) => `(run card not readable: ${err.message})`);
    throw new Error(`${e.message}\n--- the run card showed:\n${shown}\n--- URL ${page.url()}`);
  }
  return card.locator('.run-card__settle').innerText();
}

/** The confirm button of the open dialog (its label changes once sent). */
export function confirmButton(page) {
  return dialog(page).locator('.dialog__buttons button').last();
}

/** Mutating calls the emulator received, of one action. */
export async function callsOf(emulator, action) {
  return (await emulator.calls()).filter((c) => c.action === action);
}

/**
 * Sends one AWS call straight to the emulator with boto3 (the project's Python venv), behind
 * the console's back: used to make the console's view stale on purpose.
 */
export function boto3Call(emulator, service, region, method, params) {
  const py = path.join(root, '.venv/bin/python');
  const script = `
import boto3, json, sys
c = boto3.client(${JSON.stringify(service)}, region_name=${JSON.stringify(region)}, endpoint_url=${JSON.stringify(emulator.url)},
    aws_access_key_id='AKIAEMULATORDEMO0001', aws_secret_access_key='emulator-demo-secret-key-not-for-aws')
getattr(c, ${JSON.stringify(method)})(**json.loads(sys.argv[1]))
`;
  const r = spawnSync(py, ['-c', script, JSON.stringify(params)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`boto3 ${method} failed: ${r.stderr}`);
}

/**
 * Runs a Python snippet with boto3 against the emulator, with `ec` an ElastiCache client of
 * `region` (for sequences of calls that would be slow one process each).
 */
export async function boto3Script(emulator, region, snippet) {
  const py = path.join(root, '.venv/bin/python');
  const script = `
import boto3, time
ec = boto3.client('elasticache', region_name=${JSON.stringify(region)}, endpoint_url=${JSON.stringify(emulator.url)},
    aws_access_key_id='AKIAEMULATORDEMO0001', aws_secret_access_key='emulator-demo-secret-key-not-for-aws')
${snippet}
`;
  // Not spawnSync: the emulator logs to a pipe this process reads, and a blocked event loop
  // would let that pipe fill and stall the emulator mid-script.
  const child = spawn(py, ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`boto3 script failed (${code}): ${err}`);
  return out;
}

/**
 * Watches the page's AWS reads of one resource (POSTs whose form body names it with `param`)
 * and remembers the most that were in flight at once, and how many were sent.
 */
export function watchReads(page, action, param, id) {
  const seen = { inFlight: 0, max: 0, sent: 0 };
  const mine = new Set();
  const body = (req) => req.postData() ?? '';
  page.on('request', (req) => {
    const b = body(req);
    if (req.method() === 'POST' && b.includes(`Action=${action}`) && b.includes(`${param}=${encodeURIComponent(id)}`)) {
      mine.add(req);
      seen.sent += 1;
      seen.inFlight += 1;
      seen.max = Math.max(seen.max, seen.inFlight);
    }
  });
  const done = (req) => { if (mine.delete(req)) seen.inFlight -= 1; };
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  return seen;
}

/** Counts the AWS calls (POSTs to the emulator) the page makes from now on, in `.n`. */
export function countCalls(page, emulatorUrl) {
  const counter = { n: 0 };
  page.on('request', (req) => {
    if (req.method() === 'POST' && req.url().startsWith(emulatorUrl)) counter.n += 1;
  });
  return counter;
}

/** Makes the page believe its tab is hidden (or shown again), as a tab switch would. */
export async function setHidden(page, hidden) {
  await page.evaluate((h) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

/**
 * Promotes a secondary of a global datastore through the dialog, as a person does (name
 * typed, confirm), and answers its run card once the run is in progress. By default
 * pricing-cache-euw1 (eu-west-1) in ldgnf-pricing-cache.
 */
export async function startPromotion(
  page,
  { datastore = 'ldgnf-pricing-cache', group = 'pricing-cache-euw1', region = 'eu-west-1' } = {},
) {
  await openFromInventory(page, datastore);
  await page.getByRole('button', { name: `Promote ${group} (${region}) to primary` }).click();
  await checksSettled(page);
  await dialog(page).getByLabel(`Type ${datastore} to confirm`).fill(datastore);
  await dialog(page).getByRole('button', { name: 'Promote secondary', exact: true }).click();
  const card = runCard(page, `Promote ${group}`);
  await waitUntil('run in progress', async () => (await card.locator('.run-card__phase').textContent()).includes('in progress'));
  return card;
}

/** Opens Plans from the header and proposes the evacuation of `region`. */
export async function proposePlan(page, region) {
  await page.getByRole('link', { name: 'Plans', exact: true }).click();
  await page.getByLabel('Evacuate Region').selectOption(region);
  await page.getByRole('button', { name: 'Propose plan' }).click();
  await page.locator('.plan-editor').waitFor();
}

/** Opens the deep link that proposes evacuating `region`, and waits for the draft. */
export async function openPlanLink(page, emulator, region) {
  await page.goto(`${emulator.url}/plans?evacuate=${region}&connect=emulator`);
  await page.locator('.plan-editor').waitFor({ timeout: 30_000 });
}

/** Dry run and preflight of the open draft; waits for no blocker and types the region. */
export async function preflightPlan(page, region) {
  await page.getByRole('button', { name: 'Dry run and preflight every step' }).click();
  await waitUntil('no blocker', async () => /No blocker: the plan may start/.test(await page.locator('.plan-review__confirm').innerText()), 30_000);
  await page.getByLabel(`Type ${region} to start the plan`).fill(region);
}

/** {@link preflightPlan}, then Start. */
export async function checkAndStartPlan(page, region) {
  await preflightPlan(page, region);
  await page.getByRole('button', { name: 'Start plan' }).click();
}

// The network goes away mid-run: a TCP proxy between the browser and the emulator is cut for
// a few seconds. The run must say the connection is lost, keep what it already showed, and
// resume and settle once the proxy listens again; the emulator, untouched, keeps its state.
// Then the same with a reload while the endpoint is down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, screenshot, startEmulator, DEMO } from '../lib/harness.mjs';
import { startProxy } from '../lib/proxy.mjs';
import {
  callsOf, connectViaUrl, fillConnectForm, globalDatastore, runCard, startPromotion, waitSettled,
  waitUntil,
} from './console.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// A cut connection is logged by Chromium as a failed load; that is what this file is about.
const allowNetErrors = (text) => /ERR_CONNECTION|ERR_EMPTY_RESPONSE|ERR_SOCKET|status of (4|5)\d\d/.test(text);

// textContent, not innerText: a settled run folds its transitions away (still in the page).
const transitions = (card) => card.locator('.run-card__transitions li').allTextContents();
const phaseOf = async (card) => (await card.locator('.run-card__phase').textContent()) ?? '';

/** The shared promotion, waited on until its first status transition is drawn. */
async function promotionWithTransition(page) {
  const card = await startPromotion(page);
  await waitUntil('run in progress with a first transition', async () => (await phaseOf(card)).includes('in progress') && (await transitions(card)).length >= 1);
  return card;
}

/** The card says the connection is lost, in words that name a network failure. */
async function waitConnectionLost(card) {
  const lost = card.getByRole('alert').filter({ hasText: 'Connection lost — retrying' });
  await lost.waitFor({ timeout: 60_000 });
  const text = await lost.innerText();
  assert.match(text, /network error/, `a transport error says what happened: ${text}`);
  return text;
}

test('a network cut mid-run shows "connection lost", keeps the history, and the run resumes', async () => {
  // Time scale 2: the promotion takes 30 s, long enough to cut the network in the middle.
  const emulator = await startEmulator({ timeScale: 2 });
  const proxy = await startProxy(emulator.port);
  const session = await openBrowser({ allowConsoleError: allowNetErrors });
  try {
    const { page } = session;
    // The console is loaded from, and talks to, the proxy.
    await connectViaUrl(page, { url: proxy.url });
    const card = await promotionWithTransition(page);
    const before = await transitions(card);

    await proxy.cut();
    await waitConnectionLost(card);
    const during = await transitions(card);
    assert.deepEqual(during.slice(0, before.length), before, 'the transitions already shown remain');
    assert.ok((await phaseOf(card)).includes('in progress'), 'a lost connection is not a failed run');
    assert.match(await page.getByRole('complementary', { name: 'Runs' }).innerText(), /connection lost — retrying/);
    // The resource page keeps the last picture it read and says how old it is.
    const freshness = page.locator('.resource-page__freshness');
    await waitUntil('the picture is marked stale', async () => /STALE — last read \d+ s ago \(\d\d:\d\d:\d\d UTC\)/.test(await freshness.innerText()), 30_000);
    assert.ok(await page.getByRole('heading', { name: 'Topology' }).isVisible(), 'the topology stays on screen during the cut');
    assert.match(await page.getByRole('region', { name: 'Topology' }).innerText(), /pricing-cache-euw1/);
    await screenshot(page, 'network-cut-mid-run');
    // The emulator never saw the cut: the change is still under way there.
    const mid = globalDatastore(await emulator.state(), 'ldgnf-pricing-cache');
    assert.equal(mid.status, 'modifying');
    await sleep(3000);

    await proxy.restore();
    await waitSettled(page, 'Promote pricing-cache-euw1', 120_000);
    assert.equal(await card.getByRole('alert').count(), 0, 'no error left once settled');
    await waitUntil('the picture is fresh again', async () => /^read \d+ s ago \(\d\d:\d\d:\d\d UTC\)( · from [a-z0-9-]+)?$/.test((await freshness.innerText()).trim()), 30_000);
    const after = await transitions(card);
    assert.deepEqual(after.slice(0, before.length), before, 'history kept through the cut');
    assert.equal(globalDatastore(await emulator.state(), 'ldgnf-pricing-cache').primaryReplicationGroupId, 'pricing-cache-euw1');
    const calls = await callsOf(emulator, 'FailoverGlobalReplicationGroup');
    assert.equal(calls.length, 1, 'the cut never caused a second call');
    assert.equal(calls[0].result, 'OK');
  } finally {
    await session.close();
    await proxy.stop();
    await emulator.stop();
  }
});

test('a reload while the endpoint is down shows the run with its history and a connection error, then resumes', async () => {
  // The page is served by the emulator itself; AWS calls go through the proxy (an endpoint
  // override, as for a relay), so the endpoint can die while the page still loads.
  const emulator = await startEmulator({ timeScale: 2 });
  const proxy = await startProxy(emulator.port);
  const session = await openBrowser({ allowConsoleError: allowNetErrors });
  try {
    const { page } = session;
    await page.goto(`${emulator.url}/connect`);
    await fillConnectForm(page, proxy.url, { key: DEMO.accessKeyId, secret: DEMO.secretAccessKey });
    // Kept for the tab, so the reload reconnects by itself.
    await page.getByLabel(/Keep credentials in this tab's session storage/).check();
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByRole('link', { name: 'ldgnf-pricing-cache', exact: true }).first().waitFor({ timeout: 30_000 });
    const card = await promotionWithTransition(page);
    const before = await transitions(card);

    await proxy.cut();
    await page.reload();
    await page.waitForSelector('[data-app-mounted="true"]');
    const reloaded = runCard(page, 'Promote pricing-cache-euw1');
    await reloaded.waitFor();
    // History first (from session storage), then the error of the failing endpoint.
    const shown = await transitions(reloaded);
    assert.deepEqual(shown.slice(0, before.length), before, 'the reloaded run shows its history');
    await waitConnectionLost(reloaded);
    assert.ok((await phaseOf(reloaded)).includes('in progress'));
    await screenshot(page, 'network-reload-endpoint-down');

    await proxy.restore();
    await waitSettled(page, 'Promote pricing-cache-euw1', 120_000);
    assert.equal(await reloaded.getByRole('alert').count(), 0);
    assert.equal(globalDatastore(await emulator.state(), 'ldgnf-pricing-cache').primaryReplicationGroupId, 'pricing-cache-euw1');
    assert.equal((await callsOf(emulator, 'FailoverGlobalReplicationGroup')).length, 1, 'a reload never re-sends the call');
  } finally {
    await session.close();
    await proxy.stop();
    await emulator.stop();
  }
});

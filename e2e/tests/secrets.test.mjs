// Secrets: a distinctive secret key and session token, typed into the Connect form, must never
// show up in localStorage, the URL or history, the DOM (inputs included), exported run records,
// the browser console or the emulator's log; sessionStorage holds them only when the person
// ticked the opt-in. Checked after entry, after a run, after exports, and after a reload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { openBrowser, screenshot, startEmulator } from '../lib/harness.mjs';
import {
  callsOf, checksSettled, fillConnectForm, openFromInventory, runCard, waitSettled,
} from './console.mjs';

const KEY = 'AKIASECRETSPROOF0042';
const SECRET = 'zQ7xS3cr3tMarkerK9pL2vW4nR8tY1uI6oA5sD';
const TOKEN = 'IQoJb3JpZ2luX2VjT0k3nMarkerSessionTokenQ2FzZ0hY3d4Z5a6b7c8d9e0fGhIjKlMnOpQrStUvWx';
// Any run of 12 characters of either is a leak (catches truncated or split copies too).
const FRAGMENTS = [SECRET, TOKEN].flatMap((s) => {
  const out = [];
  for (let i = 0; i + 12 <= s.length; i += 6) out.push(s.slice(i, i + 12));
  return out;
});

function assertClean(where, text) {
  for (const f of FRAGMENTS) {
    assert.ok(!text.includes(f), `${where} contains part of the secret or token (${f})`);
  }
}

const leaks = (text) => FRAGMENTS.some((f) => text.includes(f));

/** Everything the page keeps or shows, as text. */
async function pageSurfaces(page) {
  return page.evaluate(() => {
    const dump = (s) => Object.keys(s).map((k) => `${k}=${s.getItem(k)}`).join('\n');
    return {
      localStorage: dump(localStorage),
      sessionStorage: dump(sessionStorage),
      url: location.href,
      dom: document.documentElement.outerHTML,
      inputs: Array.from(document.querySelectorAll('input,textarea')).map((e) => e.value).join('\n'),
    };
  });
}

async function checkPage(page, step, { keep }) {
  const s = await pageSurfaces(page);
  assertClean(`${step}: localStorage`, s.localStorage);
  assertClean(`${step}: URL`, s.url);
  assertClean(`${step}: DOM`, s.dom);
  assertClean(`${step}: input values`, s.inputs);
  if (keep) {
    // The opt-in keeps them, in this tab's session storage and only there.
    assert.ok(s.sessionStorage.includes(SECRET) && s.sessionStorage.includes(TOKEN), `${step}: opted in, so sessionStorage holds them`);
  } else {
    assertClean(`${step}: sessionStorage`, s.sessionStorage);
  }
}

async function scenario(keep) {
  const emulator = await startEmulator({ timeScale: 30, args: ['--credentials', `${KEY}:${SECRET}:${TOKEN}`] });
  const session = await openBrowser();
  const consoleText = [];
  const urls = [];
  try {
    const { page } = session;
    // Every console message of every level, and every URL the tab ever showed.
    page.on('console', (m) => consoleText.push(`${m.type()}: ${m.text()}`));
    page.on('framenavigated', (f) => { if (f === page.mainFrame()) urls.push(f.url()); });

    await page.goto(`${emulator.url}/connect`);
    await fillConnectForm(page, emulator.url, { key: KEY, secret: SECRET, token: TOKEN });
    if (keep) await page.getByLabel(/Keep credentials in this tab's session storage/).check();
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByRole('link', { name: 'payments-ledger', exact: true }).first().waitFor({ timeout: 30_000 });
    await checkPage(page, 'after entry', { keep });
    // Back on the form: the secret fields were cleared, only the key id's tail is shown.
    // (in-app links, not page loads: without the opt-in a load would forget the session)
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Connect' }).click();
    await page.getByText(/Connected: key …0042/).waitFor();
    await checkPage(page, 'connect form after entry', { keep });

    // A run, with its records exported.
    await nav.getByRole('link', { name: 'Inventory' }).click();
    await openFromInventory(page, 'payments-ledger');
    await page.getByRole('button', { name: /^Fail over shard / }).first().click();
    await checksSettled(page);
    await page.getByRole('dialog').getByRole('button', { name: 'Fail over shard', exact: true }).click();
    await waitSettled(page, 'of payments-ledger', 120_000);
    assert.equal((await callsOf(emulator, 'FailoverShard')).length, 1);
    await checkPage(page, 'after the run', { keep });
    const card = runCard(page, 'of payments-ledger');
    const [js] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'Export JSON' }).click()]);
    const [md] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'Export Markdown' }).click()]);
    const json = await readFile(await js.path(), 'utf8');
    const markdown = await readFile(await md.path(), 'utf8');
    assert.match(json, /"phase": "settled"/);
    assert.match(markdown, /access key …0042/);
    assertClean('exported JSON', json);
    assertClean('exported Markdown', markdown);

    await page.reload();
    await page.waitForSelector('[data-app-mounted="true"]');
    await runCard(page, 'of payments-ledger').waitFor();
    if (keep) {
      // Kept for the tab: the reload reconnects by itself.
      await page.getByRole('heading', { name: 'Topology' }).waitFor({ timeout: 30_000 });
      assert.match(await page.locator('header.app-header').innerText(), /key …0042/);
    }
    await checkPage(page, 'after reload', { keep });
    await screenshot(page, `secrets-after-reload-${keep ? 'kept' : 'memory-only'}`);

    for (const u of urls) assertClean('a URL of the tab\'s history', u);
    assertClean('the browser console', consoleText.join('\n'));
    assertClean('the emulator log', emulator.log());
    // The proof is only worth something if the secret was really in use.
    assert.ok(!leaks(KEY), 'the key id is not a fragment of the secret');
    assert.match(emulator.log(), /FailoverShard 200/);
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
}

test('secret and session token, kept in memory only, appear nowhere', () => scenario(false));

test('with the opt-in, secret and token are in sessionStorage and nowhere else', () => scenario(true));

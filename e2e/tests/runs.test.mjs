// Runs: a reload mid-run resumes it, runs export for the incident record, an expired token
// pauses polling without losing history, and a failover done with the keyboard alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { openBrowser, screenshot, startEmulator } from '../lib/harness.mjs';
import {
  checksSettled, connectViaUrl, countCalls, dialog, globalDatastore, runCard, startPromotion,
  setCredentialsExpired, waitSettled, waitUntil,
} from './console.mjs';

test('a reload mid-run resumes polling and the run settles', async () => {
  const emulator = await startEmulator({ timeScale: 5 });
  const session = await openBrowser();
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    await startPromotion(page);
    await page.reload();
    await page.waitForSelector('[data-app-mounted="true"]');
    // The tray shows the run at once, from session storage.
    await page.getByRole('complementary', { name: 'Runs' }).getByText('Promote secondary · ldgnf-pricing-cache').waitFor();
    await screenshot(page, 'reload-mid-run');
    await waitSettled(page, 'Promote pricing-cache-euw1', 120_000);
    assert.equal(globalDatastore(await emulator.state(), 'ldgnf-pricing-cache').primaryReplicationGroupId, 'pricing-cache-euw1');
    await page.goto(`${emulator.url}/runs`);
    const text = await runCard(page, 'Promote pricing-cache-euw1').innerText();
    assert.match(text, /Time to settle\s*\d+\.\d s/);

    // Export as Markdown and JSON.
    const [md] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export Markdown' }).click()]);
    const markdown = await readFile(await md.path(), 'utf8');
    assert.match(markdown, /# Promote pricing-cache-euw1 \(eu-west-1\) to primary of ldgnf-pricing-cache/);
    // Who, as AWS names the caller (sts:GetCallerIdentity), with the key hint; the request id.
    assert.match(markdown, /\*\*Who:\*\* arn:aws:iam::123456789012:user\/emulator-akiaemulatordemo0001 \(access key …0001/);
    assert.match(markdown, /\*\*Request id:\*\* [0-9a-f-]{36}/);
    assert.match(markdown, /\*\*Time to settle:\*\* \d+\.\d s \(AWS's clock: accepted call to completion event\)/);
    assert.match(markdown, /\*\*Result:\*\* settled/);
    assert.match(markdown, /## Events/);
    const [js] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
    const run = JSON.parse(await readFile(await js.path(), 'utf8'));
    assert.equal(run.phase, 'settled');
    assert.ok(run.history.length >= 2);
    assert.doesNotMatch(JSON.stringify(run) + markdown, /emulator-demo-secret/);
    await screenshot(page, 'runs-page');
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('an expired token says so on the run (not "connection lost"), and reconnecting resumes it', async () => {
  const emulator = await startEmulator({ timeScale: 5 });
  const session = await openBrowser({ allowConsoleError: (t) => /status of 4\d\d/.test(t) });
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    const card = await startPromotion(page, {
      datastore: 'ldgnf-checkout-sessions', group: 'checkout-sessions-euw1', region: 'eu-west-1',
    });
    await setCredentialsExpired(emulator, true);
    await card.getByText('Credentials expired — reconnect to resume').waitFor({ timeout: 20_000 });
    assert.doesNotMatch(await card.innerText(), /Connection lost/);
    assert.match(await card.innerText(), /Expired|expired/);
    await screenshot(page, 'run-connection-lost');
    await setCredentialsExpired(emulator, false);
    // Reconnect (the preset again): the run keeps its history and settles.
    await page.goto(`${emulator.url}/connect`);
    await page.getByRole('button', { name: 'Connect to the local emulator' }).click();
    await page.goto(`${emulator.url}/runs`);
    await waitSettled(page, 'Promote checkout-sessions-euw1', 120_000);
    assert.equal(globalDatastore(await emulator.state(), 'ldgnf-checkout-sessions').primaryReplicationGroupId, 'checkout-sessions-euw1');
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('keyboard only: jump, open the action, type the name, confirm, watch it settle', async () => {
  const emulator = await startEmulator();
  const session = await openBrowser();
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    await page.keyboard.press('/');
    await page.keyboard.type('ldgnf-checkout');
    await page.getByRole('option', { name: /ldgnf-checkout-sessions/ }).waitFor();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Topology' }).waitFor({ timeout: 20_000 });
    const target = 'Promote checkout-sessions-usw2 (us-west-2) to primary';
    // The button's label, without the least-lag mark it may carry after it.
    let focused = '';
    for (let i = 0; i < 60 && !focused.startsWith(target); i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    }
    assert.ok(focused.startsWith(target), `the action is reachable with Tab (focused: ${focused})`);
    await screenshot(page, 'keyboard-focus-ring');
    // Esc closes the dialog; Enter opens it again.
    await page.keyboard.press('Enter');
    await dialog(page).waitFor();
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'detached' });
    await page.keyboard.press('Enter');
    await dialog(page).waitFor();
    await checksSettled(page);
    // Focus starts inside the dialog, on the name field.
    await page.keyboard.type('ldgnf-checkout-sessions');
    // Tab is trapped: Cancel, then confirm, then back to the dialog's first control (the dry
    // run's toggle), then the name field; Shift+Tab from the toggle wraps to confirm.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Promote secondary');
    await page.keyboard.press('Tab');
    assert.match(await page.evaluate(() => document.activeElement?.textContent), /^Dry run/);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Type ldgnf-checkout-sessions to confirm');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await waitSettled(page, 'Promote checkout-sessions-usw2');
    assert.equal(globalDatastore(await emulator.state(), 'ldgnf-checkout-sessions').primaryReplicationGroupId, 'checkout-sessions-usw2');
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('a run card keeps the reader\'s choice to close or open its history while it polls', async () => {
  // Slow time, so the run stays in progress across several polls.
  const emulator = await startEmulator({ timeScale: 2 });
  const session = await openBrowser();
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    const card = await startPromotion(page);
    const history = card.locator('details.run-card__history');
    const isOpen = () => history.evaluate((d) => d.open);
    // Open while the run is in progress; the reader closes it.
    assert.equal(await isOpen(), true);
    await history.locator('summary').click();
    assert.equal(await isOpen(), false);
    // Each poll redraws the card in place; the history must stay as the reader left it.
    const calls = countCalls(page, emulator.url);
    await waitUntil('three more AWS calls', async () => calls.n >= 3);
    assert.match(await card.locator('.run-card__phase').textContent(), /in progress/);
    assert.equal(await isOpen(), false, 'the history reopened by itself on a poll');
    // And opened again, it stays open.
    await history.locator('summary').click();
    const more = countCalls(page, emulator.url);
    await waitUntil('three more AWS calls', async () => more.n >= 3);
    assert.equal(await isOpen(), true, 'the history closed by itself on a poll');
    // Left open as it is by default, it closes when the run is done, as a finished run's does.
    await waitSettled(page, 'Promote pricing-cache-euw1', 120_000);
    assert.equal(await isOpen(), false, 'a finished run kept its history open');
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

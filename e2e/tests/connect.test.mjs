// Connect screen: the emulator preset, pasted credentials that are never shown again, and a
// wrong secret that surfaces AWS's auth error where it happened.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, screenshot, startEmulator } from '../lib/harness.mjs';
import { fillConnectForm, waitUntil } from './console.mjs';

// A refused call is logged by Chromium as a failed resource load; that is the point here.
const allowHttpErrors = (text) => /status of 4\d\d/.test(text);

test('the emulator preset connects with one click and lists every service', async () => {
  const emulator = await startEmulator();
  const session = await openBrowser();
  try {
    const { page } = session;
    await page.goto(`${emulator.url}/connect`);
    await page.getByRole('button', { name: 'Connect to the local emulator' }).click();
    await page.getByRole('link', { name: 'ldgnf-checkout-sessions', exact: true }).waitFor({ timeout: 20_000 });
    for (const name of ['orders-queue', 'identity-graph', 'recs-graph-usw2', 'payments-ledger', 'audit-stream']) {
      await page.getByRole('link', { name, exact: true }).first().waitFor();
    }
    // Only the last four characters of the key are ever shown.
    const header = await page.locator('header').innerText();
    assert.match(header, /key …0001/);
    assert.doesNotMatch(await page.content(), /AKIAEMULATORDEMO0001|emulator-demo-secret/);
    await screenshot(page, 'inventory-default');
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('pasted export-credentials text is read, cleared, and its secret never rendered', async () => {
  const emulator = await startEmulator();
  const session = await openBrowser();
  try {
    const { page } = session;
    await page.goto(`${emulator.url}/connect`);
    await page.getByRole('button', { name: 'Connect to the local emulator' }).waitFor();
    const text = 'export AWS_ACCESS_KEY_ID=AKIAEMULATORDEMO0001\nexport AWS_SECRET_ACCESS_KEY=emulator-demo-secret-key-not-for-aws\n';
    await page.getByLabel('Paste credentials').fill(text);
    await page.getByText('Read credentials for access key').waitFor();
    assert.equal(await page.getByLabel('Paste credentials').inputValue(), '');
    assert.doesNotMatch(await page.content(), /emulator-demo-secret/);
    await fillConnectForm(page, emulator.url);
    await screenshot(page, 'connect-pasted');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByRole('link', { name: 'payments-ledger', exact: true }).waitFor({ timeout: 20_000 });
    assert.doesNotMatch(page.url(), /secret|AKIA/);
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

test('a wrong secret shows the auth error with code, request id and advice in each region cell', async () => {
  const emulator = await startEmulator();
  const session = await openBrowser({ allowConsoleError: allowHttpErrors });
  try {
    const { page } = session;
    await page.goto(`${emulator.url}/connect`);
    await fillConnectForm(page, emulator.url, { key: 'AKIAEMULATORDEMO0001', secret: 'not-the-secret' });
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    const grid = page.getByRole('table', { name: 'Load state by region and service' });
    await waitUntil('nine auth errors', async () => (await grid.getByRole('alert').count()) === 9, 30_000);
    const first = await grid.getByRole('alert').first().innerText();
    assert.match(first, /SignatureDoesNotMatch|InvalidSignatureException/);
    assert.match(first, /Request id/);
    assert.match(first, /us-east-1 · ElastiCache/);
    await screenshot(page, 'inventory-auth-error');
  } finally {
    await session.close();
    await emulator.stop();
  }
});

// A hidden tab calls nothing, even with a run in progress and a resource page open; shown
// again, it reads at once (the loops wait for the visibilitychange event, not a timer).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser, startEmulator } from '../lib/harness.mjs';
import {
  connectViaUrl, countCalls, setHidden, startPromotion, waitSettled, waitUntil,
} from './console.mjs';

const sleep = (t) => new Promise((r) => setTimeout(r, t));

test('a hidden tab makes no AWS calls, and reads at once when shown again', async () => {
  const emulator = await startEmulator();
  const session = await openBrowser();
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    await startPromotion(page);

    const calls = countCalls(page, emulator.url);
    await setHidden(page, true);
    await sleep(1_000); // reads already on their way may finish
    calls.n = 0;
    // Longer than the inventory's refresh (10 s), the page's idle poll (5 s) and the run's
    // poll (1 s while changing): each would have called at least once.
    await sleep(12_000);
    assert.equal(calls.n, 0, 'AWS calls while the tab was hidden');

    const shown = Date.now();
    await setHidden(page, false);
    await waitUntil('a read once shown', () => calls.n > 0, 5_000, 20);
    const lag = Date.now() - shown;
    assert.ok(lag < 1_500, `first read ${lag} ms after the tab was shown`);
    await waitSettled(page, 'Promote pricing-cache-euw1', 120_000);
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
  }
});

// Replication lag on screen: what it costs in AWS calls. Prints figures, never fails on them.
//
//   node bench/lag-bench.mjs            (from e2e/; needs dist/ and the emulator built)
//
// With a global datastore's page open (two secondaries in two Regions, lag on each edge):
// - GetMetricData calls per Region per minute while idle (target: at most 1), over 3 minutes,
// - the same while the tab is hidden (target: 0), over 1 minute,
// - all AWS calls per minute on that page, for scale (the page's own 5 s polls),
// - time from opening the page to the lag on both edges.
import { connectViaUrl, openFromInventory, setHidden, waitUntil } from '../tests/console.mjs';
import { openBrowser, startEmulator } from '../lib/harness.mjs';

const put = (what, value, note = '') => console.log(`  ${what.padEnd(52)} ${String(value).padStart(12)}  ${note}`);
const sleep = (t) => new Promise((r) => setTimeout(r, t));

const emulator = await startEmulator({ timeScale: 20 });
const session = await openBrowser();
const { page } = session;
try {
  const metric = {};
  const times = {};
  let all = 0;
  page.on('request', (req) => {
    if (req.method() !== 'POST' || !req.url().startsWith(emulator.url)) return;
    all += 1;
    if ((req.headers()['x-amz-target'] ?? '') !== 'GraniteServiceVersion20100801.GetMetricData') return;
    const region = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(req.headers().authorization ?? '')?.[1] ?? '?';
    metric[region] = (metric[region] ?? 0) + 1;
    (times[region] ??= []).push(Date.now());
  });
  await connectViaUrl(page, emulator);
  const t0 = Date.now();
  await openFromInventory(page, 'ldgnf-checkout-sessions');
  await waitUntil('lag on both edges', async () => (await page.locator('.topology__lag.lag--ok, .topology__lag.lag--warn').count()) === 2, 60_000, 20);
  put('page opened → lag on both edges', `${Date.now() - t0} ms`, 'ListMetrics not needed: the page read the shard ids');

  const idleMinutes = 3;
  for (const k of Object.keys(metric)) metric[k] = 0;
  all = 0;
  await sleep(idleMinutes * 60_000);
  const regions = Object.keys(metric).sort();
  const perRegion = regions.map((r) => `${r} ${(metric[r] / idleMinutes).toFixed(2)}`).join(', ');
  const worst = Math.max(...regions.map((r) => metric[r] / idleMinutes));
  put('GetMetricData per Region per minute, idle', worst.toFixed(2), `target ≤ 1; ${perRegion} (over ${idleMinutes} min)`);
  const gaps = regions.flatMap((r) => times[r].slice(1).map((t, i) => t - times[r][i]));
  const sorted = [...gaps].sort((a, b) => a - b);
  put('time between two GetMetricData of a Region, median', `${(sorted[Math.floor(sorted.length / 2)] / 1000).toFixed(1)} s`,
    `shortest ${(sorted[0] / 1000).toFixed(1)} s, ${gaps.length} gaps; the window's count ends at a call's edge`);
  put('all AWS calls per minute on the page, idle', (all / idleMinutes).toFixed(0), 'the resource polls included');

  await setHidden(page, true);
  for (const k of Object.keys(metric)) metric[k] = 0;
  all = 0;
  await sleep(60_000);
  const hidden = Object.values(metric).reduce((a, b) => a + b, 0);
  put('GetMetricData per minute, tab hidden', hidden.toFixed(0), `target 0; all AWS calls ${all}`);
} finally {
  await session.close();
  await emulator.stop();
}

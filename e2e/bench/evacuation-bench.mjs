// Region benchmark (issue 17): prints figures, never passes or fails on time.
//
//   node bench/evacuation-bench.mjs        (from e2e/; needs dist/ and the emulator built)
//
// 1. Time to a drawn inventory with us-east-1 down, next to all regions up: the healthy
//    regions' rows must not wait for the dead region. Down two ways: calls closed at once
//    (region-down) and calls held unanswered until the console's own timeout (region-hang,
//    a black-holed endpoint: the case that would show a wait).
// 2. Evacuating us-east-1 of the default topology at --time-scale 20: a plan (steps of a
//    stage in parallel) next to the same three actions started one at a time from their pages,
//    wall time from the first start to all settled, and the AWS calls each made.
import {
  checksSettled, connectViaUrl, countCalls, dialog, fillConnectForm, openFromInventory, openPlanLink, preflightPlan, waitSettled, waitUntil,
} from '../tests/console.mjs';
import { DEMO, openBrowser, startEmulator } from '../lib/harness.mjs';

const put = (what, value, note = '') => console.log(`  ${what.padEnd(52)} ${String(value).padStart(12)}  ${note}`);
const ms = (v) => `${v.toFixed(0)} ms`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const netErrors = (t) => /ERR_EMPTY_RESPONSE|ERR_CONNECTION|ERR_SOCKET|ERR_TIMED_OUT/.test(t);

// Rows of us-west-2 and eu-west-1 only: what a healthy region answers.
const HEALTHY_ROWS = ['checkout-sessions-usw2', 'feature-flags', 'legacy-sessions', 'recs-graph-usw2'];

// `perRegionHost`: every Region's endpoint on a host of its own (`us-east-1.localhost`, which
// Chromium resolves to loopback), as AWS has one host per Region. With one host for all (the
// emulator's preset), the browser's six connections per host are shared by every Region, and
// calls hanging in a dead Region hold them: healthy Regions' calls queue behind.
async function inventoryWith(faults, perRegionHost) {
  const times = { rows: [], dead: [] };
  for (let i = 0; i < 3; i++) {
    const emulator = await startEmulator({ timeScale: 20, faults, args: ['--lag', 'identity-graph-euw1=growing'] });
    // The build's CSP lists 127.0.0.1 and localhost, not *.localhost: bypassed for this bench.
    const session = await openBrowser({ allowConsoleError: netErrors, bypassCSP: perRegionHost });
    try {
      const { page } = session;
      let t0;
      if (perRegionHost) {
        await page.goto(`${emulator.url}/connect`);
        await fillConnectForm(page, `http://{region}.localhost:${emulator.port}`, { key: DEMO.accessKeyId, secret: DEMO.secretAccessKey });
        t0 = Date.now();
        await page.getByRole('button', { name: 'Connect', exact: true }).click();
      } else {
        t0 = Date.now();
        await page.goto(`${emulator.url}/?connect=emulator`);
      }
      await waitUntil('healthy rows drawn', async () => {
        const names = await page.locator('.inventory-table__name a').allInnerTexts();
        return HEALTHY_ROWS.every((n) => names.includes(n));
      }, 60_000, 10);
      times.rows.push(Date.now() - t0);
      const grid = page.getByRole('table', { name: 'Load state by region and service' });
      await waitUntil('every cell answered or failed', async () => (await grid.locator('.slot-grid__state--loading').count()) === 0, 60_000, 20);
      times.dead.push(Date.now() - t0);
    } finally {
      await session.close();
      await emulator.stop();
    }
  }
  return { rows: median(times.rows), done: median(times.dead) };
}

async function regionDown() {
  for (const [perRegionHost, how] of [[true, 'a host per Region, as AWS'], [false, 'one host for all Regions']]) {
    const up = await inventoryWith(undefined, perRegionHost);
    const closed = await inventoryWith('region-down=us-east-1', perRegionHost);
    const hung = await inventoryWith('region-hang=us-east-1', perRegionHost);
    put(`healthy Regions' rows drawn, all up (${how})`, ms(up.rows), 'median of 3');
    put('  … us-east-1 down (calls closed)', ms(closed.rows), `×${(closed.rows / up.rows).toFixed(2)}; target ≤ 500 ms`);
    put('  … us-east-1 black-holed (calls hang)', ms(hung.rows), `×${(hung.rows / up.rows).toFixed(2)}; target ≤ 500 ms`);
    put('  every cell answered or given up, black-holed', ms(hung.done), 'the dead Region\'s cells end at the timeout');
  }
}

/** The plan for us-east-1, from its deep link to all settled. */
async function evacuateByPlan() {
  const emulator = await startEmulator({ timeScale: 20, args: ['--lag', 'identity-graph-euw1=growing'] });
  const session = await openBrowser();
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    await openPlanLink(page, emulator, 'us-east-1');
    await preflightPlan(page, 'us-east-1');
    const calls = countCalls(page, emulator.url);
    const t0 = Date.now();
    await page.getByRole('button', { name: 'Start plan' }).click();
    await waitUntil('plan done', async () => /done: recovery time/.test(await page.locator('.plan-run__state').first().innerText()), 180_000, 50);
    const wall = Date.now() - t0;
    const recovery = /recovery time ([\d.]+) s/.exec(await page.locator('.plan-run__state').first().innerText())[1];
    return { wall, calls: calls.n, recovery };
  } finally {
    await session.close();
    await emulator.stop();
  }
}

/** The same three moves, one at a time from their resource pages, as a person would. */
async function evacuateOneByOne() {
  const emulator = await startEmulator({ timeScale: 20, args: ['--lag', 'identity-graph-euw1=growing'] });
  const session = await openBrowser();
  const steps = [
    ['ldgnf-checkout-sessions', 'Promote checkout-sessions-usw2 (us-west-2) to primary', 'Promote secondary', 'Promote checkout-sessions-usw2'],
    ['ldgnf-pricing-cache', 'Promote pricing-cache-euw1 (eu-west-1) to primary', 'Promote secondary', 'Promote pricing-cache-euw1'],
    ['identity-graph', 'Switch over to identity-graph-usw2 (us-west-2)', 'Switch over', 'Switch over identity-graph to us-west-2'],
  ];
  try {
    const { page } = session;
    await connectViaUrl(page, emulator);
    const calls = countCalls(page, emulator.url);
    let t0 = null;
    for (const [name, button, confirm, card] of steps) {
      await page.locator('.app-header__link', { hasText: 'Inventory' }).click();
      await openFromInventory(page, name);
      await page.getByRole('button', { name: button }).click();
      await checksSettled(page);
      await dialog(page).getByLabel(`Type ${name} to confirm`).fill(name);
      t0 ??= Date.now();
      await dialog(page).getByRole('button', { name: confirm, exact: true }).click();
      await waitSettled(page, card, 120_000);
    }
    return { wall: Date.now() - t0, calls: calls.n };
  } finally {
    await session.close();
    await emulator.stop();
  }
}

async function evacuation() {
  const plan = await evacuateByPlan();
  const single = await evacuateOneByOne();
  put('evacuate us-east-1 (3 moves), plan: start → all settled', ms(plan.wall), `recovery time shown ${plan.recovery} s; ${plan.calls} AWS calls`);
  put('  … one at a time from each page', ms(single.wall), `×${(single.wall / plan.wall).toFixed(2)} the plan; ${single.calls} AWS calls`);
}

console.log('region benchmark (headless Chromium, emulator on loopback, --time-scale 20)');
await regionDown();
await evacuation();

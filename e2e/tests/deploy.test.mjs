// A team's own deployment (issue 16): the folder scripts/package.sh writes, served by a plain
// static server with the headers of its `_headers`; sign-in through the emulator's OpenID
// Connect issuer and STS AssumeRoleWithWebIdentity, credentials renewed during a run; MemoryDB
// through failover-relay; the CSP computed from the config; a config with a mistake refused;
// the console reopening from its service worker when the host is down, and a new deployment
// offered as a reload, held while a run is in progress.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openBrowser, screenshot, startEmulator } from '../lib/harness.mjs';
import { serveStatic } from '../lib/static-server.mjs';
import { configFor, freePort, packageConfig, signIn, withDeployment } from '../lib/deploy.mjs';
import { callsOf, runCard, startPromotion, waitSettled, waitUntil } from './console.mjs';

test('packaged, signed in through OIDC and STS, MemoryDB through the relay, credentials renewed during a run, a new version held until it settles', async () => {
  // Role credentials live 30 s and ID tokens 45 s: the first renewal also takes a new ID
  // token with the refresh token.
  await withDeployment({
    emulator: { timeScale: 2, args: ['--sts-duration', '30', '--oidc-token-lifetime', '45'] },
    relay: true,
    // The deliberate call outside the config, refused by the CSP, is logged by the browser.
    browser: { allowConsoleError: (text) => /Content Security Policy|Failed to fetch|ERR_FAILED|403/.test(text) },
  }, async ({ emulator, relay, out, site, session, page, repackage }) => {
    // The folder: hashed assets, config, sw.js, _headers with CSP and caching.
    const headers = readFileSync(path.join(out, '_headers'), 'utf8');
    assert.match(headers, /Content-Security-Policy: .*connect-src 'self' [^;]*http:\/\/127\.0\.0\.1:\d+/);
    assert.match(headers, /frame-ancestors 'none'/);
    assert.match(headers, /\/config\.json\n {2}Cache-Control: no-cache/);
    assert.match(headers, /_bg\.wasm\n {2}Cache-Control: public, max-age=31536000, immutable/);
    const csp = /connect-src ([^;]*)/.exec(readFileSync(path.join(out, 'index.html'), 'utf8'))[1];
    assert.deepEqual(csp.split(' ').sort(), ["'self'", emulator.url, relay.url].sort(), csp);

    await signIn(page, site);
    await page.getByRole('link', { name: 'ldgnf-checkout-sessions', exact: true }).first().waitFor({ timeout: 30_000 });
    // The environment, so nobody acts on the wrong one; the role AWS says this is.
    assert.equal((await page.locator('.app-header__env-name').textContent()).trim(), 'prod');
    assert.match(await page.title(), /^prod · failover-console/);
    await waitUntil('caller shown', async () => /assumed-role\/failover-console-operator\/oncall@example\.com/.test(
      await page.locator('.app-header__session').getAttribute('title') ?? ''));
    const shownKey = async () => /key (…\w{4})/.exec(await page.locator('.app-header__session').getAttribute('title') ?? '')?.[1];
    const firstKey = await shownKey();
    assert.ok(firstKey, 'the header names the key');
    // MemoryDB came through the relay (signed for memory-db.<region>.amazonaws.com).
    await page.getByRole('link', { name: 'payments-ledger', exact: false }).first().waitFor({ timeout: 20_000 });
    assert.match(relay.log(), /POST memory-db\.us-east-1\.amazonaws\.com DescribeClusters origin=http:\/\/127\.0\.0\.1:\d+ 200/);
    // A call to an origin outside the config is blocked by the CSP, before any request.
    const blocked = await page.evaluate(async (url) => {
      const violation = new Promise((r) => document.addEventListener('securitypolicyviolation', (e) => r(e.violatedDirective), { once: true }));
      const sent = await fetch(url).then(() => 'sent', () => 'refused');
      return [sent, await violation];
    }, `http://127.0.0.1:${site.port + 1}/elsewhere`);
    assert.deepEqual(blocked, ['refused', 'connect-src']);
    // Another origin's page cannot use the relay: no CORS for it, nothing forwarded.
    const other = await session.context.newPage();
    await other.goto(`${emulator.url}/_emulator/health`);
    const fromElsewhere = await other.evaluate((url) => fetch(`${url}/memory-db.us-east-1.amazonaws.com/`, {
      method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonMemoryDB.DescribeClusters' }, body: '{}',
    }).then(() => 'answered', (e) => e.name), relay.url);
    assert.equal(fromElsewhere, 'TypeError');
    assert.match(relay.log(), /OPTIONS \/memory-db\.us-east-1\.amazonaws\.com\/ origin=http:\/\/127\.0\.0\.1:\d+ 403 origin not allowed/);
    await other.close();

    // The credentials live 30 s: the header counts down, and they are renewed at 20 s.
    await waitUntil('countdown', async () => /credentials expire in 0:\d\d/.test(await page.locator('.app-header__expiry').innerText()));
    const signIns = async () => (await callsOf(emulator, 'AssumeRoleWithWebIdentity')).filter((c) => c.result === 'OK').length;
    assert.equal(await signIns(), 1);
    // A promotion takes about 30 s here: renewals happen while it runs.
    await startPromotion(page);
    await screenshot(page, 'deploy-signed-in-run');
    // A new deployment lands mid-run: the notice says so and holds the reload.
    await repackage({ environment: 'prod-v2' });
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
    const notice = page.locator('.version-notice');
    await notice.waitFor({ timeout: 20_000 });
    const reload = notice.getByRole('button', { name: 'New version — reload' });
    if (!(await runCard(page, 'Promote pricing-cache-euw1').locator('.run-card__phase').innerText()).includes('settled')) {
      assert.equal(await reload.isDisabled(), true);
      assert.match(await notice.innerText(), /Held until the running operation settles/);
      await screenshot(page, 'deploy-new-version-held');
    }
    await waitSettled(page, 'Promote pricing-cache-euw1');
    assert.ok(await signIns() >= 2, 'credentials renewed during the run');
    const tokenCalls = emulator.log().match(/POST \/_emulator\/oidc\/token 200/g) ?? [];
    assert.ok(tokenCalls.length >= 2, `the refresh grant was used (${tokenCalls.length} token calls)`);
    const failovers = await callsOf(emulator, 'FailoverGlobalReplicationGroup');
    assert.equal(failovers.length, 1, 'the failover was sent exactly once');
    assert.equal(failovers[0].result, 'OK');
    assert.doesNotMatch(emulator.log(), /ExpiredToken/, 'no call went out with expired credentials');
    // The header names the key signing now, not the first one.
    await waitUntil('renewed key shown', async () => (await shownKey()) !== firstKey);
    // Settled: the reload is offered and takes the new deployment.
    await waitUntil('reload enabled', async () => !(await reload.isDisabled()));
    await reload.click();
    await waitUntil('new version', async () => (await page.locator('.app-header__env-name').textContent().catch(() => '')).trim() === 'prod-v2', 20_000);
    session.assertNoErrors();
  });
});

test('a console visited once opens when its host is down; the service worker caches only the app shell', async () => {
  await withDeployment({
    config: { environment: 'dr-drill' },
    browser: { allowConsoleError: (t) => /Failed to load resource|ERR_CONNECTION_REFUSED/.test(t) },
  }, async (d) => {
    const { page, session } = d;
    await signIn(page, d.site);
    await page.getByRole('link', { name: 'ldgnf-checkout-sessions', exact: true }).first().waitFor({ timeout: 30_000 });
    await page.evaluate(() => navigator.serviceWorker.ready);
    await waitUntil('controlled', () => page.evaluate(() => Boolean(navigator.serviceWorker.controller)));
    const cached = await page.evaluate(async () => {
      const urls = [];
      for (const key of await caches.keys()) {
        for (const req of await (await caches.open(key)).keys()) urls.push(new URL(req.url).pathname);
      }
      return urls.sort();
    });
    // The shell and nothing else: no AWS answer, no sign-in answer, no credential.
    assert.ok(cached.includes('/index.html') && cached.includes('/config.json'), cached.join(' '));
    assert.ok(cached.some((u) => u.endsWith('_bg.wasm')), cached.join(' '));
    assert.ok(cached.every((u) => /^\/(index\.html|config\.json|[\w-]+-[0-9a-f]{16}(_bg)?\.(js|wasm|css))$/.test(u)), cached.join(' '));

    // The host goes down; the console still opens, from the cache.
    await d.site.down();
    await page.goto(`${d.site.url}/r/elasticache/global/ldgnf-checkout-sessions`).catch(() => {});
    await page.waitForSelector('[data-app-mounted="true"]', { timeout: 20_000 });
    assert.equal((await page.locator('.app-header__env-name').textContent()).trim(), 'dr-drill');
    await page.goto(`${d.site.url}/connect`);
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    await screenshot(page, 'deploy-offline-reopen');
    // And signs in again, the identity provider and AWS being up.
    await page.getByRole('button', { name: 'Sign in with the identity provider' }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('link', { name: 'ldgnf-checkout-sessions', exact: true }).first().waitFor({ timeout: 30_000 });
    d.site = await serveStatic(d.out, d.port);
    session.assertNoErrors();
  });
});

test('sign-in refusals are shown plainly (a wrong audience, an expired token); the read-only role signs in as itself', async () => {
  await withDeployment({
    browser: { allowConsoleError: (t) => /status of 4\d\d/.test(t) },
  }, async ({ emulator, site, session, page }) => {
    const next = (twist) => fetch(`${emulator.url}/_emulator/oidc/next`, { method: 'POST', body: JSON.stringify(twist) });
    await next({ audience: 'someone-else' });
    await signIn(page, site);
    const error = page.locator('.signin__error');
    await waitUntil('audience refused', async () => /STS refused the sign-in: InvalidIdentityToken: Incorrect token audience/.test(await error.innerText().catch(() => '')));
    await screenshot(page, 'deploy-signin-refused');
    await next({ expiresIn: -30 });
    await signIn(page, site);
    await waitUntil('expired refused', async () => /STS refused the sign-in: ExpiredTokenException: Token expired/.test(await error.innerText().catch(() => '')));
    assert.equal(await page.locator('.app-header__session').innerText(), 'not connected');
    // A good token, the read-only role: reads work, a failover is refused by IAM.
    await next({});
    await signIn(page, site, 'Read-only');
    await page.getByRole('link', { name: 'ldgnf-pricing-cache', exact: true }).first().waitFor({ timeout: 30_000 });
    await waitUntil('read-only caller', async () => /assumed-role\/failover-console-read-only\//.test(
      await page.locator('.app-header__session').getAttribute('title') ?? ''));
    session.assertNoErrors();
  });
});

test('a config with a mistake is refused with the field named, by package.sh and by the console', async () => {
  await withDeployment({
    // The missing config.json's 404, on purpose.
    browser: { allowConsoleError: (t) => /status of 404/.test(t) },
  }, async ({ emulator, out, site, session, page }) => {
    const config = configFor(emulator);
    config.signIn.roles[1].arn = 'arn:aws:iam::123456789012:user/bob';
    const refused = await packageConfig(config, path.join(out, 'not-written'));
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /signIn\.roles\[1\]\.arn: "arn:aws:iam::123456789012:user\/bob" is not an IAM role ARN/);
    assert.match(refused.stderr, /nothing was packaged/);
    // A folder whose config.json was edited by hand after packaging: the console refuses it.
    writeFileSync(path.join(out, 'config.json'), JSON.stringify({ ...configFor(emulator), enviroment: 'prod' }));
    await page.goto(site.url);
    const why = page.locator('.config-refused__why');
    await why.waitFor({ timeout: 20_000 });
    assert.equal(await why.innerText(), 'config.json: enviroment: unknown field (known here: environment, regions, endpoints, signIn, thresholds, requestTimeoutSeconds)');
    await screenshot(page, 'deploy-config-refused');
    // Nothing was started: no service worker, no AWS call.
    assert.ok(!site.requests.some((p) => p === '/sw.js'), 'no service worker for a refused config');
    assert.deepEqual(await emulator.calls(), []);
    // A packaged index.html without its config.json is refused too.
    rmSync(path.join(out, 'config.json'));
    await page.reload();
    await waitUntil('missing said', async () => /^config\.json is missing \(\/config\.json: HTTP 404\)/.test(await why.innerText().catch(() => '')));
    session.assertNoErrors();
  });
});

test('rehearsal: the packaged console served by the emulator itself signs in through the issuer on its own origin', async () => {
  // FC_CONFIG=deploy/config.emulator.json scripts/run.sh: one origin for the console, the
  // identity provider and the APIs. The service worker must let the provider's page through.
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const out = mkdtempSync(path.join(os.tmpdir(), 'fc-rehearsal-'));
  const config = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../deploy/config.emulator.json'), 'utf8')
    .replaceAll('http://127.0.0.1:4566', url));
  const packaged = await packageConfig(config, out);
  assert.equal(packaged.status, 0, packaged.stderr);
  const emulator = await startEmulator({ port, serve: out });
  const session = await openBrowser();
  try {
    const { page } = session;
    await page.goto(`${url}/connect`);
    assert.equal((await page.locator('.app-header__env-name').textContent()).trim(), 'rehearsal');
    await page.evaluate(() => navigator.serviceWorker.ready);
    await waitUntil('controlled', () => page.evaluate(() => Boolean(navigator.serviceWorker.controller)));
    // Controlled by the worker now: the provider's page on this origin still comes through.
    await page.getByRole('button', { name: 'Sign in with the identity provider' }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('link', { name: 'ldgnf-checkout-sessions', exact: true }).first().waitFor({ timeout: 30_000 });
    session.assertNoErrors();
  } finally {
    await session.close();
    await emulator.stop();
    rmSync(out, { recursive: true, force: true });
  }
});

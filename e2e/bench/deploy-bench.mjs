// A team's deployment (issue 16), measured. Prints figures, never fails on them.
//
//   node bench/deploy-bench.mjs          (from e2e/; needs dist/, the emulator, relay and fc-config built)
//
// - scripts/package.sh: time to write the folder; its size,
// - sign-in: click "Sign in" on the provider's page → first inventory row (code exchange,
//   AssumeRoleWithWebIdentity, the first reads),
// - renewals: credentials living 15 s, watched for 60 s: renewals done, calls refused
//   as expired (target 0),
// - opening the console: first visit (network), a second with the host up, and with the host
//   down (the service worker's cache), page load → app mounted,
// - the relay: DescribeClusters signed by botocore, direct to the emulator and through the
//   relay, median and 95th percentile of 100 calls each.
import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withDeployment } from '../lib/deploy.mjs';
import { waitUntil } from '../tests/console.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const put = (what, value, note = '') => console.log(`  ${what.padEnd(52)} ${String(value).padStart(12)}  ${note}`);
const sleep = (t) => new Promise((r) => setTimeout(r, t));

await withDeployment({
  emulator: { timeScale: 20, args: ['--sts-duration', '15'] },
  relay: true,
  browser: { allowConsoleError: () => true },
}, async (d) => {
  const { emulator, relay, out, page, origin } = d;
  console.log('deployment (issue 16)');
  let t = Date.now();
  await d.repackage();
  put('scripts/package.sh (dist up to date)', `${Date.now() - t} ms`);
  const bytes = readdirSync(out).reduce((n, f) => n + statSync(path.join(out, f)).size, 0);
  put('packaged folder', `${Math.round(bytes / 1024)} KB`, `${readdirSync(out).length} files`);
  const site = d.site;

  const mounted = async (url) => {
    const start = Date.now();
    await page.goto(url).catch(() => {});
    await page.waitForSelector('[data-app-mounted="true"]', { timeout: 30_000 });
    return Date.now() - start;
  };
  put('open, first visit (network)', `${await mounted(`${site.url}/connect`)} ms`, 'page load → app mounted');

  await page.getByRole('button', { name: 'Sign in with the identity provider' }).click();
  const signInButton = page.getByRole('button', { name: 'Sign in', exact: true });
  await signInButton.waitFor();
  t = Date.now();
  await signInButton.click();
  await page.locator('.inventory-table__name a').first().waitFor({ timeout: 30_000 });
  put('sign-in: provider click → first inventory row', `${Date.now() - t} ms`, 'code + STS + first reads');

  const assumes = async () => (await emulator.calls()).filter((c) => c.action === 'AssumeRoleWithWebIdentity' && c.result === 'OK').length;
  const before = await assumes();
  await sleep(60_000);
  const expired = (emulator.log().match(/ExpiredToken/g) ?? []).length;
  put('renewals in 60 s (credentials live 15 s)', await assumes() - before, 'one every ~10 s expected');
  put('calls refused as expired meanwhile', expired, 'target 0');

  await page.evaluate(() => navigator.serviceWorker.ready);
  await waitUntil('controlled', () => page.evaluate(() => Boolean(navigator.serviceWorker.controller)));
  const up = [];
  for (let i = 0; i < 5; i += 1) up.push(await mounted(`${site.url}/connect`));
  await site.down();
  const down = [];
  for (let i = 0; i < 5; i += 1) down.push(await mounted(`${site.url}/connect`));
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  put('open again, host up (service worker), median of 5', `${median(up)} ms`);
  put('open again, host DOWN (service worker), median of 5', `${median(down)} ms`, 'the console opens');

  const py = path.join(root, '.venv/bin/python');
  const script = `
import time, statistics, urllib.request, botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
creds = Credentials('AKIAEMULATORDEMO0001', 'emulator-demo-secret-key-not-for-aws')
def call(url, host):
    req = AWSRequest(method='POST', url=f'https://{host}/', data=b'{}', headers={'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AmazonMemoryDB.DescribeClusters'})
    botocore.auth.SigV4Auth(creds, 'memorydb', 'us-east-1').add_auth(req)
    h = {k: v for k, v in req.prepare().headers.items() if k.lower() != 'host'}
    h['Origin'] = ${JSON.stringify(origin)}
    t = time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(url, data=b'{}', headers=h, method='POST')) as r:
        r.read()
    return (time.perf_counter() - t) * 1000
host = 'memory-db.us-east-1.amazonaws.com'
for name, url in (('direct', ${JSON.stringify(emulator.url)} + '/'), ('relay', ${JSON.stringify(relay.url)} + '/' + host + '/')):
    # The emulator checks the Host it receives: direct calls are signed for its own address.
    h = ${JSON.stringify(emulator.url)}.split('//')[1] if name == 'direct' else host
    xs = sorted(call(url, h) for _ in range(100))
    print(name, round(statistics.median(xs), 2), round(xs[94], 2))
`;
  // Not spawnSync: the emulator's and the relay's logs are piped to this process, and a
  // blocked event loop would stop draining them (and so stop both servers).
  const r = await new Promise((resolve) => {
    execFile(py, ['-c', script], { encoding: 'utf8' }, (error, stdout, stderr) => resolve({ error, stdout, stderr }));
  });
  if (r.error) throw new Error(`relay timing failed: ${r.error.message}\n${r.stderr}`);
  const rows = Object.fromEntries(r.stdout.trim().split('\n').map((l) => { const [n, m, p] = l.split(' '); return [n, [m, p]]; }));
  put('DescribeClusters direct: median / p95', `${rows.direct[0]} / ${rows.direct[1]} ms`);
  put('DescribeClusters through the relay: median / p95', `${rows.relay[0]} / ${rows.relay[1]} ms`,
    `+${(rows.relay[0] - rows.direct[0]).toFixed(2)} ms median`);
});

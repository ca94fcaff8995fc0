// Helpers for a packaged deployment (tests/deploy.test.mjs, bench/deploy-bench.mjs): package
// a config with scripts/package.sh, start failover-relay, sign in as a person does.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from './static-server.mjs';
import { openBrowser, startEmulator } from './harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const OPERATOR = 'arn:aws:iam::123456789012:role/failover-console-operator';
export const READ_ONLY = 'arn:aws:iam::123456789012:role/failover-console-read-only';

/** A port nobody listens on yet, so the packaged origin is known before packaging. */
export async function freePort() {
  const s = await serveStatic(os.tmpdir());
  await s.down();
  return s.port;
}

/**
 * Runs scripts/package.sh; resolves to { status, stdout, stderr }. Asynchronous: servers
 * started by this process log to its pipes, which a blocked event loop would stop draining.
 */
export function packageConfig(config, out) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fc-config-'));
  const file = path.join(dir, 'config.json');
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  return new Promise((resolve) => {
    execFile(path.join(root, 'scripts/package.sh'), [file, out], { encoding: 'utf8' }, (error, stdout, stderr) => {
      rmSync(dir, { recursive: true, force: true });
      resolve({ status: error ? (error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Every service at the emulator, MemoryDB through the relay when one is given. */
export function configFor(emulator, { environment = 'prod', relay, roles = [OPERATOR, READ_ONLY] } = {}) {
  const endpoints = {};
  for (const s of ['elasticache', 'neptune', 'memorydb', 'cloudwatch', 'sts']) endpoints[s] = { url: emulator.url };
  if (relay) endpoints.memorydb = { relay };
  return {
    environment,
    regions: ['us-east-1', 'us-west-2', 'eu-west-1'],
    endpoints,
    signIn: {
      issuer: `${emulator.url}/_emulator/oidc`,
      clientId: 'failover-console',
      roles: roles.map((arn) => ({ arn, label: arn.endsWith('operator') ? 'Operator' : 'Read-only' })),
      sessionSeconds: 900,
    },
    thresholds: { lagSeconds: 10 },
  };
}

export function startRelay(upstream, origin) {
  const bin = process.env.FAILOVER_RELAY_BIN ?? path.join(root, 'target/debug/failover-relay');
  return new Promise((resolve, reject) => {
    freePort().then((port) => {
      const child = spawn(bin, ['--listen', `127.0.0.1:${port}`, '--allow-origin', origin, '--upstream', upstream],
        { stdio: ['ignore', 'pipe', 'pipe'] });
      let log = '';
      child.stderr.on('data', (d) => {
        log += d;
        if (log.includes('listening')) resolve({ url: `http://127.0.0.1:${port}`, log: () => log, stop: () => child.kill() });
      });
      child.once('exit', (code) => reject(new Error(`relay exited ${code}: ${log}`)));
    });
  });
}

/** Signs in through the Connect page and the emulator's sign-in page, as a person does. */
export async function signIn(page, site, role = 'Operator') {
  await page.goto(`${site.url}/connect`);
  await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
  await page.getByRole('radio', { name: new RegExp(role) }).check();
  await page.getByRole('button', { name: 'Sign in with the identity provider' }).click();
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}


/**
 * Runs `body(d)` with a packaged deployment and stops it all afterwards: the emulator
 * (`emulator`: startEmulator's options), a relay for MemoryDB when `relay` is true, the folder
 * packaged from {@link configFor} (`config`: its options) served by a plain static server, and
 * a browser (`browser`: openBrowser's options). `d` holds emulator, relay, out, site (may be
 * replaced, e.g. after taking the host down and up), session, page, and repackage(options),
 * which writes the folder again with other config options.
 */
export async function withDeployment({ emulator: emulatorOptions = {}, config = {}, relay = false, browser = {} }, body) {
  const emulator = await startEmulator(emulatorOptions);
  const port = await freePort();
  const d = { emulator, port, origin: `http://127.0.0.1:${port}` };
  try {
    d.relay = relay ? await startRelay(emulator.url, d.origin) : null;
    d.out = mkdtempSync(path.join(os.tmpdir(), 'fc-package-'));
    d.repackage = async (extra = {}) => {
      const r = await packageConfig(configFor(emulator, { ...config, relay: d.relay?.url, ...extra }), d.out);
      if (r.status !== 0) throw new Error(`package.sh failed:\n${r.stderr}`);
      return r;
    };
    await d.repackage();
    d.site = await serveStatic(d.out, port);
    d.session = await openBrowser(browser);
    d.page = d.session.page;
    await body(d);
  } finally {
    await d.session?.close();
    await d.site?.down().catch(() => {});
    d.relay?.stop();
    await emulator.stop();
    if (d.out) rmSync(d.out, { recursive: true, force: true });
  }
}

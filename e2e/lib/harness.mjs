// Test harness for the end-to-end suite: starts the emulator serving the built console,
// launches Debian's Chromium through playwright-core, and collects what a person would see.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

export const DEMO = {
  accessKeyId: 'AKIAEMULATORDEMO0001',
  secretAccessKey: 'emulator-demo-secret-key-not-for-aws',
};

export const SCREENSHOT_DIR = process.env.FC_SCREENSHOT_DIR
  ?? path.join(root, 'e2e', 'artifacts', 'screenshots');
let announced = false;

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts failover-emulator serving dist/ on a free loopback port.
 * Options: timeScale (default 20), topology, faults, args (extra flags), port (fixed port,
 * e.g. to restart on the same address), serve (a folder other than dist/, e.g. a packaged
 * deployment).
 */
export async function startEmulator(options = {}) {
  const bin = process.env.FAILOVER_EMULATOR_BIN ?? path.join(root, 'target/debug/failover-emulator');
  const dist = options.serve ?? process.env.FC_DIST ?? path.join(root, 'dist');
  const port = options.port ?? await freePort();
  const args = [
    '--listen', `127.0.0.1:${port}`,
    '--time-scale', String(options.timeScale ?? 20),
    '--serve', dist,
    '--topology', options.topology ?? 'default',
  ];
  if (options.faults) args.push('--faults', options.faults);
  if (options.args) args.push(...options.args);
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`emulator exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${url}/_emulator/health`);
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`emulator did not become healthy in 15 s:\n${output}`);
    }
    await sleep(50);
  }
  const getJson = async (p) => (await fetch(`${url}${p}`)).json();
  return {
    url,
    port,
    log: () => output,
    state: () => getJson('/_emulator/state'),
    calls: () => getJson('/_emulator/calls'),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(3000)]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
  };
}

/**
 * Launches headless Chromium and opens a page that records console errors and page errors.
 * `session.assertNoErrors()` fails the test when the browser logged any.
 */
export async function openBrowser(options = {}) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1440, height: 900 },
    colorScheme: options.colorScheme ?? 'light',
    // Only for a bench that sends calls to hosts the build's CSP does not list.
    bypassCSP: options.bypassCSP ?? false,
  });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !(options.allowConsoleError?.(msg.text()))) {
      errors.push(`console.error: ${msg.text()}`);
    }
  });
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  return {
    browser,
    context,
    page,
    errors,
    assertNoErrors() {
      if (errors.length) throw new Error(`browser reported errors:\n${errors.join('\n')}`);
    },
    close: () => browser.close(),
  };
}

/** Saves a full-page screenshot under the screenshot folder (printed once per run). */
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  if (!announced) {
    console.log(`# screenshots: ${SCREENSHOT_DIR}`);
    announced = true;
  }
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

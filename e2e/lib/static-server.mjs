// A plain static file server for a packaged deployment (scripts/package.sh), as a static host
// serves it: the files, the headers its `_headers` file lists (CSP, caching), index.html for
// the app's routes, 404 for anything else. It can go down and come back on the same port, as
// a bucket in an impaired Region would.
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.json': 'application/json',
};

/** `_headers` rules: [{ path, headers: [[name, value]] }], `/*` matching every path. */
function readHeaders(dir) {
  const file = path.join(dir, '_headers');
  if (!existsSync(file)) return [];
  const rules = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    if (!line.startsWith(' ')) rules.push({ path: line.trim(), headers: [] });
    else {
      const i = line.indexOf(':');
      rules.at(-1).headers.push([line.slice(0, i).trim(), line.slice(i + 1).trim()]);
    }
  }
  return rules;
}

/** Serves `dir` (read afresh on every request, so a re-package is picked up) on `port`. */
export async function serveStatic(dir, port = 0) {
  const requests = [];
  const sockets = new Set();
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    requests.push(url.pathname);
    let rel = decodeURIComponent(url.pathname);
    if (rel === '/') rel = '/index.html';
    let file = path.join(dir, path.normalize(rel).replace(/^(\.\.[/\\])+/, ''));
    if (!existsSync(file) || !statSync(file).isFile()) {
      // The app's routes are index.html; a missing file with an extension is a 404.
      if (path.extname(rel)) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found');
        return;
      }
      file = path.join(dir, 'index.html');
      rel = '/index.html';
    }
    const headers = { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' };
    for (const rule of readHeaders(dir)) {
      const matches = rule.path === '/*' || rule.path === url.pathname || rule.path === rel;
      if (matches) for (const [k, v] of rule.headers) headers[k.toLowerCase()] = v;
    }
    res.writeHead(200, headers);
    res.end(readFileSync(file));
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  const actual = server.address().port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    requests,
    /** Stops answering: the listener closes and open connections are cut. */
    async down() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

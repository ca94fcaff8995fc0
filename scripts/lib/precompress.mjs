// Writes a gzip copy (FILE.gz) of each file the browser downloads from dist/, made with
// Zopfli: a slower deflate encoder whose output any gzip reader takes, 4 to 5% smaller than
// gzip -9. The emulator (--serve) sends the copy to browsers that accept gzip, as nginx's
// gzip_static or a CDN with precompressed objects does (README, "Using it against real AWS").
//
// Usage: node scripts/lib/precompress.mjs DIST
import { readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

// Installed in tools/ (scripts/bootstrap.sh), not next to this script.
const { gzipAsync } = createRequire(new URL('../../tools/package.json', import.meta.url))(
  '@gfx/zopfli',
);

const dist = process.argv[2];
if (!dist) {
  console.error('usage: precompress.mjs DIST');
  process.exit(2);
}
const served = (name) => /\.(wasm|js|css|html)$/.test(name);
const names = readdirSync(dist);
for (const name of names) {
  // A copy whose original is gone would be served for nothing; drop it.
  if (name.endsWith('.gz') && !names.includes(name.slice(0, -3))) unlinkSync(join(dist, name));
}
for (const name of names.filter(served)) {
  const data = readFileSync(join(dist, name));
  // blocksplittingmax 0: no cap on the deflate blocks Zopfli may split a file into (the
  // default stops at 15). On 2358098's wasm: 196,299 -> 196,011 bytes, 1.5 -> 2.2 s; more
  // iterations gained less (50: -47 bytes, 4 s).
  const gz = Buffer.from(await gzipAsync(data, { numiterations: 15, blocksplittingmax: 0 }));
  // Never ship a copy that does not read back to the file.
  if (!gunzipSync(gz).equals(data)) throw new Error(`zopfli copy of ${name} does not round-trip`);
  writeFileSync(join(dist, `${name}.gz`), gz);
}

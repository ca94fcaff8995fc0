// Writes compressed copies of each file the browser downloads from dist/: FILE.gz made with
// Zopfli (a slower deflate encoder whose output any gzip reader takes, a few per cent smaller
// than gzip -9) and FILE.br made with brotli at its highest quality. The emulator (--serve)
// sends the best copy the browser accepts, as nginx's gzip_static/brotli_static or a CDN with
// precompressed objects does (README, "Using it against real AWS").
//
// Usage: node scripts/lib/precompress.mjs DIST
import { readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync } from 'node:zlib';

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
  const original = name.replace(/\.(gz|br)$/, '');
  if (original !== name && !names.includes(original)) unlinkSync(join(dist, name));
}
for (const name of names.filter(served)) {
  const data = readFileSync(join(dist, name));
  const gz = Buffer.from(await gzipAsync(data, { numiterations: 15, blocksplittingmax: 0 }));
  const br = brotliCompressSync(data, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  });
  // Never ship a copy that does not read back to the file.
  if (!gunzipSync(gz).equals(data)) throw new Error(`gzip copy of ${name} does not round-trip`);
  if (!brotliDecompressSync(br).equals(data)) throw new Error(`brotli copy of ${name} does not round-trip`);
  writeFileSync(join(dist, `${name}.gz`), gz);
  writeFileSync(join(dist, `${name}.br`), br);
}

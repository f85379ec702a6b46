#!/usr/bin/env node
// After `vite build`: writes NAME.gz and NAME.br beside every text file of the built dashboard, at
// the strongest settings (once per build, so the server spends no CPU compressing per request;
// @fastify/static's `preCompressed` serves them). Files that do not shrink by 10 % are left alone.
//
//   node scripts/precompress.mjs dist/app
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|map)$/;
const root = process.argv[2];
if (!root) {
  console.error("usage: precompress.mjs DIR");
  process.exit(2);
}

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (COMPRESSIBLE.test(name)) yield path;
  }
}

let count = 0;
for (const path of files(root)) {
  const raw = readFileSync(path);
  const variants = {
    gz: gzipSync(raw, { level: 9 }),
    br: brotliCompressSync(raw, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
    }),
  };
  for (const [extension, data] of Object.entries(variants)) {
    if (data.length < raw.length * 0.9) {
      writeFileSync(`${path}.${extension}`, data);
      count++;
    }
  }
}
console.log(`precompressed ${count} files in ${root}`);

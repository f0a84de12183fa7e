#!/usr/bin/env node
// Linli: write brotli (.br) and gzip (.gz) copies of a build's text files, which the server
// sends to browsers that accept them (server/src/common/console-static.ts). The console's Vite
// build does the same with vite-plugin-compression2; the mini-program's H5 build runs this:
//
//   node scripts/precompress.mjs <dir> [<dir> …]
//
// Only files of 1 KiB or more, and only copies smaller than the original. Brotli at quality 11
// and gzip at level 9: done once at build time, so the slowest, smallest settings.
import { readdirSync, readFileSync, statSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const TEXT = /\.(js|mjs|css|html|svg|json|txt|map|wasm)$/;
const MIN_BYTES = 1024;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else yield p;
  }
}

let written = 0;
let before = 0;
let after = 0;
for (const dir of process.argv.slice(2)) {
  if (!existsSync(dir)) {
    console.error(`precompress: no folder ${dir}`);
    process.exit(1);
  }
  for (const file of files(dir)) {
    if (!TEXT.test(file)) continue;
    const body = readFileSync(file);
    const copies = [
      [
        '.br',
        brotliCompressSync(body, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
        }),
      ],
      ['.gz', gzipSync(body, { level: 9 })],
    ];
    for (const [ext, packed] of copies) {
      rmSync(file + ext, { force: true });
      if (body.length < MIN_BYTES || packed.length >= body.length) continue;
      writeFileSync(file + ext, packed);
      written++;
      if (ext === '.br') {
        before += body.length;
        after += packed.length;
      }
    }
  }
}
console.log(
  `precompress: ${written} files written; brotli ${(before / 1024).toFixed(0)} KiB -> ${(after / 1024).toFixed(0)} KiB`,
);

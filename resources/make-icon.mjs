#!/usr/bin/env node
// Draws resources/icon.png, the app icon (1024×1024 RGBA): the three ternary weights −1, 0, +1
// in white on a rounded teal square. electron-builder makes the macOS .icns, the Windows .ico and
// the Linux icon sizes from it. Run `node resources/make-icon.mjs` after changing the drawing.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 1024;
const SAMPLES = 4; // per axis, for anti-aliasing

// Signed distances (negative inside), in pixels.
function roundedSquare(x, y, margin, radius) {
  const half = SIZE / 2 - margin - radius;
  const dx = Math.max(Math.abs(x - SIZE / 2) - half, 0);
  const dy = Math.max(Math.abs(y - SIZE / 2) - half, 0);
  return Math.hypot(dx, dy) - radius;
}

function capsule(x, y, ax, ay, bx, by, r) {
  const px = x - ax, py = y - ay, vx = bx - ax, vy = by - ay;
  const t = Math.min(Math.max((px * vx + py * vy) / (vx * vx + vy * vy), 0), 1);
  return Math.hypot(px - t * vx, py - t * vy) - r;
}

function ring(x, y, cx, cy, radius, halfWidth) {
  return Math.abs(Math.hypot(x - cx, y - cy) - radius) - halfWidth;
}

const STROKE = 30; // half the stroke width
const ARM = 66; // half the length of a bar, and the radius of the ring
const GAP = 260; // between glyph centres
const C = SIZE / 2;

function glyphs(x, y) {
  const minus = capsule(x, y, C - GAP - ARM, C, C - GAP + ARM, C, STROKE);
  const zero = ring(x, y, C, C, ARM, STROKE);
  const plus = Math.min(
    capsule(x, y, C + GAP - ARM, C, C + GAP + ARM, C, STROKE),
    capsule(x, y, C + GAP, C - ARM, C + GAP, C + ARM, STROKE),
  );
  return Math.min(minus, zero, plus);
}

const TOP = [0x2a, 0x8c, 0x8f]; // teal
const BOTTOM = [0x14, 0x3d, 0x5c]; // deep blue

const pixels = Buffer.alloc(SIZE * SIZE * 4);
for (let y = 0; y < SIZE; y++) {
  const t = y / (SIZE - 1);
  const bg = TOP.map((top, i) => top + (BOTTOM[i] - top) * t);
  for (let x = 0; x < SIZE; x++) {
    let cover = 0;
    let white = 0;
    for (let sy = 0; sy < SAMPLES; sy++) {
      for (let sx = 0; sx < SAMPLES; sx++) {
        const px = x + (sx + 0.5) / SAMPLES;
        const py = y + (sy + 0.5) / SAMPLES;
        if (roundedSquare(px, py, 100, 184) <= 0) {
          cover++;
          if (glyphs(px, py) <= 0) white++;
        }
      }
    }
    const o = (y * SIZE + x) * 4;
    if (cover === 0) continue;
    const w = white / cover;
    for (let i = 0; i < 3; i++) pixels[o + i] = Math.round(bg[i] + (255 - bg[i]) * w);
    pixels[o + 3] = Math.round((255 * cover) / (SAMPLES * SAMPLES));
  }
}

// ---- PNG ----
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const rows = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) pixels.copy(rows, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);

const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(rows, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = join(dirname(fileURLToPath(import.meta.url)), 'icon.png');
writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes)`);

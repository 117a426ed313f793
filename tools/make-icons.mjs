#!/usr/bin/env node
// Generates the extension icons (a shield with an open eye) as RGBA PNGs, with no dependencies
// beyond Node's zlib. Output is deterministic: the same script always writes the same bytes.
//
//   node tools/make-icons.mjs            → extension/icons/icon-{16,32,48,128}.png
//
// The shape is described in a unit square and rendered with 8×8 supersampling per pixel.

import { deflateSync } from "node:zlib";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, "extension", "icons");
const SIZES = [16, 32, 48, 128];
const SS = 8; // supersamples per axis

// Colours (sRGB).
const NAVY = [0x1b, 0x36, 0x5d];
const RIM = [0x0e, 0x1f, 0x38];
const WHITE = [0xff, 0xff, 0xff];
const AMBER = [0xf2, 0xa1, 0x1a];
const PUPIL = [0x0e, 0x1f, 0x38];

// Shield: flat-ish top, straight sides, rounded point at the bottom.
function shieldHalfWidth(y, inset) {
  const top = 0.06 + inset, shoulder = 0.52, bottom = 0.96 - inset * 1.4;
  const hw = 0.40 - inset;
  if (y < top || y > bottom) return -1;
  if (y <= shoulder) {
    // a slight dip in the middle of the top edge is drawn by the caller; sides are straight
    return hw;
  }
  const t = (y - shoulder) / (bottom - shoulder);
  return hw * Math.cos(t * Math.PI / 2);
}

function inShield(x, y, inset) {
  const hw = shieldHalfWidth(y, inset);
  if (hw < 0) return false;
  // top edge curves down a little towards the centre
  const dx = x - 0.5;
  const topDip = 0.06 + inset + 0.05 * (1 - Math.min(1, Math.abs(dx) / (0.40 - inset)) ** 2);
  if (y < topDip) return false;
  return Math.abs(dx) <= hw;
}

// Eye: almond shape centred at (0.5, 0.47).
function eyeColour(x, y) {
  const cx = 0.5, cy = 0.47, half = 0.27, h = 0.17;
  const dx = (x - cx) / half;
  if (Math.abs(dx) > 1) return null;
  const lid = h * (1 - dx * dx);
  if (Math.abs(y - cy) > lid) return null;
  const r = Math.hypot(x - cx, y - cy);
  if (r <= 0.05) return PUPIL;
  if (r <= 0.115) return AMBER;
  return WHITE;
}

function sample(x, y) {
  if (!inShield(x, y, 0)) return null;
  if (!inShield(x, y, 0.035)) return RIM;
  return eyeColour(x, y) ?? NAVY;
}

function render(size) {
  const px = Buffer.alloc(size * size * 4);
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sj = 0; sj < SS; sj++) {
        for (let si = 0; si < SS; si++) {
          const c = sample((i + (si + 0.5) / SS) / size, (j + (sj + 0.5) / SS) / size);
          if (c) { r += c[0]; g += c[1]; b += c[2]; a += 1; }
        }
      }
      const o = (j * size + i) * 4;
      if (a > 0) {
        px[o] = Math.round(r / a);
        px[o + 1] = Math.round(g / a);
        px[o + 2] = Math.round(b / a);
        px[o + 3] = Math.round((255 * a) / (SS * SS));
      }
    }
  }
  return px;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

mkdirSync(OUT, { recursive: true });
for (const size of SIZES) {
  const file = join(OUT, `icon-${size}.png`);
  writeFileSync(file, png(size, render(size)));
  console.log(`wrote ${file}`);
}

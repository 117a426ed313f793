// Catastrophic-backtracking patterns: V8's `RegExp` against Candor's engine (the shipped wasm),
// same pattern, same text, same process (issue #7: "Compare in the benchmark how V8's RegExp
// handles the same catastrophic pattern"). Part of `make bench`; results in
// build/bench/redos.json and docs/reliability.md.
//
//   node tools/bench/redos.mjs [--quick]
//
// V8 backtracks: `(a+)+$` on "aaaa…a!" takes ~2^n steps, so every two more characters cost ~4×
// the time. Candor's regex engine (Rust `regex`: lazy DFA / PikeVM, no backtracking) is linear.
// V8 runs are stopped once one input takes longer than V8_STOP_MS; the last V8 time that was
// measured is printed with the longest input Candor scanned. Times are the best of up to 5 runs.

import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "./inputs.mjs";

const quick = process.argv.includes("--quick");
const V8_STOP_MS = quick ? 300 : 2000;
const PKG = join(ROOT, "build", "pkg");

const CASES = [
  { id: "nested-plus", pattern: "(a+)+$", attack: (n) => "a".repeat(n) + "!" },
  { id: "alternation-overlap", pattern: "(a|aa)*c", attack: (n) => "a".repeat(n) },
  { id: "nested-star", pattern: "(x+x+)+y", attack: (n) => "x".repeat(n) },
  { id: "word-soup", pattern: "(\\w+\\s?)+!$", attack: (n) => "ab ".repeat(Math.ceil(n / 3)).slice(0, n) + "?" },
];
const SIZES = [16, 20, 22, 24, 26, 28, 30, 32];
const BIG = 65_536; // what Candor scans in the same table: a 64 KiB attack string

function pack(c) {
  return JSON.stringify({
    candor_pack: 1, id: "redos", title: "ReDoS", publisher: "bench", version: "1.0",
    sources: { S: { title: "bench", publisher: "bench" } },
    rules: [{ id: c.id, title: c.id, family: "messaging", severity: "low", explain: "bench", sources: ["S"], pattern: c.pattern }],
  });
}

function once(fn) {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** The fastest of up to `runs` runs (stops repeating once a run is slow): the machine is shared. */
function timeMs(fn, runs = 5) {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    best = Math.min(best, once(fn));
    if (best > 100) break;
  }
  return best;
}

const engine = await import(pathToFileURL(join(PKG, "candor.js")).href);
engine.initSync({ module: readFileSync(join(PKG, "candor_bg.wasm")) });

const results = [];
for (const c of CASES) {
  const re = new RegExp(c.pattern);
  const scanner = new engine.Scanner([pack(c)]);
  scanner.scanText("warm-up.txt", "warm up"); // the first scan builds lazy state; not part of the attack
  const row = { id: c.id, pattern: c.pattern, v8: [], candor: [] };
  let v8Stopped = false;
  for (const n of SIZES) {
    const text = c.attack(n);
    if (!v8Stopped) {
      const ms = timeMs(() => re.test(text));
      row.v8.push({ n, ms });
      if (ms > V8_STOP_MS) v8Stopped = true;
    }
    row.candor.push({ n, ms: timeMs(() => scanner.scanText("attack.txt", text)) });
  }
  const big = c.attack(BIG);
  scanner.scanText("attack.txt", big); // warm
  row.candor.push({ n: BIG, ms: timeMs(() => scanner.scanText("attack.txt", big)) });
  scanner.free();
  results.push(row);
}

mkdirSync(join(ROOT, "build", "bench"), { recursive: true });
writeFileSync(join(ROOT, "build", "bench", "redos.json"), JSON.stringify({ node: process.version, results }, null, 2));

const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(2));
console.log(`\nCatastrophic patterns: V8 RegExp (Node ${process.version}) vs Candor wasm, ms per test/scan`);
console.log("| pattern | input length | V8 RegExp | Candor (wasm) |");
console.log("|---|---|---|---|");
for (const r of results) {
  for (const { n, ms } of r.candor) {
    const v8 = r.v8.find((v) => v.n === n);
    const v8Cell = v8 ? fmt(v8.ms) : n === BIG ? "(not run)" : `(stopped: > ${V8_STOP_MS} ms before)`;
    console.log(`| \`${r.pattern}\` | ${n.toLocaleString("en")} | ${v8Cell} | ${fmt(ms)} |`);
  }
}

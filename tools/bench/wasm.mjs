// The wasm half of `make bench` (docs/performance.md), in Node, and the JavaScript baseline.
//
//   node tools/bench/wasm.mjs build/bench/manifest.json [--runs N] [--rule-runs N]
//
// Prints one JSON document (progress goes to stderr):
//   module   build/pkg/candor_bg.wasm: bytes raw and gzip -9; WebAssembly.compile and initSync
//            times; memory.buffer.byteLength after init and after `new Scanner([])`; the time of
//            the first `new Scanner([])` and the median of later ones
//   pages    per page: the shipped module's `scanHtml` (string in, report object out), median of N;
//            and the parse/extract/rules split measured inside wasm by the bench module
//            (build/bench/wasm, crate/examples/bench.rs built for wasm32)
//   rules    per synthetic pack (and the built-in packs alone, n = 0): `new Scanner([pack])`, the
//            first `scanText` over the 64 KiB thread, the median of warm ones, and the heap after
//   js       the same patterns with `new RegExp(source, "giu")`, one by one, over the same text:
//            creation time, first pass, median warm pass, patterns JS refused, rules that matched
//
// Every timing is `performance.now()` around the call, in one Node process, one thing at a time.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { ROOT } from "./inputs.mjs";

const PKG = join(ROOT, "build", "pkg");
const BENCH_PKG = join(ROOT, "build", "bench", "wasm");
/** The engine keeps at most this many matches per rule per text (crate/src/scan.rs). */
const MAX_MATCHES_PER_TEXT = 50;

const log = (...a) => console.error(...a);
export const median = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  const n = v.length;
  return n === 0 ? NaN : n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
};
function time(f) {
  const t = performance.now();
  const r = f();
  return [performance.now() - t, r];
}

/** `(?i)` at the start becomes the `i` flag; `g` to iterate, `u` for Unicode-aware classes. */
export function toJs(pattern) {
  let source = pattern;
  let flags = "gu";
  if (source.startsWith("(?i)")) {
    source = source.slice(4);
    flags = "giu";
  }
  return new RegExp(source, flags);
}

/** One pass of every regex over `text`, keeping at most 50 matches each, as the engine does. */
function jsPass(regexes, text) {
  let matched = 0;
  for (const re of regexes) {
    re.lastIndex = 0;
    let n = 0;
    let m;
    while (n < MAX_MATCHES_PER_TEXT && (m = re.exec(text)) !== null) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      n++;
    }
    if (n > 0) matched++;
  }
  return matched;
}

function jsBaseline(patterns, text, runs) {
  let skipped = 0;
  const [createMs, regexes] = time(() => {
    const out = [];
    for (const p of patterns) {
      try {
        out.push(toJs(p));
      } catch {
        skipped++;
      }
    }
    return out;
  });
  const [firstMs, matched] = time(() => jsPass(regexes, text));
  const warm = [];
  for (let i = 0; i < runs; i++) warm.push(time(() => jsPass(regexes, text))[0]);
  return { patterns: patterns.length, skipped, create_ms: createMs, first_ms: firstMs, warm_ms: median(warm), warm_runs: runs, rules_matched: matched };
}

function args() {
  const a = process.argv.slice(2);
  const out = { manifest: null, runs: 11, ruleRuns: 15 };
  for (let i = 0; i < a.length; i++) {
    if (a[i] === "--runs") out.runs = Number(a[++i]);
    else if (a[i] === "--rule-runs") out.ruleRuns = Number(a[++i]);
    else out.manifest = a[i];
  }
  if (!out.manifest) throw new Error("usage: wasm.mjs MANIFEST.json [--runs N] [--rule-runs N]");
  return out;
}

async function main() {
  const opts = args();
  const manifest = JSON.parse(readFileSync(opts.manifest, "utf8"));
  const out = { module: {}, pages: [], rules: [], js: [] };

  // ---------------------------------------------------------------- the shipped module
  const bytes = readFileSync(join(PKG, "candor_bg.wasm"));
  out.module.bytes = bytes.length;
  out.module.gzip9_bytes = gzipSync(bytes, { level: 9 }).length;
  const engine = await import(pathToFileURL(join(PKG, "candor.js")).href);
  const [compileMs, module] = await (async () => {
    const t = performance.now();
    const m = await WebAssembly.compile(bytes);
    return [performance.now() - t, m];
  })();
  const [initMs, exports] = time(() => engine.initSync({ module }));
  const memory = exports.memory;
  out.module.compile_ms = compileMs;
  out.module.init_ms = initMs;
  out.module.heap_after_init = memory.buffer.byteLength;
  const [firstScannerMs, scanner] = time(() => new engine.Scanner([]));
  out.module.first_scanner_ms = firstScannerMs;
  out.module.heap_after_scanner = memory.buffer.byteLength;
  const again = [];
  for (let i = 0; i < 5; i++) {
    const [ms, s] = time(() => new engine.Scanner([]));
    again.push(ms);
    s.free();
  }
  out.module.scanner_ms = median(again);
  out.module.rule_count = scanner.ruleCount();
  log(`wasm: module ${bytes.length} B, first new Scanner([]) ${firstScannerMs.toFixed(0)} ms`);

  // ---------------------------------------------------------------- pages, shipped API
  // Warm-up: V8 runs wasm in its baseline tier first and optimises hot functions in the
  // background; a few scans of every page first, so the medians are of optimised code.
  const htmls = manifest.pages.map((p) => [p.url ?? "", readFileSync(p.path, "utf8")]);
  for (let i = 0; i < 3; i++) for (const [url, html] of htmls) scanner.scanHtml(url, html, undefined);

  // The same scans with the built-in fuzzy_list rules switched off (the `disabledRules` policy),
  // to show what that one check costs on large pages.
  const fuzzyIds = JSON.parse(engine.builtinPackJson()).rules.filter((r) => r.check === "fuzzy_list").map((r) => r.id);
  const noFuzzy = fuzzyIds.length ? new engine.Scanner([], fuzzyIds) : null;
  out.module.fuzzy_rules = fuzzyIds;
  for (const page of manifest.pages) {
    const html = readFileSync(page.path, "utf8");
    const url = page.url ?? "";
    const times = [];
    let report;
    for (let i = 0; i <= opts.runs; i++) {
      const [ms, r] = time(() => scanner.scanHtml(url, html, undefined));
      if (i > 0) times.push(ms);
      report = r;
    }
    const without = [];
    for (let i = 0; noFuzzy && i <= opts.runs; i++) {
      const [ms] = time(() => noFuzzy.scanHtml(url, html, undefined));
      if (i > 0) without.push(ms);
    }
    out.pages.push({
      id: page.id,
      scan_html_ms: median(times),
      scan_html_without_fuzzy_ms: noFuzzy ? median(without) : null,
      runs: opts.runs,
      report: {
        adapter: report.adapter,
        page_kind: report.page_kind,
        candidates: report.candidates.length,
        findings: report.candidates.reduce((n, c) => n + c.findings.length, 0),
      },
    });
    log(`wasm: page ${page.id} scanHtml ${median(times).toFixed(1)} ms`);
  }

  // ---------------------------------------------------------------- rule scaling and JS baseline
  const text = readFileSync(manifest.text.path, "utf8");
  // The engine's thread reader keeps the message text after "Author: "; JS gets the same text.
  const messageText = text.slice(text.indexOf(": ") + 2);
  const packs = [{ n: 0, text: null }, ...manifest.packs.map((p) => ({ n: p.n, text: readFileSync(p.path, "utf8") }))];
  for (const { n, text: packText } of packs) {
    const [compileMs, s] = time(() => new engine.Scanner(packText ? [packText] : []));
    const [firstMs, first] = time(() => s.scanText("thread.txt", text));
    const warm = [];
    for (let i = 0; i < opts.ruleRuns; i++) warm.push(time(() => s.scanText("thread.txt", text))[0]);
    out.rules.push({
      n,
      total_rules: s.ruleCount(),
      compile_ms: compileMs,
      first_ms: firstMs,
      warm_ms: median(warm),
      warm_runs: opts.ruleRuns,
      findings: first.candidates.reduce((k, c) => k + c.findings.length, 0),
      heap_after: memory.buffer.byteLength,
    });
    s.free();
    log(`wasm: rules ${n}: compile ${compileMs.toFixed(0)} ms, first ${firstMs.toFixed(1)} ms, warm ${median(warm).toFixed(2)} ms`);
    if (packText) {
      const patterns = JSON.parse(packText).rules.map((r) => r.pattern);
      // One JS pass over 5,000 patterns takes seconds: fewer warm runs for the big sets.
      const jsRuns = Math.max(3, Math.min(opts.ruleRuns, Math.round(5000 / patterns.length) + 2));
      const js = { n, ...jsBaseline(patterns, messageText, jsRuns) };
      out.js.push(js);
      log(`js: rules ${n}: first ${js.first_ms.toFixed(1)} ms, warm ${js.warm_ms.toFixed(2)} ms, skipped ${js.skipped}`);
    }
  }
  out.module.heap_end = memory.buffer.byteLength;
  scanner.free();
  noFuzzy?.free();

  // ---------------------------------------------------------------- pages, split inside wasm
  const bench = await import(pathToFileURL(join(BENCH_PKG, "bench.js")).href);
  bench.initSync({ module: readFileSync(join(BENCH_PKG, "bench_bg.wasm")) });
  for (const page of manifest.pages) {
    const html = readFileSync(page.path, "utf8");
    const split = JSON.parse(bench.benchPage(html, page.url ?? "", opts.runs));
    const entry = out.pages.find((p) => p.id === page.id);
    entry.split = split;
    log(`wasm: page ${page.id} split: parse ${split.parse_ms.toFixed(1)} ms, total ${split.total_ms.toFixed(1)} ms`);
  }
  console.log(JSON.stringify(out, null, 2));
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

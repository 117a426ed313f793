// `make bench` (issue #7; docs/performance.md): runs the three drivers on the same inputs and
// prints one table with the budgets and PASS/FAIL. `make bench` builds what this needs first.
//
//   node tools/bench/run.mjs [--quick] [--no-browser]
//
//   1. tools/bench/inputs.mjs      writes build/bench/ (pages, 64 KiB thread, synthetic packs)
//   2. target/release/examples/bench   native engine (crate/examples/bench.rs)
//   3. tools/bench/wasm.mjs        the shipped wasm in Node, the bench wasm split, the JS baseline
//   4. tools/bench/browser.mjs     the unpacked extension in headless Chromium
//
// Each driver runs in its own process, one after the other, so they never compete for the CPU.
// The raw results go to build/bench/results.json and the table to build/bench/table.md.

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { ROOT, writeInputs } from "./inputs.mjs";

const OUT = join(ROOT, "build", "bench");
const quick = process.argv.includes("--quick");
const noBrowser = process.argv.includes("--no-browser");
const RUNS = quick ? 3 : 11;
const RULE_RUNS = quick ? 3 : 15;
const ROUNDS = quick ? 2 : 3;

// Budgets from issue #7.
const BUDGET = {
  jsRatio1000: 10, // warm 64 KiB × 1,000 rules at least 10× faster than the JS baseline
  warm5000NativeMs: 2, // 5,000 rules warm, native
  wasmBytes: 1_000_000, // wasm after wasm-opt
  page750Ms: 50, // a 750 KB page fully processed in the background
  contentRoundMs: 10, // content-script work per scan round
  engineReadyMs: 150, // built-in engine ready after the worker wakes
};

function run(label, cmd, args) {
  process.stderr.write(`\n== ${label}: ${[cmd, ...args].map((a) => a.replace(ROOT + "/", "")).join(" ")}\n`);
  const t = Date.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${label} failed (exit ${r.status})`);
  process.stderr.write(`== ${label}: ${((Date.now() - t) / 1000).toFixed(0)} s\n`);
  return JSON.parse(r.stdout);
}

const version = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim().split("\n")[0];
  } catch {
    return "?";
  }
};

// ------------------------------------------------------------------------------------ formatting

function ms(v) {
  if (v == null || Number.isNaN(v)) return "–";
  const a = Math.abs(v);
  if (a >= 1000) return `${Math.round(v).toLocaleString("en-US")} ms`;
  if (a >= 100) return `${v.toFixed(0)} ms`;
  if (a >= 10) return `${v.toFixed(1)} ms`;
  return `${v.toFixed(2)} ms`;
}
const bytes = (b) => (b >= 1 << 20 ? `${(b / (1 << 20)).toFixed(1)} MiB` : `${(b / 1024).toFixed(0)} KiB`) + ` (${b.toLocaleString("en-US")} B)`;
const ratio = (a, b) => (a > 0 && b > 0 ? `${(a / b).toFixed(1)}×` : "–");
const status = (ok) => (ok ? "PASS" : "**FAIL**");

function table(rows) {
  const head = ["#", "measurement", "native", "wasm (Node)", "JS baseline", "JS÷native", "JS÷wasm", "budget", "status"];
  const lines = [`| ${head.join(" | ")} |`, `|${head.map((_, i) => (i >= 2 && i <= 6 ? "---:" : "---")).join("|")}|`];
  for (const r of rows) {
    if (r.section) {
      lines.push(`| **${r.section}** |${" |".repeat(head.length - 1)}`);
      continue;
    }
    const cells = [r.n ?? "", r.what, r.native ?? "", r.wasm ?? "", r.js ?? "", r.jsNative ?? "", r.jsWasm ?? "", r.budget ?? "", r.status ?? ""];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

// ------------------------------------------------------------------------------------ main

function main() {
  const started = new Date();
  const load0 = loadavg();
  const manifest = writeInputs(OUT);
  for (const s of manifest.skipped) process.stderr.write(`skipping: ${s}\n`);
  const mpath = join(OUT, "manifest.json");

  const nativeBin = join(ROOT, "target", "release", "examples", "bench");
  if (!existsSync(nativeBin)) throw new Error("target/release/examples/bench is missing: run `make bench`");
  const native = run("native", nativeBin, [mpath, "--runs", String(RUNS), "--rule-runs", String(RULE_RUNS)]);
  const wasm = run("wasm + JS", process.execPath, [join(ROOT, "tools", "bench", "wasm.mjs"), mpath, "--runs", String(RUNS), "--rule-runs", String(RULE_RUNS)]);
  let browser = null;
  if (noBrowser) process.stderr.write("skipping: the browser measurements (--no-browser)\n");
  else browser = run("browser", process.execPath, [join(ROOT, "tools", "bench", "browser.mjs"), mpath, "--rounds", String(ROUNDS)]);
  const load1 = loadavg();

  const env = {
    date: started.toISOString(),
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? "?"}`,
    loadavg_before: load0.map((x) => x.toFixed(2)).join(" "),
    loadavg_after: load1.map((x) => x.toFixed(2)).join(" "),
    rustc: version("rustc", ["--version"]),
    node: process.version,
    chromium: browser?.chromium ?? "not run",
    runs: { pages: RUNS, rules_warm: RULE_RUNS, browser_rounds: ROUNDS },
  };
  writeFileSync(join(OUT, "results.json"), JSON.stringify({ env, manifest, native, wasm, browser }, null, 2));

  const rows = [];
  const budgets = [];
  const verdict = (name, ok, detail) => {
    budgets.push({ name, ok, detail });
    return status(ok);
  };

  // 1. Pages ------------------------------------------------------------------------------------
  rows.push({ section: "1. Page scans, median ms (parse = html5ever via scraper; extract = site adapter; rules = compiled rules + checks + report)" });
  for (const page of manifest.pages) {
    const n = native.pages.find((p) => p.id === page.id);
    const w = wasm.pages.find((p) => p.id === page.id);
    const label = `${page.label} (${(page.bytes / 1024).toFixed(0)} KiB; ${n.report.adapter}, ${n.report.candidates} candidate(s), ${n.report.findings} finding(s))`;
    rows.push({ n: "1", what: `${label}: parse`, native: ms(n.parse_ms), wasm: ms(w.split.parse_ms) });
    rows.push({ n: "1", what: "… extract", native: ms(n.extract_ms), wasm: ms(w.split.extract_ms) });
    rows.push({ n: "1", what: "… rules", native: ms(n.rules_ms), wasm: ms(w.split.rules_ms) });
    rows.push({ n: "1", what: "… total (`Scanner::scan_html`)", native: ms(n.total_ms), wasm: ms(w.split.total_ms) });
    const big = page.bytes >= 700_000;
    rows.push({
      n: "1",
      what: "… total through the shipped API (`scanHtml`: string in, JS report out)",
      wasm: ms(w.scan_html_ms),
      budget: big ? `< ${BUDGET.page750Ms} ms (750 KB page, background)` : "",
      status: big ? verdict(`750 KB page < ${BUDGET.page750Ms} ms: ${page.label}`, w.scan_html_ms < BUDGET.page750Ms, ms(w.scan_html_ms)) : "",
    });
    if (w.scan_html_without_fuzzy_ms != null) {
      rows.push({ n: "1", what: `… the same with the built-in fuzzy_list rule${wasm.module.fuzzy_rules.length > 1 ? "s" : ""} off (\`disabledRules\`)`, wasm: ms(w.scan_html_without_fuzzy_ms) });
    }
  }

  // 2. Rule-set scaling --------------------------------------------------------------------------
  rows.push({ section: `2. Rule-set scaling over ${manifest.text.messageBytes.toLocaleString("en-US")} B of text (one messages.text field); the built-in packs are always compiled too, as in the extension` });
  const base = native.rules.find((r) => r.n === 0);
  for (const nr of native.rules) {
    const wr = wasm.rules.find((r) => r.n === nr.n);
    const js = wasm.js.find((r) => r.n === nr.n);
    const name = nr.n === 0 ? `built-in packs only (${nr.total_rules} rules)` : `${nr.n.toLocaleString("en-US")} synthetic + ${base.total_rules} built-in (${nr.prefilter_pass} of ${nr.n} pass the literal prefilter)`;
    rows.push({ n: "2", what: `${name}: compile${nr.n === 0 ? " (built-in regexes are built on first use)" : ""}`, native: ms(nr.compile_ms), wasm: ms(wr.compile_ms), js: js ? `${ms(js.create_ms)} (lazy)` : "" });
    rows.push({ n: "2", what: "… first scan", native: ms(nr.first_ms), wasm: ms(wr.first_ms), js: js ? ms(js.first_ms) : "", jsNative: js ? ratio(js.first_ms, nr.first_ms) : "", jsWasm: js ? ratio(js.first_ms, wr.first_ms) : "" });
    const warm = { n: "2", what: `… warm scan (median of ${nr.warm_runs}${js ? `; JS ${js.warm_runs}` : ""})`, native: ms(nr.warm_ms), wasm: ms(wr.warm_ms), js: js ? ms(js.warm_ms) : "", jsNative: js ? ratio(js.warm_ms, nr.warm_ms) : "", jsWasm: js ? ratio(js.warm_ms, wr.warm_ms) : "" };
    if (nr.n === 1000) {
      warm.budget = `JS÷wasm ≥ ${BUDGET.jsRatio1000}×`;
      warm.status = verdict(`1,000 rules warm ≥ ${BUDGET.jsRatio1000}× the JS baseline (JS÷wasm)`, js.warm_ms / wr.warm_ms >= BUDGET.jsRatio1000, `${ratio(js.warm_ms, wr.warm_ms)} (JS÷native ${ratio(js.warm_ms, nr.warm_ms)})`);
    }
    if (nr.n === 5000) {
      warm.budget = `native < ${BUDGET.warm5000NativeMs} ms`;
      warm.status = verdict(`5,000 rules warm < ${BUDGET.warm5000NativeMs} ms native`, nr.warm_ms < BUDGET.warm5000NativeMs, ms(nr.warm_ms));
    }
    rows.push(warm);
    if (nr.warm_whole_text_ms != null) rows.push({ n: "2", what: "… warm scan, every pattern over the whole text (`Scanner::whole_text`, no windows)", native: ms(nr.warm_whole_text_ms) });
    if (js) {
      const rustMatched = nr.findings - base.findings;
      rows.push({ n: "2", what: `… synthetic rules that matched (Rust findings / JS) · JS could not compile`, native: String(rustMatched), wasm: String(wr.findings - wasm.rules.find((r) => r.n === 0).findings), js: `${js.rules_matched} · ${js.skipped} skipped` });
    }
    if (nr.n !== 0) rows.push({ n: "2", what: "… wasm memory afterwards (a high-water mark, including section 1's page scans)", wasm: bytes(wr.heap_after) });
  }

  // 3. Module size and heap ----------------------------------------------------------------------
  const m = wasm.module;
  rows.push({ section: "3. The wasm module (build/pkg/candor_bg.wasm, after wasm-opt -Oz) and its heap" });
  rows.push({ n: "3", what: "size, raw", wasm: bytes(m.bytes), budget: `< ${(BUDGET.wasmBytes / 1e6).toFixed(0)} MB (10^6 B)`, status: verdict("wasm < 1 MB after wasm-opt", m.bytes < BUDGET.wasmBytes, bytes(m.bytes)) });
  rows.push({ n: "3", what: "size, gzip -9", wasm: bytes(m.gzip9_bytes) });
  rows.push({ n: "3", what: "`WebAssembly.compile` · `initSync` (Node)", wasm: `${ms(m.compile_ms)} · ${ms(m.init_ms)}` });
  rows.push({ n: "3", what: "heap (`memory.buffer.byteLength`) after init", wasm: bytes(m.heap_after_init) });
  rows.push({ n: "3", what: "heap after `new Scanner([])`", wasm: bytes(m.heap_after_scanner) });
  rows.push({ n: "3", what: "heap at the end of section 2 (never shrinks)", wasm: bytes(m.heap_end) });
  rows.push({
    n: "3",
    what: "engine ready proxy: first `new Scanner([])` in Node (built-in packs compiled)",
    wasm: ms(m.first_scanner_ms),
    budget: `< ${BUDGET.engineReadyMs} ms after wake`,
    status: verdict(`built-in engine ready < ${BUDGET.engineReadyMs} ms (Node proxy: first new Scanner([]))`, m.first_scanner_ms < BUDGET.engineReadyMs, ms(m.first_scanner_ms)),
  });
  rows.push({ n: "3", what: "… later `new Scanner([])` (median of 5)", wasm: ms(m.scanner_ms) });

  // 4. Browser ------------------------------------------------------------------------------------
  if (browser) {
    const e = browser.engine;
    rows.push({ section: `4. Headless Chromium ${browser.chromium}, unpacked dist/chrome (medians: ${browser.rounds} tabs, ${browser.rounds} rounds)` });
    rows.push({
      n: "4",
      what: `engine ready in an extension page: import glue ${ms(e.import_ms)} + init (fetch, compile, instantiate) ${ms(e.init_ms)} + \`new Scanner([])\` ${ms(e.scanner_ms)}`,
      wasm: ms(e.ready_ms),
      budget: `< ${BUDGET.engineReadyMs} ms`,
      status: verdict(`built-in engine ready < ${BUDGET.engineReadyMs} ms (Chromium extension page: import + init + new Scanner([]))`, e.ready_ms < BUDGET.engineReadyMs, ms(e.ready_ms)),
    });
    rows.push({ n: "4", what: `cold: first navigation of the browser (${browser.cold.id}) → first badge (engine wakes in the worker)`, wasm: ms(browser.cold.nav_to_badge_ms) });
    for (const p of browser.pages) {
      const size = `${(p.bytes / 1024).toFixed(0)} KiB`;
      rows.push({ n: "4", what: `${p.id} (${size}): navigation → badge host in the DOM (DOMContentLoaded at ${ms(p.dcl_ms)})`, wasm: ms(p.nav_to_badge_ms) });
      rows.push({
        n: "4",
        what: `… one re-scan round: main-thread ScriptDuration Δ (TaskDuration Δ ${ms(p.round_task_ms)}; idle floor ${ms(p.idle_script_ms)} / ${ms(p.idle_task_ms)}; round wall ${ms(p.round_wall_ms)} incl. 300 ms debounce; of which outerHTML ${ms(p.serialise_ms)}, JSON of the message ${ms(p.json_ms)})`,
        wasm: ms(p.round_script_ms),
        budget: `< ${BUDGET.contentRoundMs} ms per round`,
        status: verdict(`content-script work per round < ${BUDGET.contentRoundMs} ms: ${p.id}`, p.round_script_ms < BUDGET.contentRoundMs, ms(p.round_script_ms)),
      });
    }
  }

  // Causes measured: the built-in rules that cost the most.
  const b = native.builtin_rules;
  const top = (k, n) => b.slice(1).sort((x, y) => y[k] - x[k]).slice(0, n);
  const rowsTop = (k) => top(k, 3).map((r) => `${r.id} ${ms(r[k])}`).join(", ");

  const out = [];
  out.push(`Candor benchmark — ${env.date} — ${env.cpu} — load ${env.loadavg_before} → ${env.loadavg_after}`);
  out.push(`${env.rustc}; Node ${env.node}; Chromium ${env.chromium}; runs: ${RUNS} per page, ${RULE_RUNS} warm scans, ${ROUNDS} browser tabs/rounds`);
  out.push("");
  out.push(table(rows));
  out.push("");
  out.push("Budgets (issue #7):");
  for (const x of budgets) out.push(`  ${x.ok ? "PASS" : "FAIL"}  ${x.name}: ${x.detail}`);
  out.push("");
  out.push("Costliest built-in rules, each alone (with the site adapters), native, minimum of 5 minus the same with no rule:");
  out.push(`  compile: ${rowsTop("compile_ms")} (all ${b.length - 1}: ${ms(b.slice(1).reduce((s, r) => s + r.compile_ms, 0))}; sources/lists/sites ${ms(b[0].compile_ms)})`);
  out.push(`  750 KB page: ${rowsTop("page_ms")}`);
  out.push(`  64 KiB thread: ${rowsTop("text_ms")}`);
  const bp = native.builtin_patterns;
  out.push(`Built-in patterns (${bp.patterns}), summed, native: regex build ${ms(bp.regex_build_ms)} (Unicode, as shipped; the ${bp.patterns - bp.ascii_refused} patterns that also build with Unicode off: ${ms(bp.regex_build_unicode_same_subset_ms)} vs ${ms(bp.regex_build_ascii_ms)} without Unicode); regex_syntax parse ${ms(bp.hir_parse_ms)}${native.builtin_full_validation_ms != null ? `; all built-in packs through full validation (\`add_pack\`, as \`candor lint\` and installs check a pack; start-up skips it) ${ms(native.builtin_full_validation_ms)}` : ""}. On the 64 KiB thread ${bp.text_prefilter_pass} of ${bp.patterns} pass the literal prefilter (${bp.text_prefilter_always} have no literal and always run).`);
  const n0 = native.rules.find((r) => r.n === 0);
  const n5 = native.rules.find((r) => r.n === 5000);
  if (n5) out.push(`5,000 rules warm, native: ${ms(n0.warm_ms)} for the built-in rules + ${ms(n5.warm_ms - n0.warm_ms)} for the ${n5.prefilter_pass} synthetic rules that pass the prefilter = ${((n5.warm_ms - n0.warm_ms) * 1000 / n5.prefilter_pass).toFixed(1)} µs per rule run over the text.`);
  for (const js of wasm.js) {
    const nr = native.rules.find((r) => r.n === js.n);
    const rust = nr.findings - n0.findings;
    if (rust !== js.rules_matched) out.push(`WARNING: at ${js.n} rules Rust found ${rust} synthetic rules matching and JS ${js.rules_matched}: the two sides did not do the same work`);
  }
  for (const s of manifest.skipped) out.push(`Skipped: ${s}`);
  const text = out.join("\n");
  writeFileSync(join(OUT, "table.md"), text + "\n");
  console.log(text);
}

try {
  main();
} catch (err) {
  console.error(`bench: ${err.message}`);
  process.exit(1);
}

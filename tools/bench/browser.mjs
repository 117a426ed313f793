// The browser half of `make bench` (docs/performance.md): the unpacked extension (dist/chrome) in
// headless Debian Chromium, through the end-to-end harness (tests/e2e/harness.mjs, server.mjs).
//
//   node tools/bench/browser.mjs build/bench/manifest.json [--rounds N]
//
// Prints one JSON document. Per page:
//   nav_to_badge_ms   navigation start (the page's performance.timeOrigin) to the first
//                     <candor-badge> host element in the DOM, seen by a MutationObserver that an
//                     init script installs in the page's main world. Covers page load, the content
//                     script (document_idle), the message to the background, the wasm scan there
//                     and the rendering of the badge. Median of N fresh tabs; `cold` is the very
//                     first navigation of the browser, when the background also instantiates the
//                     wasm module and compiles the built-in packs.
//   dcl_ms            navigation start to DOMContentLoaded end, for scale.
//   round_*           one re-scan round, triggered by appending a <p> to <body> (the content
//                     script's MutationObserver, 300 ms debounce, serialise, message, scan, render),
//                     measured with the DevTools protocol's Performance.getMetrics on the page
//                     before the mutation and after the round ends (data-candor-state back to
//                     "done" with data-candor-scans incremented):
//     round_script_ms   ScriptDuration delta: JavaScript run on the page's renderer main thread,
//                       in every world (content script, our tiny probe, the page's own scripts:
//                       the fixtures have none). DOM work done inside a script call (outerHTML,
//                       createElement, Range and highlight setup) counts here.
//     round_task_ms     TaskDuration delta: all main-thread tasks, adding style, layout and the
//                       rest of the page's own work in the same interval.
//     round_wall_ms     wall time from the mutation to the end of the round, in the page (includes
//                       the 300 ms debounce and the background scan in the extension process).
//   idle_*             the same two deltas over an interval as long as a round with no mutation:
//                      the floor of the method.

import { readFileSync } from "node:fs";
import { launch } from "../../tests/e2e/harness.mjs";
import { loadFixtures, startServer } from "../../tests/e2e/server.mjs";
import { median } from "./wasm.mjs";

const FIXTURE_PAGES = [["upwork", "profile-risky"], ["greenhouse", "candidate-risky"], ["lever", "candidate-risky"]];
const SYNTHETIC_URL = "https://www.upwork.com/freelancers/~01bench750kbench";
const log = (...a) => console.error(...a);

/** Main-world probe: when the first badge host appears and when each scan round ends. */
function probe() {
  const b = (globalThis.__candorBench = { badge: null, done: [] });
  const obs = new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "childList" && b.badge === null) {
        for (const n of r.addedNodes) if (n.nodeName === "CANDOR-BADGE") b.badge = performance.now();
      }
      if (r.type === "attributes" && r.target === document.documentElement && document.documentElement.dataset.candorState === "done") {
        b.done.push({ t: performance.now(), scans: Number(document.documentElement.dataset.candorScans ?? 0) });
      }
    }
  });
  obs.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-candor-state"] });
  b.stop = () => obs.disconnect();
}

async function metrics(cdp) {
  const { metrics: list } = await cdp.send("Performance.getMetrics");
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

/** One fresh tab: navigation → badge, then `rounds` re-scan rounds and idle controls. */
async function measureTab(browser, url, rounds) {
  const page = await browser.context.newPage();
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send("Performance.enable", { timeDomain: "threadTicks" }).catch(() => cdp.send("Performance.enable"));
  try {
    await page.goto(url, { waitUntil: "load" });
    await page.waitForFunction(() => globalThis.__candorBench?.badge != null && globalThis.__candorBench.done.length > 0, null, { timeout: 60_000, polling: 50 });
    const first = await page.evaluate(() => ({
      badge: globalThis.__candorBench.badge,
      done: globalThis.__candorBench.done[0].t,
      dcl: performance.getEntriesByType("navigation")[0]?.domContentLoadedEventEnd ?? null,
      bytes: document.documentElement.outerHTML.length,
    }));
    // The first step of every round, timed alone in the main world (the same DOM): what the
    // content script's serialise() does, and the JSON encoding extension messaging applies.
    const parts = await page.evaluate(() => {
      const med = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
      const ser = [];
      const enc = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        const html = "<!DOCTYPE html>" + document.documentElement.outerHTML;
        const t1 = performance.now();
        JSON.stringify({ type: "candor/scan", url: location.href, html, truncated: false });
        const t2 = performance.now();
        ser.push(t1 - t0);
        enc.push(t2 - t1);
      }
      return { serialise_ms: med(ser), json_ms: med(enc) };
    });
    const out = { ...parts, nav_to_badge_ms: first.badge, nav_to_done_ms: first.done, dcl_ms: first.dcl, dom_chars: first.bytes, rounds: [] };
    await page.waitForTimeout(500);
    for (let i = 0; i < rounds; i++) {
      const m0 = await metrics(cdp);
      const wall = await page.evaluate(() => new Promise((resolve, reject) => {
        const b = globalThis.__candorBench;
        const before = Number(document.documentElement.dataset.candorScans ?? 0);
        const seen = b.done.length;
        const t0 = performance.now();
        const p = document.createElement("p");
        p.textContent = `bench round ${before}`;
        document.body.append(p);
        const timer = setInterval(() => {
          const d = b.done.slice(seen).find((x) => x.scans > before);
          if (d) {
            clearInterval(timer);
            resolve(d.t - t0);
          } else if (performance.now() - t0 > 30_000) {
            clearInterval(timer);
            reject(new Error("no re-scan within 30 s"));
          }
        }, 25);
      }));
      const m1 = await metrics(cdp);
      await page.waitForTimeout(300);
      // Control: the same procedure without the mutation, over the same wall time.
      const c0 = await metrics(cdp);
      await page.evaluate((ms) => new Promise((resolve) => {
        const t0 = performance.now();
        const timer = setInterval(() => {
          if (performance.now() - t0 >= ms) {
            clearInterval(timer);
            resolve();
          }
        }, 25);
      }), wall);
      const c1 = await metrics(cdp);
      out.rounds.push({
        wall_ms: wall,
        script_ms: (m1.ScriptDuration - m0.ScriptDuration) * 1000,
        task_ms: (m1.TaskDuration - m0.TaskDuration) * 1000,
        layout_ms: ((m1.LayoutDuration - m0.LayoutDuration) + (m1.RecalcStyleDuration - m0.RecalcStyleDuration)) * 1000,
        idle_script_ms: (c1.ScriptDuration - c0.ScriptDuration) * 1000,
        idle_task_ms: (c1.TaskDuration - c0.TaskDuration) * 1000,
      });
      await page.waitForTimeout(300);
    }
    return out;
  } finally {
    await cdp.detach().catch(() => {});
    await page.close();
  }
}

/**
 * The engine's start-up in Chromium itself: in an extension-origin page (the extension's CSP, as
 * the background has), a dynamic import of the glue, `init` (fetch, compile, instantiate the
 * wasm) and `new Scanner([])` (the built-in packs compiled). Fresh tab each time, so nothing is
 * shared but the HTTP cache of the extension's own files.
 */
async function engineInExtensionPage(browser, trials) {
  const out = [];
  for (let i = 0; i < trials; i++) {
    const page = await browser.context.newPage();
    try {
      await page.goto(`chrome-extension://${browser.extensionId}/manifest.json`);
      out.push(await page.evaluate(async () => {
        const t0 = performance.now();
        const m = await import(chrome.runtime.getURL("pkg/candor.js"));
        const t1 = performance.now();
        const exports = await m.default({ module_or_path: chrome.runtime.getURL("pkg/candor_bg.wasm") });
        const t2 = performance.now();
        const s = new m.Scanner([]);
        const t3 = performance.now();
        const heap = exports.memory.buffer.byteLength;
        s.free();
        return { import_ms: t1 - t0, init_ms: t2 - t1, scanner_ms: t3 - t2, ready_ms: t3 - t0, heap };
      }));
    } finally {
      await page.close();
    }
  }
  const pick = (k) => median(out.map((x) => x[k]));
  return { trials: out, import_ms: pick("import_ms"), init_ms: pick("init_ms"), scanner_ms: pick("scanner_ms"), ready_ms: pick("ready_ms"), first_ready_ms: out[0]?.ready_ms ?? null };
}

async function main() {
  const argv = process.argv.slice(2);
  const manifestPath = argv.find((a) => !a.startsWith("--"));
  const ri = argv.indexOf("--rounds");
  const rounds = ri >= 0 ? Number(argv[ri + 1]) : 3;
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  const fixtures = loadFixtures();
  const targets = FIXTURE_PAGES.map(([site, name]) => {
    const fx = fixtures.find((f) => f.site === site && f.name === name);
    if (!fx) throw new Error(`fixture ${site}/${name} is missing`);
    return { id: `${site}/${name}`, url: fx.href, bytes: readFileSync(fx.file).length };
  });
  const big = manifest.pages.find((p) => p.id === "synthetic-750k");
  targets.push({ id: "synthetic-750k", url: SYNTHETIC_URL, bytes: big.bytes });

  const server = await startServer();
  const u = new URL(SYNTHETIC_URL);
  server.addRoute(u.hostname, u.pathname, readFileSync(big.path, "utf8"));
  const browser = await launch(server.port);
  const out = { chromium: browser.context.browser()?.version() ?? null, rounds, pages: [] };
  try {
    await browser.context.addInitScript(probe);
    // The first navigation of the browser also wakes the engine (wasm instantiation and the
    // built-in packs' compilation in the background).
    const cold = await measureTab(browser, targets[0].url, 0);
    out.cold = { id: targets[0].id, nav_to_badge_ms: cold.nav_to_badge_ms, nav_to_done_ms: cold.nav_to_done_ms, dcl_ms: cold.dcl_ms };
    out.engine = await engineInExtensionPage(browser, rounds);
    log(`browser: cold ${targets[0].id}: badge at ${cold.nav_to_badge_ms?.toFixed(0)} ms`);
    for (const t of targets) {
      const tabs = [];
      for (let i = 0; i < rounds; i++) tabs.push(await measureTab(browser, t.url, i === 0 ? rounds : 0));
      const r = tabs[0].rounds;
      const entry = {
        id: t.id,
        bytes: t.bytes,
        dom_chars: tabs[0].dom_chars,
        tabs: tabs.length,
        nav_to_badge_ms: median(tabs.map((x) => x.nav_to_badge_ms)),
        nav_to_done_ms: median(tabs.map((x) => x.nav_to_done_ms)),
        dcl_ms: median(tabs.map((x) => x.dcl_ms)),
        serialise_ms: tabs[0].serialise_ms,
        json_ms: tabs[0].json_ms,
        round_script_ms: median(r.map((x) => x.script_ms)),
        round_task_ms: median(r.map((x) => x.task_ms)),
        round_layout_ms: median(r.map((x) => x.layout_ms)),
        round_wall_ms: median(r.map((x) => x.wall_ms)),
        idle_script_ms: median(r.map((x) => x.idle_script_ms)),
        idle_task_ms: median(r.map((x) => x.idle_task_ms)),
        rounds: r,
      };
      out.pages.push(entry);
      log(`browser: ${t.id}: badge ${entry.nav_to_badge_ms.toFixed(0)} ms, round script ${entry.round_script_ms.toFixed(1)} ms, task ${entry.round_task_ms.toFixed(1)} ms`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(JSON.stringify(out, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

// End-to-end tests of the per-scan engine options the background passes (issue 6):
// `scanner.scanHtml(url, html, now, {locale, thresholds})` — the user's risk levels decide the
// level, and the chosen language picks the pack's translated rule texts.
//
//   make extension && node --test tests/e2e/thresholds.test.mjs
//
// They exercise the engine side too (crate/src/wasm.rs scan options, the built-in pack's German
// texts): an engine that ignored the fourth argument would fail both.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { launch } from "./harness.mjs";
import { loadFixtures, ROOT, startServer } from "./server.mjs";

const RISKY = loadFixtures().find((f) => f.site === "upwork" && f.name === "profile-risky");
const EXPECT = JSON.parse(readFileSync(RISKY.file.replace(/\.html$/, ".expect.json"), "utf8"));
const BUILTIN = JSON.parse(readFileSync(join(ROOT, "crate", "packs", "builtin.json"), "utf8"));
const englishTitle = new Map(BUILTIN.rules.map((r) => [r.id, r.title]));

let server;
let browser;
let options;

before(async () => {
  server = await startServer();
  browser = await launch(server.port);
  options = await browser.context.newPage();
  await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
  await options.waitForSelector("#levels[data-ready=true]");
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const ask = (type, fields = {}) => options.evaluate(([t, f]) => chrome.runtime.sendMessage({ type: t, ...f }), [type, fields]);

async function set(settings) {
  const r = await ask("candor/settings/set", { settings });
  assert.equal(r.ok, true, r.error);
}

/** Scans the risky fixture; resolves to its page once the scan is done. */
async function scanRisky() {
  const page = await browser.context.newPage();
  await page.goto(RISKY.url);
  await page.waitForFunction(() => document.documentElement.dataset.candorState === "done", null, { timeout: 20_000 });
  return page;
}

/** The finding titles of the panel (closed shadow root, read through the DevTools protocol). */
async function findingTitles(page) {
  await page.click("candor-badge");
  await page.waitForSelector("candor-panel[data-open=true]");
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send("DOM.getDocument", { depth: -1, pierce: true });
    const titles = [];
    const walk = (node, inTitle) => {
      const cls = (node.attributes ?? []).find((_, i, a) => i % 2 === 1 && a[i - 1] === "class");
      const here = inTitle || (node.localName === "p" && cls === "ftitle");
      if (node.nodeType === 3 && here) titles.push(node.nodeValue);
      for (const c of node.children ?? []) walk(c, here);
      for (const s of node.shadowRoots ?? []) walk(s, false);
    };
    walk(root, false);
    return titles;
  } finally {
    await cdp.detach();
  }
}

describe("per-scan engine options", () => {
  it("the user's thresholds decide the level", async () => {
    assert.equal(EXPECT.candidates[0].level, "high");
    let page = await scanRisky();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.candorLevel), "high", "default thresholds");
    await page.close();

    // Beyond any score this page reaches: its findings are only "low".
    await set({ thresholds: { medium: 59, high: 60 } });
    page = await scanRisky();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.candorLevel), "low");
    await page.close();

    await set({ thresholds: { medium: 3, high: 9 } });
    page = await scanRisky();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.candorLevel), "high");
    await page.close();
  });

  it("with Deutsch chosen, rule titles come from the pack's German translation", async () => {
    const fired = EXPECT.candidates[0].fires;
    let page = await scanRisky();
    const en = await findingTitles(page);
    await page.close();
    for (const id of fired) assert.ok(en.includes(englishTitle.get(id)), `English title of ${id} shown`);

    await set({ uiLanguage: "de" });
    page = await scanRisky();
    const de = await findingTitles(page);
    await page.close();
    await set({ uiLanguage: "auto" });
    assert.equal(de.length, en.length);
    const translated = fired.filter((id) => !de.includes(englishTitle.get(id)));
    assert.ok(translated.length > 0, `no rule title was translated: ${de.join(" | ")}`);
  });
});

// Lifecycle end-to-end tests (issue 7; docs/reliability.md § Lifecycle): the built extension
// (dist/chrome) in Debian Chromium while its service worker is stopped mid-scan, while the
// extension is reloaded as an update would, and while storage.local is full.
//
//   make extension && node --test --test-concurrency=1 tests/e2e/lifecycle.test.mjs

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { launch } from "./harness.mjs";
import { loadFixtures, startServer } from "./server.mjs";

const FIXTURES = loadFixtures();
const PROFILE = FIXTURES.find((f) => f.site === "upwork" && f.name === "profile-risky");
const QUOTA = 10 * 1024 * 1024; // chrome.storage.local.QUOTA_BYTES without unlimitedStorage

let server;
let browser;

before(async () => {
  assert.ok(PROFILE, "fixture upwork/profile-risky is missing");
  server = await startServer();
  browser = await launch(server.port);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const state = (page) => page.evaluate(() => ({ ...document.documentElement.dataset }));

async function settled(page, timeout = 30_000) {
  await page.waitForFunction(() => ["done", "error"].includes(document.documentElement.dataset.candorState), null, { timeout });
  return state(page);
}

/** A valid one-rule local pack (docs/rule-packs.md). */
const localPack = (id, word) => JSON.stringify({
  candor_pack: 1, id, title: `Lifecycle ${word} pack`, publisher: "Test", version: "0.1.0",
  sources: { S: { title: "Test source", publisher: "Test", date: "2026-01-01" } },
  rules: [{ id: `${id}-${word}`, title: `Mentions a ${word} relay`, family: "payment", severity: "medium",
    pattern: `(?i)\\b${word} relay\\b`, explain: "test", advice: "test", sources: ["S"] }],
});

/** An extension-origin page: storage.local and the options-page messages. */
async function extensionPage() {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/manifest.json`);
  return page;
}

/** Every host element of a badge (its tag is candor-badge, or candor-badge-<random> when pre-empted). */
const badgeCount = (page) => page.evaluate(() => [...document.querySelectorAll("*")].filter((e) => e.localName.startsWith("candor-badge")).length);

/** Stops the extension's service worker through the DevTools protocol (as Chrome does when idle). */
async function stopWorkers(page) {
  const cdp = await browser.context.newCDPSession(page);
  try {
    await cdp.send("ServiceWorker.enable");
    await cdp.send("ServiceWorker.stopAllWorkers");
  } finally {
    await cdp.detach().catch(() => {});
  }
}

describe("lifecycle", () => {
  it("a service worker stopped mid-scan: the content script retries with backoff and ends in done", async () => {
    // A ~1 MB profile: the worker needs hundreds of milliseconds for it (and more to boot again
    // after a stop), a window in which the scan is pending.
    const url = "https://www.upwork.com/freelancers/~01lifecyclebig";
    const review = "<p data-test=\"feedback-comment\">Great work on the payments dashboard, delivered early and communicated well with Northwind Traders.</p>\n";
    server.addRoute("www.upwork.com", "/freelancers/~01lifecyclebig", `<!DOCTYPE html><html><head><title>big</title></head><body>
<h1 itemprop="name" data-test="freelancer-name">Robin Q.</h1><div data-test="profile-overview">My webcam is broken.</div>
<div data-test="feedback-item">${review.repeat(8000)}</div></body></html>`);
    const page = await browser.context.newPage();
    await stopWorkers(page);
    await page.goto(url, { waitUntil: "domcontentloaded" });
    await page.waitForFunction(() => document.documentElement.dataset.candorState === "scanning", null, { timeout: 20_000, polling: 5 });
    // Stop the worker until the content script has seen a delivery fail (at most a few times).
    let stops = 0;
    for (; stops < 10; stops++) {
      await stopWorkers(page);
      const now = await state(page);
      if (now.candorRetries || now.candorState !== "scanning") break;
    }
    const s = await settled(page);
    assert.equal(s.candorState, "done", `error: ${s.candorError}`);
    assert.ok(Number(s.candorRetries) >= 1, `the stopped worker's request was retried (retries: ${s.candorRetries})`);
    assert.ok(Number(s.candorRetries) <= 5, "retries are bounded");
    assert.equal(s.candorScans, "1");
    assert.equal(await badgeCount(page), 1);
    console.log(`# lifecycle: worker stopped ${stops + 1} time(s) mid-scan; the content script retried ${s.candorRetries} time(s) and finished`);
    await page.close();
  });

  it("an extension update: stored data survives, open tabs are scanned again by a new script, the old one leaves", async () => {
    const tab = await browser.context.newPage();
    await tab.goto(PROFILE.href, { waitUntil: "load" });
    const first = await settled(tab);
    assert.equal(first.candorState, "done");
    assert.equal(await badgeCount(tab), 1);

    // Stored data of every kind: settings, a verification record (UI1's `verifications` log), an
    // imported pack, and the persona memory the scan above wrote.
    const ext = await extensionPage();
    const imported = await ext.evaluate((text) => chrome.runtime.sendMessage({ type: "candor/packs/import", text }), localPack("local.lifecycle", "walrus"));
    assert.equal(imported.result?.installed, true, JSON.stringify(imported.result));
    await ext.evaluate(async () => {
      const { verifications } = await chrome.storage.local.get("verifications");
      await chrome.storage.local.set({ "lifecycle.marker": { at: 1 }, verifications: verifications ?? [{ lifecycle: "sample" }] });
    });
    const before = await ext.evaluate(() => chrome.storage.local.get(null));
    assert.ok(Object.keys(before).length >= 3, `stored keys: ${Object.keys(before)}`);
    await ext.close();

    // The extension reloads itself as an update installs it (onInstalled, reason "update").
    // Chromium keeps an extension loaded with --load-extension disabled after a reload unless the
    // profile is in developer mode ("unsupportedDeveloperExtension"), as a developer's would be.
    const extensions = await browser.context.newPage();
    await extensions.goto("chrome://extensions");
    await extensions.evaluate(() => new Promise((resolve) => chrome.developerPrivate.updateProfileConfiguration({ inDeveloperMode: true }, resolve)));
    await extensions.close();
    const reloaded = browser.context.waitForEvent("serviceworker", { timeout: 30_000 });
    await browser.worker.evaluate(() => { setTimeout(() => chrome.runtime.reload(), 50); });
    browser.worker = await reloaded;

    // The tab gets a new content script instance (re-injected on update) that scans and draws;
    // the orphaned one removed its own badge, so there is exactly one.
    await tab.waitForFunction((old) => {
      const d = document.documentElement.dataset;
      return d.candorInstance !== old && d.candorState === "done";
    }, first.candorInstance, { timeout: 30_000 });
    assert.equal(await badgeCount(tab), 1, "one badge: the orphaned script removed its own");
    const again = await state(tab);
    assert.equal(again.candorLevel, first.candorLevel);

    const ext2 = await extensionPage();
    const afterReload = await ext2.evaluate(() => chrome.storage.local.get(null));
    for (const key of Object.keys(before)) {
      assert.deepEqual(afterReload[key], before[key], `storage key ${key} changed across the update`);
    }
    const packs = await ext2.evaluate(() => chrome.runtime.sendMessage({ type: "candor/packs/state" }));
    assert.ok(JSON.stringify(packs).includes("local.lifecycle"), "the imported pack is still installed");
    await ext2.close();
    await tab.close();
  });

  it("storage full: scans still work, the page says memory could not be saved, a pack import says why it failed", async () => {
    const ext = await extensionPage();
    const filled = await ext.evaluate(async (quota) => {
      const used = await chrome.storage.local.getBytesInUse(null);
      const key = "lifecycle.filler";
      await chrome.storage.local.set({ [key]: "x".repeat(quota - used - key.length - 2 - 16) });
      return chrome.storage.local.getBytesInUse(null);
    }, QUOTA);
    assert.ok(filled > QUOTA - 64, `storage.local holds ${filled} bytes`);
    try {
      // A candidate not seen before: persona memory must write, and cannot.
      const other = FIXTURES.find((f) => f.site === "greenhouse" && f.name === "candidate-risky");
      const page = await browser.context.newPage();
      await page.goto(other.href, { waitUntil: "load" });
      const s = await settled(page);
      assert.equal(s.candorState, "done", `error: ${s.candorError}`);
      assert.equal(s.candorMemory, "error");
      assert.match(s.candorMemoryError ?? "", /quota/i);
      assert.equal(await badgeCount(page), 1);
      await page.close();

      const answer = await ext.evaluate((text) => chrome.runtime.sendMessage({ type: "candor/packs/import", text }), localPack("local.full", "otter"));
      const told = answer.ok ? `${answer.result?.installed} ${answer.result?.message}` : answer.error;
      assert.ok(answer.ok === false || answer.result?.installed === false, `the import did not pretend to succeed: ${told}`);
      assert.match(told, /quota/i, "the reason names the full storage");
      // Nothing half-applied: the pack is neither listed nor compiled into the engine.
      const packs = await ext.evaluate(() => chrome.runtime.sendMessage({ type: "candor/packs/state" }));
      assert.ok(!packs.state.packs.some((p) => p.id === "local.full"), "no half-installed pack");
    } finally {
      await ext.evaluate(() => chrome.storage.local.remove("lifecycle.filler"));
      await ext.close();
    }
  });
});

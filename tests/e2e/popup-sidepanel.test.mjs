// End-to-end tests of the popup and the side panel (issue 6), in Debian Chromium with the built
// dist/chrome extension:
//
//   make extension && node --test --test-concurrency=1 tests/e2e/popup-sidepanel.test.mjs
//
// A fixture page is opened in one tab and scanned by the real content script; popup.html and
// sidepanel.html are opened as ordinary tabs with `?tabId=N` (their test hook: describe tab N
// instead of the active tab, which would be themselves). Everything asserted is what a user sees
// or what the pages mirror on <body data-page-state>: texts, roles and ARIA state, the page's
// badges (light-DOM <candor-badge data-level data-outcome>) and the stored verification log.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { launch, personaMemoryOff } from "./harness.mjs";
import { loadFixtures, startServer } from "./server.mjs";

const FIXTURES = loadFixtures();
/** A page on a host no site adapter covers (the server maps it; Candor has no permission there). */
const UNSUPPORTED = { host: "trust.acme.example", path: "/about.html" };

let server;
let browser;

before(async () => {
  server = await startServer();
  server.addRoute(UNSUPPORTED.host, UNSUPPORTED.path, "<!DOCTYPE html><title>About</title><h1>About us</h1><p>We build things.</p>");
  browser = await launch(server.port);
  // Each fixture is judged alone (as its expect.json does), not against the ones seen before.
  await personaMemoryOff(browser);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

// ------------------------------------------------------------------------------------------------
// Helpers

function fixture(site, name) {
  const fx = FIXTURES.find((f) => f.site === site && f.name === name);
  if (!fx) throw new Error(`fixture tests/fixtures/${site}/${name} is missing`);
  return fx;
}

/** Every tab id the extension sees (from its service worker). */
const tabIds = () => browser.worker.evaluate(async () => (await chrome.tabs.query({})).map((t) => t.id));

/** Opens a page that fails the test on any JS dialog; returns it with its tab id. */
async function newTab() {
  const before = new Set(await tabIds());
  const page = await browser.context.newPage();
  page.dialogs = [];
  page.on("dialog", (d) => {
    page.dialogs.push(`${d.type()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  let tabId;
  // The new tab shows up in chrome.tabs as soon as it exists; wait for it without sleeping blindly.
  for (let i = 0; i < 100 && tabId === undefined; i++) {
    tabId = (await tabIds()).find((id) => !before.has(id));
    if (tabId === undefined) await page.waitForTimeout(20);
  }
  assert.ok(tabId !== undefined, "the new tab has an id");
  page.tabId = tabId;
  return page;
}

/** Waits until the content script finished a scan (or found Candor off); returns <html> data. */
async function scanned(page, states = ["done"]) {
  await page.waitForFunction((s) => s.includes(document.documentElement.dataset.candorState), states, { timeout: 20_000 });
  return page.evaluate(() => ({ ...document.documentElement.dataset }));
}

async function openFixture(fx) {
  const page = await newTab();
  const response = await page.goto(fx.href, { waitUntil: "load" });
  assert.equal(response.status(), 200, `GET ${fx.href}`);
  const state = await scanned(page);
  return { page, state };
}

/** Opens popup.html or sidepanel.html for `tabId` and waits until it has described the page. */
async function openView(file, tabId, state) {
  const view = await newTab();
  await view.goto(`chrome-extension://${browser.extensionId}/${file}?tabId=${tabId}`);
  await view.waitForFunction((s) => document.body.dataset.pageState === s, state, { timeout: 15_000 });
  return view;
}

/**
 * Waits until the content script's scan count has not changed for 1.5 s (at most 15 s), and
 * returns it.
 */
async function settledScans(page) {
  const count = () => page.evaluate(() => document.documentElement.dataset.candorScans);
  let last = await count();
  let since = Date.now();
  for (const end = Date.now() + 15_000; Date.now() < end && Date.now() - since < 1500;) {
    await page.waitForTimeout(100);
    const now = await count();
    if (now !== last) [last, since] = [now, Date.now()];
  }
  return last;
}

const text = (page, selector) => page.$eval(selector, (el) => el.textContent.trim());
const badgeLevels = (page) => page.$$eval("candor-badge", (bs) => bs.map((b) => b.getAttribute("data-level")));

/** The popup's page state: status text and the summary as the user reads it. */
async function popupSummary(popup) {
  return popup.evaluate(() => ({
    state: document.body.dataset.pageState,
    site: document.getElementById("site").textContent,
    status: document.getElementById("status").textContent,
    summaryShown: !document.getElementById("summary").hidden,
    kind: document.getElementById("kind").textContent,
    count: document.getElementById("count").textContent,
    level: document.getElementById("level").textContent.trim(),
    levelAttr: document.querySelector("#level .level")?.getAttribute("data-level") ?? null,
    glyph: document.querySelector("#level .level-glyph")?.textContent ?? null,
    glyphHidden: document.querySelector("#level .level-glyph")?.getAttribute("aria-hidden") ?? null,
    switchRole: document.getElementById("site-switch").getAttribute("role"),
    switchChecked: document.getElementById("site-switch").getAttribute("aria-checked"),
    switchWord: document.getElementById("switch-word").textContent,
    switchRowHidden: document.getElementById("switch-row").hidden,
  }));
}

// ------------------------------------------------------------------------------------------------

describe("popup", () => {
  it("risky profile: site, page kind, candidates, highest level as word and shape", async () => {
    const fx = fixture("upwork", "profile-risky");
    const { page } = await openFixture(fx);
    const popup = await openView("popup.html", page.tabId, "scanned");
    const s = await popupSummary(popup);
    assert.equal(s.site, "www.upwork.com");
    assert.equal(s.status, "Scanned.");
    assert.ok(s.summaryShown);
    assert.equal(s.kind, "Candidate profile");
    assert.equal(s.count, String(fx.expect.candidates.length));
    assert.equal(s.levelAttr, "high");
    assert.match(s.level, /High$/, "the level is written as a word");
    assert.ok(s.glyph && s.glyph.length > 0, "and has a shape next to it");
    assert.equal(s.glyphHidden, "true", "the shape is decorative for screen readers");
    assert.equal(s.switchRole, "switch");
    assert.equal(s.switchChecked, "true");
    assert.equal(s.switchWord, "On");
    await popup.close();
    await page.close();
  });

  it("clean profile says no signs; a job posting has no candidate", async () => {
    const clean = await openFixture(fixture("upwork", "profile-clean"));
    let popup = await openView("popup.html", clean.page.tabId, "scanned");
    let s = await popupSummary(popup);
    assert.equal(s.count, "1");
    assert.equal(s.levelAttr, "none");
    assert.match(s.level, /No signs$/);
    await popup.close();
    await clean.page.close();

    const job = await openFixture(fixture("upwork", "job-posting"));
    popup = await openView("popup.html", job.page.tabId, "scanned");
    s = await popupSummary(popup);
    assert.equal(s.kind, "Job posting");
    assert.equal(s.count, "0");
    assert.equal(s.levelAttr, null);
    assert.equal(s.level, "no candidate on this page");
    await popup.close();
    await job.page.close();
  });

  it("unsupported site: says so, offers no switch, and a failed scan is reported, not silent", async () => {
    const page = await newTab();
    await page.goto(`https://${UNSUPPORTED.host}${UNSUPPORTED.path}`, { waitUntil: "load" });
    const popup = await openView("popup.html", page.tabId, "unsupported");
    const s = await popupSummary(popup);
    assert.equal(s.status, "Not a supported site. You can still scan this page.");
    assert.equal(s.summaryShown, false);
    assert.equal(s.switchRowHidden, true, "no host Candor may read, so nothing to switch");
    // In a real popup the toolbar click grants activeTab and the injection works; a test tab has
    // no such grant, so the popup must say why nothing happened.
    await popup.click("#scan");
    await popup.waitForFunction(() => document.getElementById("error").textContent.length > 0);
    assert.match(await text(popup, "#error"), /^Something went wrong: /);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.candorState ?? null), null);
    await popup.close();
    await page.close();
  });

  it("'Scan this page' scans the tab again", async () => {
    const { page, state } = await openFixture(fixture("upwork", "profile-clean"));
    const popup = await openView("popup.html", page.tabId, "scanned");
    await popup.click("#scan");
    await page.waitForFunction((n) => Number(document.documentElement.dataset.candorScans) > n, Number(state.candorScans));
    await popup.close();
    await page.close();
  });

  it("site switch: off removes the badge (also after reload) and the popup says off; on brings it back", async () => {
    const fx = fixture("upwork", "profile-risky");
    const { page } = await openFixture(fx);
    assert.deepEqual(await badgeLevels(page), ["high"]);
    const popup = await openView("popup.html", page.tabId, "scanned");

    await popup.click("#site-switch");
    await popup.waitForFunction(() => document.body.dataset.pageState === "off");
    let s = await popupSummary(popup);
    assert.equal(s.switchChecked, "false");
    assert.equal(s.switchWord, "Off");
    assert.equal(s.status, "Candor is off on this site.");
    const stored = await browser.worker.evaluate(async () => (await chrome.storage.local.get("settings")).settings.disabledSites);
    assert.deepEqual(stored, ["www.upwork.com"]);
    // The switch asked the tab to scan again: the badge goes at once ...
    await page.waitForFunction(() => document.querySelectorAll("candor-badge").length === 0);
    // ... and stays away after a reload.
    await page.reload({ waitUntil: "load" });
    assert.equal((await scanned(page, ["disabled"])).candorState, "disabled");
    assert.deepEqual(await badgeLevels(page), []);
    await popup.reload();
    await popup.waitForFunction(() => document.body.dataset.pageState === "off");

    await popup.click("#site-switch");
    await popup.waitForFunction(() => document.getElementById("site-switch").getAttribute("aria-checked") === "true");
    await page.reload({ waitUntil: "load" });
    await scanned(page);
    assert.deepEqual(await badgeLevels(page), ["high"]);
    await popup.waitForFunction(() => document.body.dataset.pageState === "scanned");
    s = await popupSummary(popup);
    assert.equal(s.switchWord, "On");
    const after = await browser.worker.evaluate(async () => (await chrome.storage.local.get("settings")).settings.disabledSites);
    assert.deepEqual(after, []);
    await popup.close();
    await page.close();
  });

  it("a tab's report survives a service-worker restart (storage.session) and goes when the tab closes", async () => {
    const fx = fixture("upwork", "profile-clean");
    const { page } = await openFixture(fx);
    const tabId = page.tabId;
    // The content script may scan once more right after the first scan (its own follow-up): let
    // it settle, so that an entry seen after the restart can only have come from storage.session.
    const scans = await settledScans(page);
    const entry = () => browser.worker.evaluate(async (id) => (await chrome.storage.session.get(`tabReport:${id}`))[`tabReport:${id}`] ?? null, tabId);
    const stored = await entry();
    assert.equal(stored.url, fx.url);
    // Stop the worker (DevTools protocol); a global set before must be gone in the next one.
    await browser.worker.evaluate(() => { globalThis.candorTestMarker = true; });
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send("ServiceWorker.enable");
    await cdp.send("ServiceWorker.stopAllWorkers");
    await cdp.detach();
    // The popup's message wakes a new worker. It is opened without newTab(), which asks the
    // worker (Playwright's handle hangs on a stopped worker and attaches to the woken one).
    const popup = await browser.context.newPage();
    await popup.goto(`chrome-extension://${browser.extensionId}/popup.html?tabId=${tabId}`);
    await popup.waitForFunction(() => document.body.dataset.pageState === "scanned", null, { timeout: 15_000 });
    assert.equal(await browser.worker.evaluate(() => globalThis.candorTestMarker ?? null), null, "the worker was restarted");
    assert.equal((await popupSummary(popup)).count, "1", "the report came back from storage.session");
    assert.equal(await page.evaluate(() => document.documentElement.dataset.candorScans), scans, "no scan since the restart");
    assert.equal((await entry()).scanned_at, stored.scanned_at, "the same entry, not a new scan");
    await popup.close();

    await page.close();
    // tabs.onRemoved runs in the worker after close() returns: poll the stored state (bounded).
    let gone = false;
    for (let i = 0; i < 100 && !gone; i++) gone = (await entry()) === null;
    assert.ok(gone, "dropped when the tab closes");
  });
});

describe("side panel", () => {
  let page;
  let panel;
  const fx = fixture("upwork", "profile-risky");

  before(async () => {
    ({ page } = await openFixture(fx));
    panel = await openView("sidepanel.html", page.tabId, "scanned");
  });

  after(async () => {
    await panel?.close();
    await page?.close();
  });

  it("shows the findings, evidence, sources and the prompt of the risky page", async () => {
    const view = await panel.evaluate(() => ({
      name: document.querySelector("article.candidate h2").textContent,
      level: document.querySelector("article.candidate .candidate-level .level").getAttribute("data-level"),
      levelText: document.querySelector("article.candidate .candidate-level").textContent,
      rules: [...document.querySelectorAll("li.finding")].map((li) => li.dataset.rule),
      titles: [...document.querySelectorAll("li.finding h4")].map((h) => h.textContent),
      evidence: [...document.querySelectorAll("li.finding q")].map((q) => q.textContent),
      links: [...document.querySelectorAll("a")].map((a) => ({ href: a.href, target: a.target, rel: a.rel })),
      prompt: [...document.querySelectorAll(".prompt li")].map((li) => li.textContent),
      steps: document.querySelectorAll("form.verify input[type=checkbox]").length,
      line: document.getElementById("page-line").textContent,
    }));
    assert.equal(view.name, fx.expect.candidates[0].name);
    assert.equal(view.level, "high");
    assert.match(view.levelText, /High/);
    for (const rule of fx.expect.candidates[0].fires) assert.ok(view.rules.includes(rule), `finding ${rule} shown`);
    assert.ok(view.titles.every((t) => t.length > 0));
    assert.ok(view.evidence.length >= view.rules.length, "each finding quotes its evidence");
    assert.ok(view.links.length > 0, "sources are links");
    for (const a of view.links) {
      assert.match(a.href, /^https?:\/\//);
      assert.equal(a.target, "_blank");
      assert.match(a.rel, /\bnoopener\b/);
    }
    assert.ok(view.prompt.length > 0, "the verification prompt is shown");
    assert.equal(view.steps, view.prompt.length, "one checklist box per prompt step");
    assert.match(view.line, /www\.upwork\.com · Candidate profile · 1 candidate · .*High/);
  });

  it("tabs and form work by keyboard alone; the outcome is saved, listed and shown on the badge", async () => {
    // Tabs: arrow keys move and select (role=tab, aria-selected, the panel shown).
    await panel.focus("#tab-page");
    await panel.keyboard.press("ArrowRight");
    let tabs = await panel.evaluate(() => ({
      focused: document.activeElement.id,
      selected: document.getElementById("tab-history").getAttribute("aria-selected"),
      historyHidden: document.getElementById("panel-history").hidden,
      pageHidden: document.getElementById("panel-page").hidden,
    }));
    assert.deepEqual(tabs, { focused: "tab-history", selected: "true", historyHidden: false, pageHidden: true });
    await panel.keyboard.press("Home");
    tabs = await panel.evaluate(() => ({ focused: document.activeElement.id, pageHidden: document.getElementById("panel-page").hidden }));
    assert.deepEqual(tabs, { focused: "tab-page", pageHidden: false });

    // Tab through the page to the first checklist box (bounded: a focus trap fails the test).
    let reached = false;
    for (let i = 0; i < 200 && !reached; i++) {
      await panel.keyboard.press("Tab");
      reached = await panel.evaluate(() => document.activeElement?.id === "c0-step0");
    }
    assert.ok(reached, "the checklist is reachable with Tab");
    await panel.keyboard.press("Space");
    // Into the outcome group (first radio), then the arrow keys pick "refused".
    const steps = await panel.$$eval("form.verify input[type=checkbox]", (b) => b.length);
    for (let i = 0; i < steps; i++) await panel.keyboard.press("Tab");
    assert.equal(await panel.evaluate(() => document.activeElement.id), "c0-outcome-verified");
    await panel.keyboard.press("ArrowDown");
    assert.equal(await panel.evaluate(() => document.activeElement.id), "c0-outcome-refused");
    await panel.keyboard.press("Tab");
    assert.equal(await panel.evaluate(() => document.activeElement.id), "c0-note");
    await panel.keyboard.type("Camera 'broken' again <b>x</b>");
    await panel.keyboard.press("Tab");
    assert.equal(await panel.evaluate(() => document.activeElement.id), "c0-save");
    await panel.keyboard.press("Enter");
    await panel.waitForFunction(() => /^Saved: /.test(document.getElementById("c0-status").textContent), null, { timeout: 10_000 });
    assert.match(await text(panel, "#c0-status"), /^Saved: Refused the camera, /);
    assert.equal(await panel.getAttribute("#c0-status", "role"), "status", "the result is announced");

    // Stored as sent: the outcome, the one ticked step, the note as text.
    const records = await browser.worker.evaluate(async () => (await chrome.storage.local.get("verifications")).verifications.records);
    assert.equal(records.length, 1);
    assert.equal(records[0].outcome, "refused");
    assert.equal(records[0].name, fx.expect.candidates[0].name);
    assert.deepEqual(records[0].steps.map((s) => s.done), records[0].steps.map((_, i) => i === 0));
    assert.equal(records[0].note, "Camera 'broken' again <b>x</b>");

    // The candidate's history lists it.
    await panel.waitForFunction(() => document.querySelectorAll("#c0-history li.record").length === 1);
    assert.match(await text(panel, "#c0-history li.record"), /Refused the camera/);
    assert.equal(await panel.$$eval("#c0-history b", (b) => b.length), 0, "the note is text, not HTML");

    // The History tab lists every record; the search filters by name.
    await panel.click("#tab-history");
    await panel.waitForFunction(() => document.querySelectorAll("#history-list li.record").length === 1);
    await panel.fill("#history-search", fx.expect.candidates[0].name.slice(0, 4).toLowerCase());
    assert.equal(await panel.$$eval("#history-list li.record", (l) => l.length), 1);
    await panel.fill("#history-search", "nobody by this name");
    assert.equal(await panel.$$eval("#history-list li.record", (l) => l.length), 0);
    assert.equal(await text(panel, "#history-count"), "Showing 0 of 1 records.");
    await panel.fill("#history-search", "");
    await panel.click("#tab-page");

    // The page's badge shows the outcome after a reload; the panel follows the new scan.
    await page.reload({ waitUntil: "load" });
    await scanned(page);
    await page.waitForSelector("candor-badge[data-outcome=refused]", { timeout: 10_000 });
    await panel.waitForFunction(() => document.body.dataset.pageState === "scanned" && document.querySelector("#c0-history li.record"));
  });

  it("a report arriving while the form is being filled keeps what was entered", async () => {
    await panel.check("#c0-step1");
    await panel.check("#c0-outcome-rescheduled");
    await panel.fill("#c0-note", "half-written");
    await panel.evaluate(() => document.querySelector("article.candidate").setAttribute("data-before", ""));
    const scans = Number(await page.evaluate(() => document.documentElement.dataset.candorScans));
    // A new scan of the tab: the background pushes candor/tab/updated and the panel re-renders.
    await browser.worker.evaluate((id) => chrome.scripting.executeScript({ target: { tabId: id }, files: ["content.js"] }), page.tabId);
    await page.waitForFunction((n) => Number(document.documentElement.dataset.candorScans) > n, scans);
    // The candidate was rendered anew (the marked article is gone) and the entries carried over.
    await panel.waitForFunction(() => document.querySelector("article.candidate") && !document.querySelector("article.candidate[data-before]"));
    assert.equal(await panel.inputValue("#c0-note"), "half-written");
    assert.equal(await panel.isChecked("#c0-step1"), true);
    assert.equal(await panel.isChecked("#c0-outcome-rescheduled"), true);
  });
});

describe("interface language", () => {
  it("popup and side panel follow settings.uiLanguage while open", async () => {
    const { page } = await openFixture(fixture("upwork", "profile-risky"));
    const panel = await openView("sidepanel.html", page.tabId, "scanned");
    const popup = await openView("popup.html", page.tabId, "scanned");
    const setLanguage = (lang) => browser.worker.evaluate(async (l) => {
      const { settings } = await chrome.storage.local.get("settings");
      await chrome.storage.local.set({ settings: { ...settings, uiLanguage: l } });
    }, lang);
    await setLanguage("de");
    await panel.waitForFunction(() => document.getElementById("tab-history").textContent === "Verlauf");
    assert.equal(await panel.evaluate(() => document.documentElement.lang), "de");
    await panel.waitForFunction(() => document.querySelector("form.verify h3")?.textContent === "Kameraprüfung festhalten");
    await popup.waitForFunction(() => document.getElementById("scan").textContent === "Diese Seite prüfen");
    assert.equal(await text(popup, "#kind"), "Kandidatenprofil");
    await setLanguage("en");
    await panel.waitForFunction(() => document.getElementById("tab-history").textContent === "History");
    await popup.waitForFunction(() => document.getElementById("kind").textContent === "Candidate profile");
    await popup.close();
    await panel.close();
    await page.close();
  });
});

describe("hostile report text", () => {
  it("script payloads in profile fields appear as text in the popup and the side panel", async () => {
    const fx = fixture("upwork", "profile-xss");
    const { page } = await openFixture(fx);
    const panel = await openView("sidepanel.html", page.tabId, "scanned");
    const popup = await openView("popup.html", page.tabId, "scanned");
    const name = await text(panel, "article.candidate h2");
    assert.equal(name, fx.expect.candidates[0].name, "the name, markup and all, is plain text");
    assert.match(name, /<img src=x onerror=/);
    assert.equal(await panel.$$eval("img, iframe, object, embed", (e) => e.length), 0, "no element from the report");
    assert.equal(await panel.$$eval("script:not([src])", (e) => e.length), 0);
    assert.equal(await panel.$$eval("a", (as) => as.filter((a) => !/^https?:/.test(a.href)).length), 0, "only http(s) links");
    assert.equal(await popup.$$eval("img", (e) => e.length), 1, "the popup's own icon only");
    assert.deepEqual([...panel.dialogs, ...popup.dialogs, ...page.dialogs], []);
    await popup.close();
    await panel.close();
    await page.close();
  });
});

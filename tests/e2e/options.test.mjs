// End-to-end tests of the options page's settings sections (issue 6): language, risk levels,
// sites, settings import/export and keyboard use. The built extension (dist/chrome) in Debian
// Chromium; fixture pages at their real URLs.
//
//   make extension && node --test tests/e2e/options.test.mjs
//
// Everything is observed from outside: the options page (its text, its messages to the
// background, the file it downloads), the scanned page's state on <html> and the closed badge
// through the DevTools protocol. Each browser here has its own fresh profile.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { launch } from "./harness.mjs";
import { loadFixtures, ROOT, startServer } from "./server.mjs";

const RISKY = loadFixtures().find((f) => f.site === "upwork" && f.name === "profile-risky");
const de = JSON.parse(readFileSync(join(ROOT, "extension", "_locales", "de", "messages.json"), "utf8"));
const en = JSON.parse(readFileSync(join(ROOT, "extension", "_locales", "en", "messages.json"), "utf8"));

let server;
let browser;
let options;
let tmp;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), "candor-options-"));
  server = await startServer();
  browser = await launch(server.port);
  options = await openOptions(browser);
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Opens the options page of `b` and waits until the settings sections and packs are shown. */
async function openOptions(b) {
  const page = await b.context.newPage();
  await page.goto(`chrome-extension://${b.extensionId}/options.html`);
  await page.waitForSelector("#levels[data-ready=true]");
  await page.waitForSelector("#packs[data-ready=true]");
  return page;
}

/** Sends a message to the background from an extension page. */
const ask = (page, type, fields = {}) =>
  page.evaluate(([t, f]) => chrome.runtime.sendMessage({ type: t, ...f }), [type, fields]);

async function settingsNow(page = options) {
  const r = await ask(page, "candor/settings/get");
  assert.equal(r.ok, true, r.error);
  return r;
}

/** Every node of the document, closed shadow roots included (DevTools protocol, pierce). */
async function piercedNodes(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send("DOM.getDocument", { depth: -1, pierce: true });
    const out = [];
    const walk = (node, shadowHost) => {
      out.push({ ...node, shadowHost });
      for (const c of node.children ?? []) walk(c, shadowHost);
      for (const s of node.shadowRoots ?? []) walk(s, node.localName);
    };
    walk(root, null);
    return out;
  } finally {
    await cdp.detach();
  }
}

/** The text of the first badge on `page` (its closed shadow root, through the DevTools protocol). */
async function badgeText(page) {
  const nodes = await piercedNodes(page);
  return nodes.filter((n) => n.shadowHost === "candor-badge" && n.nodeType === 3).map((n) => n.nodeValue).join(" ");
}

/** Opens the risky Upwork fixture and waits for the scan to finish (done, error or disabled). */
async function visitRisky() {
  const page = await browser.context.newPage();
  await page.goto(RISKY.url);
  await page.waitForFunction(() => ["done", "error", "disabled"].includes(document.documentElement.dataset.candorState), null, { timeout: 20_000 });
  return page;
}

async function chooseLanguage(value) {
  await options.selectOption("#ui-language", value);
  await options.waitForFunction((v) => document.documentElement.lang === v, value === "de" ? "de" : "en");
}

describe("options page settings", () => {
  it("(a) switching to Deutsch translates the options page at once, and the badges and panels follow", async () => {
    assert.equal(await options.getAttribute("html", "lang"), "en");
    assert.equal(await options.textContent("h1"), en.optionsTitle.message);
    await chooseLanguage("de");
    assert.equal(await options.textContent("h1"), de.optionsTitle.message);
    assert.equal(await options.textContent("#language-heading"), "Sprache");
    assert.equal(await options.textContent("#levels-heading"), "Risikostufen");
    assert.equal(await options.textContent("label[for=threshold-medium]"), de.thresholdMediumLabel.message);
    assert.equal(await options.textContent("#language-status"), "Sprache gespeichert.");
    // Lists built by script are re-rendered in German too.
    await options.waitForFunction(() => document.querySelector("#pack-list .tag")?.textContent === "Integriert");
    assert.equal((await settingsNow()).settings.uiLanguage, "de");

    // What the content script asks for: the German messages, placeholders as $n.
    const strings = await ask(options, "candor/ui/strings");
    assert.equal(strings.ok, true, strings.error);
    assert.equal(strings.lang, "de");
    assert.equal(strings.messages.panelClose, "Schließen");
    assert.equal(strings.messages.badgeLabel, "Candor: $1 Risiko, $2 — per Kamera verifizieren");
    assert.equal(Object.keys(strings.messages).length, Object.keys(en).length, "every key is answered");

    // A scanned page's badge is German.
    const page = await visitRisky();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.candorState), "done");
    const text = await badgeText(page);
    assert.match(text, /Warnzeichen|Zeichen/, `badge text: ${text}`);
    await page.close();

    await chooseLanguage("en");
    assert.equal(await options.textContent("h1"), en.optionsTitle.message);
    const back = await visitRisky();
    assert.doesNotMatch(await badgeText(back), /Zeichen/);
    assert.match(await badgeText(back), /signs?/);
    await back.close();
  });

  it("(b) risk levels: invalid values are refused with a visible message, valid ones saved, reset works", async () => {
    for (const [medium, high] of [["9", "3"], ["0", "5"], ["5", "61"], ["4", "4"], ["2.5", "9"]]) {
      await options.fill("#threshold-medium", medium);
      await options.fill("#threshold-high", high);
      await options.click("#levels-save");
      assert.equal(await options.isVisible("#levels-error"), true, `${medium}/${high} accepted`);
      assert.equal(await options.getAttribute("#threshold-medium", "aria-invalid"), "true");
      assert.equal(await options.evaluate(() => document.activeElement.id), "threshold-medium");
    }
    assert.deepEqual((await settingsNow()).settings.thresholds, { medium: 3, high: 9 }, "nothing invalid was stored");

    await options.fill("#threshold-medium", "4");
    await options.fill("#threshold-high", "12");
    await options.click("#levels-save");
    await options.waitForFunction(() => document.querySelector("#levels-status").textContent.includes("12"));
    assert.equal(await options.textContent("#levels-status"), "Saved: medium risk from 4 points, high risk from 12 points.");
    assert.equal(await options.isVisible("#levels-error"), false);
    assert.deepEqual((await settingsNow()).settings.thresholds, { medium: 4, high: 12 });

    // The background refuses the same bad values whoever sends them.
    for (const thresholds of [{ medium: 0, high: 5 }, { medium: 5, high: 5 }, { medium: 5, high: 61 }, { medium: 3 }, { medium: 3, high: 9, low: 1 }, [3, 9]]) {
      const r = await ask(options, "candor/settings/set", { settings: { thresholds } });
      assert.equal(r.ok, false, `accepted ${JSON.stringify(thresholds)}`);
      assert.match(r.error, /^bad message: thresholds/);
    }
    for (const settings of [{ uiLanguage: "fr" }, { disabledSites: ["Example.COM"] }, { disabledSites: ["a b"] }, { verificationRetentionDays: 0 }]) {
      const r = await ask(options, "candor/settings/set", { settings });
      assert.equal(r.ok, false, `accepted ${JSON.stringify(settings)}`);
    }
    assert.deepEqual((await settingsNow()).settings.thresholds, { medium: 4, high: 12 });

    await options.click("#levels-reset");
    await options.waitForFunction(() => document.querySelector("#threshold-high").value === "9");
    assert.deepEqual((await settingsNow()).settings.thresholds, { medium: 3, high: 9 });
  });

  it("(c) a site switched off is not scanned; switched on again, it is", async () => {
    const sw = `#site-list input[data-host="www.upwork.com"]`;
    await options.waitForSelector(sw);
    assert.equal(await options.isChecked(sw), true);
    await options.click(sw);
    await options.waitForFunction(() => document.querySelector("#sites-status").textContent.includes("www.upwork.com"));
    assert.deepEqual((await settingsNow()).settings.disabledSites, ["www.upwork.com"]);
    const off = await visitRisky();
    assert.equal(await off.evaluate(() => document.documentElement.dataset.candorState), "disabled");
    assert.equal((await piercedNodes(off)).some((n) => n.localName === "candor-badge"), false, "no badge");
    await off.close();

    await options.click(sw);
    await options.waitForFunction(() => document.querySelector("#sites-status").textContent.includes("again"));
    assert.deepEqual((await settingsNow()).settings.disabledSites, []);
    const on = await visitRisky();
    assert.equal(await on.evaluate(() => document.documentElement.dataset.candorState), "done");
    await on.close();

    // Other hosts: validated, listed, removable.
    await options.fill("#site-host", "not a host");
    await options.click("#site-add");
    assert.equal(await options.isVisible("#site-host-error"), true);
    await options.fill("#site-host", "Careers.Example.com");
    await options.click("#site-add");
    await options.waitForSelector('#site-other-list li[data-host="careers.example.com"]');
    assert.equal(await options.isVisible("#site-host-error"), false);
    assert.deepEqual((await settingsNow()).settings.disabledSites, ["careers.example.com"]);
  });

  it("(d) settings export → import in a fresh profile; an invalid import changes nothing", async () => {
    const keyDir = mkdtempSync(join(tmp, "key-"));
    execFileSync("minisign", ["-G", "-W", "-p", join(keyDir, "k.pub"), "-s", join(keyDir, "k.key")], { stdio: "ignore" });
    const pub = readFileSync(join(keyDir, "k.pub"), "utf8");
    const keyLine = pub.trim().split("\n").at(-1).trim();
    const added = await ask(options, "candor/packs/keys/add", { key: pub });
    assert.equal(added.ok, true, added.error);
    for (const settings of [{ thresholds: { medium: 5, high: 15 } }, { verificationRetentionDays: 100 }, { uiLanguage: "de" }]) {
      assert.equal((await ask(options, "candor/settings/set", { settings })).ok, true);
    }
    await options.waitForFunction(() => document.documentElement.lang === "de");

    const [download] = await Promise.all([options.waitForEvent("download"), options.click("#settings-export")]);
    const file = join(tmp, "settings.json");
    await download.saveAs(file);
    const doc = JSON.parse(readFileSync(file, "utf8"));
    assert.equal(doc.format, "candor-settings");
    assert.equal(doc.version, 1);
    assert.ok(!Number.isNaN(Date.parse(doc.exported_at)));
    assert.deepEqual(doc.settings, {
      personaRetentionDays: 90, uiLanguage: "de", thresholds: { medium: 5, high: 15 },
      disabledSites: ["careers.example.com"], verificationRetentionDays: 100,
    });
    assert.deepEqual(doc.subscriptions, []);
    assert.deepEqual(doc.trusted_keys, [keyLine]);
    assert.match(await options.textContent("#transfer-status"), /candor-settings-.*\.json/);

    const fresh = await launch(server.port);
    try {
      const page = await openOptions(fresh);
      const before = await settingsNow(page);

      // An invalid field anywhere: the whole file is refused and nothing changes.
      const bad = structuredClone(doc);
      bad.settings.verificationRetentionDays = 0;
      const badFile = join(tmp, "bad.json");
      writeFileSync(badFile, JSON.stringify(bad));
      await page.setInputFiles("#settings-file", badFile);
      await page.waitForSelector("#transfer[data-plan=invalid]");
      assert.match(await page.textContent("#transfer-status"), /nothing was changed: verificationRetentionDays must be/);
      assert.equal(await page.isVisible("#settings-plan"), false);
      assert.deepEqual(await settingsNow(page), before);
      const refused = await ask(page, "candor/settings/import", { document: bad, apply: true });
      assert.equal(refused.ok, true);
      assert.equal(refused.applied, false);
      assert.deepEqual(await settingsNow(page), before, "applying an invalid document changes nothing");
      assert.equal((await ask(page, "candor/packs/state")).state.keys.length, 0);

      // The good file: the plan lists the changes; Apply applies them all.
      await page.setInputFiles("#settings-file", file);
      await page.waitForSelector("#settings-plan:not([hidden])");
      const changes = await page.$$eval("#settings-plan-changes li", (lis) => lis.map((li) => li.dataset.kind));
      assert.deepEqual(changes.sort(), ["key", "setting", "setting", "setting", "setting"]);
      assert.equal(await page.evaluate(() => document.activeElement.id), "settings-apply");
      await page.click("#settings-apply");
      await page.waitForFunction(() => document.documentElement.lang === "de");
      await page.waitForFunction(() => document.querySelector("#transfer-status").textContent === "Einstellungen importiert.");
      const after = await settingsNow(page);
      assert.deepEqual(after.settings, doc.settings);
      const keys = (await ask(page, "candor/packs/state")).state.keys;
      assert.deepEqual(keys.map((k) => k.key_id), [added.key_id]);
      assert.equal(await page.inputValue("#threshold-medium"), "5");
    } finally {
      await fresh.close();
    }
    assert.equal((await ask(options, "candor/settings/set", { settings: { uiLanguage: "en" } })).ok, true);
    await options.waitForFunction(() => document.documentElement.lang === "en");
  });

  it("(e) every section is reachable by keyboard alone, in order, and every control has a name", async () => {
    await options.reload();
    await options.waitForSelector("#levels[data-ready=true]");
    await options.waitForSelector("#packs[data-ready=true]");
    const seen = [];
    for (let i = 0; i < 120; i++) {
      await options.keyboard.press("Tab");
      const f = await options.evaluate(() => {
        const a = document.activeElement;
        if (!a || a === document.body) return null;
        const labelled = a.labels?.length || a.getAttribute("aria-label") || a.getAttribute("aria-labelledby") || a.textContent.trim();
        return { id: a.id, tag: a.localName, named: Boolean(labelled), section: a.closest("section, nav")?.id ?? null };
      });
      if (f === null) break;
      if (seen.length && seen[0].id === f.id && f.id) break; // wrapped around
      seen.push(f);
    }
    const ids = seen.map((f) => f.id);
    const order = ["ui-language", "threshold-medium", "threshold-high", "levels-save", "levels-reset", "site-host", "site-add",
      "retention", "verify-retention", "verify-export-csv", "verify-wipe", "settings-export", "settings-file"];
    let last = -1;
    for (const id of order) {
      const at = ids.indexOf(id);
      assert.ok(at > last, `${id} reached after the previous control (order: ${ids.join(", ")})`);
      last = at;
    }
    const unnamed = seen.filter((f) => !f.named);
    assert.deepEqual(unnamed, [], "every focusable control has an accessible name");
    const sections = [...new Set(seen.map((f) => f.section).filter(Boolean))];
    for (const s of ["language", "levels", "sites", "packs", "keys", "persona", "verification", "transfer"]) {
      assert.ok(sections.includes(s), `section ${s} reached by Tab`);
    }

    // The language can be changed from the keyboard.
    await options.focus("#ui-language");
    await options.keyboard.press("ArrowDown"); // auto → en
    await options.keyboard.press("ArrowDown"); // en → de
    await options.waitForFunction(() => document.documentElement.lang === "de");
    assert.equal(await options.textContent("h1"), de.optionsTitle.message);
    await chooseLanguage("en");
  });
});

// End-to-end tests of the camera-verification log and the in-page badge and panel (issue 6): the
// built extension (dist/chrome) in Debian Chromium.
//
//   make extension && node --test --test-concurrency=1 tests/e2e/verification.test.mjs
//   CANDOR_UPDATE_SCREENSHOTS=1 …   also writes docs/screenshots/{badge,panel,verification-form}.png
//
// The badge and panel live in closed shadow roots, so they are observed the way assistive
// technology sees them: the accessibility tree (roles, names, focus, checked state) and the
// pierced DOM, both through the DevTools protocol. The recruiter's input is real input: keys and
// mouse clicks at the controls' positions. Storage is the real chrome.storage.local (its 10 MB
// quota really filled for the storage-full case). Nothing is mocked.

import assert from "node:assert/strict";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { launch } from "./harness.mjs";
import { ROOT, startServer } from "./server.mjs";
import { greenhouseCandidate, upworkProfile } from "./pages.mjs";

const ARTIFACTS = join(ROOT, "tests", "e2e", "artifacts");
const SCREENSHOTS = join(ROOT, "docs", "screenshots");

let server;
let browser;
let options; // an extension page: messages to the background, storage


const KEVIN = {
  url: "https://www.upwork.com/freelancers/~01verify00000000a1",
  body: upworkProfile({
    name: "Kevin R.",
    title: "Senior Full-Stack Developer",
    bio: "Full-stack developer, seven years of React and Node.js. My webcam is broken so I prefer chat. Reach me at kevin.verify.dev@gmail.com.",
  }),
};
/** The same mailbox on Greenhouse under another name: the same persona. */
const DANIEL = {
  url: "https://app.greenhouse.io/people/91000001",
  body: greenhouseCandidate({ name: "Daniel Hart", contacts: ["kevinverifydev@gmail.com", "Austin, Texas"] }),
};
const PLAIN = {
  url: "https://www.upwork.com/freelancers/~01verify00000000b2",
  body: upworkProfile({ name: "Ana Lopez", title: "Designer", bio: "Product designer. Portfolio on request, write to ana.lopez.design@example.org." }),
};
const RLO = "\u202e";
const HOSTILE_NAME = `<img src=x onerror="window.__candorPwned=1">${RLO}Evil</style>${"N".repeat(10_000)}`;
const HOSTILE = {
  url: "https://www.upwork.com/freelancers/~01verify00000000c3",
  body: upworkProfile({
    name: HOSTILE_NAME,
    title: `</style><script>window.__candorPwned=2</script>${RLO}reversed`,
    bio: `<img src=x onerror="window.__candorPwned=3"> I can't turn on my camera. ${RLO}Pay me in USDT only.`,
  }),
};

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startServer();
  for (const p of [KEVIN, DANIEL, PLAIN, HOSTILE]) server.addRoute(new URL(p.url).hostname, new URL(p.url).pathname, p.body);
  browser = await launch(server.port);
  options = await browser.context.newPage();
  await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Sends a message to the background from the options page (an extension page). */
async function ask(type, fields = {}) {
  if (options.isClosed()) {
    options = await browser.context.newPage();
    await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
  }
  return options.evaluate(([t, f]) => chrome.runtime.sendMessage({ type: t, ...f }), [type, fields]);
}

const local = (fn, arg) => options.evaluate(fn, arg);

async function reset() {
  assert.equal((await ask("candor/verification/wipe")).ok, true);
  await local(() => chrome.storage.local.remove("zz-test-filler"));
  await local(() => chrome.storage.local.set({ settings: { personaRetentionDays: 90 } }));
  assert.equal((await ask("candor/persona/wipe")).ok, true);
}

async function scanned(page, minScans = 1) {
  await page.waitForFunction(
    (n) => ["done", "error"].includes(document.documentElement.dataset.candorState) &&
      Number(document.documentElement.dataset.candorScans ?? 0) >= n,
    minScans,
    { timeout: 20_000 },
  );
  const state = await page.evaluate(() => ({ ...document.documentElement.dataset }));
  assert.equal(state.candorState, "done", `scan failed: ${state.candorError}`);
  return state;
}

async function visit(url) {
  const page = await browser.context.newPage();
  const response = await page.goto(url, { waitUntil: "load" });
  assert.equal(response.status(), 200);
  await scanned(page);
  await page.bringToFront(); // keyboard focus: the options page was in front
  return page;
}

// ------------------------------------------------------------------------------------------------
// The closed shadow roots, through the DevTools protocol.

async function withCdp(page, fn) {
  const cdp = await page.context().newCDPSession(page);
  try {
    return await fn(cdp);
  } finally {
    await cdp.detach();
  }
}

/** The pierced DOM tree (shadow roots included). */
const domTree = (cdp) => cdp.send("DOM.getDocument", { depth: -1, pierce: true }).then((r) => r.root);

function walk(node, visit, host = null) {
  visit(node, host);
  for (const c of node.children ?? []) walk(c, visit, host);
  for (const s of node.shadowRoots ?? []) walk(s, visit, node.localName);
}

const attrs = (node) => {
  const out = {};
  for (let i = 0; i + 1 < (node.attributes ?? []).length; i += 2) out[node.attributes[i]] = node.attributes[i + 1];
  return out;
};

/** Text of our UI inside hosts named `hostPrefix*` (candor-badge, candor-panel). */
function shadowText(page, hostPrefix) {
  return withCdp(page, async (cdp) => {
    const out = [];
    walk(await domTree(cdp), (n, host) => {
      if (n.nodeType === 3 && host?.startsWith(hostPrefix)) out.push(n.nodeValue);
    });
    return out.join(" ").replace(/\s+/g, " ");
  });
}

/** Elements inside our shadow roots matching `pred(node, attrs)`. */
async function shadowNodes(cdp, pred) {
  const found = [];
  walk(await domTree(cdp), (n, host) => {
    if (n.nodeType === 1 && host?.startsWith("candor-") && pred(n, attrs(n))) found.push(n);
  });
  return found;
}

/** Computed style properties of the first element in our shadow roots matching `pred`. */
function computed(page, pred, props) {
  return withCdp(page, async (cdp) => {
    await cdp.send("DOM.enable");
    await cdp.send("CSS.enable");
    const [node] = await shadowNodes(cdp, pred);
    assert.ok(node, "element found");
    const { computedStyle } = await cdp.send("CSS.getComputedStyleForNode", { nodeId: node.nodeId });
    return Object.fromEntries(props.map((p) => [p, computedStyle.find((c) => c.name === p)?.value]));
  });
}

/** Clicks the centre of the first element in our shadow roots matching `pred` (a real mouse click). */
async function clickIn(page, pred) {
  const box = await boxOf(page, pred);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
}

function boxOf(page, pred) {
  return withCdp(page, async (cdp) => {
    await cdp.send("DOM.enable");
    const [node] = await shadowNodes(cdp, pred);
    assert.ok(node, "element found");
    await cdp.send("DOM.scrollIntoViewIfNeeded", { nodeId: node.nodeId });
    // Inside the panel, keep the element clear of the panel's sticky header.
    const { object } = await cdp.send("DOM.resolveNode", { nodeId: node.nodeId });
    await cdp.send("Runtime.callFunctionOn", {
      objectId: object.objectId,
      functionDeclaration: `function () {
        const panel = this.closest(".panel");
        const header = panel?.querySelector("header");
        if (!panel || !header || header.contains(this)) return;
        const gap = this.getBoundingClientRect().top - header.getBoundingClientRect().bottom;
        if (gap < 8) panel.scrollTop -= 8 - gap;
      }`,
    });
    const { model } = await cdp.send("DOM.getBoxModel", { nodeId: node.nodeId });
    const [x1, y1, , , x3, y3] = model.border;
    return { x: x1, y: y1, width: x3 - x1, height: y3 - y1 };
  });
}

/** The accessibility tree as a flat list of {role, name, focused, checked, value, ...}. */
function axNodes(page) {
  return withCdp(page, async (cdp) => {
    const { nodes } = await cdp.send("Accessibility.getFullAXTree");
    return nodes.filter((n) => !n.ignored).map((n) => {
      const props = Object.fromEntries((n.properties ?? []).map((p) => [p.name, p.value?.value]));
      return { role: n.role?.value, name: n.name?.value ?? "", value: n.value?.value, ...props };
    });
  });
}

/** The focused control (the document itself also reports "focused" while it has the focus). */
const focused = async (page) => (await axNodes(page)).find((n) => n.focused === true && n.role !== "RootWebArea") ?? null;

/** Presses Tab until the focused node satisfies `pred` (at most `max` presses). */
async function tabTo(page, pred, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const f = await focused(page);
    if (f && pred(f)) return f;
  }
  const ax = await axNodes(page);
  assert.fail(`Tab never reached the control; focusable: ${JSON.stringify(ax.filter((n) => n.focusable).slice(0, 5))}; active: ${await page.evaluate(() => document.activeElement?.localName)}`);
}

const isBadge = (n) => n.role === "button" && n.name.startsWith("Candor:");
const panelOpen = (page) => page.waitForSelector("[data-open=true]", { state: "attached" });
const panelClosed = (page) => page.waitForSelector("[data-open=false]", { state: "attached" });

/** Opens the panel with the mouse on the badge. */
async function openPanel(page) {
  await page.click("candor-badge, [data-level]");
  await panelOpen(page);
}

/** Chooses an outcome and types a note with mouse clicks and keys, then saves. */
async function fillAndSave(page, { outcome, note }) {
  await clickIn(page, (n, a) => n.localName === "input" && a.value === outcome);
  await clickIn(page, (n) => n.localName === "textarea");
  await page.keyboard.type(note);
  await clickIn(page, (n, a) => n.localName === "button" && a.class === "save");
}

/** The screenshots the README shows; the others stay in tests/e2e/artifacts/. */
const README_SHOTS = new Set(["badge.png", "panel.png", "verification-form.png"]);

async function shot(page, name, box, pad = 6) {
  const path = join(ARTIFACTS, name);
  const clip = { x: Math.max(0, box.x - pad), y: Math.max(0, box.y - pad), width: box.width + 2 * pad, height: box.height + 2 * pad };
  await page.screenshot({ path, clip });
  if (process.env.CANDOR_UPDATE_SCREENSHOTS === "1" && README_SHOTS.has(name)) {
    mkdirSync(SCREENSHOTS, { recursive: true });
    copyFileSync(path, join(SCREENSHOTS, name));
  }
}

const records = async () => {
  const r = await ask("candor/verification/list");
  assert.equal(r.ok, true, r.error);
  return r.records;
};

// ------------------------------------------------------------------------------------------------

describe("verification log and in-page UI in Chromium", () => {
  beforeEach(reset);

  it("keyboard only: Tab to the badge, Enter, tick steps, arrows for the outcome, save, Escape; the record survives a reload", async () => {
    const page = await visit(KEVIN.url);
    const badge = await tabTo(page, isBadge);
    assert.match(badge.name, /^Candor: .* risk, .* — verify on camera$/);
    assert.equal(badge.expanded, false);

    await page.keyboard.press("Enter");
    await panelOpen(page);
    const ax = await axNodes(page);
    const dialog = ax.find((n) => n.role === "dialog");
    assert.equal(dialog?.name, "Candor — Kevin R.", "the dialog is named by its heading");
    assert.equal((await focused(page))?.name, "Candor — Kevin R.", "focus moved into the panel (its heading)");
    const steps = ax.filter((n) => n.role === "checkbox");
    assert.ok(steps.length >= 5, `the verification script as a checklist (${steps.length})`);
    assert.ok(steps.every((s) => s.name.length > 10), "each checkbox is named by its step");
    assert.ok(ax.some((n) => n.role === "group" && n.name === "Record the outcome"), "the record form is a named group");
    assert.ok(ax.some((n) => n.role === "radiogroup" && n.name === "Outcome"));
    assert.deepEqual(ax.filter((n) => n.role === "radio").map((n) => n.name),
      ["Verified on camera", "Refused the camera", "Rescheduled", "Not yet"]);
    assert.ok(ax.some((n) => n.role === "textbox" && n.name === "Note (optional)"));
    assert.ok(ax.some((n) => n.role === "button" && n.name === "Save record"));
    assert.ok(ax.some((n) => n.role === "status"), "a live region for the save result");

    // Tick the first two steps with Space.
    await tabTo(page, (n) => n.role === "checkbox");
    await page.keyboard.press("Space");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Space");
    let checked = (await axNodes(page)).filter((n) => n.role === "checkbox" && n.checked === "true");
    assert.equal(checked.length, 2, "two steps ticked");
    // Into the outcome group; arrows move the choice.
    await tabTo(page, (n) => n.role === "radio");
    await page.keyboard.press("ArrowDown"); // Refused
    await page.keyboard.press("ArrowUp"); // back to Verified
    const radio = await focused(page);
    assert.equal(radio.name, "Verified on camera");
    assert.equal(radio.checked, "true");
    await page.keyboard.press("Tab");
    assert.equal((await focused(page)).role, "textbox");
    await page.keyboard.type("ID shown on camera, hand wave fine.");
    await page.keyboard.press("Tab");
    assert.equal((await focused(page)).name, "Save record");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.documentElement.dataset.candorVerification === "saved");

    const panel = await shadowText(page, "candor-panel");
    assert.match(panel, /Recorded: Verified on camera, /);
    assert.match(panel, /Verified on camera · .* · by you — 2 of \d+ steps done/);
    assert.ok(panel.includes("ID shown on camera, hand wave fine."));
    assert.match(await shadowText(page, "candor-badge"), /✓ verified on camera .+ · you/);
    const [saved] = await records();
    assert.equal(saved.outcome, "verified");
    assert.equal(saved.key, "upwork:01verify00000000a1");
    assert.equal(saved.profile_id, "01verify00000000a1");
    assert.equal(saved.name, "Kevin R.");
    assert.equal(saved.steps.filter((s) => s.done).length, 2);
    assert.ok(saved.identifiers.some((i) => i.startsWith("email:")), "persona identifiers added by the background");

    // Escape closes and returns the focus to the badge.
    await page.keyboard.press("Escape");
    await panelClosed(page);
    const back = await focused(page);
    assert.ok(isBadge(back), `focus back on the badge: ${back?.name}`);
    assert.match(back.name, /Last record: ✓ verified on camera/);

    // After a reload, the badge and the panel show the record.
    await page.reload({ waitUntil: "load" });
    await scanned(page);
    const badgeText = await shadowText(page, "candor-badge");
    const day = new Intl.DateTimeFormat("en", { day: "numeric", month: "short" }).format(new Date());
    assert.ok(badgeText.includes(`✓ verified on camera ${day} · you`), badgeText);
    await openPanel(page);
    assert.match(await shadowText(page, "candor-panel"), /Verified on camera · .* · by you — 2 of \d+ steps done/);
    await page.close();
  });

  it("the same persona on another site (shared e-mail) shows the record", async () => {
    const kevin = await visit(KEVIN.url);
    await openPanel(kevin);
    await fillAndSave(kevin, { outcome: "refused", note: "Camera 'broken' again." });
    await kevin.waitForFunction(() => document.documentElement.dataset.candorVerification === "saved");
    await kevin.close();

    const daniel = await visit(DANIEL.url);
    assert.match(await shadowText(daniel, "candor-badge"), /✗ refused camera .+ · you/);
    await openPanel(daniel);
    const text = await shadowText(daniel, "candor-panel");
    assert.match(text, /Refused the camera · .* · by you/);
    assert.match(text, /recorded on upwork for .*Kevin R\./);
    await daniel.close();

    // Someone else (no shared contact) has no record.
    const other = await visit(PLAIN.url);
    assert.doesNotMatch(await shadowText(other, "candor-badge"), /verified|refused/);
    await other.close();
  });

  it("exports CSV (RFC 4180, formula-safe) and JSON; list, export and wipe are refused to content scripts", async () => {
    const note = '=HYPERLINK("https://evil.example","click")\nsecond line, with "quotes"';
    const candidate = { site: "upwork", key: "upwork:01verify00000000a1", profile_id: "01verify00000000a1", name: "@Kevin", url: KEVIN.url };
    const steps = [{ text: "Video mandatory", done: true }, { text: "-ID on camera", done: false }];
    for (const outcome of ["rescheduled", "verified"]) {
      const r = await ask("candor/verification/save", { candidate, outcome, steps, note });
      assert.equal(r.ok, true, r.error);
    }
    const list = await records();
    assert.deepEqual(list.map((r) => r.outcome), ["verified", "rescheduled"], "newest first");

    const csv = await ask("candor/verification/export", { format: "csv" });
    assert.equal(csv.ok, true, csv.error);
    assert.equal(csv.mime, "text/csv;charset=utf-8");
    assert.match(csv.filename, /^candor-verifications-\d{4}-\d{2}-\d{2}\.csv$/);
    const [header, ...rest] = csv.text.split("\r\n");
    assert.equal(header, '"recorded_at","outcome","name","site","profile_id","url","key","steps_done","steps","note","recorded_by","id"');
    assert.equal(rest.filter(Boolean).length, 2, "one line per record (newlines inside quotes are LF)");
    assert.ok(csv.text.includes(`"'=HYPERLINK(""https://evil.example"",""click"")\nsecond line, with ""quotes"""`), csv.text);
    assert.ok(csv.text.includes(`"'@Kevin"`), "a name starting with @ is defused");
    assert.ok(csv.text.includes(`"[x] Video mandatory\n[ ] -ID on camera"`));
    assert.ok(!/(^|,)[=+\-@]/m.test(csv.text), "no cell starts with a formula character");

    const json = await ask("candor/verification/export", { format: "json" });
    const doc = JSON.parse(json.text);
    assert.equal(doc.format, "candor-verification-log");
    assert.equal(doc.records.length, 2);
    assert.equal(doc.records[0].note, note, "the JSON keeps the note exactly");
    assert.equal(doc.records[0].recorded_by, "you");

    for (const bad of [{ format: "xml" }, {}]) assert.equal((await ask("candor/verification/export", bad)).ok, false);
    assert.equal((await ask("candor/verification/save", { candidate, outcome: "maybe", steps })).ok, false);
    assert.equal((await ask("candor/verification/save", { candidate, outcome: "verified", steps, note: "n".repeat(2001) })).ok, false);
    assert.equal((await ask("candor/verification/save", { candidate: { ...candidate, identifiers: ["email:raw@example.com"] }, outcome: "verified", steps })).ok, false);

    const page = await visit(PLAIN.url);
    const answers = await options.evaluate(async (url) => {
      const [tab] = await chrome.tabs.query({ url });
      const [result] = await chrome.scripting.executeScript({
        target: { tabId: tab.id },
        func: async () => {
          const out = {};
          for (const [type, extra] of [["candor/verification/list", {}], ["candor/verification/export", { format: "csv" }], ["candor/verification/wipe", {}]]) {
            out[type] = await chrome.runtime.sendMessage({ type, ...extra });
          }
          return out;
        },
      });
      return result.result;
    }, PLAIN.url);
    await page.close();
    for (const [type, answer] of Object.entries(answers)) assert.deepEqual(answer, { ok: false, error: "sender not allowed" }, type);
    assert.equal((await records()).length, 2, "the content script's wipe did nothing");

    assert.equal((await ask("candor/verification/wipe")).ok, true);
    assert.deepEqual(await records(), []);
    const again = await visit(KEVIN.url);
    assert.doesNotMatch(await shadowText(again, "candor-badge"), /verified|rescheduled/, "wiped: no status on the badge");
    await again.close();
  });

  it("retention prunes old records on save and when the worker starts", async () => {
    const [worker] = browser.context.serviceWorkers();
    const old = (days) => new Date(Date.now() - days * 86_400_000).toISOString();
    const rec = (id, days) => ({ id, site: "upwork", key: "upwork:x", profile_id: "x", name: "X", url: null, identifiers: [], outcome: "verified", steps: [], note: "", recorded_at: old(days), recorded_by: "you" });
    await worker.evaluate((recs) => chrome.storage.local.set({ verifications: { version: 1, records: recs } }), [rec("old", 400), rec("recent", 10)]);
    assert.deepEqual((await records()).map((r) => r.id), ["recent"], "expired records are never answered");
    const r = await ask("candor/verification/save", { candidate: { site: "upwork", key: "upwork:y" }, outcome: "not_yet", steps: [] });
    assert.equal(r.ok, true, r.error);
    let stored = await worker.evaluate(() => chrome.storage.local.get("verifications").then((g) => g.verifications.records.map((x) => x.id)));
    assert.equal(stored.length, 2);
    assert.ok(!stored.includes("old"), "pruned from storage on save");

    // A shorter retention (settings.verificationRetentionDays) prunes the 10-day-old record.
    const settings = await local(() => chrome.storage.local.get("settings").then((g) => g.settings));
    await local((s) => chrome.storage.local.set({ settings: { ...s, verificationRetentionDays: 5 } }), settings);
    const r2 = await ask("candor/verification/save", { candidate: { site: "upwork", key: "upwork:z" }, outcome: "verified", steps: [] });
    assert.equal(r2.ok, true);
    stored = await worker.evaluate(() => chrome.storage.local.get("verifications").then((g) => g.verifications.records.map((x) => x.id)));
    assert.ok(!stored.includes("recent"), `pruned at 5 days: ${stored}`);
    assert.equal(stored.length, 2);
  });

  it("storage full: the error is shown (role=alert), the form keeps the entry, and it saves once there is room", async () => {
    // Memory off, so persona memory has nothing to give up: the quota really refuses the record.
    await local(() => chrome.storage.local.set({ settings: { personaRetentionDays: 0 } }));
    const page = await visit(PLAIN.url);
    await openPanel(page);
    const QUOTA = 10 * 1024 * 1024;
    await local(async (quota) => {
      const used = await chrome.storage.local.getBytesInUse(null);
      const key = "zz-test-filler";
      await chrome.storage.local.set({ [key]: "x".repeat(quota - used - key.length - 2 - 16) });
    }, QUOTA);

    const note = "Candidate asked to move the call; keep this note.";
    await fillAndSave(page, { outcome: "rescheduled", note });
    await page.waitForFunction(() => document.documentElement.dataset.candorVerification === "error");
    const ax = await axNodes(page);
    const alert = ax.find((n) => n.role === "alert" && n.name !== "");
    const alertText = alert?.name || (await shadowText(page, "candor-panel"));
    assert.match(alertText, /Not saved: storage full: .*quota.*What you entered is kept/i);
    assert.equal(ax.find((n) => n.role === "radio" && n.name === "Rescheduled")?.checked, "true", "the outcome is kept");
    assert.equal(ax.find((n) => n.role === "textbox")?.value, note, "the note is kept");
    await shot(page, "verification-form-error.png", await boxOf(page, (n, a) => a.class === "record"));
    assert.deepEqual(await records(), [], "nothing half-saved");

    await local(() => chrome.storage.local.remove("zz-test-filler"));
    await clickIn(page, (n, a) => n.localName === "button" && a.class === "save");
    await page.waitForFunction(() => document.documentElement.dataset.candorVerification === "saved");
    const [saved] = await records();
    assert.equal(saved.outcome, "rescheduled");
    assert.equal(saved.note, note);
    await page.close();
  });

  it("hostile profile content never changes the panel's own text and never runs", async () => {
    const page = await visit(HOSTILE.url);
    await openPanel(page);
    const ax = await axNodes(page);
    const dialog = ax.find((n) => n.role === "dialog");
    assert.ok(dialog.name.startsWith("Candor — "), dialog.name);
    assert.ok(dialog.name.length <= "Candor — ".length + 82, `name cut (${dialog.name.length})`);
    assert.ok(dialog.name.includes("…"), "the cut is visible");
    assert.ok(!dialog.name.includes(RLO), "bidi override removed");
    for (const fixed of ["Verify on camera before the next step", "Record the outcome", "Save record", "Verification history"]) {
      assert.ok(ax.some((n) => n.name === fixed), `fixed string "${fixed}"`);
    }
    const text = await shadowText(page, "candor-panel");
    assert.ok(text.includes('<img src=x onerror="window.__candorPwned=1">'), "markup shown as text");
    const elements = await withCdp(page, async (cdp) => (await shadowNodes(cdp, (n) => ["img", "script", "style"].includes(n.localName))).length);
    assert.equal(elements, 0, "no element from the page inside our shadow roots");
    assert.equal(await page.evaluate(() => window.__candorPwned ?? null), null, "nothing executed");
    await page.close();
  });

  it("switching the interface language to German re-renders the badge and the panel", async () => {
    const candidate = { site: "upwork", key: "upwork:01verify00000000a1", profile_id: "01verify00000000a1" };
    assert.equal((await ask("candor/verification/save", { candidate, outcome: "verified", steps: [] })).ok, true);
    const page = await visit(KEVIN.url);
    const scans = Number(await page.evaluate(() => document.documentElement.dataset.candorScans));
    assert.match(await shadowText(page, "candor-badge"), /MEDIUM|HIGH|Medium|High/i);
    try {
      const set = await ask("candor/settings/set", { settings: { uiLanguage: "de" } });
      assert.equal(set.ok, true, set.error);
      await scanned(page, scans + 1); // storage.onChanged(settings) → a re-scan in the new language
      const badge = await shadowText(page, "candor-badge");
      assert.match(badge, /✓ per Kamera verifiziert .+ · Ihnen/, badge);
      await openPanel(page);
      const ax = await axNodes(page);
      for (const de of ["Ergebnis festhalten", "Eintrag speichern", "Notiz (optional)", "Per Kamera verifiziert"]) {
        assert.ok(ax.some((n) => n.name === de), `German "${de}"`);
      }
    } finally {
      assert.equal((await ask("candor/settings/set", { settings: { uiLanguage: "auto" } })).ok, true);
      await page.close();
    }
  });

  it("dark mode and reduced motion: computed styles follow the media features; screenshots", async () => {
    const candidate = { site: "upwork", key: "upwork:01verify00000000a1", profile_id: "01verify00000000a1", name: "Kevin R." };
    const saved = await ask("candor/verification/save", { candidate, outcome: "verified", steps: [{ text: "Video mandatory", done: true }], note: "ID shown on camera." });
    assert.equal(saved.ok, true, saved.error);
    const page = await visit(KEVIN.url);
    await page.emulateMedia({ colorScheme: "light", reducedMotion: "no-preference" });
    await openPanel(page);
    const panelPred = (n, a) => n.localName === "section" && a.class === "panel";
    const light = await computed(page, panelPred, ["background-color", "color", "animation-name"]);
    assert.equal(light["background-color"], "rgb(255, 255, 255)");
    assert.equal(light["animation-name"], "candor-in");
    await shot(page, "panel.png", await boxOf(page, panelPred));
    await shot(page, "verification-form.png", await boxOf(page, (n, a) => a.class === "record"));

    await page.emulateMedia({ colorScheme: "dark", reducedMotion: "reduce" });
    const dark = await computed(page, panelPred, ["background-color", "color", "animation-name"]);
    assert.equal(dark["background-color"], "rgb(21, 24, 29)");
    assert.equal(dark.color, "rgb(230, 237, 243)");
    assert.equal(dark["animation-name"], "none");
    const badgeDark = await computed(page, (n, a) => n.localName === "button" && a["aria-haspopup"] === "dialog", ["transition-property", "transition-duration", "color"]);
    assert.ok(["0s", undefined].includes(badgeDark["transition-duration"]) || badgeDark["transition-property"] === "none", JSON.stringify(badgeDark));
    const save = await computed(page, (n, a) => n.localName === "button" && a.class === "save", ["background-color", "color"]);
    assert.deepEqual(save, { "background-color": "rgb(138, 180, 248)", color: "rgb(13, 17, 23)" });
    await page.emulateMedia({ colorScheme: "light", reducedMotion: "no-preference" });
    await page.keyboard.press("Escape");
    await shot(page, "badge.png", await boxOf(page, (n, a) => n.localName === "button" && a["aria-haspopup"] === "dialog"), 10);
    await page.close();
  });
});

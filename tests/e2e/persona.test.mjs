// End-to-end tests of persona memory (issue #4): the built extension (dist/chrome) in Debian
// Chromium, remembering the candidates it sees in chrome.storage.local and flagging a profile that
// reuses another persona's contact or text ("seen as <name> on <site>, <date>").
//
//   make extension && node --test tests/e2e/persona.test.mjs
//
// Pages are written here (server.addRoute) and served at their real URLs. Everything is observed
// from outside: the page state on <html> (data-candor-*), the closed panel through the DevTools
// protocol, the options page (its UI, its messages to the background, its view of
// chrome.storage.local) and the file the options page downloads. Nothing is mocked. This file
// has its own browser profile: the memory starts empty.

import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { launch } from "./harness.mjs";
import { ROOT, startServer } from "./server.mjs";
import { greenhouseCandidate, upworkProfile } from "./pages.mjs";

const ARTIFACTS = join(ROOT, "tests", "e2e", "artifacts");

let server;
let browser;
let options; // the options page, kept open: extension-page context for messages and storage

// ------------------------------------------------------------------------------------------------
// Pages


const KEVIN_BIO =
  "Full-stack developer with seven years of React and Node.js work for US startups. " +
  "I ship clean, tested code and I am available full time. Reach me directly at kevin.r.dev+upwork@gmail.com for a quick start.";

/** Upwork persona "Kevin R." whose bio gives a Gmail address. */
const KEVIN = {
  path: "/freelancers/~01persona0000000a1",
  url: "https://www.upwork.com/freelancers/~01persona0000000a1",
  body: upworkProfile({ name: "Kevin R.", title: "Senior Full-Stack Developer", bio: KEVIN_BIO }),
};

/** Greenhouse candidate "Daniel Hart" with the same Gmail mailbox: dots dropped, no +tag. */
const DANIEL = {
  path: "/people/90000001",
  url: "https://app.greenhouse.io/people/90000001",
  email: "kevinrdev@gmail.com",
  body: greenhouseCandidate({
    name: "Daniel Hart",
    headline: "Senior Software Engineer",
    contacts: ["kevinrdev@gmail.com", "Austin, Texas"],
    resume: "DANIEL HART. Senior Software Engineer. React, TypeScript, Node.js, PostgreSQL.",
  }),
};

const RAW_EMAIL_PARTS = ["kevin.r.dev", "kevinrdev", "gmail", "+upwork"];

/** A bio long enough for a text signature, copied (one word changed) under another name. */
const COPIED_BIO =
  "I am a dedicated blockchain engineer with deep experience designing secure smart contracts, " +
  "decentralized exchanges and NFT marketplaces on Ethereum and Solana. I have led remote teams " +
  "for clients in fintech and gaming, delivering audited code on time and communicating every day " +
  "through clear written status reports and pull request reviews.";

const SAM = {
  path: "/freelancers/~01persona0000000b2",
  url: "https://www.upwork.com/freelancers/~01persona0000000b2",
  body: upworkProfile({ name: "Sam Ortiz", title: "Blockchain Engineer", bio: COPIED_BIO }),
};
const LEE = {
  path: "/people/90000002",
  url: "https://app.greenhouse.io/people/90000002",
  body: greenhouseCandidate({
    name: "Lee Park",
    headline: "Smart Contract Engineer",
    contacts: ["lee.park@example.org"],
    resume: COPIED_BIO.replace("dedicated", "passionate"),
  }),
};

/** A family of distinct Upwork personas, for the concurrency and quota tests. */
function extraProfile(i) {
  const id = `01persona00000c${String(i).padStart(3, "0")}`;
  return {
    path: `/freelancers/~${id}`,
    url: `https://www.upwork.com/freelancers/~${id}`,
    key: `upwork:${id}`,
    body: upworkProfile({
      name: `Persona ${i}`,
      title: "Developer",
      bio: `Developer number ${i}. Write to persona.${i}.dev@example.com about new work.`,
    }),
  };
}

// ------------------------------------------------------------------------------------------------
// Helpers

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startServer();
  for (const p of [KEVIN, DANIEL, SAM, LEE]) server.addRoute(new URL(p.url).hostname, p.path, p.body);
  for (let i = 0; i < 8; i++) {
    const p = extraProfile(i);
    server.addRoute("www.upwork.com", p.path, p.body);
  }
  browser = await launch(server.port);
  options = await openOptions();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const optionsUrl = () => `chrome-extension://${browser.extensionId}/options.html`;

/** Opens the options page and waits until it shows the memory's numbers. */
async function openOptions() {
  const page = await browser.context.newPage();
  await page.goto(optionsUrl());
  await page.waitForSelector("#persona[data-ready=true]");
  return page;
}

/** Sends a message to the background from the options page (an extension page). */
const ask = (type, fields = {}) =>
  options.evaluate(([t, f]) => chrome.runtime.sendMessage({ type: t, ...f }), [type, fields]);

/** chrome.storage.local as the extension sees it. */
const stored = (key) => options.evaluate((k) => chrome.storage.local.get(k).then((r) => r[k] ?? null), key);

async function stats() {
  const r = await ask("candor/persona/stats");
  assert.equal(r.ok, true, r.error);
  return r.stats;
}

/** Back to the default: retention 90 days, memory empty under a fresh secret. */
async function reset() {
  if (options.isClosed()) options = await openOptions();
  const set = await ask("candor/settings/set", { settings: { personaRetentionDays: 90 } });
  assert.equal(set.ok, true, set.error);
  const wipe = await ask("candor/persona/wipe");
  assert.equal(wipe.ok, true, wipe.error);
  assert.equal(wipe.stats.count, 0);
}

async function scanned(page) {
  await page.waitForFunction(
    () => ["done", "error"].includes(document.documentElement.dataset.candorState),
    null,
    { timeout: 20_000 },
  );
  return page.evaluate(() => ({ ...document.documentElement.dataset }));
}

/** Opens `url` in a new tab and waits for the scan; returns the page and its state. */
async function visit(url) {
  const page = await browser.context.newPage();
  const response = await page.goto(url, { waitUntil: "load" });
  assert.equal(response.status(), 200, `GET ${url}`);
  const state = await scanned(page);
  assert.equal(state.candorState, "done", `scan failed: ${state.candorError}`);
  return { page, state };
}

/** Visits and closes. */
async function see(url) {
  const { page, state } = await visit(url);
  await page.close();
  return state;
}

/** Opens the candidate's panel and returns its text (closed shadow root, via the DevTools protocol). */
async function panelText(page) {
  await page.click("candor-badge");
  await page.waitForSelector("candor-panel[data-open=true]");
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send("DOM.getDocument", { depth: -1, pierce: true });
    const out = [];
    const walk = (node, host) => {
      if (node.nodeType === 3 && host === "candor-panel") out.push(node.nodeValue);
      for (const c of node.children ?? []) walk(c, host);
      for (const s of node.shadowRoots ?? []) walk(s, node.localName);
    };
    walk(root, null);
    return out.join(" ");
  } finally {
    await cdp.detach();
  }
}

const badge = (page) =>
  page.evaluate(() => {
    const b = document.querySelector("candor-badge");
    return b && { level: b.getAttribute("data-level"), count: Number(b.getAttribute("data-count")) };
  });

const highlighted = (page) =>
  page.evaluate(() => {
    const name = [...CSS.highlights.keys()].find((k) => k.startsWith("candor-evidence-"));
    return name ? [...CSS.highlights.get(name)].map((r) => r.toString()) : [];
  });

const utcDay = (d = new Date()) => d.toISOString().slice(0, 10);
const IDENTIFIER = /^(?:email|phone|handle):[0-9a-f]{32}$/;
const REUSE_TITLE = "Same contact or text as another persona";

// ------------------------------------------------------------------------------------------------

describe("persona memory in Chromium", () => {
  beforeEach(reset);

  it("the options page is registered (runtime.openOptionsPage) and shows an empty memory", async () => {
    // openOptionsPage focuses an open options tab instead of opening another, and may reuse a blank
    // tab rather than open a new one: close ours first, then look for the tab it shows.
    await options.close();
    const [worker] = browser.context.serviceWorkers();
    assert.ok(worker, "the background service worker is running");
    await worker.evaluate(() => chrome.runtime.openOptionsPage());
    let page;
    for (let i = 0; i < 100 && !page; i++) {
      page = browser.context.pages().find((p) => p.url().startsWith(optionsUrl()));
      if (!page) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(page, "runtime.openOptionsPage opened options.html in a tab");
    options = page;
    await page.waitForSelector("#persona[data-ready=true]");
    assert.equal(await page.title(), "Candor settings");
    assert.equal(await page.textContent("#persona h2"), "Persona memory");
    assert.equal(await page.textContent("#persona-count"), "0");
    assert.equal(await page.textContent("#persona-oldest"), "none");
    assert.equal(await page.inputValue("#retention"), "90");
    // Every control has an accessible name.
    for (const sel of ["#retention", "#retention-save", "#export", "#wipe"]) {
      const name = await page.evaluate((s) => {
        const el = document.querySelector(s);
        return el.labels?.[0]?.textContent.trim() || el.textContent.trim();
      }, sel);
      assert.ok(name, `${sel} has a label`);
    }
    await page.screenshot({ path: join(ARTIFACTS, "persona-options.png"), fullPage: true });
    // Nothing in the extension's own pages and background is ever parsed as HTML.
    for (const f of ["options.js", "background.js", "persona-store.js"]) {
      const src = readFileSync(join(ROOT, "extension", f), "utf8");
      assert.doesNotMatch(src, /\.(?:innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write/, f);
    }
  });

  it("(a) a Greenhouse candidate reusing an Upwork persona's e-mail is flagged 'seen as'", async () => {
    const dayBefore = utcDay();
    const upwork = await see(`${KEVIN.url}?ref=search#overview`);
    assert.equal(upwork.candorMemory, "on");
    assert.equal(upwork.candorMemoryError, undefined);
    assert.equal((await stats()).count, 1);

    const { page, state } = await visit(DANIEL.url);
    const dayAfter = utcDay();
    assert.equal(state.candorPageKind, "candidate");
    assert.equal(state.candorMemory, "on");
    assert.ok(["medium", "high", "critical"].includes(state.candorLevel), `level ${state.candorLevel}`);
    const b = await badge(page);
    assert.ok(b.count >= 1, "the reuse is a finding on the badge");
    // The evidence is the e-mail address on this page, highlighted where it stands.
    assert.ok((await highlighted(page)).includes(DANIEL.email), `highlights: ${await highlighted(page)}`);
    const text = await panelText(page);
    assert.ok(text.includes(REUSE_TITLE), text);
    const seen = text.match(/seen as Kevin R\. on upwork, (\d{4}-\d{2}-\d{2}): the same email/);
    assert.ok(seen, `panel: ${text}`);
    assert.ok([dayBefore, dayAfter].includes(seen[1]), `date ${seen[1]}`);
    await page.screenshot({ path: join(ARTIFACTS, "persona-a-reuse-panel.png") });
    await page.close();

    // Both personas are remembered. Seen again, Kevin's profile is not a reuse of itself, but it
    // now shares its mailbox with Daniel's.
    assert.equal((await stats()).count, 2);
    const again = await visit(KEVIN.url);
    const againText = await panelText(again.page);
    assert.ok(!againText.includes("seen as Kevin R."), "a profile is not a reuse of itself");
    assert.match(againText, /seen as Daniel Hart on greenhouse, \d{4}-\d{2}-\d{2}: the same email/);
    await again.page.close();
    assert.equal((await stats()).count, 2, "a second sighting updates the entry, it adds none");
  });

  it("(a') a copied bio under another name is flagged with its similarity", async () => {
    await see(SAM.url);
    const { page } = await visit(LEE.url);
    const text = await panelText(page);
    const m = text.match(/seen as Sam Ortiz on upwork, \d{4}-\d{2}-\d{2}: (\d+)% the same text/);
    assert.ok(m, `panel: ${text}`);
    assert.ok(Number(m[1]) >= 80, `similarity ${m[1]}%`);
    await page.close();
  });

  it("(b) the export holds hashed identifiers, no raw e-mail and not the secret", async () => {
    await see(`${KEVIN.url}?ref=search#overview`);
    await see(DANIEL.url);
    const persona = await stored("persona");
    assert.equal(persona.version, 1);
    assert.match(persona.secret, /^[0-9a-f]{64}$/);

    // The options page's Export button downloads the file.
    await options.reload();
    await options.waitForSelector("#persona[data-ready=true]");
    assert.equal(await options.textContent("#persona-count"), "2");
    assert.equal(await options.getAttribute("#persona-oldest time", "datetime"), utcDay());
    const [download] = await Promise.all([options.waitForEvent("download"), options.click("#export")]);
    assert.match(download.suggestedFilename(), /^candor-persona-memory-\d{4}-\d{2}-\d{2}\.json$/);
    const raw = readFileSync(await download.path(), "utf8");
    assert.match(await options.textContent("#persona-status"), /Exported 2 entries/);

    const doc = JSON.parse(raw);
    assert.equal(doc.format, "candor-persona-memory");
    assert.equal(doc.version, 1);
    assert.ok(!Number.isNaN(Date.parse(doc.exported_at)), `exported_at ${doc.exported_at}`);
    assert.deepEqual(Object.keys(doc).sort(), ["entries", "exported_at", "format", "version"]);
    assert.equal(doc.entries.length, 2);
    const byName = Object.fromEntries(doc.entries.map((e) => [e.name, e]));
    assert.deepEqual(Object.keys(byName).sort(), ["Daniel Hart", "Kevin R."]);
    const kevin = byName["Kevin R."];
    assert.equal(kevin.site, "upwork");
    assert.equal(kevin.key, "upwork:01persona0000000a1");
    assert.equal(kevin.url, KEVIN.url, "the URL is kept without query or fragment");
    assert.equal(byName["Daniel Hart"].site, "greenhouse");
    for (const e of doc.entries) {
      assert.ok(Number.isInteger(e.seen_at) && Math.abs(e.seen_at - Date.now() / 1000) < 600, `seen_at ${e.seen_at}`);
      assert.ok(e.fingerprint.identifiers.length > 0);
      for (const id of e.fingerprint.identifiers) assert.match(id, IDENTIFIER);
    }
    // The two personas share the (keyed hash of the) same normalised mailbox.
    const shared = kevin.fingerprint.identifiers.filter((i) => byName["Daniel Hart"].fingerprint.identifiers.includes(i));
    assert.ok(shared.some((i) => i.startsWith("email:")), "the same hashed e-mail in both");

    // No raw contact anywhere: not in the export, not in storage. And the export has no secret.
    const inStorage = JSON.stringify(await stored("persona"));
    for (const part of RAW_EMAIL_PARTS) {
      assert.ok(!raw.toLowerCase().includes(part), `export contains "${part}"`);
      assert.ok(!inStorage.toLowerCase().includes(part), `storage contains "${part}"`);
    }
    assert.ok(!raw.includes(persona.secret), "the export does not contain the secret");
    assert.ok(!/"secret"/.test(raw));

    // The worker's own export answers the same entries.
    const viaMessage = await ask("candor/persona/export");
    assert.equal(viaMessage.ok, true);
    assert.deepEqual(viaMessage.document.entries, doc.entries);
  });

  it("(c) after a wipe (options page, with confirmation) the second page is no longer flagged", async () => {
    await see(KEVIN.url);
    const flagged = await visit(DANIEL.url);
    const before = await badge(flagged.page);
    assert.ok((await panelText(flagged.page)).includes("seen as Kevin R."));
    await flagged.page.close();
    const oldSecret = (await stored("persona")).secret;

    await options.reload();
    await options.waitForSelector("#persona[data-ready=true]");
    assert.equal(await options.textContent("#persona-count"), "2");
    // Keyboard: the wipe asks first, with the focus on Cancel; Escape backs out.
    await options.focus("#wipe");
    await options.keyboard.press("Enter");
    await options.waitForSelector("#wipe-confirm:not([hidden])");
    assert.equal(await options.getAttribute("#wipe", "aria-expanded"), "true");
    assert.equal(await options.evaluate(() => document.activeElement.id), "wipe-no");
    assert.match(await options.textContent("#wipe-question"), /Forget all 2 remembered candidates/);
    await options.keyboard.press("Escape");
    await options.waitForSelector("#wipe-confirm", { state: "hidden" });
    assert.equal(await options.evaluate(() => document.activeElement.id), "wipe");
    assert.equal((await stats()).count, 2, "cancelled: nothing was wiped");

    await options.click("#wipe");
    await options.click("#wipe-yes");
    await options.waitForFunction(() => document.getElementById("persona-count").textContent === "0");
    assert.match(await options.textContent("#persona-status"), /Memory wiped/);
    const persona = await stored("persona");
    assert.deepEqual(persona.entries, {});
    assert.match(persona.secret, /^[0-9a-f]{64}$/);
    assert.notEqual(persona.secret, oldSecret, "the wipe rotates the secret");

    const { page, state } = await visit(DANIEL.url);
    assert.equal(state.candorMemory, "on");
    const text = await panelText(page);
    assert.ok(!text.includes("seen as"), text);
    assert.ok(!text.includes(REUSE_TITLE));
    const afterWipe = await badge(page);
    assert.equal(afterWipe.count, before.count - 1, "exactly the reuse finding is gone");
    await page.close();
  });

  it("(d) retention 0 turns memory off: nothing is remembered or compared", async () => {
    await see(KEVIN.url);
    assert.equal((await stats()).count, 1);

    // Through the options page, keyboard only: type 0, press Enter.
    await options.reload();
    await options.waitForSelector("#persona[data-ready=true]");
    await options.fill("#retention", "0");
    await options.press("#retention", "Enter");
    await options.waitForFunction(() => /memory is off/i.test(document.getElementById("persona-status").textContent));
    await options.waitForSelector("#persona-off", { state: "visible", timeout: 5_000 });
    assert.equal(await options.textContent("#persona-count"), "0", "turning memory off forgets what it held");
    assert.deepEqual(await stored("settings"), { personaRetentionDays: 0 });
    assert.deepEqual((await stats()).retentionDays, 0);

    const upwork = await see(KEVIN.url);
    assert.equal(upwork.candorMemory, "off");
    const { page, state } = await visit(DANIEL.url);
    assert.equal(state.candorMemory, "off");
    assert.ok(!(await panelText(page)).includes("seen as"));
    await page.close();
    assert.equal((await stats()).count, 0);
    assert.deepEqual((await stored("persona"))?.entries ?? {}, {}, "nothing was written");
    const exported = await ask("candor/persona/export");
    assert.deepEqual(exported.document.entries, []);

    // Back on: memory works again.
    await options.fill("#retention", "30");
    await options.click("#retention-save");
    await options.waitForFunction(() => /kept for 30 days/.test(document.getElementById("persona-status").textContent));
    assert.equal((await stats()).retentionDays, 30);
    await see(KEVIN.url);
    const again = await visit(DANIEL.url);
    assert.ok((await panelText(again.page)).includes("seen as Kevin R. on upwork"));
    await again.page.close();
  });

  it("(e) settings are validated, and persona messages are refused to content scripts", async () => {
    for (const bad of [-1, 3651, 2.5, "30", null, Number.MAX_SAFE_INTEGER]) {
      const r = await ask("candor/settings/set", { settings: { personaRetentionDays: bad } });
      assert.equal(r.ok, false, `accepted ${JSON.stringify(bad)}`);
      assert.match(r.error, /^bad message: /);
    }
    for (const settings of [{}, { unknownSetting: 1 }, [], "90"]) {
      const r = await ask("candor/settings/set", { settings });
      assert.equal(r.ok, false, `accepted settings ${JSON.stringify(settings)}`);
    }
    assert.equal((await ask("candor/persona/wipe", { everything: true })).ok, false, "extra fields are refused");
    assert.equal((await stats()).retentionDays, 90, "nothing invalid was stored");
    assert.equal((await ask("candor/settings/set", { settings: { personaRetentionDays: 3650 } })).ok, true);
    assert.equal((await stats()).retentionDays, 3650);

    // The options page refuses what it cannot save, and says why.
    await options.reload();
    await options.waitForSelector("#persona[data-ready=true]");
    await options.fill("#retention", "4000");
    await options.click("#retention-save");
    assert.equal(await options.getAttribute("#retention", "aria-invalid"), "true");
    assert.equal(await options.isVisible("#retention-error"), true);
    assert.equal(await options.evaluate(() => document.activeElement.id), "retention");
    assert.equal((await stats()).retentionDays, 3650);

    // From a content script (the extension's own, in a web page's isolated world): refused.
    await see(KEVIN.url);
    const { page } = await visit(DANIEL.url);
    const answers = await options.evaluate(async (url) => {
      const [tab] = await chrome.tabs.query({ url });
      const [result] = await chrome.scripting.executeScript({
        target: { tabId: tab.id },
        func: async () => {
          const out = {};
          for (const type of ["candor/persona/stats", "candor/persona/export", "candor/persona/wipe"]) {
            out[type] = await chrome.runtime.sendMessage({ type });
          }
          out["candor/settings/set"] = await chrome.runtime.sendMessage({
            type: "candor/settings/set",
            settings: { personaRetentionDays: 0 },
          });
          return out;
        },
      });
      return result.result;
    }, DANIEL.url);
    await page.close();
    for (const [type, answer] of Object.entries(answers)) {
      assert.deepEqual(answer, { ok: false, error: "sender not allowed" }, type);
    }
    const s = await stats();
    assert.equal(s.count, 2, "the content script's wipe did nothing");
    assert.equal(s.retentionDays, 3650, "nor its settings change");
  });

  it("(f) scans finishing together lose no entry", async () => {
    const profiles = [0, 1, 2, 3, 4, 5].map(extraProfile);
    const pages = await Promise.all(profiles.map(() => browser.context.newPage()));
    await Promise.all(pages.map((p, i) => p.goto(profiles[i].url, { waitUntil: "load" })));
    for (const p of pages) assert.equal((await scanned(p)).candorState, "done");
    await Promise.all(pages.map((p) => p.close()));
    const entries = (await stored("persona")).entries;
    assert.deepEqual(Object.keys(entries).sort(), profiles.map((p) => p.key).sort());
    assert.equal((await stats()).count, profiles.length);
  });

  it("(g) a write the quota refuses is reported on the page and loses no stored entry", async () => {
    const first = extraProfile(0);
    const next = extraProfile(7);
    await see(first.url);
    const kept = Object.keys((await stored("persona")).entries);
    assert.deepEqual(kept, [first.key]);

    // Fill storage.local (10 MB quota) to within a few bytes of full.
    const QUOTA = 10 * 1024 * 1024;
    await options.evaluate(async (quota) => {
      const used = await chrome.storage.local.getBytesInUse(null);
      const key = "zz-test-filler";
      await chrome.storage.local.set({ [key]: "x".repeat(quota - used - key.length - 2 - 16) });
    }, QUOTA);

    const { page, state } = await visit(next.url);
    assert.equal(state.candorState, "done", "the scan itself still succeeds");
    assert.equal(state.candorMemory, "error");
    assert.match(state.candorMemoryError ?? "", /could not be saved .*quota/i);
    assert.ok(await badge(page), "the badge is still shown");
    assert.match(await panelText(page), /Persona memory could not be saved/);
    await page.close();
    assert.deepEqual(Object.keys((await stored("persona")).entries), kept, "storage still holds the earlier entries");

    // With room again, the next scan saves what was pending, and the notice goes away.
    await options.evaluate(() => chrome.storage.local.remove("zz-test-filler"));
    const retry = await see(next.url);
    assert.equal(retry.candorMemory, "on");
    assert.equal(retry.candorMemoryError, undefined);
    assert.deepEqual(Object.keys((await stored("persona")).entries).sort(), [first.key, next.key].sort());
  });
});

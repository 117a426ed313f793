// The persona store (extension/persona-store.js) under Node, with the real wasm engine (build/pkg)
// and an in-memory storage area that behaves like browser.storage.local: values are structured
// clones, writes are asynchronous, onChanged fires after each write, and a quota can refuse a
// write without touching what is stored. The browser itself is exercised by
// tests/e2e/persona.test.mjs; this file covers what a browser test cannot reach in reasonable
// time: the retention clock, the 5,000-entry cap, changes made by another context, damaged data.
//
//   make wasm && node --test tests/wasm/

import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { before, describe, it } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { storageArea } from "./storage-area.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const PKG = join(ROOT, "build", "pkg");
const DAY = 86400;
const T0 = 1_790_000_000; // 2026-09-21

let engine;
let store;

before(async () => {
  for (const f of ["candor.js", "candor_bg.wasm"]) {
    if (!existsSync(join(PKG, f))) throw new Error(`build/pkg/${f} is missing: run \`make wasm\` first`);
  }
  engine = await import(pathToFileURL(join(PKG, "candor.js")).href);
  engine.initSync({ module: readFileSync(join(PKG, "candor_bg.wasm")) });
  store = await import(pathToFileURL(join(ROOT, "extension", "persona-store.js")).href);
});


function clock(start = T0) {
  const c = () => c.now;
  c.now = start;
  return c;
}

const upwork = (id, name, bio) => ({
  url: `https://www.upwork.com/freelancers/~${id}?ref=search#top`,
  html: `<!DOCTYPE html><html><head><title>${name}</title></head><body>
    <h1 itemprop="name" data-test="freelancer-name">${name}</h1>
    <h2 data-test="freelancer-title">Developer</h2>
    <div data-test="profile-overview"><span>${bio}</span></div></body></html>`,
});

const greenhouse = (id, name, contact) => ({
  url: `https://app.greenhouse.io/people/${id}`,
  html: `<!DOCTYPE html><html><head><title>${name}</title></head><body>
    <h1 class="person-name" data-testid="candidate-name">${name}</h1>
    <ul class="contact-info"><li data-testid="contact-item">${contact}</li></ul></body></html>`,
});

/** One scan as background.js does it: memory in, scan, remember. */
async function scanAndRemember(scanner, s, page, now) {
  const m = await s.engineMemory();
  if (m.on) scanner.setMemory(m.secret, s.engineEntries());
  else scanner.clearMemory();
  const report = scanner.scanHtml(page.url, page.html, now);
  const saved = await s.remember(report, page.url, m.secret);
  return { report, saved };
}

const reuse = (report) => report.candidates.flatMap((c) => c.findings).filter((f) => f.rule === "SIG-08.persona-reuse");

/** A valid stored entry (for seeding storage directly). */
const entry = (i, seenAt) => ({
  key: `upwork:seed${i}`,
  name: `Seed ${i}`,
  site: "upwork",
  url: `https://www.upwork.com/freelancers/~seed${i}`,
  seen_at: seenAt,
  fingerprint: { identifiers: [`email:${i.toString(16).padStart(32, "0")}`], text: null },
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("persona store", () => {
  it("remembers a persona and the engine flags its e-mail under another name", async () => {
    const area = storageArea();
    const c = clock();
    const s = store.createPersonaStore(area, { onChanged: area.onChanged, clock: c });
    const scanner = new engine.Scanner([]);
    const kevin = upwork("01kevin", "Kevin R.", "Full-stack developer. Reach me at kevin.r.dev+upwork@gmail.com today.");
    const first = await scanAndRemember(scanner, s, kevin, c.now);
    assert.equal(first.saved.error, null);
    assert.deepEqual(reuse(first.report), []);

    const doc = area.peek("persona");
    assert.equal(doc.version, 1);
    assert.match(doc.secret, /^[0-9a-f]{64}$/);
    const stored = doc.entries["upwork:01kevin"];
    assert.equal(stored.name, "Kevin R.");
    assert.equal(stored.site, "upwork");
    assert.equal(stored.url, "https://www.upwork.com/freelancers/~01kevin", "no query, no fragment");
    assert.equal(stored.seen_at, T0);
    assert.ok(!JSON.stringify(doc).includes("gmail"), "no raw e-mail in storage");

    c.now += DAY;
    const { report } = await scanAndRemember(scanner, s, greenhouse(77, "Daniel Hart", "kevinrdev@gmail.com"), c.now);
    const [finding] = reuse(report);
    assert.ok(finding, "SIG-08 fires");
    assert.equal(finding.evidence[0].text, "kevinrdev@gmail.com");
    assert.equal(finding.evidence[0].detail, "seen as Kevin R. on upwork, 2026-09-21: the same email");
    assert.equal((await s.stats()).count, 2);
  });

  it("job postings and pages without candidates write nothing; a quick re-visit writes nothing", async () => {
    const area = storageArea();
    const c = clock();
    const s = store.createPersonaStore(area, { clock: c });
    const scanner = new engine.Scanner([]);
    const job = { url: "https://www.upwork.com/jobs/~0123", html: "<html><body><h1>Senior React developer</h1><p>Email jobs@example.com</p></body></html>" };
    await scanAndRemember(scanner, s, job, c.now);
    await settle();
    const afterSecret = area.sets; // the new secret, written once
    assert.ok(afterSecret <= 1);
    await scanAndRemember(scanner, s, job, c.now);
    const page = upwork("01ann", "Ann", "Write to ann.dev@example.com for work.");
    await scanAndRemember(scanner, s, page, c.now);
    const writes = area.sets;
    c.now += 60;
    await scanAndRemember(scanner, s, page, c.now); // nothing new, within the hour
    assert.equal(area.sets, writes);
    c.now += 2 * 3600;
    await scanAndRemember(scanner, s, page, c.now); // a new sighting date is worth a write
    assert.equal(area.sets, writes + 1);
    assert.equal(area.peek("persona").entries["upwork:01ann"].seen_at, c.now);
  });

  it("prunes by retention (90 days by default, settable, 0 = off and forgotten)", async () => {
    const area = storageArea();
    const c = clock(T0 + 100 * DAY);
    const seeded = [entry(1, T0), entry(2, T0 + 50 * DAY), entry(3, T0 + 95 * DAY)];
    await area.set({ persona: { version: 1, secret: "a".repeat(64), entries: Object.fromEntries(seeded.map((e) => [e.key, e])) } });
    const s = store.createPersonaStore(area, { onChanged: area.onChanged, clock: c });
    let st = await s.stats();
    assert.equal(st.retentionDays, 90);
    assert.equal(st.count, 2, "the 100-day-old entry is gone");
    assert.equal(st.oldest, T0 + 50 * DAY);
    await settle();
    assert.deepEqual(Object.keys(area.peek("persona").entries).sort(), ["upwork:seed2", "upwork:seed3"]);

    const settings = await s.setRetention(30);
    assert.deepEqual(settings, { personaRetentionDays: 30 });
    assert.equal((await s.stats()).count, 1);
    await settle();
    assert.deepEqual(Object.keys(area.peek("persona").entries), ["upwork:seed3"]);

    // Time passes inside one worker's lifetime: an entry that expires is no longer compared.
    c.now += 40 * DAY;
    const m = await s.engineMemory();
    assert.deepEqual(s.engineEntries(), []);
    assert.equal(m.on, true);

    await area.set({ settings: { personaRetentionDays: 30, otherSetting: "kept" } });
    await s.setRetention(0);
    assert.deepEqual(area.peek("settings"), { personaRetentionDays: 0, otherSetting: "kept" }, "other settings are kept");
    assert.equal((await s.engineMemory()).on, false);
    const scanner = new engine.Scanner([]);
    const { report, saved } = await scanAndRemember(scanner, s, upwork("01off", "Off", "Mail off.dev@example.com now."), c.now);
    assert.equal(saved.error, null);
    assert.ok(report.candidates.every((cand) => cand.persona === undefined), "no fingerprint without memory");
    assert.equal((await s.stats()).count, 0);
    assert.deepEqual(area.peek("persona").entries, {});
  });

  it("keeps at most 5,000 entries, dropping the oldest sightings", async () => {
    const area = storageArea();
    const c = clock(T0 + 10 * DAY);
    const entries = {};
    for (let i = 0; i < store.MAX_ENTRIES; i++) entries[`upwork:seed${i}`] = entry(i, T0 + i);
    await area.set({ persona: { version: 1, secret: "b".repeat(64), entries } });
    const s = store.createPersonaStore(area, { clock: c });
    const scanner = new engine.Scanner([]);
    const { saved } = await scanAndRemember(scanner, s, upwork("01new", "New", "Mail new.dev@example.com now."), c.now);
    assert.equal(saved.error, null);
    const kept = area.peek("persona").entries;
    assert.equal(Object.keys(kept).length, store.MAX_ENTRIES);
    assert.ok(!("upwork:seed0" in kept), "the oldest went");
    assert.ok("upwork:seed1" in kept && "upwork:01new" in kept);
  });

  it("serialises writes: concurrent scans lose no entry, one write in flight", async () => {
    const area = storageArea();
    const c = clock();
    const s = store.createPersonaStore(area, { onChanged: area.onChanged, clock: c });
    const scanner = new engine.Scanner([]);
    const pages = Array.from({ length: 20 }, (_, i) => upwork(`01c${i}`, `Person ${i}`, `Mail person.${i}@example.com for work.`));
    const results = await Promise.all(pages.map((p) => scanAndRemember(scanner, s, p, c.now)));
    assert.ok(results.every((r) => r.saved.error === null));
    await settle();
    assert.equal(Object.keys(area.peek("persona").entries).length, 20);
    assert.equal(area.maxInFlight, 1, "never two writes at once");
    assert.ok(area.sets < 20, `writes are coalesced (${area.sets})`);
    // The echoes of our own writes (storage.onChanged) did not roll the copy back.
    assert.equal((await s.stats()).count, 20);
  });

  it("reloads on a change made elsewhere (storage.onChanged)", async () => {
    const area = storageArea();
    const c = clock();
    const s = store.createPersonaStore(area, { onChanged: area.onChanged, clock: c });
    const scanner = new engine.Scanner([]);
    await scanAndRemember(scanner, s, upwork("01x", "X", "Mail x.dev@example.com now."), c.now);
    await settle();
    const older = area.peek("persona");
    await scanAndRemember(scanner, s, upwork("01y", "Y", "Mail y.dev@example.com now."), c.now);
    await settle();
    // A late echo of our own older write does not roll the copy back.
    area.emit({ persona: { newValue: older } });
    await settle();
    assert.equal((await s.stats()).count, 2);
    assert.deepEqual(Object.keys(area.peek("persona").entries).sort(), ["upwork:01x", "upwork:01y"]);
    const before = await s.engineMemory();
    // Another context replaces the document (a wipe from a second window, say).
    await area.set({ persona: { version: 1, secret: "c".repeat(64), entries: { "upwork:seed9": entry(9, T0) } } });
    await settle();
    const after = await s.engineMemory();
    assert.equal(after.secret, "c".repeat(64));
    assert.notEqual(after.generation, before.generation, "the engine gets the new memory");
    assert.deepEqual(s.engineEntries().map((e) => e.key), ["upwork:seed9"]);
    await area.set({ settings: { personaRetentionDays: 0 } });
    await settle();
    assert.equal((await s.stats()).retentionDays, 0);
  });

  it("starts afresh from a damaged document and drops malformed entries", async () => {
    const area = storageArea();
    const bad = { ...entry(2, T0), fingerprint: { identifiers: ["email:raw@example.com"], text: null } };
    const short = { ...entry(3, T0), fingerprint: { identifiers: [], text: [1, 2, 3] } };
    await area.set({ persona: { version: 1, secret: "d".repeat(64), entries: { a: entry(1, T0), b: bad, c: short, d: null } } });
    let s = store.createPersonaStore(area, { clock: clock() });
    await s.engineMemory();
    assert.deepEqual(s.engineEntries().map((e) => e.key), ["upwork:seed1"]);
    for (const doc of [{ version: 2, secret: "d".repeat(64), entries: {} }, { version: 1, secret: "xyz", entries: { a: entry(1, T0) } }, "junk"]) {
      await area.set({ persona: doc });
      s = store.createPersonaStore(area, { clock: clock() });
      const m = await s.engineMemory();
      assert.match(m.secret, /^[0-9a-f]{64}$/);
      assert.notEqual(m.secret, "d".repeat(64));
      assert.deepEqual(s.engineEntries(), []);
    }
    await area.set({ settings: { personaRetentionDays: "30" } });
    s = store.createPersonaStore(area, { clock: clock() });
    assert.equal((await s.stats()).retentionDays, 90, "an invalid setting falls back to the default");
  });

  it("a refused write is reported, keeps what storage held, and is retried", async () => {
    const area = storageArea();
    const c = clock();
    const s = store.createPersonaStore(area, { onChanged: area.onChanged, clock: c });
    const scanner = new engine.Scanner([]);
    await scanAndRemember(scanner, s, upwork("01a", "A", "Mail a.dev@example.com now."), c.now);
    await settle();
    const held = area.peek("persona");
    area.quota = area.bytesInUse() + 10;
    const { saved } = await scanAndRemember(scanner, s, upwork("01b", "B", "Mail b.dev@example.com now."), c.now);
    assert.match(saved.error, /quota/);
    assert.deepEqual(area.peek("persona"), held, "storage is untouched");
    // This worker still compares with what it saw.
    const { report } = await scanAndRemember(scanner, s, greenhouse(5, "Other", "b.dev@example.com"), c.now);
    assert.equal(reuse(report).length, 1);
    area.quota = Infinity;
    const retry = await scanAndRemember(scanner, s, upwork("01a", "A", "Mail a.dev@example.com now."), c.now);
    assert.equal(retry.saved.error, null);
    assert.deepEqual(Object.keys(area.peek("persona").entries).sort(), ["greenhouse:5", "upwork:01a", "upwork:01b"]);
  });

  it("wipe rotates the secret, and removes the document if the new one cannot be written", async () => {
    const area = storageArea();
    const c = clock();
    const s = store.createPersonaStore(area, { clock: c });
    const scanner = new engine.Scanner([]);
    await scanAndRemember(scanner, s, upwork("01a", "A", "Mail a.dev@example.com now."), c.now);
    const old = area.peek("persona").secret;
    assert.equal(await s.wipe(), null);
    const doc = area.peek("persona");
    assert.deepEqual(doc.entries, {});
    assert.notEqual(doc.secret, old);

    // A scan that started before a wipe does not bring its old-secret fingerprints back.
    const page = upwork("01b", "B", "Mail b.dev@example.com now.");
    const m = await s.engineMemory();
    scanner.setMemory(m.secret, s.engineEntries());
    const report = scanner.scanHtml(page.url, page.html, c.now);
    assert.equal(await s.wipe(), null);
    assert.deepEqual(await s.remember(report, page.url, m.secret), { error: null });
    assert.equal((await s.stats()).count, 0);

    await scanAndRemember(scanner, s, upwork("01a", "A", "Mail a.dev@example.com now."), c.now);
    area.quota = 0; // nothing can be written now
    assert.equal(await s.wipe(), null);
    assert.equal(area.peek("persona"), undefined, "the old entries are gone from storage");
    assert.equal((await s.stats()).count, 0);
  });

  it("exports entries without the secret", async () => {
    const area = storageArea();
    const c = clock();
    const s = store.createPersonaStore(area, { clock: c });
    const scanner = new engine.Scanner([]);
    await scanAndRemember(scanner, s, upwork("01a", "A", "Mail a.dev@example.com, call +1 415 555 0134."), c.now);
    const doc = await s.exportDocument();
    assert.deepEqual(Object.keys(doc), ["format", "version", "exported_at", "entries"]);
    assert.equal(doc.format, "candor-persona-memory");
    assert.equal(doc.exported_at, new Date(T0 * 1000).toISOString());
    const text = JSON.stringify(doc);
    assert.ok(!text.includes(area.peek("persona").secret));
    assert.ok(!text.includes("a.dev") && !text.includes("555"));
    assert.deepEqual(doc.entries[0].fingerprint.identifiers.map((i) => i.split(":")[0]), ["email", "phone"]);
  });

  it("remembers a profile whose fingerprint has a photo identifier (the engine emits photo:…)", async () => {
    const area = storageArea();
    const c = clock();
    const s = store.createPersonaStore(area, { clock: c });
    const scanner = new engine.Scanner([]);
    const page = upwork("01pic", "Pia", "Write to pia.dev@example.com for work.");
    page.html = page.html.replace("<h1", '<img class="up-avatar" src="https://www.upwork.com/profile-portraits/c1abc/pia.jpg"><h1');
    await scanAndRemember(scanner, s, page, c.now);
    await settle();
    const ids = area.peek("persona").entries["upwork:01pic"]?.fingerprint.identifiers ?? [];
    assert.ok(ids.some((i) => i.startsWith("photo:")), `identifiers: ${ids}`);
    assert.ok(ids.some((i) => i.startsWith("email:")));
  });

  it("validates retention values", () => {
    for (const ok of [0, 1, 90, 3650]) assert.equal(store.retentionDays(ok), ok);
    for (const bad of [-1, 3651, 1.5, "90", null, undefined, NaN, Infinity]) assert.equal(store.retentionDays(bad), null);
    assert.equal(store.bareUrl("https://x.example/a/b?q=1#h"), "https://x.example/a/b");
  });
});

// The verification log (extension/verification-store.js) under Node, over an in-memory storage
// area that behaves like browser.storage.local: structured clones, asynchronous writes, and a byte
// quota that refuses a write without touching what is stored. The browser (real quota, real
// panel) is exercised by tests/e2e/verification.test.mjs.
//
//   node --test tests/wasm/verification-store.test.mjs

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { before, describe, it } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { storageArea } from "./storage-area.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const DAY = 86_400_000;
const T0 = Date.parse("2026-12-03T10:00:00Z");

let v;

before(async () => {
  v = await import(pathToFileURL(join(ROOT, "extension", "verification-store.js")).href);
});


function clock(start = T0) {
  const c = () => c.now;
  c.now = start;
  return c;
}

const ID_A = `email:${"a".repeat(32)}`;
const ID_B = `phone:${"b".repeat(32)}`;

const saveMsg = (candidate, outcome = "verified", extra = {}) => ({
  candidate,
  outcome,
  steps: [{ text: "Video mandatory", done: true }, { text: "Hand in front of the face", done: false }],
  ...extra,
});

const KEVIN = { site: "upwork", key: "upwork:01abc", profile_id: "01abc", name: "Kevin R.", url: "https://www.upwork.com/freelancers/~01abc", identifiers: [ID_A] };

describe("verification store", () => {
  it("validates save fields", () => {
    assert.equal(v.validate.outcome("verified"), true);
    assert.notEqual(v.validate.outcome("maybe"), true);
    assert.equal(v.validate.candidate(KEVIN), true);
    assert.notEqual(v.validate.candidate({ ...KEVIN, extra: 1 }), true);
    assert.notEqual(v.validate.candidate({ ...KEVIN, key: "" }), true);
    assert.notEqual(v.validate.candidate({ ...KEVIN, identifiers: ["kevin@example.com"] }), true, "raw e-mail refused");
    assert.notEqual(v.validate.candidate({ ...KEVIN, identifiers: Array(65).fill(ID_A) }), true);
    assert.notEqual(v.validate.candidate([]), true);
    assert.equal(v.validate.steps([]), true);
    assert.notEqual(v.validate.steps(Array(21).fill({ text: "x", done: true })), true);
    assert.notEqual(v.validate.steps([{ text: "x", done: "yes" }]), true);
    assert.notEqual(v.validate.steps([{ text: "x", done: true, more: 1 }]), true);
    assert.equal(v.validate.note(""), true);
    assert.equal(v.validate.note("n".repeat(2000)), true);
    assert.notEqual(v.validate.note("n".repeat(2001)), true);
    assert.equal(v.validate.candidates([{ site: "upwork", key: "k" }]), true);
    assert.notEqual(v.validate.candidates([{ site: "upwork" }]), true);
    assert.equal(v.validate.format("csv"), true);
    assert.notEqual(v.validate.format("xml"), true);
  });

  it("appends records (history), finds the latest by key, profile id or shared identifier", async () => {
    const area = storageArea();
    const c = clock();
    const store = v.createVerificationStore(area, { clock: c });
    const first = await store.save(saveMsg(KEVIN, "rescheduled"));
    assert.equal(first.ok, true, first.error);
    c.now += 60_000;
    const second = await store.save(saveMsg(KEVIN, "verified", { note: "ID shown" }));
    assert.equal(second.ok, true);
    assert.equal(second.record.recorded_at, new Date(T0 + 60_000).toISOString());
    assert.equal(second.record.recorded_by, "you");
    assert.equal(second.record.note, "ID shown");
    assert.notEqual(first.record.id, second.record.id);
    assert.equal(area.peek("verifications").records.length, 2, "appended, not overwritten");

    const [byKey, byProfile, byIdentifier, none] = await store.latestFor([
      { site: "upwork", key: "upwork:01abc" },
      { site: "upwork", key: "https://other", profile_id: "01abc" },
      { site: "greenhouse", key: "greenhouse:9", identifiers: [ID_B, ID_A] },
      { site: "greenhouse", key: "greenhouse:10", profile_id: "01abc", identifiers: [ID_B] },
    ]);
    assert.equal(byKey.id, second.record.id);
    assert.equal(byProfile.id, second.record.id);
    assert.equal(byIdentifier.id, second.record.id, "same persona on another site");
    assert.equal(none, null, "same profile id on another site is someone else");

    const list = await store.list();
    assert.deepEqual(list.map((r) => r.outcome), ["verified", "rescheduled"], "newest first");

    await store.save(saveMsg({ site: "lever", key: "lever:7", profile_id: "7" }, "refused"));
    const history = await store.historyFor({ site: "greenhouse", key: "greenhouse:9", identifiers: [ID_A] });
    assert.deepEqual(history.map((r) => r.outcome), ["verified", "rescheduled"], "the persona's records only, newest first");
    assert.equal((await store.historyFor({ site: "lever", key: "lever:7" })).length, 1);
  });

  it("exports CSV (RFC 4180, formula-safe) and JSON", async () => {
    const store = v.createVerificationStore(storageArea(), { clock: clock() });
    const hostile = '=HYPERLINK("http://evil","x"), "quoted"\nsecond line';
    await store.save(saveMsg({ ...KEVIN, name: "@SUM(A1)" }, "refused", { note: hostile }));
    const csv = await store.exportFile("csv");
    assert.equal(csv.mime, "text/csv;charset=utf-8");
    assert.match(csv.filename, /^candor-verifications-2026-12-03\.csv$/);
    const lines = csv.text.split("\r\n");
    assert.equal(lines[0], '"recorded_at","outcome","name","site","profile_id","url","key","steps_done","steps","note","recorded_by","id"');
    assert.ok(csv.text.includes(`"'=HYPERLINK(""http://evil"",""x""), ""quoted""\nsecond line"`), csv.text);
    assert.ok(csv.text.includes(`"'@SUM(A1)"`));
    assert.ok(csv.text.includes(`"1/2"`));
    assert.ok(csv.text.endsWith("\r\n"));
    for (const lead of ["=", "+", "-", "@", "\t", "\r"]) assert.equal(v.csvCell(`${lead}x`), `"'${lead}x"`);
    assert.equal(v.csvCell("plain"), '"plain"');
    assert.equal(v.csvCell(null), '""');

    const json = await store.exportFile("json");
    assert.equal(json.mime, "application/json");
    const doc = JSON.parse(json.text);
    assert.equal(doc.format, "candor-verification-log");
    assert.equal(doc.records.length, 1);
    assert.equal(doc.records[0].note, hostile, "JSON keeps the note exactly");
  });

  it("prunes records past the retention (settings.verificationRetentionDays, default 365)", async () => {
    const area = storageArea();
    const c = clock();
    const store = v.createVerificationStore(area, { clock: c });
    await store.save(saveMsg(KEVIN, "verified"));
    c.now += 364 * DAY;
    assert.equal(await store.prune(), 0);
    c.now += 2 * DAY;
    assert.equal(await store.prune(), 1, "older than 365 days");
    assert.deepEqual(area.peek("verifications").records, []);

    await store.save(saveMsg(KEVIN, "verified"));
    await area.set({ settings: { personaRetentionDays: 90, verificationRetentionDays: 1 } });
    c.now += DAY / 2;
    assert.equal((await store.list()).length, 1);
    c.now += DAY;
    assert.equal((await store.list()).length, 0, "expired records are never answered");
    // An invalid setting falls back to the default rather than wiping.
    await area.set({ settings: { verificationRetentionDays: 0 } });
    assert.equal((await store.list()).length, 1);
  });

  it("the organisation's retention (policy) wins over the recruiter's setting", async () => {
    const area = storageArea();
    const c = clock();
    let policyDays = null;
    const store = v.createVerificationStore(area, { clock: c, policyRetentionDays: () => policyDays });
    await store.save(saveMsg(KEVIN, "verified"));
    await area.set({ settings: { verificationRetentionDays: 30 } });
    c.now += 60 * DAY;
    policyDays = 365; // longer than the user's 30 days: the record must survive a prune
    assert.equal(await store.prune(), 0);
    assert.equal((await store.list()).length, 1);
    policyDays = 10; // shorter: it goes, whatever the user set
    await area.set({ settings: { verificationRetentionDays: 3650 } });
    assert.equal(await store.prune(), 1);
  });

  it("with storage.onChanged it keeps the log in memory, and forgets it when someone else writes", async () => {
    const area = storageArea();
    const { onChanged } = area;
    const fire = (key) => area.emit({ [key]: {} });
    const reads = [];
    const get = area.get.bind(area);
    area.get = (keys) => (reads.push(keys), get(keys));
    const store = v.createVerificationStore(area, { clock: clock(), onChanged });
    await store.save(saveMsg(KEVIN, "verified"));
    await new Promise((resolve) => setTimeout(resolve, 5)); // our own write's change event arrives
    assert.equal((await store.latestFor([KEVIN]))[0].outcome, "verified"); // may read the log once
    reads.length = 0;
    assert.equal((await store.latestFor([KEVIN]))[0].outcome, "verified");
    assert.equal((await store.list()).length, 1);
    assert.ok(reads.length >= 2 && reads.every((keys) => !keys.includes("verifications")), "later scans take the log from memory");

    // Another writer (here: a direct write, as the e2e tests do from the service worker).
    const doc = area.peek("verifications");
    doc.records[0].outcome = "refused";
    await area.set({ verifications: doc });
    fire("verifications");
    assert.equal((await store.latestFor([KEVIN]))[0].outcome, "refused", "re-read after the change");
    fire("settings"); // other keys leave the log alone
    await store.wipe();
    assert.deepEqual(await store.list(), []);
  });

  it("drops malformed stored records and wipes", async () => {
    const area = storageArea();
    await area.set({ verifications: { version: 1, records: [{ id: "x" }, null, "junk"] } });
    const store = v.createVerificationStore(area, { clock: clock() });
    assert.deepEqual(await store.list(), []);
    await store.save(saveMsg(KEVIN));
    await store.wipe();
    assert.equal(area.peek("verifications"), undefined);
    assert.deepEqual(await store.list(), []);
  });

  it("on a quota error asks for room and retries once; else reports storage full and changes nothing", async () => {
    const area = storageArea();
    const c = clock();
    const store0 = v.createVerificationStore(area, { clock: c });
    await store0.save(saveMsg(KEVIN));
    area.quota = area.bytesInUse() + 1700; // room for persona-like filler, not for another record
    await area.set({ persona: "p".repeat(1500) });
    const before = area.peek("verifications");

    let asked = 0;
    const freeing = v.createVerificationStore(area, {
      clock: c,
      makeRoom: async (bytes) => {
        asked = bytes;
        await area.set({ persona: "" });
        return true;
      },
    });
    const ok = await freeing.save(saveMsg(KEVIN, "refused"));
    assert.equal(ok.ok, true, ok.error);
    assert.ok(asked > 200, `asked for ${asked} bytes`);
    assert.equal(area.peek("verifications").records.length, 2);

    area.quota = area.bytesInUse() + 1700;
    await area.set({ persona: "p".repeat(1500) });
    const full = v.createVerificationStore(area, { clock: c, makeRoom: async () => false });
    const snapshot = area.peek("verifications");
    const refused = await full.save(saveMsg(KEVIN, "not_yet", { note: "n".repeat(1500) }));
    assert.equal(refused.ok, false);
    assert.match(refused.error, /^storage full: .*quota/i);
    assert.deepEqual(area.peek("verifications"), snapshot, "nothing stored changed");
    assert.notDeepEqual(snapshot, before);
  });
});

// The per-tab report store behind the popup and the side panel (extension/tab-reports.js), in Node.
//
//   node --test tests/wasm/tab-reports.test.mjs
//
// The session area is a small in-memory stand-in with storage.session's get/set/remove shape;
// the browser tests (tests/e2e/popup-sidepanel.test.mjs) run the real one, worker restart included.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { candidateIdentity, createTabReports, TAB_KEY_PREFIX } from "../../extension/tab-reports.js";

function sessionArea({ failWrites = false } = {}) {
  const data = new Map();
  return {
    data,
    async get(key) {
      return data.has(key) ? { [key]: structuredClone(data.get(key)) } : {};
    },
    async set(items) {
      if (failWrites) throw new Error("QUOTA_BYTES quota exceeded");
      for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v));
    },
    async remove(key) {
      data.delete(key);
    },
  };
}

const REPORT = { site: "upwork", candidates: [] };
const HEX = "ab".repeat(16);

describe("candidateIdentity", () => {
  it("uses the persona key and its identifiers when the scan had a memory", () => {
    const c = { name: "Marcus T.", profile_id: "~01a", persona: { key: "upwork:~01a", fingerprint: { identifiers: [`email:${HEX}`] } } };
    assert.deepEqual(candidateIdentity(REPORT, c, "https://www.upwork.com/freelancers/~01a"), {
      site: "upwork", key: "upwork:~01a", url: "https://www.upwork.com/freelancers/~01a",
      profile_id: "~01a", name: "Marcus T.", identifiers: [`email:${HEX}`],
    });
  });

  it("falls back to site:profile_id, then to the page URL", () => {
    assert.equal(candidateIdentity(REPORT, { profile_id: "~02" }, "https://x.example/p").key, "upwork:~02");
    const bare = candidateIdentity({ site: "generic" }, { name: "" }, "https://x.example/p");
    assert.deepEqual(bare, { site: "generic", key: "https://x.example/p", url: "https://x.example/p" });
  });

  it("keeps within the verification log's limits (text length, identifier shape and count)", () => {
    const ids = [`email:${HEX}`, "not-an-identifier", `phone:${"0".repeat(8)}`, ...Array.from({ length: 70 }, (_, i) => `handle:${i.toString(16).padStart(32, "0")}`)];
    const longUrl = `https://x.example/${"a".repeat(3000)}`;
    const id = candidateIdentity(REPORT, { name: "N".repeat(5000), persona: { key: "k", fingerprint: { identifiers: ids } } }, longUrl);
    assert.equal(id.name.length, 2048);
    assert.equal(id.url, undefined, "a URL longer than the log keeps is left out, not cut");
    assert.equal(id.identifiers.length, 64);
    assert.ok(id.identifiers.every((s) => /^[a-z]{1,16}:[0-9a-f]{16,128}$/.test(s)));
    assert.equal(candidateIdentity(REPORT, {}, longUrl).key.length, 2048);
  });
});

describe("createTabReports", () => {
  const entry = (n) => ({ url: `https://www.upwork.com/freelancers/~0${n}`, report: { candidates: [] }, scanned_at: "2026-11-22T00:00:00.000Z" });

  it("stores per tab, in memory and in the session area, and tells about every change", async () => {
    const session = sessionArea();
    const changed = [];
    const tabs = createTabReports({ session, onChange: (id) => changed.push(id) });
    await tabs.put(7, entry(1));
    await tabs.put(8, entry(2));
    assert.deepEqual(await tabs.get(7), entry(1));
    assert.deepEqual(session.data.get(`${TAB_KEY_PREFIX}8`), entry(2));
    assert.equal(await tabs.get(9), null);
    await tabs.drop(7);
    assert.equal(await tabs.get(7), null);
    assert.equal(session.data.has(`${TAB_KEY_PREFIX}7`), false);
    assert.deepEqual(changed, [7, 8, 7]);
  });

  it("a new store (restarted worker) answers from the session area", async () => {
    const session = sessionArea();
    await createTabReports({ session }).put(3, entry(3));
    assert.deepEqual(await createTabReports({ session }).get(3), entry(3));
  });

  it("ignores bad tab ids and non-object entries", async () => {
    const session = sessionArea();
    const tabs = createTabReports({ session });
    for (const id of [-1, 1.5, "3", null]) await tabs.put(id, entry(1));
    await tabs.put(4, null);
    await tabs.put(5, [entry(1)]);
    assert.equal(session.data.size, 0);
    assert.equal(await tabs.get(4), null);
  });

  it("a session area that refuses writes costs only the restart case", async () => {
    const session = sessionArea({ failWrites: true });
    const tabs = createTabReports({ session });
    const warn = console.warn;
    const warnings = [];
    console.warn = (...args) => warnings.push(args.join(" "));
    try {
      await tabs.put(1, entry(1));
    } finally {
      console.warn = warn;
    }
    assert.deepEqual(await tabs.get(1), entry(1), "still answered from memory");
    assert.match(warnings.join("\n"), /cannot keep tab 1's report in session storage: QUOTA_BYTES/);
  });

  it("works without a session area (a browser without storage.session)", async () => {
    const tabs = createTabReports({ session: null });
    await tabs.put(2, entry(2));
    assert.deepEqual(await tabs.get(2), entry(2));
    await tabs.drop(2);
    assert.equal(await tabs.get(2), null);
  });
});

// settings.js and settings-transfer.js in Node: validation, defaults, what the policy enforces,
// and the import plan (issue 6). The browser side of the same is tests/e2e/options.test.mjs.
//
//   node --test tests/wasm/settings.test.mjs
//
// Storage is an in-memory area with the storage.local API (get/set of structured clones); the
// persona store is the real one on the same area.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createPersonaStore } from "../../extension/persona-store.js";
import { validatePolicy, effectivePolicy } from "../../extension/policy.js";
import {
  createSettingsStore, DEFAULTS, effectiveSettings, hostCovered, invalidSettingsObject, managedKeys,
} from "../../extension/settings.js";
import { exportDocument, planImport } from "../../extension/settings-transfer.js";
import { mapArea } from "./storage-area.mjs";


function makeStore(policy = {}) {
  const area = mapArea();
  const persona = createPersonaStore(area);
  const effective = effectivePolicy(validatePolicy(policy).policy);
  persona.setPolicyRetention(effective.personaRetentionDays);
  return { area, store: createSettingsStore({ area, persona, policy: () => effective }) };
}

describe("settings", () => {
  it("validates every setting and refuses unknown ones", () => {
    const good = [
      { uiLanguage: "auto" }, { uiLanguage: "de" }, { thresholds: { medium: 1, high: 60 } }, { thresholds: { medium: 3, high: 4 } },
      { disabledSites: [] }, { disabledSites: ["careers.example.com", "*.example.org"] }, { verificationRetentionDays: 1 },
      { verificationRetentionDays: 3650 }, { personaRetentionDays: 0 },
    ];
    for (const s of good) assert.equal(invalidSettingsObject(s), null, JSON.stringify(s));
    const bad = [
      {}, [], null, "x", { nope: 1 }, { uiLanguage: "fr" }, { uiLanguage: null }, { thresholds: { medium: 0, high: 5 } },
      { thresholds: { medium: 9, high: 9 } }, { thresholds: { medium: 10, high: 61 } }, { thresholds: { medium: 2.5, high: 9 } },
      { thresholds: { medium: 3 } }, { thresholds: { medium: 3, high: 9, low: 1 } }, { disabledSites: "a.com" },
      { disabledSites: ["A.com"] }, { disabledSites: ["localhost"] }, { disabledSites: ["a.com", "a.com"] },
      { disabledSites: ["https://a.com/"] }, { disabledSites: Array.from({ length: 501 }, (_, i) => `h${i}.example.com`) },
      { verificationRetentionDays: 0 }, { verificationRetentionDays: 3651 }, { verificationRetentionDays: "365" },
    ];
    for (const s of bad) assert.notEqual(invalidSettingsObject(s), null, JSON.stringify(s));
  });

  it("effective settings: defaults for missing or damaged values, the policy's on top", () => {
    assert.deepEqual(effectiveSettings(undefined), structuredClone(DEFAULTS));
    const s = effectiveSettings({ uiLanguage: "de", thresholds: { medium: 0 }, disabledSites: ["x.org"] }, { thresholds: { medium: 4, high: 8 } });
    assert.deepEqual(s, { ...structuredClone(DEFAULTS), uiLanguage: "de", disabledSites: ["x.org"], thresholds: { medium: 4, high: 8 } });
    assert.deepEqual(managedKeys(effectivePolicy({ thresholds: { medium: 4, high: 8 } })), { thresholds: true });
    assert.equal(hostCovered("*.example.com", "example.com"), true);
    assert.equal(hostCovered("*.example.com", "a.b.example.com"), true);
    assert.equal(hostCovered("example.com", "www.example.com"), false);
  });

  it("the store writes all keys at once, keeps the others, and refuses what the policy enforces", async () => {
    const { area, store } = makeStore({ thresholds: { medium: 4, high: 8 }, verificationRetentionDays: 30 });
    await area.set({ settings: { someoneElses: 1 } });
    await store.set({ uiLanguage: "de", disabledSites: ["a.example.com"] });
    assert.deepEqual(area.data.get("settings"), { someoneElses: 1, uiLanguage: "de", disabledSites: ["a.example.com"] });
    await assert.rejects(store.set({ uiLanguage: "en", thresholds: { medium: 5, high: 10 } }), /thresholds is set by your organisation's policy/);
    assert.equal(area.data.get("settings").uiLanguage, "de", "a refused change changes nothing");
    const got = await store.get();
    assert.deepEqual(got.managed, { thresholds: true, verificationRetentionDays: true });
    assert.deepEqual(got.settings.thresholds, { medium: 4, high: 8 });
    assert.equal(got.settings.verificationRetentionDays, 30);
    // personaRetentionDays still goes through the persona store.
    await store.set({ personaRetentionDays: 30 });
    assert.equal(area.data.get("settings").personaRetentionDays, 30);
    assert.equal(area.data.get("settings").uiLanguage, "de");
  });

  it("concurrent saves of different keys both land", async () => {
    const { area, store } = makeStore();
    await Promise.all([store.set({ uiLanguage: "de" }), store.set({ verificationRetentionDays: 10 }), store.set({ personaRetentionDays: 7 })]);
    assert.deepEqual(area.data.get("settings"), { uiLanguage: "de", verificationRetentionDays: 10, personaRetentionDays: 7 });
  });
});

describe("settings import plan", () => {
  const keyId = (text) => (/^RW[A-Za-z0-9+/]{54}$/.test(text) ? text.slice(2, 18).toUpperCase() : null);
  const KEY = `RW${"Q".repeat(54)}`;
  const view = { packs: [{ source: "builtin", url: null }, { source: "user-url", url: "https://a.example/p.json", signature_url: "https://a.example/p.json.minisig" }], keys: [] };
  const doc = (over = {}) => ({
    format: "candor-settings", version: 1, exported_at: "2026-01-02T03:04:05.000Z",
    settings: { uiLanguage: "de", thresholds: { medium: 5, high: 15 } },
    subscriptions: [{ url: "https://a.example/p.json" }, { url: "https://b.example/p.json", signature_url: null }],
    trusted_keys: [KEY],
    ...over,
  });

  it("exports the user's own values, subscriptions and keys", () => {
    const d = exportDocument({ uiLanguage: "de" }, { ...view, keys: [{ key_id: "X", key: KEY, source: "user" }, { key_id: "Y", key: "P", source: "policy" }] }, new Date(0));
    assert.equal(d.exported_at, "1970-01-01T00:00:00.000Z");
    assert.equal(d.settings.uiLanguage, "de");
    assert.deepEqual(d.subscriptions, [{ url: "https://a.example/p.json", signature_url: "https://a.example/p.json.minisig" }]);
    assert.deepEqual(d.trusted_keys, [KEY]);
  });

  it("lists changes, skips what is already there, and refuses what the policy enforces or blocks", () => {
    const plan = planImport(doc(), { stored: {}, view, policy: effectivePolicy({ thresholds: { medium: 4, high: 8 } }), keyId });
    assert.deepEqual(plan.invalid, []);
    assert.deepEqual(plan.changes.map((c) => c.kind + ":" + (c.key ?? c.url)), ["setting:uiLanguage", "subscription:https://b.example/p.json", `key:${KEY}`]);
    assert.deepEqual(plan.refused, [{ kind: "setting", key: "thresholds", reason: "managed" }]);
    const blocked = planImport(doc(), { stored: {}, view, policy: effectivePolicy({ allowUserPacks: false, allowUserKeys: false }), keyId });
    assert.deepEqual(blocked.refused.map((r) => r.kind + ":" + r.reason), ["subscription:blocked", "key:blocked"]);
  });

  it("any invalid field refuses the whole document, with every problem listed", () => {
    const bad = [
      [null, /not a JSON object/], [doc({ format: "x" }), /format/], [doc({ version: 2 }), /version/], [doc({ extra: 1 }), /unknown field extra/],
      [doc({ settings: { uiLanguage: "fr" } }), /uiLanguage/], [doc({ subscriptions: [{ url: "http://a" }] }), /subscriptions\[0\]\.url/],
      [doc({ trusted_keys: ["nope"] }), /trusted_keys\[0\]/], [doc({ exported_at: "yesterday" }), /exported_at/],
    ];
    for (const [d, re] of bad) {
      const plan = planImport(d, { stored: {}, view, policy: effectivePolicy({}), keyId });
      assert.match(plan.invalid.join("; "), re);
      assert.deepEqual(plan.changes, []);
    }
    const two = planImport(doc({ settings: { uiLanguage: "fr", verificationRetentionDays: 0 } }), { stored: {}, view, policy: effectivePolicy({}), keyId });
    assert.equal(two.invalid.length, 2);
  });
});

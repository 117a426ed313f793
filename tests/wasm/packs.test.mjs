// The pack registry (extension/packs.js) and policy reader (extension/policy.js) under Node, with
// the real wasm engine (build/pkg). Only the logic a browser test cannot reach quickly: check
// intervals and jitter, version order, what a refused or failed check records, when the engine is
// (not) recompiled, and how a malformed or unavailable policy is read. Storage and fetch are
// in-memory stubs; packs are signed here with Node's Ed25519 in minisign's format. The browser
// itself is exercised by tests/e2e/packs.test.mjs.
//
//   make wasm && node --test tests/wasm/

import assert from "node:assert/strict";
import { createHash, generateKeyPairSync, randomBytes, sign as edSign } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { before, describe, it } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { mapArea } from "./storage-area.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const PKG = join(ROOT, "build", "pkg");
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 8, 21, 12); // 2026-09-21

let engine;
let packs;
let policy;

before(async () => {
  for (const f of ["candor.js", "candor_bg.wasm"]) {
    if (!existsSync(join(PKG, f))) throw new Error(`build/pkg/${f} is missing: run \`make wasm\` first`);
  }
  engine = await import(pathToFileURL(join(PKG, "candor.js")).href);
  engine.initSync({ module: readFileSync(join(PKG, "candor_bg.wasm")) });
  packs = await import(pathToFileURL(join(ROOT, "extension", "packs.js")).href);
  policy = await import(pathToFileURL(join(ROOT, "extension", "policy.js")).href);
});

// ------------------------------------------------------------------------------------------------
// minisign, in Node: a key line and a prehashed ("ED") signature the engine verifies.

function makeKey() {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x, "base64url");
  const keyId = randomBytes(8);
  return {
    line: Buffer.concat([Buffer.from("Ed"), keyId, raw]).toString("base64"),
    id: Buffer.from(keyId).reverse().toString("hex").toUpperCase(),
    privateKey,
    keyId,
  };
}

function minisign(text, key) {
  const sig = edSign(null, createHash("blake2b512").update(Buffer.from(text)).digest(), key.privateKey);
  const trusted = "timestamp:1790000000\tfile:pack.json\thashed";
  const global = edSign(null, Buffer.concat([sig, Buffer.from(trusted)]), key.privateKey);
  return `untrusted comment: test\n${Buffer.concat([Buffer.from("ED"), key.keyId, sig]).toString("base64")}\ntrusted comment: ${trusted}\n${global.toString("base64")}\n`;
}

function packText(version, { ruleId = "acme.zephyr", expires = "2d" } = {}) {
  return JSON.stringify({
    candor_pack: 1, id: "acme.unit", title: "Acme unit", publisher: "Acme", version, expires,
    sources: { S1: { title: "Incident", publisher: "Acme" } },
    rules: [{ id: ruleId, title: "Zephyr vouchers", family: "payment", severity: "medium", pattern: "(?i)\\bzephyr vouchers?\\b", explain: "x", sources: ["S1"] }],
  });
}

// ------------------------------------------------------------------------------------------------
// Stubs


/** A fetch that serves `files` (url → text); anything else is a 404; `down` makes it reject. */
function fakeFetch(files) {
  const f = async (url) => {
    if (f.down) throw new TypeError("Failed to fetch");
    const body = files.get(url);
    const bytes = new TextEncoder().encode(body ?? "not found");
    return {
      ok: body !== undefined,
      status: body !== undefined ? 200 : 404,
      url,
      headers: { get: (h) => (h === "content-length" ? String(bytes.length) : null) },
      arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    };
  };
  f.down = false;
  return f;
}

const URL1 = "https://trust.acme.example/candor/unit.json";

function setup({ random = () => 0.5 } = {}) {
  const storage = mapArea();
  const files = new Map();
  const fetch = fakeFetch(files);
  let now = T0;
  let compiles = 0;
  class CountingScanner extends engine.Scanner {
    constructor(...args) {
      compiles += 1; // counted before the engine runs: a compile that throws counts too
      super(...args);
    }
  }
  const registry = packs.createPackRegistry({
    storage,
    wasm: { Scanner: CountingScanner, checkPackUpdate: engine.checkPackUpdate, publicKeyId: engine.publicKeyId, lintPack: engine.lintPack, validationDigest: engine.validationDigest },
    fetch,
    clock: () => now,
    random,
  });
  return {
    storage, files, fetch, registry,
    compiles: () => compiles,
    advance: (ms) => { now += ms; },
    now: () => now,
    entry: () => storage.data.get(packs.REGISTRY_KEY).packs.find((e) => e.url === URL1),
    serve(text, sig) {
      files.set(URL1, text);
      if (sig === null) files.delete(`${URL1}.minisig`);
      else files.set(`${URL1}.minisig`, sig);
    },
  };
}

// ------------------------------------------------------------------------------------------------

describe("check schedule", () => {
  it("intervals: expires, at least an hour, a day by default, at most 30 days", () => {
    assert.equal(packs.parseInterval("12h"), 12 * HOUR);
    assert.equal(packs.parseInterval("7d"), 7 * DAY);
    assert.equal(packs.parseInterval("2w"), 14 * DAY);
    for (const bad of ["", "0h", "1m", "h", "1.5d", null, 3]) assert.equal(packs.parseInterval(bad), null, String(bad));
    assert.equal(packs.checkInterval("1h"), HOUR);
    assert.equal(packs.checkInterval(undefined), DAY);
    assert.equal(packs.checkInterval("garbage"), DAY);
    assert.equal(packs.checkInterval("52w"), 30 * DAY);
  });

  it("next check: the interval plus 0–10 % jitter; failures back off from an hour up to the interval", () => {
    assert.equal(packs.nextCheckAt(T0, "1d", () => 0), T0 + DAY);
    assert.equal(packs.nextCheckAt(T0, "1d", () => 0.999999), T0 + Math.round(DAY * 1.0999999));
    assert.equal(packs.nextCheckAt(T0, "1d", () => 5), T0 + DAY * 1.1, "jitter is capped at 10 %");
    for (let i = 0; i < 200; i++) {
      const at = packs.nextCheckAt(T0, "12h");
      assert.ok(at >= T0 + 12 * HOUR && at <= T0 + 12 * HOUR * 1.1, `${at - T0}`);
    }
    assert.equal(packs.nextCheckAt(T0, "7d", () => 0, 1), T0 + HOUR);
    assert.equal(packs.nextCheckAt(T0, "7d", () => 0, 2), T0 + 2 * HOUR);
    assert.equal(packs.nextCheckAt(T0, "7d", () => 0, 4), T0 + 8 * HOUR);
    assert.equal(packs.nextCheckAt(T0, "12h", () => 0, 10), T0 + 12 * HOUR, "never beyond the interval");
    assert.equal(packs.nextCheckAt(T0, "1d", () => 0, 1000), T0 + DAY);
  });

  it("versions compare numerically, like the engine", () => {
    assert.equal(packs.compareVersions("1.10.0", "1.9.3"), 1);
    assert.equal(packs.compareVersions("2026.11.2", "2026.11.10"), -1);
    assert.equal(packs.compareVersions("1.0", "1.0.0"), 0);
  });

  it("a failed check records the error and the time, and keeps the installed copy", () => {
    const e = { key: "url:x", version: "1.0.0", expires: "1d", last_error: null, failures: 0 };
    const failed = packs.recordCheck(e, { ok: false, message: "refused: the pack is not signed" }, { now: T0, random: () => 0 });
    assert.deepEqual(failed, { ...e, last_check: T0, last_error: "refused: the pack is not signed", failures: 1, next_check: T0 + HOUR });
    const again = packs.recordCheck(failed, { ok: false, message: "download failed" }, { now: T0 + HOUR, random: () => 0 });
    assert.equal(again.failures, 2);
    assert.equal(again.next_check, T0 + 3 * HOUR);
    const ok = packs.recordCheck(again, { ok: true }, { now: T0 + 2 * HOUR, random: () => 0 });
    assert.equal(ok.last_error, null);
    assert.equal(ok.failures, 0);
    assert.equal(ok.next_check, T0 + 2 * HOUR + DAY);
    assert.equal(ok.version, "1.0.0");
  });
});

describe("registry bookkeeping (real engine, stub storage and fetch)", () => {
  it("installs, refuses what it must, keeps the previous copy and engine, and recompiles only on change", async () => {
    const key = makeKey();
    const other = makeKey();
    const t = setup({ random: () => 0 });
    await t.registry.setPolicy({ policy: { packs: [{ url: URL1, signature_url: null, mode: "enforced" }], trustedKeys: [key.line] }, problems: [], source: "managed" });

    const base = await t.registry.engine();
    const builtinRules = base.scanner.ruleCount();
    assert.equal(t.compiles(), 1);
    assert.equal(await t.registry.engine(), base, "nothing changed: the same engine, no compile");
    assert.equal(t.compiles(), 1);

    // v1, signed: installed.
    const v1 = packText("1.0.0");
    t.serve(v1, minisign(v1, key));
    const installed = await t.registry.check(`url:${URL1}`);
    assert.deepEqual(installed, { ok: true, installed: true, version: "1.0.0", previous: null });
    const e1 = t.entry();
    assert.equal(e1.version, "1.0.0");
    assert.equal(e1.key_id, key.id);
    assert.equal(e1.last_error, null);
    assert.equal(e1.next_check, T0 + 2 * DAY, "expires 2d, no jitter");
    assert.equal(t.storage.data.get(`${packs.TEXT_PREFIX}url:${URL1}`), v1);
    const withV1 = await t.registry.engine();
    assert.notEqual(withV1, base);
    assert.equal(withV1.scanner.ruleCount(), builtinRules + 1);
    const compilesAfterV1 = t.compiles();
    assert.equal(await t.registry.engine(), withV1);

    // Refusals: the copy, its text and the engine stay; the error and the time are recorded.
    const v2 = packText("2.0.0");
    const refusals = [
      ["unsigned", () => t.serve(v2, null), /^refused: the pack is not signed$/],
      ["unknown key", () => t.serve(v2, minisign(v2, other)), new RegExp(`signed by key ${other.id}, which is not trusted`)],
      ["tampered", () => t.serve(v2.replace("Zephyr", "Zefir"), minisign(v2, key)), /does not match the pack/],
      ["downgrade", () => t.serve(packText("0.9.0"), minisign(packText("0.9.0"), key)), /version 0\.9\.0 is lower than the installed 1\.0\.0/],
      ["compile error", () => {
        const clash = packText("2.0.0", { ruleId: "SIG-39.camera-broken" });
        t.serve(clash, minisign(clash, key));
      }, /does not compile with the other packs: 1 error\(s\); first: \d+:\d+: E006/],
      ["download", () => { t.fetch.down = true; }, /^download failed: .*Failed to fetch/],
    ];
    for (const [i, [name, arrange, message]] of refusals.entries()) {
      t.advance(HOUR);
      arrange();
      const outcome = await t.registry.check(`url:${URL1}`);
      assert.equal(outcome.ok, false, name);
      assert.match(outcome.message, message, name);
      const e = t.entry();
      assert.equal(e.version, "1.0.0", name);
      assert.match(e.last_error, message, name);
      assert.equal(e.last_check, t.now(), name);
      assert.equal(e.failures, i + 1, name);
      assert.equal(e.next_check, t.now() + Math.min(2 * DAY, HOUR * 2 ** i), `${name}: backoff`);
      assert.equal(t.storage.data.get(`${packs.TEXT_PREFIX}url:${URL1}`), v1, `${name}: the stored copy is v1`);
      assert.equal(await t.registry.engine(), withV1, `${name}: the engine is unchanged`);
    }
    t.fetch.down = false;
    assert.equal(t.compiles(), compilesAfterV1 + 1, "only the compile-error update was trial-compiled");

    // The same version again: nothing changes but the bookkeeping.
    t.serve(v1, minisign(v1, key));
    assert.deepEqual(await t.registry.check(`url:${URL1}`), { ok: true, unchanged: true, version: "1.0.0" });
    assert.equal(t.entry().failures, 0);
    assert.equal(t.entry().last_error, null);

    // A disabled rule is a new set: recompiled once.
    await t.registry.setPolicy({ policy: { packs: [{ url: URL1, signature_url: null, mode: "enforced" }], trustedKeys: [key.line], disabledRules: ["acme.zephyr"] }, problems: [], source: "managed" });
    const disabled = await t.registry.engine();
    assert.notEqual(disabled, withV1);
    assert.equal(await t.registry.engine(), disabled);

    // The policy stops trusting the key: the pack it signed leaves the engine.
    await t.registry.setPolicy({ policy: { packs: [{ url: URL1, signature_url: null, mode: "enforced" }], trustedKeys: [] }, problems: [], source: "managed" });
    const view = await t.registry.view();
    assert.equal(view.packs.find((p) => p.key === `url:${URL1}`).status, "untrusted_key");
    assert.equal((await t.registry.engine()).scanner.ruleCount(), builtinRules);

    // The policy drops the pack: entry and stored copy go.
    await t.registry.setPolicy({ policy: {}, problems: [], source: "none" });
    assert.deepEqual(t.storage.data.get(packs.REGISTRY_KEY).packs, []);
    assert.equal(t.storage.data.has(`${packs.TEXT_PREFIX}url:${URL1}`), false);
  });

  it("hostile packs: a 50 MB streamed answer is cut off, 100,000 rules are refused, a ReDoS pattern installs and stays linear", async () => {
    const key = makeKey();
    const t = setup({ random: () => 0 });
    await t.registry.setPolicy({ policy: { packs: [{ url: URL1, signature_url: null, mode: "enforced" }], trustedKeys: [key.line] }, problems: [], source: "managed" });
    const v1 = packText("1.0.0");
    t.serve(v1, minisign(v1, key));
    assert.equal((await t.registry.check(`url:${URL1}`)).installed, true);
    const withV1 = await t.registry.engine();

    // 50 MB with no Content-Length, as a real streamed Response: reading stops just past the limit.
    let sent = 0;
    const CHUNK = new Uint8Array(1 << 20).fill(0x20);
    const hugeFetch = async (url) => {
      if (!url.endsWith(".json")) return new Response("", { status: 404 });
      const body = new ReadableStream({
        pull(ctrl) {
          if (sent >= 50 * CHUNK.length) return ctrl.close();
          sent += CHUNK.length;
          ctrl.enqueue(CHUNK.slice());
        },
      });
      return new Response(body, { status: 200, headers: { "content-type": "application/json" } });
    };
    t.files.clear();
    const bigRegistry = packs.createPackRegistry({
      storage: t.storage,
      wasm: { Scanner: engine.Scanner, checkPackUpdate: engine.checkPackUpdate, publicKeyId: engine.publicKeyId, lintPack: engine.lintPack },
      fetch: hugeFetch,
      clock: () => t.now() + HOUR,
      random: () => 0,
    });
    await bigRegistry.setPolicy({ policy: { packs: [{ url: URL1, signature_url: null, mode: "enforced" }], trustedKeys: [key.line] }, problems: [], source: "managed" });
    const big = await bigRegistry.check(`url:${URL1}`);
    assert.equal(big.ok, false);
    assert.match(big.message, new RegExp(`larger than ${packs.MAX_PACK_BYTES} bytes`));
    assert.ok(sent <= packs.MAX_PACK_BYTES + 2 * CHUNK.length, `read ${sent} bytes of a 50 MB answer`);
    assert.equal(t.storage.data.get(`${packs.TEXT_PREFIX}url:${URL1}`), v1, "the installed copy stays");

    // 100,000 rules, properly signed: refused with a diagnostic, the previous copy and engine stay.
    const many = JSON.parse(packText("2.0.0"));
    many.rules = Array.from({ length: 100_000 }, (_, i) => ({ ...many.rules[0], id: `acme.r${i}`, pattern: `zz${i}q` }));
    const manyText = JSON.stringify(many);
    t.serve(manyText, minisign(manyText, key));
    t.advance(HOUR);
    const refused = await t.registry.check(`url:${URL1}`);
    assert.equal(refused.ok, false);
    assert.match(refused.message, /E010|E015|larger than/);
    assert.equal(t.entry().version, "1.0.0");
    assert.equal(await t.registry.engine(), withV1);

    // A catastrophic-backtracking pattern is a legal rule: it installs, and the engine stays linear
    // (a backtracking engine would need ~2^65536 steps for this text).
    const redos = JSON.parse(packText("3.0.0"));
    redos.rules[0].pattern = "(a+)+$";
    const redosText = JSON.stringify(redos);
    t.serve(redosText, minisign(redosText, key));
    t.advance(HOUR);
    assert.equal((await t.registry.check(`url:${URL1}`)).installed, true);
    const report = (await t.registry.engine()).scanner.scanText("attack.txt", "a".repeat(65_536) + "!");
    assert.equal(report.candidates.flatMap((c) => c.findings).filter((f) => f.rule === "acme.zephyr").length, 0);
  });

  it("a fresh worker re-opens an accepted pack set from the compiled-form cache (validation digest)", async () => {
    const key = makeKey();
    const t = setup({ random: () => 0 });
    const policy = { policy: { packs: [{ url: URL1, signature_url: null, mode: "enforced" }], trustedKeys: [key.line] }, problems: [], source: "managed" };
    await t.registry.setPolicy(policy);
    const v1 = packText("1.0.0");
    t.serve(v1, minisign(v1, key));
    assert.equal((await t.registry.check(`url:${URL1}`)).installed, true);
    await t.registry.engine();
    const digests = t.storage.data.get(packs.VALIDATED_KEY);
    assert.ok(Array.isArray(digests) && digests.length >= 1 && digests.every((d) => /^[0-9a-f]{64}$/.test(d)), "the accepted set's digest is stored");

    // A fresh worker over the same storage: the same set opens through fromValidated.
    const opened = { cached: 0, full: 0 };
    class Counting extends engine.Scanner {
      constructor(...args) {
        opened.full += 1;
        super(...args);
      }
      static fromValidated(...args) {
        opened.cached += 1;
        return engine.Scanner.fromValidated(...args);
      }
    }
    const fresh = packs.createPackRegistry({
      storage: t.storage,
      wasm: { Scanner: Counting, checkPackUpdate: engine.checkPackUpdate, publicKeyId: engine.publicKeyId, lintPack: engine.lintPack, validationDigest: engine.validationDigest },
      fetch: t.fetch,
      clock: () => t.now(),
      random: () => 0,
    });
    await fresh.setPolicy(policy);
    const reopened = await fresh.engine();
    assert.deepEqual(opened, { cached: 1, full: 0 });
    const hit = reopened.scanner.scanText("t.txt", "Alex: I can take payment in Zephyr vouchers only.");
    assert.ok(hit.candidates.flatMap((c) => c.findings).some((f) => f.rule === "acme.zephyr"), "the team rule still fires");

    // A changed set (a rule disabled) is a new digest: full validation again.
    await fresh.setPolicy({ ...policy, policy: { ...policy.policy, disabledRules: ["acme.zephyr"] } });
    await fresh.engine();
    assert.equal(opened.full, 1);
  });

  it("a fresh worker whose stored set no longer compiles leaves the offending pack out and says why", async () => {
    const t = setup();
    await t.registry.setPolicy({ policy: {}, problems: [], source: "none" });
    // A local file never replaces a built-in pack (even before this worker compiled an engine).
    const builtinId = JSON.parse(packText("9.0.0").replace('"acme.unit"', '"candor.builtin"'));
    const refused = await t.registry.importFile(JSON.stringify(builtinId), "builtin.json");
    assert.equal(refused.installed, false);
    assert.match(refused.message, /is a built-in pack; a local file cannot replace it/);
    // A local pack, then a stored copy made to clash with a built-in rule (as a new built-in pack could).
    const r = await t.registry.importFile(packText("1.0.0"), "unit.json");
    assert.equal(r.installed, true);
    const textKey = `${packs.TEXT_PREFIX}file:acme.unit`;
    t.storage.data.set(textKey, packText("1.0.0", { ruleId: "SIG-39.camera-broken" }));
    const fresh = packs.createPackRegistry({
      storage: t.storage,
      wasm: { Scanner: engine.Scanner, checkPackUpdate: engine.checkPackUpdate, publicKeyId: engine.publicKeyId, lintPack: engine.lintPack },
      fetch: t.fetch,
      clock: () => T0,
    });
    const eng = await fresh.engine();
    assert.ok(eng.scanner.ruleCount() > 0, "the built-in packs still run");
    const view = await fresh.view();
    assert.equal(view.packs.find((p) => p.key === "file:acme.unit").status, "compile_error");
    await new Promise((resolve) => setTimeout(resolve, 10)); // the error is written on the queue
    assert.match(t.storage.data.get(packs.REGISTRY_KEY).packs[0].last_error, /E006/);
  });
});

describe("policy", () => {
  it("each key is validated on its own: wrong types are ignored, lists keep their valid entries", () => {
    const key = makeKey();
    const { policy: p, problems } = policy.validatePolicy({
      packs: [
        { url: "https://a.example/p.json", mode: "enforced" },
        { url: "http://b.example/p.json", mode: "enforced" },
        { url: "https://c.example/p.json" },
        { url: "https://d.example/p.json", mode: "sometimes" },
        { url: "https://a.example/p.json", mode: "default" },
        "garbage",
      ],
      trustedKeys: [key.line, "not a key", 42],
      disabledRules: "SIG-1",
      allowUserPacks: "no",
      allowUserKeys: false,
      disabledSites: ["LinkedIn", "", "www.upwork.com"],
      personaRetentionDays: 3651,
      surprise: true,
    }, { keyId: engine.publicKeyId });
    assert.deepEqual(p, {
      packs: [
        { url: "https://a.example/p.json", signature_url: null, mode: "enforced" },
        { url: "https://c.example/p.json", signature_url: null, mode: "default" },
      ],
      trustedKeys: [key.line],
      allowUserKeys: false,
      disabledSites: ["linkedin", "www.upwork.com"],
    });
    const messages = problems.map((x) => x.message).join("\n");
    for (const m of [/packs\[1\]: url must be an https URL/, /packs\[3\]: mode must be/, /packs\[5\]: not an object/, /trustedKeys\[1\]: not a minisign public key/,
      /trustedKeys\[2\]/, /disabledRules must be a list/, /allowUserPacks must be true or false/, /personaRetentionDays must be a whole number/, /unknown policy key surprise/]) {
      assert.match(messages, m);
    }
    for (const raw of [null, undefined, "x", 3, [], true]) {
      assert.deepEqual(policy.validatePolicy(raw).policy, {}, JSON.stringify(raw));
    }
    assert.deepEqual(policy.effectivePolicy({}), {
      packs: [], trustedKeys: [], disabledRules: [], allowUserPacks: true, allowUserKeys: true, disabledSites: [], personaRetentionDays: null,
      thresholds: null, verificationRetentionDays: null,
    });
  });

  it("the managed area is read defensively; the last good policy is cached and used when it is unavailable", async () => {
    const local = mapArea();
    const good = { disabledRules: ["SIG-21.overlapping-roles"], allowUserPacks: false };
    let r = await policy.loadPolicy({ managed: { get: async () => good }, local });
    assert.equal(r.source, "managed");
    assert.deepEqual(r.policy, good);
    assert.deepEqual(local.data.get(policy.POLICY_CACHE_KEY).policy, good);

    const unavailable = [
      ["API absent", undefined],
      ["no get", {}],
      ["get throws", { get: () => { throw new Error("boom"); } }],
      ["get rejects", { get: async () => { throw new Error("IO error"); } }],
      ["not an object", { get: async () => "garbage" }],
      ["an array", { get: async () => [1, 2] }],
      ["never answers", { get: () => new Promise(() => {}) }],
    ];
    for (const [name, managed] of unavailable) {
      r = await policy.loadPolicy({ managed, local, timeoutMs: 20 });
      assert.equal(r.source, "cache", name);
      assert.deepEqual(r.policy, good, name);
      assert.ok(r.error, name);
    }

    // Firefox without a policies.json entry: no policy (authoritative, not the cache).
    r = await policy.loadPolicy({ managed: { get: async () => { throw new Error("Managed storage manifest not found"); } }, local });
    assert.equal(r.source, "none");
    assert.deepEqual(r.policy, {});
    // A damaged cache is validated again; nothing at all is no policy.
    local.data.set(policy.POLICY_CACHE_KEY, { policy: { disabledRules: [1, "ok"], allowUserPacks: "x" } });
    r = await policy.loadPolicy({ managed: undefined, local });
    assert.deepEqual(r.policy, { disabledRules: ["ok"] });
    local.data.set(policy.POLICY_CACHE_KEY, "garbage");
    r = await policy.loadPolicy({ managed: undefined, local });
    assert.deepEqual(r, { policy: {}, problems: [], source: "none", error: "managed storage is not available" });
  });
});

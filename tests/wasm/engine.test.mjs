// The wasm build (build/pkg, from `make wasm`) under Node: the same module the extension ships,
// exercised through the JS API the extension uses.
//
//   make wasm && node --test tests/wasm/

import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { before, describe, it } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const PKG = join(ROOT, "build", "pkg");
const FIXTURES = process.env.CANDOR_FIXTURES ?? join(ROOT, "tests", "fixtures");

let engine;

before(async () => {
  for (const f of ["candor.js", "candor_bg.wasm"]) {
    if (!existsSync(join(PKG, f))) throw new Error(`build/pkg/${f} is missing: run \`make wasm\` first`);
  }
  engine = await import(pathToFileURL(join(PKG, "candor.js")).href);
  engine.initSync({ module: readFileSync(join(PKG, "candor_bg.wasm")) });
});

/** A fixture page (.html, or .txt for a plain-text thread) and its expect.json. */
function fixture(site, name) {
  const expect = join(FIXTURES, site, `${name}.expect.json`);
  const page = [".html", ".txt"].map((ext) => join(FIXTURES, site, name + ext)).find((f) => existsSync(f));
  if (!page || !existsSync(expect)) throw new Error(`fixture tests/fixtures/${site}/${name} is missing`);
  return { file: page, text: readFileSync(page, "utf8"), html: readFileSync(page, "utf8"), expect: JSON.parse(readFileSync(expect, "utf8")) };
}

const LEVELS = ["none", "low", "medium", "high", "critical"];
const maxLevel = (levels) => levels.reduce((m, l) => (LEVELS.indexOf(l) > LEVELS.indexOf(m) ? l : m), "none");
/** Highest expected level (expect.json: candidates[].level). */
const levelOf = (expect) => maxLevel([...(expect.candidates ?? []).map((c) => c.level), ...(expect.level ? [expect.level] : [])]);
const highest = (report) => maxLevel(report.candidates.map((c) => c.level));

/** A minimal valid pack; `rules` replaces its rule list. */
function pack(rules, extra = {}) {
  return {
    candor_pack: 1,
    id: "test.wasm",
    title: "wasm tests",
    publisher: "Candor tests",
    version: "1.0.0",
    sources: { T1: { title: "Test source", publisher: "Candor tests" } },
    rules,
    ...extra,
  };
}

const rule = (id, pattern, extra = {}) => ({
  id,
  title: `rule ${id}`,
  family: "payment",
  severity: "medium",
  pattern,
  explain: "test rule",
  sources: ["T1"],
  ...extra,
});

describe("wasm engine (build/pkg) in Node", () => {
  it("exports the contract API", () => {
    for (const name of ["default", "initSync", "Scanner", "lintPack", "builtinPackJson", "engineVersion"]) {
      assert.equal(typeof engine[name], "function", name);
    }
    assert.match(engine.engineVersion(), /^\d+\.\d+\.\d+/);
    assert.equal(JSON.parse(engine.builtinPackJson()).candor_pack, 1);
  });

  it("scans the risky Upwork profile as a high-risk candidate", () => {
    const { html, expect } = fixture("upwork", "profile-risky");
    const report = new engine.Scanner([]).scanHtml(expect.url, html);
    assert.equal(report.site, "upwork");
    assert.equal(report.page_kind, "candidate");
    assert.equal(report.candidates.length, 1);
    const [c] = report.candidates;
    assert.equal(c.level, "high");
    assert.equal(levelOf(expect), "high", "the fixture's expect.json agrees");
    assert.ok(Array.isArray(c.anchor), "the name has an element path");
    assert.ok(c.findings.length >= 2);
    for (const f of c.findings) {
      assert.ok(f.title && f.explain && f.sources.length > 0, `${f.rule} has title, explanation, sources`);
      for (const ev of f.evidence) {
        assert.equal(typeof ev.text, "string");
        if (ev.path != null) {
          assert.ok(ev.path.every(Number.isInteger));
          assert.equal(ev.end - ev.start, ev.text.length, `${f.rule}: [start,end) spans the evidence in UTF-16`);
        }
      }
    }
    assert.equal(report.prompt.emphasis, "urgent");
    assert.ok(report.prompt.steps.length > 0);
  });

  it("reports are plain JSON data (they cross runtime.sendMessage)", () => {
    const { html, expect } = fixture("upwork", "profile-risky");
    const report = new engine.Scanner([]).scanHtml(expect.url, html);
    assert.equal(Object.getPrototypeOf(report), Object.prototype);
    assert.deepEqual(JSON.parse(JSON.stringify(report)), report);
  });

  it("scans the clean Upwork profile as level none, with the camera prompt", () => {
    const { html, expect } = fixture("upwork", "profile-clean");
    const report = new engine.Scanner([]).scanHtml(expect.url, html);
    assert.equal(report.page_kind, "candidate");
    assert.equal(report.candidates.length, 1);
    assert.equal(report.candidates[0].level, "none");
    assert.equal(levelOf(expect), "none", "the fixture's expect.json agrees");
    assert.deepEqual(report.candidates[0].findings, []);
    assert.equal(report.prompt.emphasis, "standard");
    assert.ok(report.prompt.steps.length > 0, "every candidate gets the camera reminder");
  });

  it("every fixture matches its expect.json (kind, levels, rules that fire and stay silent)", () => {
    const scanner = new engine.Scanner([]);
    const problems = []; // collected, so one run lists every mismatch
    const check = (ok, message) => ok || problems.push(message);
    let n = 0;
    for (const site of existsSync(FIXTURES) ? readdirSync(FIXTURES).sort() : []) {
      for (const f of readdirSync(join(FIXTURES, site)).filter((x) => x.endsWith(".expect.json")).sort()) {
        const name = f.slice(0, -".expect.json".length);
        const fx = fixture(site, name);
        const where = `${site}/${name}`;
        const { expect } = fx;
        const report = fx.file.endsWith(".txt")
          ? scanner.scanText(`${name}.txt`, fx.text)
          : scanner.scanHtml(expect.url, fx.html);
        for (const key of ["site", "adapter", "page_kind"]) {
          if (expect[key] != null) check(report[key] === expect[key], `${where}: ${key} ${report[key]}, expected ${expect[key]}`);
        }
        check(highest(report) === levelOf(expect), `${where}: highest level ${highest(report)}, expected ${levelOf(expect)}`);
        for (const want of expect.candidates ?? []) {
          const got = report.candidates.find((c) => c.name === want.name);
          if (!check(got, `${where}: no candidate "${want.name}" (got ${report.candidates.map((c) => JSON.stringify(c.name))})`)) continue;
          const rules = new Set(got.findings.map((x) => x.rule));
          // Only the keys present are checked, as in the Rust suite (k-chat-scam-label asserts no level).
          if (want.level != null) check(got.level === want.level, `${where}: ${want.name} level ${got.level}, expected ${want.level} (fired ${[...rules]})`);
          for (const r of want.fires ?? []) check(rules.has(r), `${where}: ${r} should fire`);
          for (const r of want.silent ?? []) check(!rules.has(r), `${where}: ${r} should stay silent`);
        }
        if (expect.candidates) {
          check(report.candidates.length === expect.candidates.length,
            `${where}: ${report.candidates.length} candidates, expected ${expect.candidates.length}`);
        }
        n += 1;
      }
    }
    assert.ok(n > 0, "no fixture with an expect.json");
    assert.deepEqual(problems, []);
  });

  it("a pack that is not JSON makes the Scanner constructor throw diagnostics JSON", () => {
    assert.throws(
      () => new engine.Scanner(["{bad json"]),
      (err) => {
        assert.ok(err instanceof Error);
        const body = JSON.parse(err.message);
        assert.ok(Array.isArray(body.diagnostics) && body.diagnostics.length > 0, err.message);
        assert.equal(body.diagnostics[0].code, "E001");
        assert.equal(body.diagnostics[0].severity, "error");
        return true;
      },
    );
  });

  it("lintPack reports a duplicate rule id as E006 with its location", () => {
    const text = JSON.stringify(pack([rule("DUP.one", "usdt"), rule("DUP.one", "wire me")]), null, 2);
    const diags = engine.lintPack(text);
    assert.ok(Array.isArray(diags));
    const dup = diags.find((d) => d.code === "E006");
    assert.ok(dup, JSON.stringify(diags));
    assert.equal(dup.severity, "error");
    assert.match(dup.pointer, /^\/rules\/1/);
    // line:column points at that value in the text (1-based).
    assert.ok(Number.isInteger(dup.line) && dup.line > 1);
    assert.ok(Number.isInteger(dup.column) && dup.column >= 1);
  });

  it("lintPack accepts a valid pack without errors", () => {
    const diags = engine.lintPack(JSON.stringify(pack([rule("OK.one", "(?i)pay me in usdt")])));
    assert.deepEqual(diags.filter((d) => d.severity === "error"), []);
  });

  it("evidence offsets are UTF-16 indices into the element's textContent", () => {
    const bioText = "café — pay me in USDT only";
    const testPack = pack([rule("TEST.usdt-only", "(?i)pay me in usdt only", { fields: ["bio"] })], {
      sites: [{
        id: "utf16-test",
        name: "UTF-16 test",
        hosts: ["utf16.test.example"],
        pages: [{ kind: "candidate", url: "^/p/", fields: { name: "#name", bio: "#bio" } }],
      }],
    });
    const scanner = new engine.Scanner([JSON.stringify(testPack)]);
    const html = `<!DOCTYPE html><html><head><title>t</title></head><body><h1 id="name">Test Person</h1><p id="bio">${bioText}</p></body></html>`;
    const report = scanner.scanHtml("https://utf16.test.example/p/1", html);
    assert.equal(report.page_kind, "candidate");
    const finding = report.candidates[0].findings.find((f) => f.rule === "TEST.usdt-only");
    assert.ok(finding, JSON.stringify(report.candidates[0].findings.map((f) => f.rule)));
    const [ev] = finding.evidence;
    assert.deepEqual(ev.path, [1, 1], "html > body > p#bio");
    assert.equal(ev.start, 7, "UTF-16 index, not the UTF-8 byte offset 10");
    assert.equal(bioText.slice(ev.start, ev.end), ev.text);
    assert.equal(ev.text, "pay me in USDT only");
    assert.deepEqual(report.candidates[0].anchor, [1, 0], "html > body > h1#name");
  });

  it("candor-* elements are skipped when counting element paths", () => {
    const testPack = pack([rule("TEST.usdt", "(?i)usdt", { fields: ["bio"] })], {
      sites: [{
        id: "path-test",
        name: "path test",
        hosts: ["path.test.example"],
        pages: [{ kind: "candidate", url: "^/p/", fields: { name: "#name", bio: "#bio" } }],
      }],
    });
    const scanner = new engine.Scanner([JSON.stringify(testPack)]);
    const html = `<!DOCTYPE html><html><head></head><body><candor-badge data-level="high"></candor-badge>` +
      `<h1 id="name">Test Person</h1><candor-badge></candor-badge><p id="bio">USDT please</p></body></html>`;
    const report = scanner.scanHtml("https://path.test.example/p/2", html);
    const [c] = report.candidates;
    assert.deepEqual(c.anchor, [1, 0]);
    assert.deepEqual(c.findings[0].evidence[0].path, [1, 1]);
  });

  it("scanText finds signs in a plain-text thread with UTF-16 offsets", () => {
    const text = "Héllo 👋 — sorry, my camera is broken today";
    const report = new engine.Scanner([]).scanText("thread.txt", text);
    const findings = report.candidates.flatMap((c) => c.findings);
    const cam = findings.find((f) => f.rule === "SIG-39.camera-broken");
    assert.ok(cam, JSON.stringify(findings.map((f) => f.rule)));
    const [ev] = cam.evidence;
    if (ev.start != null) assert.equal(text.slice(ev.start, ev.end), ev.text);
  });

  it("Scanner.fromValidated rebuilds an accepted engine from its validationDigest, and re-validates on a stale one", () => {
    const packs = [JSON.stringify(pack([rule("t.gift", "(?i)\\bgift\\s+cards?\\b")]))];
    const text = "Alex: my camera is broken\nAlex: pay me in gift  cards please";
    const reference = new engine.Scanner(packs, ["SIG-39.camera-broken"]).scanText("t.txt", text);
    const digest = engine.validationDigest(packs, ["SIG-39.camera-broken"]);
    assert.match(digest, /^[0-9a-f]{64}$/);
    const fast = engine.Scanner.fromValidated(packs, ["SIG-39.camera-broken"], digest).scanText("t.txt", text);
    assert.deepEqual(fast, reference);
    const rules = fast.candidates.flatMap((c) => c.findings.map((f) => f.rule));
    assert.ok(rules.includes("t.gift") && !rules.includes("SIG-39.camera-broken"), JSON.stringify(rules));
    // A digest of other packs means "not validated": full validation runs and reports errors.
    const bad = [JSON.stringify(pack([rule("t.huge", "\\w{1000}\\w{1000}\\w{1000}")]))];
    assert.throws(() => engine.Scanner.fromValidated(bad, [], digest), (e) => JSON.parse(e.message).diagnostics.some((d) => d.code === "E008"));
  });
});

describe("scan options: locale and thresholds", () => {
  const THREAD = "Recruiter: can we do a video call?\nAlex: my webcam is broken, let's keep to chat\nAlex: also please pay me in USDT only\n";

  it("a German scan has German rule texts and prompt, and says which language it used", () => {
    const { html, expect } = fixture("upwork", "profile-risky");
    const scanner = new engine.Scanner([]);
    const en = scanner.scanHtml(expect.url, html, undefined);
    const de = scanner.scanHtml(expect.url, html, undefined, { locale: "de" });
    assert.equal(en.locale, null);
    assert.equal(de.locale, "de");
    assert.deepEqual(de.candidates[0].findings.map((f) => f.rule), en.candidates[0].findings.map((f) => f.rule));
    assert.equal(de.candidates[0].level, en.candidates[0].level);
    for (const [i, f] of de.candidates[0].findings.entries()) {
      const e = en.candidates[0].findings[i];
      assert.notEqual(f.title, e.title, `${f.rule}: German title`);
      assert.notEqual(f.explain, e.explain, `${f.rule}: German explanation`);
      assert.deepEqual(f.evidence, e.evidence, `${f.rule}: evidence is the page's own text`);
    }
    assert.equal(de.prompt.title, "Vor dem nächsten Schritt: Kamera-Verifizierung");
    assert.equal(de.prompt.steps.length, en.prompt.steps.length);
    const ch = scanner.scanText("t.txt", THREAD, { locale: "de-CH" });
    assert.equal(ch.locale, "de", "de-CH falls back to de");
    assert.equal(ch.candidates[0].findings.find((f) => f.rule === "SIG-39.camera-broken").title, "Sagt, die Kamera oder Webcam sei defekt");
    const fr = scanner.scanText("t.txt", THREAD, { locale: "fr" });
    assert.equal(fr.locale, null, "no French texts: the packs' own");
    assert.equal(fr.prompt.title, en.prompt.title);
    assert.ok(scanner.languages().includes("de"));
    const wallet = "Recruiter: hi\nAlex: please send the pay to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa\n";
    const detail = (options) => scanner.scanText("c.txt", wallet, options).candidates[0].findings.find((f) => f.rule === "SIG-44.crypto-address").evidence[0].detail;
    assert.equal(detail(undefined), "Bitcoin address (checksum valid)");
    assert.equal(detail({ locale: "de" }), "Bitcoin-Adresse (Prüfsumme gültig)", "the engine's own details follow the language");
  });

  it("thresholds move the cut-offs; one family alone still never reaches high", () => {
    const scanner = new engine.Scanner([]);
    const base = scanner.scanText("t.txt", THREAD, {}).candidates[0];
    assert.equal(base.level, "high");
    const strict = scanner.scanText("t.txt", THREAD, { thresholds: { medium: 3, high: base.score + 1 } }).candidates[0];
    assert.deepEqual([strict.level, strict.score], ["medium", base.score]);
    const weak = "Recruiter: hi\nAlex: can we chat on Telegram instead?\n";
    const lax = scanner.scanText("w.txt", weak, { thresholds: { medium: 1, high: 2 } }).candidates[0];
    assert.equal(lax.families.length, 1);
    assert.equal(lax.level, "medium");
    assert.equal(scanner.scanText("w.txt", weak, null).candidates[0].level, scanner.scanText("w.txt", weak).candidates[0].level);
  });

  it("bad options throw a clear error instead of scanning", () => {
    const scanner = new engine.Scanner([]);
    for (const [options, message] of [
      [{ lang: "de" }, /unknown scan option "lang"/],
      [{ locale: 42 }, /locale must be a string/],
      [{ locale: "deutsch" }, /not a language tag/],
      [{ thresholds: { medium: 9, high: 3 } }, /1 ≤ medium < high ≤ 60/],
      [{ thresholds: { medium: 3, high: 61 } }, /1 ≤ medium < high ≤ 60/],
      [{ thresholds: { medium: 3, high: 9, low: 1 } }, /unknown key "low"/],
      [{ thresholds: { medium: "3", high: 9 } }, /whole number/],
      ["de", /must be an object/],
    ]) {
      assert.throws(() => scanner.scanHtml("https://example.com/", "<p>hi</p>", undefined, options), message, JSON.stringify(options));
      assert.throws(() => scanner.scanText("t.txt", THREAD, options), message, JSON.stringify(options));
    }
  });

  it("a pack's translations apply to its own rules", () => {
    const p = pack([rule("t.gift", "(?i)gift cards?", { advice: "Do not pay." })], {
      translations: { de: { rules: { "t.gift": { title: "Verlangt Geschenkkarten", explain: "Geschenkkarten sind nicht nachverfolgbar." } } } },
    });
    const scanner = new engine.Scanner([JSON.stringify(p)]);
    const f = scanner.scanText("t.txt", "Sam: pay me in gift cards", { locale: "de" }).candidates[0].findings.find((x) => x.rule === "t.gift");
    assert.equal(f.title, "Verlangt Geschenkkarten");
    assert.equal(f.explain, "Geschenkkarten sind nicht nachverfolgbar.");
    assert.equal(f.advice, "Do not pay.", "untranslated advice stays as written");
    const bad = pack([rule("t.gift", "gift")], { translations: { de: { rules: { "t.gift": { title: "" } } } } });
    assert.throws(() => new engine.Scanner([JSON.stringify(bad)]), (e) => JSON.parse(e.message).diagnostics[0].code === "E018");
  });
});

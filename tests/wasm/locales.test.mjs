// The locale files against each other and against the code that uses them (issue 6).
//
//   node --test tests/wasm/locales.test.mjs
//
// Every English key has a German message and vice versa, with the same $1..$9 placeholders (named
// placeholders resolved as Chrome does, by the same code the extension uses: i18n.js), no empty
// message, and every key the extension's pages and scripts name literally exists in English.

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { flattenLocale, formatMessage, LANGUAGES } from "../../extension/i18n.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const EXT = join(ROOT, "extension");
const read = (lang) => JSON.parse(readFileSync(join(EXT, "_locales", lang, "messages.json"), "utf8"));
const raw = Object.fromEntries(LANGUAGES.map((l) => [l, read(l)]));
const flat = Object.fromEntries(LANGUAGES.map((l) => [l, flattenLocale(raw[l])]));
const placeholders = (text) => [...new Set(text.match(/\$[1-9]/g) ?? [])].sort();

describe("locales", () => {
  it("ships a messages.json for every language i18n.js offers, and nothing else", () => {
    assert.deepEqual(readdirSync(join(EXT, "_locales")).sort(), [...LANGUAGES].sort());
  });

  it("every English key is in German and every German key in English", () => {
    const en = Object.keys(raw.en);
    const de = Object.keys(raw.de);
    assert.ok(en.length >= 148, `only ${en.length} English keys`);
    assert.deepEqual(en.filter((k) => !de.includes(k)), [], "English keys missing in German");
    assert.deepEqual(de.filter((k) => !en.includes(k)), [], "German keys missing in English");
  });

  it("messages are non-empty strings with the same $n placeholders, every named placeholder defined", () => {
    for (const lang of LANGUAGES) {
      for (const [key, entry] of Object.entries(raw[lang])) {
        assert.equal(typeof entry.message, "string", `${lang}.${key}`);
        assert.ok(entry.message.trim().length > 0, `${lang}.${key} is empty`);
        assert.doesNotMatch(flat[lang][key], /\$[A-Za-z_@][A-Za-z0-9_@]*\$/, `${lang}.${key} names an undefined placeholder`);
      }
    }
    for (const key of Object.keys(flat.en)) {
      if (!(key in flat.de)) continue;
      assert.deepEqual(placeholders(flat.de[key]), placeholders(flat.en[key]), `placeholders of ${key}`);
    }
  });

  it("German is really German where it should differ (the pages' headings and the badge)", () => {
    for (const key of ["optionsTitle", "langHeading", "levelsHeading", "badgeVerify", "panelClose", "warningSignsMany"]) {
      assert.notEqual(flat.de[key], flat.en[key], key);
    }
    assert.match(flat.de.extDescription, /Kamera-Verifizierung/);
  });

  it("every key named in extension/*.html and every literal t()/getMessage() key in extension/*.js exists in English", () => {
    const used = new Map();
    for (const file of readdirSync(EXT).filter((f) => /\.(html|js)$/.test(f))) {
      const text = readFileSync(join(EXT, file), "utf8");
      if (file.endsWith(".html")) {
        for (const m of text.matchAll(/data-i18n(?:-aria-label|-title|-placeholder)?="([^"]*)"/g)) used.set(m[1], file);
      } else if (file.endsWith(".js")) {
        for (const m of text.matchAll(/\b(?:t|getMessage)\(\s*["']([A-Za-z0-9_]+)["']/g)) used.set(m[1], file);
      }
    }
    assert.ok(used.size > 100, `only ${used.size} keys found: is the scan broken?`);
    const missing = [...used].filter(([k]) => !(k in raw.en)).map(([k, f]) => `${k} (${f})`);
    assert.deepEqual(missing, []);
  });

  it("substitution: named placeholders become $n, `$$` is a dollar, a substitution is never re-read", () => {
    const j = { a: { message: "$WHO$ paid $$5 for $WHAT$", placeholders: { who: { content: "$1" }, what: { content: "$2" } } } };
    const { a } = flattenLocale(j);
    assert.equal(a, "$1 paid $$5 for $2");
    assert.equal(formatMessage(a, ["Ann", "$1"]), "Ann paid $5 for $1");
    assert.equal(formatMessage("x $3 y", ["a"]), "x  y");
  });
});

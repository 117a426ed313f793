// Benchmark inputs for `make bench` (docs/performance.md), written once per run to build/bench/
// so that the native, wasm and JavaScript measurements read byte-identical data:
//
//   page-60k.html, page-750k.html  synthetic Upwork profiles grown from
//                                   tests/fixtures/upwork/profile-risky.html
//   thread-64k.txt                  one plain-text thread message of exactly 64 KiB
//   rules-<n>.json                  packs of n synthetic rules (n = 100, 1000, 5000)
//   manifest.json                   what the drivers read: pages (with URLs), packs, text
//
// Everything is generated from a fixed seed: two runs produce the same bytes.
//
//   node tools/bench/inputs.mjs [outDir]

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const RULE_COUNTS = [100, 1000, 5000];
export const TEXT_BYTES = 64 * 1024;
const SHARED_PAGES = join(ROOT, "..", "shared", "pages");

/** mulberry32: a small deterministic PRNG. */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
  };
}

// ------------------------------------------------------------------------------------ words

// Everyday English for the filler: no rule is built from these words.
const COMMON = (
  "the a an and or but so if then than that this these those it its we you they he she i me my our " +
  "your their is are was were be been being have has had do does did will would can could should may " +
  "might must not no yes very really just also still already again only even about above after before " +
  "between into through during without within along across behind over under around here there when " +
  "where why how all any both each few more most other some such own same too well back good new first " +
  "last long great little right big high different small large next early young important public bad " +
  "able time year people way day man thing woman life child world school state family student group " +
  "country problem hand part place case week company system program question work government number " +
  "night point home water room mother area money story fact month lot study book eye job word business " +
  "issue side kind head house service friend father power hour game line end member law car city " +
  "community name president team minute idea kid body information nothing ago lead social understand " +
  "whether watch together follow around parent stop face anything create public already speak others " +
  "read level allow add office spend door health person art sure war history party within grow result " +
  "open change morning walk reason low win research girl guy food moment air teacher force offer"
).split(/\s+/);

/**
 * The fairness guard's lexicon (crate/src/fairness.rs): a rule whose pattern words include one is
 * refused, so no made-up word may contain one.
 */
function protectedWords() {
  const src = readFileSync(join(ROOT, "crate", "src", "fairness.rs"), "utf8");
  const block = src.slice(src.indexOf("const LEXICON"), src.indexOf("];", src.indexOf("const LEXICON")));
  return [...block.matchAll(/"([^"]+)"/g)].map((m) => m[1].toLowerCase()).filter((w) => !w.includes(" "));
}

/** Rule vocabulary: pronounceable made-up words (5–10 letters), none of them English filler. */
function ruleVocabulary(r, n) {
  const banned = protectedWords();
  const onsets = ["b", "br", "c", "ch", "d", "dr", "f", "g", "gl", "k", "l", "m", "n", "p", "pl", "r", "s", "st", "t", "tr", "v", "z"];
  const vowels = ["a", "e", "i", "o", "u", "ai", "ou"];
  const codas = ["", "", "n", "r", "l", "s", "x", "nd", "rt"];
  const common = new Set(COMMON);
  const out = new Set();
  while (out.size < n) {
    let w = "";
    const syllables = 2 + r.int(2);
    for (let i = 0; i < syllables; i++) w += r.pick(onsets) + r.pick(vowels) + r.pick(codas);
    if (w.length >= 5 && w.length <= 10 && !common.has(w) && !banned.some((b) => w.includes(b))) out.add(w);
  }
  return [...out];
}

// ------------------------------------------------------------------------------------ rules

/**
 * One synthetic rule pattern. Shapes modelled on the built-in pack: word pairs with a gap,
 * alternations, counted repeats, optional apostrophes, and a few large alternations (the built-in
 * camera rule is 1.5 KB).
 */
function rulePattern(r, vocab, i) {
  const w = () => r.pick(vocab);
  // Alternatives start with different letters: regex-syntax factors a common prefix out of an
  // alternation, and the fairness guard then reads the remainders as words of their own.
  const alt = (n) => {
    const out = [];
    while (out.length < n) {
      const x = w();
      if (!out.some((y) => y[0] === x[0])) out.push(x);
    }
    return out.join("|");
  };
  switch (i % 8) {
    case 0: return `(?i)\\b${w()}\\b.{0,20}\\b${w()}\\b`;
    case 1: return `(?i)\\b(?:${alt(3)})\\s+(?:${alt(2)})\\b`;
    case 2: return `(?i)\\b${w()}\\s+\\d{2,4}\\s*(?:${alt(2)})\\b`;
    case 3: return `(?i)\\b${w()}(?:\\s+\\w+){0,3}\\s+${w()}\\b`;
    case 4: return `(?i)\\b(?:${alt(2)})['\u2019]?s?\\s+(?:${alt(2)})(?:\\s+${w()})?\\b`;
    case 5: return `(?i)\\b${w()}[\\s-]?${w()}\\b`;
    case 6: return `(?i)\\b(?:${alt(6)})\\s+(?:a\\s+|the\\s+|my\\s+)?(?:${alt(6)})\\s+(?:${alt(4)})\\b`;
    default: return `(?i)\\b${w()}\\b.{0,40}\\b(?:${alt(3)})\\b.{0,40}\\b${w()}\\b`;
  }
}

/** A valid pack of `n` synthetic rules; returns {pack, patterns}. */
export function rulePack(n, vocab, seed = 7) {
  const r = rng(seed + n);
  const families = ["messaging", "payment", "logistics", "contact", "identity"];
  const rules = [];
  for (let i = 0; i < n; i++) {
    rules.push({
      id: `bench.r${String(i).padStart(5, "0")}`,
      title: `Synthetic rule ${i}`,
      family: families[i % families.length],
      severity: ["low", "medium", "high"][i % 3],
      pattern: rulePattern(r, vocab, i),
      explain: "Synthetic benchmark rule.",
      sources: ["B1"],
    });
  }
  const pack = {
    candor_pack: 1,
    id: `bench.synthetic-${n}`,
    title: `Benchmark: ${n} synthetic rules`,
    publisher: "Candor benchmark",
    version: "1.0.0",
    sources: { B1: { title: "Synthetic benchmark rules", publisher: "Candor benchmark" } },
    rules,
  };
  return pack;
}

// ------------------------------------------------------------------------------------ text

/**
 * A message thread of one message whose text is exactly `bytes` bytes of ASCII: sentences of
 * everyday words in which about 3% of the words come from the rule vocabulary, plus phrases that
 * match a few rules of the largest pack. No line holds a colon, so the thread reader keeps it as
 * one message (one `messages.text` field).
 */
export function threadText(vocab, plantPatterns, bytes = TEXT_BYTES) {
  const r = rng(42);
  const head = "Alex: ";
  const planted = plantPatterns.slice();
  let body = "";
  let line = "";
  while (body.length + line.length < bytes) {
    const words = [];
    const len = 8 + r.int(14);
    for (let i = 0; i < len; i++) words.push(r.next() < 0.03 ? r.pick(vocab) : r.pick(COMMON));
    if (planted.length && r.next() < 0.15) words.push(planted.shift());
    let s = words.join(" ");
    s = s[0].toUpperCase() + s.slice(1) + r.pick([".", ".", ".", "?", "!"]) + " ";
    line += s;
    if (line.length > 70 + r.int(60)) {
      body += line.trimEnd() + "\n";
      line = "";
    }
  }
  body += line;
  body = body.slice(0, bytes);
  // Never end on whitespace (the reader trims lines): replace trailing blanks with letters.
  body = body.replace(/\s+$/, (m) => "x".repeat(m.length));
  return head + body;
}

/** A phrase that the pattern `p` (one of ours) matches, or null. */
function samplePhrase(p, r) {
  // Strip the shapes back to words: take the first alternative of each group.
  const m = p.match(/^\(\?i\)\\b([a-z]+)\\b\.\{0,20\}\\b([a-z]+)\\b$/);
  if (m) return `${m[1]} and ${m[2]}`;
  const m5 = p.match(/^\(\?i\)\\b([a-z]+)\[\\s-\]\?([a-z]+)\\b$/);
  if (m5) return `${m5[1]}-${m5[2]}`;
  const m2 = p.match(/^\(\?i\)\\b([a-z]+)\\s\+\\d\{2,4\}\\s\*\(\?:([a-z]+)\|/);
  if (m2) return `${m2[1]} ${100 + r.int(900)} ${m2[2]}`;
  return null;
}

// ------------------------------------------------------------------------------------ pages

const FIRST = ["Harbor", "Northwind", "Lakeshore", "Brightlane", "Copperleaf", "Bluestone", "Redwood", "Silverline", "Westbrook", "Elmstead"];
const SECOND = ["Analytics", "Payments", "Studio", "Labs", "Logistics", "Health", "Retail", "Media", "Systems", "Partners"];
const TITLES = ["Senior Software Engineer", "Full-Stack Developer", "Frontend Engineer", "Backend Developer", "Tech Lead", "Data Engineer", "Mobile Developer"];
const TECH = ["React", "Node.js", "TypeScript", "PostgreSQL", "Go", "Kubernetes", "GraphQL", "Redis", "Python", "AWS"];
const VERBS = ["Built", "Led", "Shipped", "Maintained", "Migrated", "Designed", "Scaled", "Refactored"];
const THINGS = ["card-issuing dashboards", "a checkout flow", "internal admin tools", "a reporting pipeline", "the public API", "a design system", "mobile onboarding", "search and filters"];
const PRAISE = ["Fast delivery, good communication.", "Great work, would hire again.", "Solid engineer, clear updates every day.", "Delivered on time and on budget.", "Very responsive and thorough with tests.", "Good code quality; a few delays near the end.", "Excellent problem solver, highly recommended."];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

// Markup density of a modern app page: wrapper divs with utility-class lists and data attributes.
const CLS = "air3-card-section d-flex flex-column align-items-start justify-content-between py-4x px-6x";
const wrap = (inner, depth, r) => {
  let s = inner;
  for (let d = 0; d < depth; d++) s = `<div class="${CLS} level-${d}" data-v-${(r.int(1 << 24)).toString(16)}="" data-ev-sublocation="profile">${s}</div>`;
  return s;
};

function employmentItem(r, i) {
  const employer = `${r.pick(FIRST)} ${r.pick(SECOND)}`;
  const y = 2000 + (i % 24);
  const desc = `${r.pick(VERBS)} ${r.pick(THINGS)} in ${r.pick(TECH)} and ${r.pick(TECH)} for a team of ${2 + r.int(12)}; ` +
    `${r.pick(VERBS).toLowerCase()} ${r.pick(THINGS)} with ${r.pick(TECH)}.`;
  return `<li class="m-0" data-test="employment-item">` +
    wrap(`<div class="employment-heading"><span data-test="job-title">${r.pick(TITLES)}</span> | <span data-test="employer">${employer}</span></div>`, 2, r) +
    wrap(`<div class="mt-10 text-muted" data-test="employment-dates">${r.pick(MONTHS)} ${y} - ${r.pick(MONTHS)} ${y + 1 + r.int(3)}</div>`, 1, r) +
    wrap(`<div class="up-line-clamp-v2" data-test="employment-description">${desc}</div>`, 2, r) +
    `</li>\n`;
}

function feedbackItem(r, i) {
  return `<div data-test="feedback-item" class="${CLS}">` +
    wrap(`<div data-test="client-name">${r.pick(FIRST)} ${r.pick(SECOND)}</div>`, 1, r) +
    wrap(`<div data-test="feedback-date">${r.pick(MONTHS).slice(0, 3)} ${2010 + (i % 16)}</div>`, 1, r) +
    wrap(`<div data-test="feedback-rating">${(4 + r.int(11) / 10).toFixed(1)}</div>`, 1, r) +
    wrap(`<div data-test="feedback-comment">${r.pick(PRAISE)} ${r.pick(VERBS)} ${r.pick(THINGS)} in ${r.pick(TECH)}.</div>`, 2, r) +
    `</div>\n`;
}

/**
 * profile-risky.html with its employment history and work history grown until the page is about
 * `target` bytes: about one employment item per four reviews, each wrapped in the utility-class
 * markup of a current app page (the real 607 KB LinkedIn page has ~260 bytes per element).
 */
export function profilePage(target, seed) {
  const src = readFileSync(join(ROOT, "tests", "fixtures", "upwork", "profile-risky.html"), "utf8");
  const r = rng(seed);
  const jobsAt = src.indexOf("</ul>", src.indexOf('data-test="employment-item"'));
  const reviewsAt = src.lastIndexOf("</section>", src.indexOf("</main>"));
  if (jobsAt < 0 || reviewsAt < 0 || reviewsAt < jobsAt) throw new Error("profile-risky.html changed shape: update tools/bench/inputs.mjs");
  let jobs = "";
  let reviews = "";
  let i = 0;
  while (src.length + jobs.length + reviews.length < target) {
    if (i % 4 === 0) jobs += employmentItem(r, i);
    reviews += feedbackItem(r, i);
    i++;
  }
  return src.slice(0, jobsAt) + jobs + src.slice(jobsAt, reviewsAt) + reviews + src.slice(reviewsAt);
}

const unwrapTsTemplate = (src) => {
  const start = src.indexOf("`") + 1;
  const end = src.lastIndexOf("`");
  return src.slice(start, end >= start ? end : src.length).replaceAll("\\`", "`").replaceAll("\\${", "${").replaceAll("\\\\", "\\");
};

// ------------------------------------------------------------------------------------ main

export function writeInputs(outDir = join(ROOT, "build", "bench")) {
  mkdirSync(outDir, { recursive: true });
  const vocab = ruleVocabulary(rng(1), 3000);
  const manifest = { pages: [], packs: [], skipped: [] };

  const pages = [
    { id: "synthetic-60k", label: "synthetic profile ~60 KB", file: "page-60k.html", html: profilePage(60_000, 60), url: "https://www.upwork.com/freelancers/~01a1b2c3d4e5f6a7b8" },
    { id: "synthetic-750k", label: "synthetic profile ~750 KB", file: "page-750k.html", html: profilePage(750_000, 750), url: "https://www.upwork.com/freelancers/~01a1b2c3d4e5f6a7b8" },
  ];
  for (const p of pages) {
    writeFileSync(join(outDir, p.file), p.html);
    manifest.pages.push({ id: p.id, label: p.label, path: join(outDir, p.file), url: p.url, bytes: Buffer.byteLength(p.html) });
  }
  // Real saved pages (../shared/pages, never copied into the project): read in place or, for the
  // LinkedIn page stored inside a TypeScript template string, unwrapped into build/bench.
  const lever = join(SHARED_PAGES, "lever", "highspot_principal-swe_17nbist.html");
  const linkedin = join(SHARED_PAGES, "linkedin", "loggedin-profile_2024_profile1.ts.txt");
  if (existsSync(lever)) {
    manifest.pages.push({ id: "lever-741k", label: "real Lever posting 741 KB", path: lever, url: null, bytes: readFileSync(lever).length });
  } else manifest.skipped.push(`real Lever page: ${relative(ROOT, lever)} is absent`);
  if (existsSync(linkedin)) {
    const html = unwrapTsTemplate(readFileSync(linkedin, "utf8"));
    writeFileSync(join(outDir, "linkedin-profile1.html"), html);
    manifest.pages.push({ id: "linkedin-607k", label: "real LinkedIn profile 607 KB", path: join(outDir, "linkedin-profile1.html"), url: "https://www.linkedin.com/in/eduardo-alvarez-nowak/", bytes: Buffer.byteLength(html) });
  } else manifest.skipped.push(`real LinkedIn page: ${relative(ROOT, linkedin)} is absent`);

  const packs = RULE_COUNTS.map((n) => ({ n, pack: rulePack(n, vocab) }));
  // Plant a phrase for about one rule in a hundred of the largest pack, so some rules match.
  const r = rng(99);
  const largest = packs[packs.length - 1].pack.rules;
  const plants = [];
  for (let i = 0; i < largest.length; i += 97) {
    const phrase = samplePhrase(largest[i].pattern, r);
    if (phrase) plants.push(phrase);
  }
  const text = threadText(vocab, plants);
  writeFileSync(join(outDir, "thread-64k.txt"), text);
  manifest.text = { path: join(outDir, "thread-64k.txt"), bytes: Buffer.byteLength(text), messageBytes: Buffer.byteLength(text) - "Alex: ".length };
  for (const { n, pack } of packs) {
    const file = join(outDir, `rules-${n}.json`);
    writeFileSync(file, JSON.stringify(pack));
    manifest.packs.push({ n, path: file, bytes: Buffer.byteLength(JSON.stringify(pack)) });
  }
  writeFileSync(join(outDir, "manifest.json"), JSON.stringify(manifest, null, 2));
  return manifest;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const m = writeInputs(process.argv[2]);
  for (const p of m.pages) console.log(`${p.id}: ${p.bytes} bytes`);
  for (const s of m.skipped) console.log(`skipped: ${s}`);
  console.log(`text: ${m.text.bytes} bytes; packs: ${m.packs.map((p) => `${p.n} (${p.bytes} B)`).join(", ")}`);
}

#!/usr/bin/env node
// Builds the unpacked extensions from the one manifest source.
//
//   node tools/build-extension.mjs [--browser chrome|firefox] [--pkg DIR] [--out DIR]
//
// Inputs:  manifest.json, extension/**, build/pkg/candor.js, build/pkg/candor_bg.wasm (`make wasm`),
//          the `hosts` of crate/packs/sites/*.json (tools/site-hosts.mjs)
// Outputs: dist/chrome/   background.service_worker + type:module; no `scripts`, no gecko settings
//          dist/firefox/  background.scripts + type:module; no `service_worker`, no `key`
//
// Both manifests get `content_scripts[0].matches` and `host_permissions` from the site adapters'
// hosts (`https://host/*`, `https://*.domain/*`; sorted, duplicates and covered entries dropped),
// replacing the lists in manifest.json, so a new adapter is enough to run on a new platform.
// `activeTab` + `scripting` (the popup's "scan this page") stay as manifest.json has them.
// The side panel: Chrome gets `side_panel` + the "sidePanel" permission, Firefox `sidebar_action`
// (the same sidepanel.html); each loses the other's keys, which it would warn about.
//
// Each target directory is deleted first and files are copied in sorted order, so the same inputs
// give the same bytes. With SOURCE_DATE_EPOCH set (reproducible-builds convention), every file
// also gets that modification time, so an archive made from dist/ is reproducible too. Without
// it, files keep the build time, which is what `make` needs to see dist/ as up to date.

import {
  copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { adapterHosts, matchPatterns } from "./site-hosts.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const EXT_DIR = join(ROOT, "extension");
const PKG_FILES = ["candor.js", "candor_bg.wasm"];
/** Files in extension/ that are project metadata, not part of the shipped extension. */
const NOT_SHIPPED = new Set(["EXTENSION_ID"]);
const BROWSERS = ["chrome", "firefox"];

const { values: opts } = parseArgs({
  options: {
    browser: { type: "string", multiple: true },
    pkg: { type: "string", default: join(ROOT, "build", "pkg") },
    out: { type: "string", default: join(ROOT, "dist") },
  },
});

function fail(message) {
  console.error(`build-extension: ${message}`);
  process.exit(1);
}

let mtime = null;
if (process.env.SOURCE_DATE_EPOCH != null) {
  const epoch = Number(process.env.SOURCE_DATE_EPOCH);
  if (!Number.isInteger(epoch) || epoch < 0) fail("SOURCE_DATE_EPOCH must be a whole number of seconds");
  mtime = new Date(epoch * 1000);
}

const browsers = opts.browser ?? BROWSERS;
for (const b of browsers) if (!BROWSERS.includes(b)) fail(`unknown browser "${b}" (chrome, firefox)`);

// --- inputs ----------------------------------------------------------------------------------

const missingPkg = PKG_FILES.filter((f) => !existsSync(join(opts.pkg, f)));
if (missingPkg.length) {
  fail(
    `missing ${missingPkg.map((f) => join(relative(ROOT, opts.pkg) || opts.pkg, f)).join(", ")}; ` +
      "build the wasm module first with `make wasm`",
  );
}
if (!existsSync(EXT_DIR)) fail("missing extension/ directory");

let manifest;
try {
  manifest = JSON.parse(readFileSync(join(ROOT, "manifest.json"), "utf8"));
} catch (err) {
  fail(`manifest.json: ${err.message}`);
}

/** Relative paths (with `/`) of every file under `dir`, sorted. */
function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(dir, full).split(sep).join("/"));
    }
  };
  walk(dir);
  return out;
}

const extFiles = listFiles(EXT_DIR).filter((f) => !NOT_SHIPPED.has(f));

// --- checks on the manifest source ------------------------------------------------------------

function checkManifest(m) {
  const problems = [];
  const shipped = new Set([...extFiles, ...PKG_FILES.map((f) => `pkg/${f}`)]);
  const needFile = (path, what) => {
    if (!shipped.has(path)) problems.push(`${what} refers to "${path}", which is not in extension/`);
  };
  if (m.manifest_version !== 3) problems.push("manifest_version must be 3");
  if (!m.background?.service_worker || !Array.isArray(m.background?.scripts)) {
    problems.push("background needs both service_worker (Chrome) and scripts (Firefox)");
  }
  if (m.background?.type !== "module") problems.push('background.type must be "module"');
  if (m.background?.service_worker) needFile(m.background.service_worker, "background.service_worker");
  for (const s of m.background?.scripts ?? []) needFile(s, "background.scripts");
  for (const cs of m.content_scripts ?? []) for (const js of cs.js ?? []) needFile(js, "content_scripts");
  if (m.options_ui?.page) needFile(m.options_ui.page, "options_ui.page");
  if (m.action?.default_popup) needFile(m.action.default_popup, "action.default_popup");
  if (m.side_panel?.default_path) needFile(m.side_panel.default_path, "side_panel.default_path");
  if (m.sidebar_action?.default_panel) needFile(m.sidebar_action.default_panel, "sidebar_action.default_panel");
  for (const icon of Object.values(m.sidebar_action?.default_icon ?? {})) needFile(icon, "sidebar_action.default_icon");
  for (const icon of Object.values(m.icons ?? {})) needFile(icon, "icons");
  for (const icon of Object.values(m.action?.default_icon ?? {})) needFile(icon, "action.default_icon");
  if (!m.browser_specific_settings?.gecko?.id) problems.push("browser_specific_settings.gecko.id is required");

  // Every __MSG_name__ must exist in the default locale.
  const locale = m.default_locale;
  const msgPath = `_locales/${locale}/messages.json`;
  if (!locale || !shipped.has(msgPath)) {
    problems.push(`default_locale "${locale}" has no ${msgPath}`);
  } else {
    const messages = JSON.parse(readFileSync(join(EXT_DIR, msgPath), "utf8"));
    const text = JSON.stringify(m);
    for (const [, name] of text.matchAll(/__MSG_(\w+)__/g)) {
      if (!(name in messages)) problems.push(`__MSG_${name}__ is not in ${msgPath}`);
    }
  }
  if (problems.length) fail(`manifest.json:\n  - ${problems.join("\n  - ")}`);
}

checkManifest(manifest);

// --- hosts from the site adapters --------------------------------------------------------------

let sitePatterns;
try {
  sitePatterns = matchPatterns(adapterHosts().map((e) => e.host));
} catch (err) {
  fail(`crate/packs/sites: ${err.message}`);
}
if (sitePatterns.length === 0) fail("crate/packs/sites: no adapter hosts");
if (!Array.isArray(manifest.content_scripts) || manifest.content_scripts.length === 0) {
  fail("manifest.json: content_scripts[0] is required (its matches come from the site adapters)");
}
manifest.content_scripts[0].matches = sitePatterns;
manifest.host_permissions = sitePatterns;

// --- per-browser manifests --------------------------------------------------------------------

function forChrome(src) {
  const m = structuredClone(src);
  m.background = { service_worker: src.background.service_worker, type: src.background.type };
  delete m.browser_specific_settings;
  delete m.sidebar_action; // Firefox's sidebar; Chrome has side_panel
  return m;
}

function forFirefox(src) {
  const m = structuredClone(src);
  m.background = { scripts: src.background.scripts, type: src.background.type };
  delete m.key; // Chrome-only; Firefox takes its id from browser_specific_settings.gecko.id
  // Chrome's side panel; Firefox has sidebar_action (same page).
  delete m.side_panel;
  m.permissions = (m.permissions ?? []).filter((p) => p !== "sidePanel");
  return m;
}

const TRANSFORMS = { chrome: forChrome, firefox: forFirefox };

// --- write ------------------------------------------------------------------------------------

function copy(from, to) {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}

function stampTree(dir) {
  for (const f of listFiles(dir)) utimesSync(join(dir, f), mtime, mtime);
  const dirs = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) {
        walk(full);
        dirs.push(full);
      }
    }
  };
  walk(dir);
  for (const d of [...dirs, dir]) utimesSync(d, mtime, mtime);
}

for (const browser of browsers) {
  const outDir = join(opts.out, browser);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const f of extFiles) copy(join(EXT_DIR, f), join(outDir, f));
  for (const f of PKG_FILES) copy(join(opts.pkg, f), join(outDir, "pkg", f));
  writeFileSync(join(outDir, "manifest.json"), JSON.stringify(TRANSFORMS[browser](manifest), null, 2) + "\n");
  if (mtime) stampTree(outDir);
  const shown = relative(ROOT, outDir).startsWith("..") ? outDir : relative(ROOT, outDir);
  console.log(`build-extension: wrote ${shown} (${extFiles.length + PKG_FILES.length + 1} files)`);
}

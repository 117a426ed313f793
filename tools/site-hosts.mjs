// The hosts Candor runs on, read from the site-adapter packs (crate/packs/sites/*.json).
//
// The adapters are the one source of truth for which platforms Candor reads: the extension's
// content-script `matches` and `host_permissions` are derived from them at build time
// (tools/build-extension.mjs), and the browser tests use the same code to know which fixture
// pages the content script runs on (tests/e2e/).
//
// An adapter host is an exact name (`www.upwork.com`) or `*.domain` (any subdomain). As a
// WebExtension match pattern `https://*.domain/*` also matches `domain` itself, so the pattern
// list drops every entry another entry already covers: `app.greenhouse.io` goes when
// `*.greenhouse.io` is there, `*.na.teamtailor.com` when `*.teamtailor.com` is.

import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const SITES_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "crate", "packs", "sites");

/** A host entry the build accepts: lower-case DNS labels, optionally behind one leading `*.`. */
const HOST_RE = /^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * Every `hosts` entry of every adapter in `dir`/*.json: [{host, pack, site}], in file order.
 * Throws with the file name on unreadable JSON or a malformed host.
 */
export function adapterHosts(dir = SITES_DIR) {
  const out = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    let pack;
    try {
      pack = JSON.parse(readFileSync(join(dir, file), "utf8"));
    } catch (err) {
      throw new Error(`${file}: ${err.message}`);
    }
    for (const site of Array.isArray(pack.sites) ? pack.sites : []) {
      for (const host of Array.isArray(site.hosts) ? site.hosts : []) {
        if (typeof host !== "string" || !HOST_RE.test(host)) {
          throw new Error(`${file}: site "${site.id}" has a host the manifest cannot express: ${JSON.stringify(host)}`);
        }
        out.push({ host, pack: file, site: site.id });
      }
    }
  }
  return out;
}

/** True when match-pattern host `pattern` (`a.b` or `*.b`) matches the host name `hostname`. */
export function patternCovers(pattern, hostname) {
  if (!pattern.startsWith("*.")) return pattern === hostname;
  const domain = pattern.slice(2);
  return hostname === domain || hostname.endsWith(`.${domain}`);
}

/**
 * The hosts as WebExtension match patterns (`https://host/*`, `https://*.domain/*`): sorted,
 * without duplicates and without entries another entry covers.
 */
export function matchPatterns(hosts) {
  const unique = [...new Set(hosts)];
  // A wildcard `*.x` covers `x`, `a.x` and `*.a.x`; an entry is dropped when another covers it.
  const bare = (h) => (h.startsWith("*.") ? h.slice(2) : h);
  const kept = unique.filter((h) =>
    !unique.some((other) => other !== h && other.startsWith("*.") && patternCovers(other, bare(h))));
  return kept.map((h) => `https://${h}/*`).sort();
}

/** True when the content script, with the adapters' hosts, runs on `hostname`. */
export function hostSupported(hostname, hosts = adapterHosts().map((e) => e.host)) {
  return hosts.some((h) => patternCovers(h, hostname.toLowerCase()));
}

// Shared by the popup and the side panel: which tab they describe, messages to the background,
// element building (never HTML), the level shown as a word plus a shape, and the strings.
//
// Test hook: both pages accept `?tabId=N` to describe tab N instead of the active tab (the e2e
// tests open them as ordinary tabs, where "the active tab" would be the page itself).

import { loadStrings, localizePage } from "./i18n.js";

export const api = globalThis.browser ?? globalThis.chrome;

export const LEVELS = ["none", "low", "medium", "high", "critical"];

/**
 * One shape per level, so the level never rests on colour alone (the word is always shown too;
 * the shape is decorative: aria-hidden). Chosen to differ in outline, not just fill.
 */
const LEVEL_GLYPHS = { none: "○", low: "◔", medium: "▲", high: "◆", critical: "■" };

/** Page kinds of the report (crate PageKind) → string keys. */
const KIND_KEYS = {
  candidate: "popupKindCandidate",
  candidate_list: "popupKindCandidateList",
  messages: "popupKindMessages",
  job_posting: "popupKindJobPosting",
  unknown: "popupKindUnknown",
};

/** The tab id from `?tabId=N`, or null. */
export function tabIdOverride() {
  const raw = new URLSearchParams(location.search).get("tabId");
  return raw !== null && /^\d{1,10}$/.test(raw) ? Number(raw) : null;
}

/** The active tab of this page's window: {id, url} (url undefined when Candor may not see it). */
export async function activeTab() {
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  return tab ? { id: tab.id, url: tab.url } : null;
}

/** Tab `id` as {id, url}, or null when it is gone. */
export async function tabById(id) {
  try {
    const tab = await api.tabs.get(id);
    return { id: tab.id, url: tab.url };
  } catch {
    return null;
  }
}

/** Sends a message to the background; resolves to the answer, throws its error. */
export async function send(msg) {
  const answer = await api.runtime.sendMessage(msg);
  if (!answer || answer.ok !== true) throw new Error(answer?.error ?? "no answer from the background");
  return answer;
}

/** Builds an element: fixed attribute names only; children are nodes or text (never HTML). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value != null && value !== false) el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    el.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return el;
}

export const str = (v) => (typeof v === "string" ? v : "");

/** Bidi controls (as content.js drops them): an RLO in a page's text would reverse our own text. */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** Text that came from a page (names, evidence, notes) as the popup and side panel show it. */
export const pageText = (v) => str(v).replace(BIDI_CONTROLS, "");
export const arr = (v) => (Array.isArray(v) ? v : []);
export const levelOf = (v) => (LEVELS.includes(v) ? v : "none");
const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);

/** The level as shape + word, e.g. "◆ High"; `data-level` carries it for styling and tests. */
export function levelView(level, t) {
  const l = levelOf(level);
  return h("span", { class: "level", "data-level": l },
    h("span", { class: "level-glyph", "aria-hidden": "true" }, LEVEL_GLYPHS[l]),
    h("span", { class: "level-word" }, t(`level${cap(l)}`)));
}

/** The highest level among a report's candidates. */
export function topLevel(report) {
  let best = 0;
  for (const c of arr(report?.candidates)) best = Math.max(best, LEVELS.indexOf(levelOf(c?.level)));
  return LEVELS[best];
}

export const kindWord = (kind, t) => t(KIND_KEYS[kind] ?? KIND_KEYS.unknown);

/** `url` when it is an http(s) address (the only links Candor makes clickable), else null. */
export function webLink(url) {
  if (typeof url !== "string") return null;
  try {
    const u = new URL(url);
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
  } catch {
    return null;
  }
}

/** The host name of an http(s) URL, or null (other schemes, or a URL Candor may not see). */
export function webHost(url) {
  const link = webLink(url);
  return link ? new URL(link).hostname : null;
}

/**
 * The manifest's content-script pattern that covers `url` (`https://host/*`,
 * `https://*.domain/*`, as the build writes them), or null: Candor runs there by itself.
 */
export function supportedPattern(url) {
  const link = webLink(url);
  if (!link) return null;
  const u = new URL(link);
  for (const cs of api.runtime.getManifest().content_scripts ?? []) {
    for (const pattern of cs.matches ?? []) {
      const m = /^(\*|https?):\/\/([^/]+)\//.exec(pattern);
      if (!m) continue;
      if (m[1] !== "*" && `${m[1]}:` !== u.protocol) continue;
      const host = m[2];
      if (host === "*") return pattern;
      if (host.startsWith("*.")) {
        const domain = host.slice(2);
        if (u.hostname === domain || u.hostname.endsWith(`.${domain}`)) return pattern;
      } else if (u.hostname === host) return pattern;
    }
  }
  return null;
}

/** True when a content script runs on `url` by itself (see supportedPattern). */
export function supportedUrl(url) {
  return supportedPattern(url) !== null;
}

/**
 * Whether the browser lets Candor read the sites of `pattern`. Host permissions are opt-in in
 * Firefox MV3 and can be withdrawn by the user in both browsers (Chrome's "site access"); without
 * them no content script runs and nothing would say why. Unknown (no permissions API) → true.
 */
export async function hasSiteAccess(pattern) {
  if (!api.permissions?.contains) return true;
  try {
    return await api.permissions.contains({ origins: [pattern] });
  } catch {
    return true;
  }
}

/**
 * Loads the strings in the user's language, translates the static page, and calls `onChange`
 * again whenever the stored settings change (the language may have). Returns the first `t`.
 */
export async function useStrings(onChange) {
  const load = async () => {
    const { t } = await loadStrings();
    localizePage(document, t);
    return t;
  };
  const t = await load();
  api.storage.onChanged.addListener((changes, area) => {
    if (area === "local" && changes.settings) load().then(onChange, (err) => console.warn("Candor:", err));
  });
  return t;
}

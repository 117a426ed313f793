// Candor's own string loader: lets the user pick the interface language (settings.uiLanguage)
// independently of the browser's, which chrome.i18n cannot do (it always follows the browser).
//
// It reads the same `_locales/<lang>/messages.json` files the browser reads, through
// `runtime.getURL` + fetch, which works in extension pages and in the background (service worker
// in Chrome, event page in Firefox). Content scripts cannot fetch extension files without making
// them web-accessible, so they ask the background (`candor/ui/strings`) for `messages` instead.
//
// Message format: Chrome's. A message may name placeholders (`$COUNT$`, defined in `placeholders`
// with `content: "$1"`); they are resolved once at load time, so `messages` holds plain texts
// with positional `$1`..`$9`, and `$$` stands for a literal dollar sign.

/** The interface languages Candor ships, first the fallback. */
export const LANGUAGES = ["en", "de"];

const FALLBACK = LANGUAGES[0];
const api = globalThis.browser ?? globalThis.chrome;

/** Memoised `{key: text}` per language: the files never change while the extension runs. */
const cache = new Map();

/**
 * Loads the strings of `lang` ("auto", "en", "de"; undefined = the user's stored setting) and
 * returns `{lang, messages, t}`. `lang` is the effective language; `messages` holds every English
 * key, in `lang` where it is translated; `t(key, ...subs)` falls back to English, then to the key.
 */
export async function loadStrings(lang) {
  const effective = lang === undefined ? await currentLanguage() : resolveLanguage(lang);
  const english = await readLocale(FALLBACK);
  const own = effective === FALLBACK ? english : await readLocale(effective).catch(() => ({}));
  const messages = { ...english, ...own };
  const t = (key, ...subs) => (Object.hasOwn(messages, key) ? formatMessage(messages[key], subs) : String(key));
  t.lang = effective;
  return { lang: effective, messages, t };
}

/** The effective language (one of LANGUAGES) for the stored `settings.uiLanguage` ("auto" default). */
export async function currentLanguage() {
  let chosen = "auto";
  try {
    const { settings } = await api.storage.local.get("settings");
    if (settings && typeof settings.uiLanguage === "string") chosen = settings.uiLanguage;
  } catch {
    // Storage unreadable: the browser's language is the best remaining guess.
  }
  return resolveLanguage(chosen);
}

/**
 * Translates `root` (a document or an element) in place: `data-i18n` sets the text,
 * `data-i18n-aria-label`, `data-i18n-title` and `data-i18n-placeholder` set those attributes;
 * `<html lang>` becomes `t.lang` (set by loadStrings).
 */
export function localizePage(root, t) {
  const doc = root.ownerDocument ?? root;
  const scope = root.querySelectorAll ? root : doc;
  for (const el of scope.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const [data, attr] of ATTRIBUTES) {
    for (const el of scope.querySelectorAll(`[data-i18n-${data}]`)) el.setAttribute(attr, t(el.getAttribute(`data-i18n-${data}`)));
  }
  if (t.lang && doc.documentElement) doc.documentElement.lang = t.lang;
}

const ATTRIBUTES = [
  ["aria-label", "aria-label"],
  ["title", "title"],
  ["placeholder", "placeholder"],
];

/** Substitutes `$1`..`$9` with `subs` and `$$` with `$`, in one pass (a substitution is never re-read). */
export function formatMessage(text, subs = []) {
  return text.replace(/\$(\$|[1-9])/g, (_, m) => (m === "$" ? "$" : String(subs[Number(m) - 1] ?? "")));
}

/**
 * Turns a parsed messages.json into `{key: text}`: named placeholders (`$NAME$`, matched without
 * regard to case, as Chrome does) are replaced by their `content`.
 */
export function flattenLocale(json) {
  const out = {};
  for (const [key, entry] of Object.entries(json)) {
    if (!entry || typeof entry.message !== "string") continue;
    const named = new Map(Object.entries(entry.placeholders ?? {}).map(([n, p]) => [n.toLowerCase(), String(p?.content ?? "")]));
    out[key] = entry.message.replace(/\$\$|\$([A-Za-z0-9_@]+)\$/g, (whole, name) =>
      name === undefined ? whole : named.get(name.toLowerCase()) ?? whole,
    );
  }
  return out;
}

/** "auto" and unknown values become the browser's language when Candor has it, else English. */
function resolveLanguage(lang) {
  if (LANGUAGES.includes(lang)) return lang;
  let ui = "";
  try {
    ui = api?.i18n?.getUILanguage?.() ?? globalThis.navigator?.language ?? "";
  } catch {
    ui = globalThis.navigator?.language ?? "";
  }
  const base = String(ui).toLowerCase().split(/[-_]/)[0];
  return LANGUAGES.includes(base) ? base : FALLBACK;
}

async function readLocale(lang) {
  if (!cache.has(lang)) {
    const load = fetch(api.runtime.getURL(`_locales/${lang}/messages.json`))
      .then((res) => {
        if (!res.ok) throw new Error(`_locales/${lang}/messages.json: HTTP ${res.status}`);
        return res.json();
      })
      .then(flattenLocale);
    load.catch(() => cache.delete(lang)); // a failed read is retried next time, not remembered
    cache.set(lang, load);
  }
  return cache.get(lang);
}

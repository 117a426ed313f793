// Candor background: hosts the wasm engine and answers scan requests from the content script.
//
// Chrome runs this file as a module service worker, Firefox as a module event page. Both rules
// below come from the service-worker side (tech-anchors §0.3):
//   - the wasm-bindgen glue is imported statically; `import()` throws in a ServiceWorkerGlobalScope;
//   - the module is instantiated lazily, inside the first event that needs it (no top-level await),
//     and the promise is memoised so a burst of messages instantiates it once.
// The worker may be stopped whenever it is idle; everything here is rebuilt on the next message.
//
// Persona memory (persona-store.js): before each scan the engine gets the install's memory
// (`setMemory`, only when it changed since the last scan); after it, the report's `persona`
// records are remembered and stripped from the report the content script receives. A memory
// failure never fails a scan: it comes back as a notice and as `memory.error` in the response.

import init, { Scanner } from "./pkg/candor.js";
import { createPersonaStore, retentionDays } from "./persona-store.js";

const api = globalThis.browser ?? globalThis.chrome;

/** Message types. Namespaced so other extensions' shapes never match. */
const SCAN = "candor/scan";
const PERSONA_STATS = "candor/persona/stats";
const PERSONA_EXPORT = "candor/persona/export";
const PERSONA_WIPE = "candor/persona/wipe";
const SETTINGS_SET = "candor/settings/set";
/** Largest page accepted, in UTF-16 code units of serialised HTML (the engine's own cap is 8 MiB). */
const MAX_HTML = 8 * 1024 * 1024;
/** Longest URL accepted. */
const MAX_URL = 8192;
/** Notice code for a truncated page; the engine uses the same code for its own cap. */
const TRUNCATED = "N001";
/** Notice code for a persona memory that could not be read or saved (extension-side code). */
const MEMORY_NOTICE = "M001";

let ready = null;
let scanner = null;

const store = createPersonaStore(api.storage.local, { onChanged: api.storage.onChanged });
/** What the scanner holds: the store generation it was given, "off", or null (nothing yet). */
let engineMemory = null;

/** Instantiates the wasm module once and builds the scanner from the built-in pack. */
function engine() {
  ready ??= init({ module_or_path: api.runtime.getURL("pkg/candor_bg.wasm") })
    .then(() => {
      scanner = new Scanner([]);
      return scanner;
    })
    .catch((err) => {
      ready = null; // let the next message try again rather than caching the failure
      throw err;
    });
  return ready;
}

/**
 * Runtime guard for `{type: "candor/scan", url, html, truncated?}`.
 * Returns the reason the message is malformed, or null when it is well formed.
 */
function invalidScan(msg) {
  if (typeof msg.url !== "string" || msg.url.length === 0 || msg.url.length > MAX_URL) {
    return "url must be a non-empty string";
  }
  let parsed;
  try {
    parsed = new URL(msg.url);
  } catch {
    return "url is not a valid URL";
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return "url must be http(s)";
  if (typeof msg.html !== "string") return "html must be a string";
  if ("truncated" in msg && typeof msg.truncated !== "boolean") return "truncated must be a boolean";
  return null;
}

/** Runtime guard for messages that carry nothing but their type. */
function invalidBare(msg) {
  const extra = Object.keys(msg).filter((k) => k !== "type");
  return extra.length ? `unexpected field ${extra[0]}` : null;
}

/** The settings `candor/settings/set` accepts, each with its validator. */
const SETTINGS = {
  personaRetentionDays: (v) => retentionDays(v) !== null || "personaRetentionDays must be an integer from 0 to 3650",
};

/** Runtime guard for `{type: "candor/settings/set", settings: {personaRetentionDays}}`. */
function invalidSettings(msg) {
  const extra = Object.keys(msg).filter((k) => k !== "type" && k !== "settings");
  if (extra.length) return `unexpected field ${extra[0]}`;
  const settings = msg.settings;
  if (settings === null || typeof settings !== "object" || Array.isArray(settings)) return "settings must be an object";
  const keys = Object.keys(settings);
  if (keys.length === 0) return "settings is empty";
  for (const k of keys) {
    if (!Object.hasOwn(SETTINGS, k)) return `unknown setting ${k}`;
    const ok = SETTINGS[k](settings[k]);
    if (ok !== true) return ok;
  }
  return null;
}

/** True when the message comes from one of this extension's own content scripts. */
function fromOwnContentScript(sender) {
  return sender != null && sender.id === api.runtime.id && sender.tab != null;
}

/**
 * True when the message comes from one of this extension's own pages (the options page), never
 * from a content script: a content script's sender URL is the web page's.
 */
function fromExtensionPage(sender) {
  const origin = api.runtime.getURL("");
  return sender != null && sender.id === api.runtime.id && typeof sender.url === "string" && sender.url.startsWith(origin);
}

/** Cuts `html` to at most MAX_HTML code units without splitting a surrogate pair. */
function capHtml(html) {
  if (html.length <= MAX_HTML) return html;
  let end = MAX_HTML;
  const last = html.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return html.slice(0, end);
}

function errorMessage(err) {
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * Gives the scanner the persona memory, when it changed since the last scan. Synchronous, so that
 * the scan that follows sees exactly this memory. Returns an error message, or null.
 */
function syncEngineMemory(s, memory) {
  try {
    if (!memory.on) {
      if (engineMemory !== "off") s.clearMemory();
      engineMemory = "off";
    } else if (engineMemory !== memory.generation) {
      s.setMemory(memory.secret, store.engineEntries());
      engineMemory = memory.generation;
    }
    return null;
  } catch (err) {
    // Never scan with a memory that may be keyed by an older secret.
    s.clearMemory();
    engineMemory = null;
    return errorMessage(err);
  }
}

/** English fallbacks of the locale messages the background uses. */
const FALLBACK = {
  memoryUnavailable: "Persona memory is unavailable ($1): this page was scanned without comparing it with earlier candidates.",
  memorySaveFailed: "Persona memory could not be saved ($1). What it remembered before is kept.",
};

function t(key, ...subs) {
  let msg = "";
  try {
    msg = api.i18n.getMessage(key, subs.map(String));
  } catch {
    msg = "";
  }
  return msg || FALLBACK[key].replace(/\$(\d)/g, (_, n) => String(subs[Number(n) - 1] ?? ""));
}

function addNotice(report, code, message) {
  report.notices ??= [];
  if (!report.notices.some((n) => n && n.code === code)) report.notices.push({ code, message });
}

async function scan(msg) {
  const wasTruncated = msg.truncated === true || msg.html.length > MAX_HTML;
  const html = capHtml(msg.html);
  const s = await engine();
  let memory;
  try {
    memory = await store.engineMemory();
  } catch (err) {
    memory = { on: false, error: errorMessage(err) };
  }
  const unavailable = memory.error ?? syncEngineMemory(s, memory);
  // A live page: its displayed clocks are compared with the claimed location at this instant.
  const report = s.scanHtml(msg.url, html, Date.now() / 1000);
  if (wasTruncated) addNotice(report, TRUNCATED, "page truncated at 8 MiB");
  let notice = null;
  if (unavailable !== null) {
    notice = t("memoryUnavailable", unavailable);
  } else if (memory.on) {
    const { error } = await store.remember(report, msg.url, memory.secret);
    if (error !== null) notice = t("memorySaveFailed", error);
  }
  // The fingerprints stay in the background: the page's renderer has no use for them.
  for (const c of Array.isArray(report.candidates) ? report.candidates : []) if (c) delete c.persona;
  if (notice !== null) addNotice(report, MEMORY_NOTICE, notice);
  const state = notice !== null ? "error" : memory.on ? "on" : "off";
  return { report, memory: notice !== null ? { state, error: notice } : { state } };
}

/** The messages this background answers: who may send each, its guard, and what it does. */
const HANDLERS = {
  [SCAN]: { allowed: fromOwnContentScript, invalid: invalidScan, run: scan },
  [PERSONA_STATS]: { allowed: fromExtensionPage, invalid: invalidBare, run: async () => ({ stats: await store.stats() }) },
  [PERSONA_EXPORT]: { allowed: fromExtensionPage, invalid: invalidBare, run: async () => ({ document: await store.exportDocument() }) },
  [PERSONA_WIPE]: {
    allowed: fromExtensionPage,
    invalid: invalidBare,
    run: async () => {
      const error = await store.wipe();
      if (error !== null) throw new Error(error);
      return { stats: await store.stats() };
    },
  },
  [SETTINGS_SET]: {
    allowed: fromExtensionPage,
    invalid: invalidSettings,
    run: async (msg) => ({ settings: await store.setRetention(msg.settings.personaRetentionDays) }),
  },
};

api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (msg === null || typeof msg !== "object" || typeof msg.type !== "string") return false;
  if (!Object.hasOwn(HANDLERS, msg.type)) return false; // not ours
  const handler = HANDLERS[msg.type];
  if (!handler.allowed(sender)) {
    sendResponse({ ok: false, error: "sender not allowed" });
    return false;
  }
  const problem = handler.invalid(msg);
  if (problem !== null) {
    sendResponse({ ok: false, error: `bad message: ${problem}` });
    return false;
  }
  handler.run(msg).then(
    (result) => sendResponse({ ok: true, ...result }),
    (err) => sendResponse({ ok: false, error: errorMessage(err) }),
  );
  return true; // the response is sent asynchronously
});

// Toolbar button: scan the current tab on demand. On the supported sites the content script is
// already there (it re-scans); elsewhere `activeTab` grants one-off access for this injection.
api.action.onClicked.addListener((tab) => {
  if (tab.id == null) return;
  api.scripting.executeScript({ target: { tabId: tab.id }, files: ["content.js"] }).catch((err) => {
    console.warn("Candor: cannot scan this tab:", errorMessage(err));
  });
});

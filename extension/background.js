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
//
// Rule packs and enterprise policy (packs.js, policy.js; docs/rule-packs.md §4–6): the engine is
// the built-in packs plus the installed packs, compiled by the pack registry, which swaps it only
// when a new set compiles. The managed policy is read at every start of the worker and whenever
// the managed area changes (storage.onChanged, area "managed"); a policy that cannot be read or is
// malformed never stops scanning. Subscriptions are checked at browser start-up, when the policy
// adds one, on the user's "Check now", and on one `chrome.alarms` alarm set for the earliest due
// check. Pages on a site the policy switches off (`disabledSites`) are not scanned: the answer is
// `{ok: true, report: null, disabled: true}`.
//
// Popup and side panel (tab-reports.js): the last scan of each tab is kept for them
// (`candor/tab/report {tabId}` → {entry|null}), and every change is broadcast as
// `{type: "candor/tab/updated", tabId}`. "Scan this page" is `candor/tab/scan {tabId}`.

import init, { Scanner, checkPackUpdate, lintPack, publicKeyId, validationDigest } from "./pkg/candor.js";
import { createPackRegistry } from "./packs.js";
import { loadPolicy } from "./policy.js";
import { candidateIdentity, createTabReports } from "./tab-reports.js";
import { bareUrl, createPersonaStore } from "./persona-store.js";
import { createVerificationStore, validate as verification } from "./verification-store.js";
import { createSettingsStore, hostCovered, invalidSettingsObject } from "./settings.js";
import { loadStrings } from "./i18n.js";
import { exportDocument as settingsDocument, planImport } from "./settings-transfer.js";

const api = globalThis.browser ?? globalThis.chrome;

/** Message types. Namespaced so other extensions' shapes never match. */
const SCAN = "candor/scan";
const PERSONA_STATS = "candor/persona/stats";
const PERSONA_EXPORT = "candor/persona/export";
const PERSONA_WIPE = "candor/persona/wipe";
const SETTINGS_SET = "candor/settings/set";
const SETTINGS_GET = "candor/settings/get";
const UI_STRINGS = "candor/ui/strings";
const SETTINGS_EXPORT = "candor/settings/export";
const SETTINGS_IMPORT = "candor/settings/import";
const PACKS_STATE = "candor/packs/state";
const PACKS_CHECK = "candor/packs/check";
const PACKS_SET_ENABLED = "candor/packs/set-enabled";
const PACKS_SUBSCRIBE = "candor/packs/subscribe";
const PACKS_IMPORT = "candor/packs/import";
const PACKS_REMOVE = "candor/packs/remove";
const KEYS_ADD = "candor/packs/keys/add";
const KEYS_REMOVE = "candor/packs/keys/remove";
const TAB_REPORT = "candor/tab/report";
/** The verification log (verification-store.js has the contract). */
const VERIFY_SAVE = "candor/verification/save";
const VERIFY_FOR = "candor/verification/for";
const VERIFY_HISTORY = "candor/verification/history";
const VERIFY_LIST = "candor/verification/list";
const VERIFY_EXPORT = "candor/verification/export";
const VERIFY_WIPE = "candor/verification/wipe";
const TAB_SCAN = "candor/tab/scan";
/** Broadcast to extension pages (popup, side panel) when a tab's entry changed: {type, tabId}. */
const TAB_UPDATED = "candor/tab/updated";
/** The one alarm: the earliest due subscription check. */
const CHECK_ALARM = "candor/packs/check";
/** The engine's cap on a pack, in UTF-16 code units of the text sent by the options page. */
const MAX_PACK_TEXT = 8 * 1024 * 1024;
/** Largest page accepted, in UTF-16 code units of serialised HTML (the engine's own cap is 8 MiB). */
const MAX_HTML = 8 * 1024 * 1024;
/** Longest URL accepted. */
const MAX_URL = 8192;
/** Notice code for a truncated page; the engine uses the same code for its own cap. */
const TRUNCATED = "N001";
/** Notice code for a persona memory that could not be read or saved (extension-side code). */
const MEMORY_NOTICE = "M001";

let wasmReady = null;
let booted = null;

const store = createPersonaStore(api.storage.local, { onChanged: api.storage.onChanged });
/** The recruiter's camera-verification records; on a full storage, persona memory makes room. */
// `registry` is defined below; the store only calls this after boot() has applied the policy.
const verifications = createVerificationStore(api.storage.local, {
  makeRoom: (bytes) => store.evictOldest(bytes),
  policyRetentionDays: () => registry.policy()?.verificationRetentionDays ?? null,
  onChanged: api.storage.onChanged,
});
// Retention is applied whenever the worker starts (and on each save) — after the policy is read,
// so that a longer retention set by the organisation is never cut short by the user's setting.
boot()
  .then(() => verifications.prune())
  .catch((err) => console.warn("Candor: cannot prune the verification log:", errorMessage(err)));
/** What the scanner holds: the store generation it was given, "off", or null (nothing yet). */
let engineMemory = null;
/** The scanner `engineMemory` describes: a new engine (packs changed) starts without memory. */
let memoryScanner = null;

const registry = createPackRegistry({
  storage: api.storage.local,
  wasm: { Scanner, checkPackUpdate, publicKeyId, lintPack, validationDigest },
  fetch: (...args) => fetch(...args),
});

/** User settings (settings.js); the policy in effect overrides what it enforces. */
const settingsStore = createSettingsStore({ area: api.storage.local, persona: store, policy: () => registry.policy() });

/** Instantiates the wasm module once. */
function wasm() {
  wasmReady ??= init({ module_or_path: api.runtime.getURL("pkg/candor_bg.wasm") }).catch((err) => {
    wasmReady = null; // let the next message try again rather than caching the failure
    throw err;
  });
  return wasmReady;
}

/** Reads the managed policy (never rejects) and applies it to the packs and persona memory. */
async function applyPolicy() {
  const loaded = await loadPolicy({
    managed: api.storage.managed,
    local: api.storage.local,
    keyId: (key) => publicKeyId(key) ?? null,
  });
  if (loaded.error && loaded.source === "cache") console.warn("Candor: managed policy unavailable, using the cached copy:", loaded.error);
  store.setPolicyRetention(loaded.policy.personaRetentionDays ?? null);
  await registry.setPolicy(loaded);
  return loaded;
}

/** Once per worker: the wasm module, the policy, the pack registry. */
function boot() {
  booted ??= (async () => {
    await wasm();
    await applyPolicy();
    await registry.load();
    scheduleChecks(); // a worker that wakes makes sure the next check is scheduled
  })().catch((err) => {
    booted = null;
    throw err;
  });
  return booted;
}

/** Sets the alarm for the earliest due check (at least 30 s away: Chrome's minimum). */
async function scheduleAlarm() {
  if (!api.alarms) return;
  const at = await registry.nextCheck();
  if (at === null) await api.alarms.clear(CHECK_ALARM);
  else await api.alarms.create(CHECK_ALARM, { when: Math.max(at, Date.now() + 30_000) });
}

/** Checks the subscriptions `which` selects ("due" or "all"), then reschedules. */
let checking = Promise.resolve();
function runChecks(which) {
  checking = checking.then(async () => {
    await boot();
    if (which === "all") await registry.checkAll();
    else await registry.checkDue();
    await scheduleAlarm();
  }).catch((err) => console.warn("Candor: pack check failed:", errorMessage(err)));
  return checking;
}

/**
 * After boot: whatever is due (an overdue check is done now rather than its alarm pushed back on
 * every wake; a pack the policy added is due at once), then the alarm for the next one.
 */
function scheduleChecks() {
  runChecks("due");
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
  if ("token" in msg && !(typeof msg.token === "string" && msg.token.length > 0 && msg.token.length <= 64)) return "token must be a short string";
  if (typeof msg.html !== "string") {
    // A re-scan that carries only the changed middle of the page (content.js `sendScan`).
    if (typeof msg.base !== "string" || msg.base.length > 64) return "html must be a string";
    if (!Number.isInteger(msg.at) || msg.at < 0 || !Number.isInteger(msg.remove) || msg.remove < 0) return "at and remove must be non-negative integers";
    if (typeof msg.insert !== "string") return "insert must be a string";
  }
  if ("truncated" in msg && typeof msg.truncated !== "boolean") return "truncated must be a boolean";
  return null;
}

/**
 * The last page each content script sent, with the token it named it by, so that its next scan
 * request can carry only what changed (`{base, at, remove, insert}` instead of `html`). Lost
 * when the worker stops; the content script then gets `resend: true` and sends the whole page.
 */
const lastPages = new Map();
const MAX_LAST_PAGES = 8;
const MAX_LAST_PAGE = 2 * 1024 * 1024; // UTF-16 code units; bigger pages are always sent whole

const pageKey = (sender) => sender.documentId ?? `${sender.tab?.id}:${sender.frameId ?? 0}`;

/** The scan request with its whole page (rebuilt from a delta), or null when its base is unknown. */
function wholePage(msg, sender) {
  const key = pageKey(sender);
  let html = msg.html;
  if (typeof html !== "string") {
    const base = lastPages.get(key);
    if (!base || base.token !== msg.base || msg.at + msg.remove > base.html.length) return null;
    html = base.html.slice(0, msg.at) + msg.insert + base.html.slice(msg.at + msg.remove);
  }
  lastPages.delete(key);
  if (typeof msg.token === "string" && html.length <= MAX_LAST_PAGE) {
    lastPages.set(key, { token: msg.token, html });
    while (lastPages.size > MAX_LAST_PAGES) lastPages.delete(lastPages.keys().next().value);
  }
  const whole = { type: msg.type, url: msg.url, html };
  if (typeof msg.truncated === "boolean") whole.truncated = msg.truncated;
  return whole;
}

/** Runtime guard for messages that carry nothing but their type. */
function invalidBare(msg) {
  const extra = Object.keys(msg).filter((k) => k !== "type");
  return extra.length ? `unexpected field ${extra[0]}` : null;
}

/**
 * A guard for a message with exactly the fields in `spec` (name → validator returning true or the
 * problem; a name ending in "?" is optional).
 */
function fields(spec) {
  const names = Object.keys(spec).map((n) => n.replace(/\?$/, ""));
  return (msg) => {
    const extra = Object.keys(msg).filter((k) => k !== "type" && !names.includes(k));
    if (extra.length) return `unexpected field ${extra[0]}`;
    for (const [raw, check] of Object.entries(spec)) {
      const name = raw.replace(/\?$/, "");
      if (raw.endsWith("?") && (msg[name] === undefined || msg[name] === null)) continue;
      const ok = check(msg[name]);
      if (ok !== true) return `${name} ${ok}`;
    }
    return null;
  };
}

const shortText = (max) => (v) => (typeof v === "string" && v.length > 0 && v.length <= max) || `must be a non-empty string of at most ${max} characters`;
const httpsText = (v) => {
  if (typeof v !== "string" || v.length > 2048) return "must be a URL";
  try {
    return new URL(v).protocol === "https:" || "must be an https URL";
  } catch {
    return "must be a URL";
  }
};
const bool = (v) => typeof v === "boolean" || "must be true or false";
const tabIdValue = (v) => (Number.isInteger(v) && v >= 0) || "must be a tab id";

/** Runtime guard for `{type: "candor/settings/set", settings: {...}}` (settings.js validates each key). */
function invalidSettings(msg) {
  const extra = Object.keys(msg).filter((k) => k !== "type" && k !== "settings");
  if (extra.length) return `unexpected field ${extra[0]}`;
  return invalidSettingsObject(msg.settings);
}

/** True for this extension's own content scripts and pages (both show Candor's strings). */
function fromOwnScriptOrPage(sender) {
  return fromOwnContentScript(sender) || fromExtensionPage(sender);
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

/** English fallbacks of the locale messages the background uses, for when _locales cannot be read. */
const FALLBACK = {
  memoryUnavailable: "Persona memory is unavailable ($1): this page was scanned without comparing it with earlier candidates.",
  memorySaveFailed: "Persona memory could not be saved ($1). What it remembered before is kept.",
};

/** The strings in the user's language (settings.uiLanguage); English fallbacks if they cannot be read. */
async function strings() {
  try {
    return await loadStrings();
  } catch (err) {
    console.warn("Candor: cannot read the locale files:", errorMessage(err));
    const t = (key, ...subs) => (FALLBACK[key] ?? key).replace(/\$(\d)/g, (_, n) => String(subs[Number(n) - 1] ?? ""));
    return { lang: "en", messages: { ...FALLBACK }, t };
  }
}

function addNotice(report, code, message) {
  report.notices ??= [];
  if (!report.notices.some((n) => n && n.code === code)) report.notices.push({ code, message });
}

/**
 * True when Candor is switched off for the page. By the user (settings.disabledSites): the host
 * is listed exactly, or under a `*.domain` entry. By policy (`disabledSites`): its host (or a
 * parent domain) or the id of the site adapter that covers it is listed. The site id comes from
 * the engine's own host matching (a scan of an empty document: no page content is read).
 */
function siteDisabled(s, url, disabledSites, userDisabled = []) {
  const host = new URL(url).hostname.toLowerCase();
  if (userDisabled.some((entry) => hostCovered(entry, host))) return true;
  if (disabledSites.length === 0) return false;
  for (const entry of disabledSites) {
    const domain = entry.startsWith("*.") ? entry.slice(2) : entry;
    if (domain.includes(".") && (host === domain || host.endsWith(`.${domain}`))) return true;
  }
  let site = null;
  try {
    site = s.scanHtml(url, "", undefined)?.site ?? null;
  } catch {
    site = null;
  }
  return site !== null && disabledSites.includes(String(site).toLowerCase());
}

/**
 * The hosts Candor reads (the content script's match patterns, which the build derives from the
 * site adapters), each with the adapter id the engine gives it and whether the policy switches it
 * off: `[{host, site, policyDisabled}]` for the options page's site switches.
 */
async function supportedSites() {
  const matches = (api.runtime.getManifest().content_scripts ?? []).flatMap((c) => c.matches ?? []);
  const hosts = [...new Set(matches.map((m) => /^https:\/\/([^/]+)\//.exec(m)?.[1]).filter(Boolean))].sort();
  const s = (await registry.engine()).scanner;
  const policySites = registry.policy().disabledSites;
  return hosts.map((host) => {
    const probe = `https://${host.replace(/^\*\./, "")}/`;
    let site = null;
    try {
      site = s.scanHtml(probe, "", undefined)?.site ?? null;
    } catch {
      site = null;
    }
    return { host, site, policyDisabled: siteDisabled(s, probe, policySites) };
  });
}

/**
 * `candor/settings/import {document, apply?}`: the plan (what changes, what is refused, what is
 * invalid); with `apply`, and only when nothing is invalid, the settings (one write), then the
 * keys, then the subscriptions.
 */
async function importSettings(msg) {
  await boot();
  const stored = (await api.storage.local.get("settings")).settings;
  const plan = planImport(msg.document, {
    stored,
    view: await registry.view(),
    policy: registry.policy(),
    keyId: (text) => publicKeyId(text) ?? null,
  });
  if (msg.apply !== true || plan.invalid.length > 0) return { plan, applied: false };
  const settings = Object.fromEntries(plan.changes.filter((c) => c.kind === "setting").map((c) => [c.key, c.to]));
  if (Object.keys(settings).length) await settingsStore.set(settings);
  for (const c of plan.changes) if (c.kind === "key") await registry.addKey(c.key);
  for (const c of plan.changes) if (c.kind === "subscription") await registry.subscribe(c.url, c.signature_url);
  await scheduleAlarm().catch(() => {});
  return { plan, applied: true };
}

async function scan(msg) {
  const wasTruncated = msg.truncated === true || msg.html.length > MAX_HTML;
  await boot();
  const { settings } = await settingsStore.get();
  if (siteDisabled((await registry.engine()).scanner, msg.url, registry.policy().disabledSites, settings.disabledSites)) {
    return { report: null, disabled: true };
  }
  const { lang, t } = await strings();
  const html = capHtml(msg.html);
  let memory;
  try {
    memory = await store.engineMemory();
  } catch (err) {
    memory = { on: false, error: errorMessage(err) };
  }
  // The engine as it is now (used synchronously from here on: a swapped-out one is freed later).
  const s = (await registry.engine()).scanner;
  if (s !== memoryScanner) {
    engineMemory = null;
    memoryScanner = s;
  }
  const unavailable = memory.error ?? syncEngineMemory(s, memory);
  // A live page: its displayed clocks are compared with the claimed location at this instant.
  // `options`: the language for pack-translated rule texts and the user's risk levels (engines
  // before the per-scan options ignore the fourth argument and use their defaults).
  const report = s.scanHtml(msg.url, html, Date.now() / 1000, { locale: lang, thresholds: settings.thresholds });
  if (wasTruncated) addNotice(report, TRUNCATED, "page truncated at 8 MiB");
  let notice = null;
  if (unavailable !== null) {
    notice = t("memoryUnavailable", unavailable);
  } else if (memory.on) {
    const { error } = await store.remember(report, msg.url, memory.secret);
    if (error !== null) notice = t("memorySaveFailed", error);
  }
  // Before the fingerprints go: the verification-log identity of each candidate (tab-reports.js).
  const identities = (Array.isArray(report.candidates) ? report.candidates : []).map((c) => candidateIdentity(report, c, msg.url));
  // Each candidate's latest verification record, and the identity the content script saves under
  // (without the hashed identifiers: the background adds them from persona memory on save).
  let latest;
  try {
    latest = await verifications.latestFor(identities);
  } catch (err) {
    console.warn("Candor: cannot read the verification log:", errorMessage(err));
    latest = identities.map(() => null);
  }
  const verificationSubjects = identities.map(({ site, key, profile_id }) => (profile_id ? { site, key, profile_id } : { site, key }));
  // The fingerprints stay in the background: the page's renderer has no use for them.
  for (const c of Array.isArray(report.candidates) ? report.candidates : []) if (c) delete c.persona;
  if (notice !== null) addNotice(report, MEMORY_NOTICE, notice);
  const state = notice !== null ? "error" : memory.on ? "on" : "off";
  return { report, memory: notice !== null ? { state, error: notice } : { state }, identities, verifications: latest, verificationSubjects };
}

// Per-tab reports for the popup and the side panel (tab-reports.js).
const tabReports = createTabReports({
  session: api.storage.session ?? null,
  onChange: (tabId) => {
    // Nobody listening (no popup or side panel open) is the usual case, not an error.
    Promise.resolve(api.runtime.sendMessage({ type: TAB_UPDATED, tabId })).catch(() => {});
  },
});

/** `candor/scan` from a content script: scans, then remembers the result for the sender's tab. */
async function scanForTab(msg, sender) {
  const { identities, ...answer } = await scan(msg);
  const tabId = sender.tab?.id;
  // Only the tab's top frame speaks for the tab (a frame's report would replace the page's), and
  // only an answer with a report (or "off here") changes what the tab shows.
  const settled = answer.disabled === true || (answer.report !== null && typeof answer.report === "object");
  if (Number.isInteger(tabId) && (sender.frameId ?? 0) === 0 && settled) {
    const scannedAt = new Date().toISOString();
    const entry = answer.disabled === true
      ? { url: msg.url, report: null, disabled: true, scanned_at: scannedAt }
      : { url: msg.url, report: answer.report, verifications: answer.verifications ?? null, identities, scanned_at: scannedAt };
    await tabReports.put(tabId, entry);
  }
  return answer;
}

/** `candor/tab/scan {tabId}`: the popup's "Scan this page" (the toolbar's on-demand injection). */
async function scanTab(msg) {
  // On the supported sites the content script is already there (it re-scans); elsewhere the
  // popup's `activeTab` grant allows this one injection.
  await api.scripting.executeScript({ target: { tabId: msg.tabId }, files: ["content.js"] });
  return {};
}

/**
 * `candor/verification/save`: the record goes under the candidate's identity; a content script
 * cannot see the persona fingerprints, so the background adds the hashed identifiers persona
 * memory holds for that key (this is what lets the same persona be recognised on another site).
 */
async function saveVerification(msg) {
  await boot(); // the policy's retention must be known before a save prunes the log
  const candidate = { ...msg.candidate };
  const remembered = await store.identifiersOf(candidate.key).catch(() => []);
  const ids = [...new Set([...(candidate.identifiers ?? []), ...remembered])].slice(0, 64);
  if (ids.length > 0) candidate.identifiers = ids;
  if (candidate.url) candidate.url = bareUrl(candidate.url) ?? candidate.url;
  const result = await verifications.save({ ...msg, candidate });
  if (!result.ok) throw new Error(result.error);
  return { record: result.record };
}

/** The options page's view of the packs, keys and policy. */
const packState = async () => ({ state: await registry.view() });

/** Runs `action`, reschedules the checks (the set of subscriptions may have changed), answers the state. */
async function packAction(action) {
  await boot();
  const result = await action();
  await scheduleAlarm().catch(() => {});
  return { ...result, ...(await packState()) };
}

/** The messages this background answers: who may send each, its guard, and what it does. */
const HANDLERS = {
  [SCAN]: {
    allowed: fromOwnContentScript,
    invalid: invalidScan,
    run: async (msg, sender) => {
      const whole = wholePage(msg, sender);
      return whole === null ? { resend: true, report: null } : scanForTab(whole, sender);
    },
  },
  [TAB_REPORT]: {
    allowed: fromExtensionPage,
    invalid: fields({ tabId: tabIdValue }),
    run: async (msg) => ({ entry: await tabReports.get(msg.tabId) }),
  },
  [TAB_SCAN]: { allowed: fromExtensionPage, invalid: fields({ tabId: tabIdValue }), run: scanTab },
  [VERIFY_SAVE]: {
    allowed: fromOwnScriptOrPage,
    invalid: fields({ candidate: verification.candidate, outcome: verification.outcome, steps: verification.steps, "note?": verification.note }),
    run: saveVerification,
  },
  [VERIFY_FOR]: {
    allowed: fromOwnScriptOrPage,
    invalid: fields({ candidates: verification.candidates }),
    run: async (msg) => ({ records: await verifications.latestFor(msg.candidates) }),
  },
  [VERIFY_HISTORY]: {
    allowed: fromOwnScriptOrPage,
    invalid: fields({ candidate: (v) => verification.candidates([v]) }),
    run: async (msg) => {
      const candidate = { ...msg.candidate };
      const remembered = await store.identifiersOf(candidate.key).catch(() => []);
      if (remembered.length > 0) candidate.identifiers = [...new Set([...(candidate.identifiers ?? []), ...remembered])];
      return { records: await verifications.historyFor(candidate) };
    },
  },
  [VERIFY_LIST]: { allowed: fromExtensionPage, invalid: invalidBare, run: async () => ({ records: await verifications.list() }) },
  [VERIFY_EXPORT]: {
    allowed: fromExtensionPage,
    invalid: fields({ format: verification.format }),
    run: (msg) => verifications.exportFile(msg.format),
  },
  [VERIFY_WIPE]: { allowed: fromExtensionPage, invalid: invalidBare, run: async () => (await verifications.wipe(), {}) },
  [PERSONA_STATS]: { allowed: fromExtensionPage, invalid: invalidBare, run: async () => (await boot(), { stats: await store.stats() }) },
  [PERSONA_EXPORT]: { allowed: fromExtensionPage, invalid: invalidBare, run: async () => (await boot(), { document: await store.exportDocument() }) },
  [PACKS_STATE]: { allowed: fromExtensionPage, invalid: invalidBare, run: async () => (await boot(), packState()) },
  [PACKS_CHECK]: {
    allowed: fromExtensionPage,
    invalid: fields({ key: shortText(4096) }),
    run: (msg) => packAction(async () => ({ outcome: await registry.check(msg.key) })),
  },
  [PACKS_SET_ENABLED]: {
    allowed: fromExtensionPage,
    invalid: fields({ key: shortText(4096), enabled: bool }),
    run: (msg) => packAction(async () => (await registry.setEnabled(msg.key, msg.enabled), {})),
  },
  [PACKS_SUBSCRIBE]: {
    allowed: fromExtensionPage,
    invalid: fields({ url: httpsText, "signature_url?": httpsText }),
    run: (msg) => packAction(async () => {
      const { key, outcome } = await registry.subscribe(msg.url, msg.signature_url ?? null);
      return { key, outcome };
    }),
  },
  [PACKS_IMPORT]: {
    allowed: fromExtensionPage,
    invalid: fields({ text: shortText(MAX_PACK_TEXT), "file_name?": shortText(300) }),
    run: (msg) => packAction(async () => ({ result: await registry.importFile(msg.text, msg.file_name ?? null) })),
  },
  [PACKS_REMOVE]: {
    allowed: fromExtensionPage,
    invalid: fields({ key: shortText(4096) }),
    run: (msg) => packAction(async () => (await registry.remove(msg.key), {})),
  },
  [KEYS_ADD]: {
    allowed: fromExtensionPage,
    invalid: fields({ key: shortText(4096) }),
    run: (msg) => packAction(async () => ({ key_id: await registry.addKey(msg.key) })),
  },
  [KEYS_REMOVE]: {
    allowed: fromExtensionPage,
    invalid: fields({ key_id: (v) => (typeof v === "string" && /^[0-9A-F]{16}$/.test(v)) || "must be 16 hex digits" }),
    run: (msg) => packAction(async () => (await registry.removeKey(msg.key_id), {})),
  },
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
    run: async (msg) => {
      await boot(); // the policy may enforce a setting, and then the user's value is refused
      return { settings: await settingsStore.set(msg.settings) };
    },
  },
  [SETTINGS_GET]: {
    allowed: fromExtensionPage,
    invalid: invalidBare,
    run: async () => (await boot(), { ...(await settingsStore.get()), sites: await supportedSites() }),
  },
  [SETTINGS_EXPORT]: {
    allowed: fromExtensionPage,
    invalid: invalidBare,
    run: async () => {
      await boot();
      const stored = (await api.storage.local.get("settings")).settings;
      return { document: settingsDocument(stored, await registry.view()) };
    },
  },
  [SETTINGS_IMPORT]: {
    allowed: fromExtensionPage,
    invalid: fields({ document: (v) => (v !== null && typeof v === "object") || "must be an object", "apply?": bool }),
    run: importSettings,
  },
  [UI_STRINGS]: {
    allowed: fromOwnScriptOrPage,
    invalid: invalidBare,
    run: async () => {
      const { lang, messages } = await strings();
      return { lang, messages };
    },
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
  handler.run(msg, sender).then(
    (result) => sendResponse({ ok: true, ...result }),
    (err) => sendResponse({ ok: false, error: errorMessage(err) }),
  );
  return true; // the response is sent asynchronously
});

// Subscriptions: checked at browser start-up and install/update, then on the alarm.
api.runtime.onStartup?.addListener(() => runChecks("all"));
api.runtime.onInstalled?.addListener((details) => {
  runChecks("all");
  if (details?.reason === "update" || details?.reason === "install") reinjectContentScripts();
});

/**
 * After an update or reload, Chrome does not put the new content script into tabs that were
 * already open: their old one is orphaned (content.js notices and removes its UI). Inject the
 * manifest's content scripts into every open tab they match, so those pages are scanned again
 * (as uBlock Origin does). A tab that refuses (a crashed or discarded tab, an error page) is
 * skipped; the next navigation there gets the script the normal way.
 */
async function reinjectContentScripts() {
  if (!api.scripting || !api.tabs?.query) return;
  for (const entry of api.runtime.getManifest().content_scripts ?? []) {
    let tabs = [];
    try {
      tabs = await api.tabs.query({ url: entry.matches });
    } catch (err) {
      console.warn("Candor: cannot list tabs to re-inject:", errorMessage(err));
      continue;
    }
    for (const tab of tabs) {
      if (tab.id == null || tab.discarded) continue;
      api.scripting.executeScript({ target: { tabId: tab.id }, files: entry.js ?? [] }).catch((err) => {
        console.warn(`Candor: cannot re-inject into tab ${tab.id}:`, errorMessage(err));
      });
    }
  }
}
api.alarms?.onAlarm.addListener((alarm) => {
  if (alarm.name === CHECK_ALARM) runChecks("due");
});

// Enterprise policy changed (Admin console push, a policy file edited, policies.json): apply it,
// then check the packs it added.
api.storage.onChanged.addListener((_changes, area) => {
  if (area !== "managed") return;
  (async () => {
    await wasm();
    await applyPolicy();
    await runChecks("due"); // the packs it added were never checked: they are due
  })().catch((err) => console.warn("Candor: cannot apply the managed policy:", errorMessage(err)));
});

// The toolbar button opens the popup (manifest `action.default_popup`), whose "Scan this page"
// sends `candor/tab/scan`. A tab's report no longer applies once it navigates or closes.
api.tabs?.onUpdated.addListener((tabId, change) => {
  if (change.status === "loading") tabReports.drop(tabId);
});
api.tabs?.onRemoved.addListener((tabId) => tabReports.drop(tabId));

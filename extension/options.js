// Candor options page (an ES module; extension pages run under the extension's own CSP).
//
// Talks to the background only through namespaced messages (candor/persona/*, candor/settings/set,
// candor/packs/*); the background accepts them from extension pages only. Nothing is ever parsed as HTML here:
// text goes in with textContent, elements are made with createElement.
//
// Strings: the user's language (settings.uiLanguage, i18n.js), which falls back to English; the
// English text in options.html (static) and FALLBACK below only if the locale files cannot be read.
// The language section itself is options-settings.js; a change reaches this module through
// storage.onChanged, which re-translates and re-renders every section here.

import { loadStrings, localizePage } from "./i18n.js";
import { download, wireConfirm } from "./options-controls.js";

const api = globalThis.browser ?? globalThis.chrome;

/** {lang, messages, t} of the current language, once loaded. */
let strings = null;

const MAX_RETENTION_DAYS = 3650;

const FALLBACK = {
  personaOldestNone: "none",
  retentionSaved: "Saved: candidates are kept for $1 days.",
  retentionSavedOff: "Saved: memory is off and everything it held was forgotten.",
  exportDone: "Exported $1 entries.",
  wipeConfirmText: "Forget all $1 remembered candidates? This cannot be undone.",
  wipeDone: "Memory wiped. A new secret key was made, so nothing from before can be matched again.",
  optionsError: "Something went wrong: $1",
  retentionManaged: "Set by your organisation: candidates are kept for $1 days.",
  retentionManagedOff: "Set by your organisation: persona memory is off.",
  // Policy in effect
  managedFromPolicy: "Read from your browser's enterprise policy.",
  managedFromCache: "Your browser's enterprise policy could not be read ($1): the last policy saved in this browser applies.",
  policyPacks: "Rule packs",
  policyTrustedKeys: "Trusted keys",
  policyDisabledRules: "Rules switched off",
  policyDisabledSites: "Sites where Candor does not run",
  policyAllowUserPacks: "You may add rule packs",
  policyAllowUserKeys: "You may trust more keys",
  policyPersonaRetention: "Persona memory kept for",
  policyYes: "yes",
  policyNo: "no",
  policyDays: "$1 days",
  policyDaysOff: "off (0 days)",
  // Packs
  packsSummary: "$1 rules in use from $2 packs.",
  sourceBuiltin: "Built in",
  sourcePolicy: "Your organisation",
  sourceUserUrl: "Your subscription",
  sourceUserFile: "Local file",
  modeEnforced: "required",
  modeDefault: "on by default",
  modeUser: "optional",
  packId: "Id",
  packVersion: "Version",
  packSource: "Source",
  packMode: "Mode",
  packKey: "Signing key",
  packAddress: "Address",
  packLastCheck: "Last check",
  packNextCheck: "Next check",
  packNever: "never",
  packNone: "none",
  packNotInstalled: "not installed",
  packUntitled: "Pack not downloaded yet",
  packSwitch: "Use this pack",
  packCheck: "Check now",
  packRemove: "Remove",
  packUnsigned: "Local, unsigned: this pack was imported from a file and carries no signature. Candor cannot tell who wrote it.",
  packReplacesBuiltin: "Replaces the built-in pack with the same id.",
  packLastError: "Last error: $1",
  statusNotInstalled: "Not in use yet: no copy has been downloaded and verified.",
  statusBlocked: "Switched off: your organisation does not allow your own rule packs.",
  statusDisabled: "Switched off.",
  statusUntrustedKey: "Not in use: signed by key $1, which is not trusted.",
  statusExpired: "Not in use: this copy was valid until $1.",
  statusDuplicate: "Not in use: the same pack is already installed from $1.",
  statusCompileError: "Not in use: it does not compile with the other packs.",
  packChecked: "Checked $1: version $2 is installed.",
  packCheckedUnchanged: "Checked $1: version $2 is current.",
  packCheckFailed: "Checked $1: $2",
  packEnabled: "$1 is switched on.",
  packDisabled: "$1 is switched off.",
  packRemoved: "$1 was removed.",
  subscribed: "Subscribed to $1.",
  importInstalled: "Installed $1 version $2 from the file, unsigned.",
  importRefused: "The file was not installed: $1",
  importReadFailed: "The file could not be read: $1",
  // Keys
  keySourcePolicy: "Trusted by your organisation",
  keySourceUser: "Added by you",
  keyInactive: "not used: your organisation does not allow your own keys",
  keyRemove: "Remove",
  keyAdded: "Key $1 is now trusted.",
  keyRemoved: "Key $1 is no longer trusted.",
  keyInvalid: "Paste a minisign public key.",
};

function t(key, ...subs) {
  if (strings) return strings.t(key, ...subs);
  return (FALLBACK[key] ?? key).replace(/\$(\d)/g, (_, n) => String(subs[Number(n) - 1] ?? ""));
}

/** Loads the strings of the user's language and translates every [data-i18n*] element. */
async function localise() {
  try {
    strings = await loadStrings();
    localizePage(document, strings.t);
    // The numbers are not data-i18n elements (every translation pass would reset them): until
    // the first stats arrive they say "Loading…" in the page's language.
    if (persona.section.dataset.ready !== "true") for (const dd of [persona.count, persona.oldest]) dd.textContent = t("personaLoading");
  } catch (err) {
    console.warn("Candor: cannot read the locale files:", err);
  }
}

const $ = (id) => document.getElementById(id);

async function send(type, fields = {}) {
  const response = await api.runtime.sendMessage({ type, ...fields });
  if (!response || response.ok !== true) throw new Error(response?.error || "no answer from the background");
  return response;
}

function uiLanguage() {
  return strings?.lang;
}

/** A <time> element for milliseconds since the epoch, shown as a localised date and time. */
function dateTimeElement(ms) {
  const date = new Date(ms);
  const el = document.createElement("time");
  el.dateTime = date.toISOString();
  let text;
  try {
    text = new Intl.DateTimeFormat(uiLanguage(), { dateStyle: "medium", timeStyle: "short" }).format(date);
  } catch {
    text = el.dateTime;
  }
  el.textContent = text;
  return el;
}

/**
 * Makes an element: `props` sets attributes (`text` the text content, `class` the class list);
 * children are nodes or strings (text nodes). Never parses HTML.
 */
function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "text") e.textContent = String(v);
    else if (k === "class") e.className = v;
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}

/** A <time> element for Unix seconds, shown as a localised date. */
function timeElement(seconds) {
  const date = new Date(seconds * 1000);
  const el = document.createElement("time");
  el.dateTime = date.toISOString().slice(0, 10);
  let text;
  try {
    text = new Intl.DateTimeFormat(uiLanguage(), { dateStyle: "medium" }).format(date);
  } catch {
    text = el.dateTime;
  }
  el.textContent = text;
  return el;
}

// -------------------------------------------------------------------------------------------------
// Persona memory section.

const persona = {
  section: $("persona"),
  count: $("persona-count"),
  oldest: $("persona-oldest"),
  off: $("persona-off"),
  form: $("retention-form"),
  retention: $("retention"),
  retentionError: $("retention-error"),
  retentionSave: $("retention-save"),
  retentionManaged: $("retention-managed"),
  exportButton: $("export"),
  wipe: $("wipe"),
  confirm: $("wipe-confirm"),
  question: $("wipe-question"),
  wipeYes: $("wipe-yes"),
  wipeNo: $("wipe-no"),
  status: $("persona-status"),
  lastCount: 0,
};

function status(message, isError = false) {
  persona.status.textContent = message;
  persona.status.classList.toggle("error", isError);
}

function fail(err) {
  status(t("optionsError", err instanceof Error ? err.message : String(err)), true);
}

function showStats(stats) {
  persona.lastCount = stats.count;
  persona.count.textContent = String(stats.count);
  persona.count.dataset.count = String(stats.count);
  persona.oldest.replaceChildren(stats.oldest == null ? t("personaOldestNone") : timeElement(stats.oldest));
  persona.off.hidden = stats.retentionDays !== 0;
  // Enterprise policy may set the retention: then it is shown, and cannot be edited here.
  const managed = stats.retentionManaged === true;
  persona.retention.disabled = managed;
  persona.retentionSave.disabled = managed;
  persona.retentionManaged.hidden = !managed;
  persona.retentionManaged.textContent = managed
    ? stats.retentionDays === 0 ? t("retentionManagedOff") : t("retentionManaged", stats.retentionDays)
    : "";
  persona.retention.setAttribute("aria-describedby", managed ? "retention-managed retention-help" : "retention-help retention-error");
  // Do not overwrite what the user is typing.
  if (document.activeElement !== persona.retention) persona.retention.value = String(stats.retentionDays);
  persona.section.setAttribute("aria-busy", "false");
  persona.section.dataset.ready = "true";
}

async function refresh() {
  try {
    showStats((await send("candor/persona/stats")).stats);
  } catch (err) {
    fail(err);
  }
}

/** The retention typed in, or null when it is not a whole number of days in 0..3650. */
function typedRetention() {
  const raw = persona.retention.value.trim();
  if (!/^\d{1,4}$/.test(raw)) return null;
  const days = Number(raw);
  return days <= MAX_RETENTION_DAYS ? days : null;
}

function setInvalid(invalid) {
  persona.retentionError.hidden = !invalid;
  if (invalid) persona.retention.setAttribute("aria-invalid", "true");
  else persona.retention.removeAttribute("aria-invalid");
}

persona.form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const days = typedRetention();
  if (days === null) {
    setInvalid(true);
    persona.retention.focus();
    return;
  }
  setInvalid(false);
  try {
    await send("candor/settings/set", { settings: { personaRetentionDays: days } });
    persona.retention.blur();
    // Update the section first, then announce it: the status must describe what is on screen.
    await refresh();
    status(days === 0 ? t("retentionSavedOff") : t("retentionSaved", days));
  } catch (err) {
    fail(err);
  }
});

persona.retention.addEventListener("input", () => {
  if (!persona.retentionError.hidden && typedRetention() !== null) setInvalid(false);
});

persona.exportButton.addEventListener("click", async () => {
  try {
    const { document: doc } = await send("candor/persona/export");
    const day = new Date().toISOString().slice(0, 10);
    download(JSON.stringify(doc, null, 2) + "\n", `candor-persona-memory-${day}.json`, "application/json");
    status(t("exportDone", doc.entries.length));
  } catch (err) {
    fail(err);
  }
});

wireConfirm({
  button: persona.wipe,
  confirm: persona.confirm,
  yes: persona.wipeYes,
  no: persona.wipeNo,
  ask: () => {
    persona.question.textContent = t("wipeConfirmText", persona.lastCount);
  },
  run: async () => {
    await send("candor/persona/wipe");
    status(t("wipeDone"));
    await refresh();
  },
  fail,
});

// Scans in other tabs change the memory: keep the numbers current while the page is open.
let refreshTimer = 0;
api.storage.onChanged.addListener((changes, area) => {
  if (area !== "local" || !("persona" in changes || "settings" in changes)) return;
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(async () => {
    if ("settings" in changes) {
      // The language may have changed: translate, then re-render the lists in it.
      await localise();
      refreshPacks();
    }
    refresh();
  }, 250);
});

// -------------------------------------------------------------------------------------------------
// Policy in effect, rule packs and trusted keys (candor/packs/*).

const packsUi = {
  section: $("packs"),
  summary: $("packs-summary"),
  list: $("pack-list"),
  userPacks: $("user-packs"),
  blocked: $("user-packs-blocked"),
  form: $("subscribe-form"),
  url: $("pack-url"),
  sigUrl: $("pack-sig-url"),
  urlError: $("pack-url-error"),
  sigError: $("pack-sig-error"),
  file: $("pack-file"),
  importMessage: $("import-message"),
  importDiagnostics: $("import-diagnostics"),
  status: $("packs-status"),
};

const keysUi = {
  section: $("keys"),
  list: $("key-list"),
  none: $("keys-none"),
  form: $("key-form"),
  text: $("key-text"),
  error: $("key-error"),
  blocked: $("keys-blocked"),
  status: $("keys-status"),
};

const managedUi = {
  section: $("managed"),
  source: $("managed-source"),
  list: $("managed-list"),
  problems: $("managed-problems"),
  problemList: $("managed-problem-list"),
};

/** The last state the background sent. */
let packState = null;

function sayIn(node, message, isError = false) {
  node.textContent = message;
  node.classList.toggle("error", isError);
}

const errorText = (err) => t("optionsError", err instanceof Error ? err.message : String(err));

const SOURCE_KEYS = { builtin: "sourceBuiltin", policy: "sourcePolicy", "user-url": "sourceUserUrl", "user-file": "sourceUserFile" };
const MODE_KEYS = { enforced: "modeEnforced", default: "modeDefault", user: "modeUser" };
const STATUS_KEYS = {
  not_installed: "statusNotInstalled",
  blocked: "statusBlocked",
  disabled: "statusDisabled",
  untrusted_key: "statusUntrustedKey",
  expired: "statusExpired",
  duplicate: "statusDuplicate",
  compile_error: "statusCompileError",
};

const packName = (p) => p.title ?? p.url ?? p.id ?? p.key;

function statusText(p) {
  const key = STATUS_KEYS[p.status];
  if (!key) return "";
  if (p.status === "untrusted_key") return t(key, p.key_id ?? "?");
  return t(key, p.detail ?? "");
}

function metaRow(dl, label, value, name) {
  dl.append(el("div", { "data-field": name }, el("dt", { text: label }), el("dd", {}, value)));
}

function packItem(p, i) {
  const titleId = `pack-title-${i}`;
  const statusId = `pack-status-${i}`;
  const li = el("li", {
    class: "pack",
    "data-key": p.key,
    "data-id": p.id ?? "",
    "data-source": p.source,
    "data-mode": p.mode,
    "data-status": p.status,
  });
  li.append(el("div", { class: "pack-head" },
    el("h3", { id: titleId, class: "pack-title", text: packName(p) }),
    el("span", { class: `tag tag-${p.source}`, text: t(SOURCE_KEYS[p.source]) })));

  const dl = el("dl", { class: "pack-meta" });
  metaRow(dl, t("packId"), el("code", { text: p.id ?? t("packNotInstalled") }), "id");
  metaRow(dl, t("packVersion"), p.version ?? t("packNotInstalled"), "version");
  metaRow(dl, t("packSource"), t(SOURCE_KEYS[p.source]), "source");
  metaRow(dl, t("packMode"), t(MODE_KEYS[p.mode]), "mode");
  if (p.source !== "builtin") {
    metaRow(dl, t("packKey"), p.key_id ? el("code", { text: p.key_id }) : t("packNone"), "key");
    if (p.url) metaRow(dl, t("packAddress"), el("code", { class: "url", text: p.url }), "url");
    metaRow(dl, t("packLastCheck"), p.last_check ? dateTimeElement(p.last_check) : t("packNever"), "last-check");
    if (p.url && p.next_check) metaRow(dl, t("packNextCheck"), dateTimeElement(p.next_check), "next-check");
  }
  li.append(dl);

  if (p.unsigned) li.append(el("p", { class: "warning", "data-role": "unsigned", text: t("packUnsigned") }));
  if (p.replaces_builtin) li.append(el("p", { class: "help", text: t("packReplacesBuiltin") }));

  // Why the pack is not in use, and the last check's error: always visible, announced politely.
  const problems = [];
  if (p.status !== "active") problems.push(statusText(p));
  if (p.last_error) problems.push(t("packLastError", p.last_error));
  const statusEl = el("p", { id: statusId, class: "pack-status", role: "status", "data-role": "pack-status", text: problems.join(" ") });
  statusEl.classList.toggle("error", Boolean(p.last_error) || !["active", "disabled"].includes(p.status));
  li.append(statusEl);

  const row = el("div", { class: "row pack-controls" });
  const switchId = `pack-switch-${i}`;
  const labelId = `pack-switch-label-${i}`;
  const sw = el("input", {
    type: "checkbox",
    role: "switch",
    id: switchId,
    "data-action": "toggle",
    "data-focus": `toggle:${p.key}`,
    "aria-labelledby": `${labelId} ${titleId}`,
    "aria-describedby": statusId,
  });
  sw.checked = p.enabled && p.status !== "blocked";
  sw.disabled = !p.can_toggle;
  row.append(el("span", { class: "switch" }, sw, el("label", { for: switchId, id: labelId, class: "inline", text: t("packSwitch") })));
  if (p.can_check) {
    const id = `pack-check-${i}`;
    row.append(el("button", { type: "button", id, "data-action": "check", "data-focus": `check:${p.key}`, "aria-labelledby": `${id} ${titleId}`, text: t("packCheck") }));
  }
  if (p.can_remove) {
    const id = `pack-remove-${i}`;
    row.append(el("button", { type: "button", id, class: "danger", "data-action": "remove", "data-focus": `remove:${p.key}`, "aria-labelledby": `${id} ${titleId}`, text: t("packRemove") }));
  }
  li.append(row);
  return li;
}

function renderManaged(policyInfo) {
  const set = policyInfo?.policy ?? {};
  const problems = Array.isArray(policyInfo?.problems) ? policyInfo.problems : [];
  const inEffect = Object.keys(set).length > 0;
  managedUi.section.hidden = !inEffect && problems.length === 0;
  managedUi.source.textContent = policyInfo?.source === "cache" ? t("managedFromCache", policyInfo.error ?? "?") : t("managedFromPolicy");
  const rows = [];
  // A list the policy sets but whose entries were all ignored shows "none".
  const listOf = (items) => (items.length ? el("ul", { class: "plain" }, ...items.map((x) => el("li", {}, x))) : t("packNone"));
  if (set.packs) rows.push(["packs", t("policyPacks"), listOf(set.packs.map((p) => el("span", {}, el("code", { text: p.url }), ` (${t(MODE_KEYS[p.mode])})`)))]);
  if (set.trustedKeys) {
    const ids = (packState?.keys ?? []).filter((k) => k.source === "policy").map((k) => k.key_id);
    rows.push(["trustedKeys", t("policyTrustedKeys"), listOf(ids.map((id) => el("code", { text: id })))]);
  }
  if (set.disabledRules) rows.push(["disabledRules", t("policyDisabledRules"), listOf(set.disabledRules.map((r) => el("code", { text: r })))]);
  if (set.disabledSites) rows.push(["disabledSites", t("policyDisabledSites"), listOf(set.disabledSites.map((r) => el("code", { text: r })))]);
  if (set.allowUserPacks !== undefined) rows.push(["allowUserPacks", t("policyAllowUserPacks"), t(set.allowUserPacks ? "policyYes" : "policyNo")]);
  if (set.allowUserKeys !== undefined) rows.push(["allowUserKeys", t("policyAllowUserKeys"), t(set.allowUserKeys ? "policyYes" : "policyNo")]);
  if (set.personaRetentionDays !== undefined) {
    rows.push(["personaRetentionDays", t("policyPersonaRetention"),
      set.personaRetentionDays === 0 ? t("policyDaysOff") : t("policyDays", set.personaRetentionDays)]);
  }
  if (set.thresholds) rows.push(["thresholds", t("levelsHeading"), t("policyThresholdsValue", set.thresholds.medium, set.thresholds.high)]);
  if (set.verificationRetentionDays !== undefined) {
    rows.push(["verificationRetentionDays", t("policyVerificationRetention"), t("policyDays", set.verificationRetentionDays)]);
  }
  managedUi.list.replaceChildren(...rows.map(([name, label, value]) =>
    el("div", { "data-policy": name }, el("dt", { text: label }), el("dd", {}, value))));
  managedUi.problems.hidden = problems.length === 0;
  managedUi.problemList.replaceChildren(...problems.map((p) => el("li", { text: p.message })));
}

function renderKeys(state) {
  const keys = state.keys ?? [];
  keysUi.none.hidden = keys.length > 0;
  keysUi.list.replaceChildren(...keys.map((k, i) => {
    const idEl = el("code", { id: `key-id-${i}`, class: "key-id", text: k.key_id });
    const li = el("li", { class: "key", "data-key-id": k.key_id, "data-source": k.source },
      idEl,
      el("span", { class: `tag tag-${k.source === "policy" ? "policy" : "user-url"}`, text: t(k.source === "policy" ? "keySourcePolicy" : "keySourceUser") }));
    if (!k.active) li.append(el("span", { class: "help", text: ` ${t("keyInactive")}` }));
    if (k.removable) {
      const id = `key-remove-${i}`;
      li.append(el("button", { type: "button", id, class: "danger", "data-action": "remove-key", "data-focus": `remove-key:${k.key_id}`, "aria-labelledby": `${id} key-id-${i}`, text: t("keyRemove") }));
    }
    return li;
  }));
  keysUi.form.hidden = state.allowUserKeys === false;
  keysUi.blocked.hidden = state.allowUserKeys !== false;
  keysUi.section.setAttribute("aria-busy", "false");
}

function renderPacks(state) {
  // Keep the focus on the same control across a re-render.
  const focused = document.activeElement?.dataset?.focus ?? null;
  packState = state;
  renderManaged(state.policy);
  const packs = state.packs ?? [];
  const installed = packs.filter((p) => p.source !== "builtin");
  const builtin = packs.filter((p) => p.source === "builtin");
  packsUi.list.replaceChildren(...[...installed, ...builtin].map(packItem));
  const inUse = packs.filter((p) => p.status === "active").length;
  packsUi.summary.textContent = state.engine?.rules != null ? t("packsSummary", state.engine.rules, inUse) : "";
  packsUi.userPacks.hidden = state.allowUserPacks === false;
  packsUi.blocked.hidden = state.allowUserPacks !== false;
  renderKeys(state);
  packsUi.section.setAttribute("aria-busy", "false");
  packsUi.section.dataset.ready = "true";
  if (focused) {
    const again = [...document.querySelectorAll("[data-focus]")].find((e) => e.dataset.focus === focused);
    if (again && !again.disabled) again.focus();
  }
}

async function refreshPacks() {
  try {
    renderPacks((await send("candor/packs/state")).state);
  } catch (err) {
    sayIn(packsUi.status, errorText(err), true);
  }
}

const packByKey = (key) => (packState?.packs ?? []).find((p) => p.key === key);

function checkOutcomeText(p, outcome) {
  const name = packName(p);
  if (!outcome) return "";
  if (outcome.ok) return t(outcome.unchanged ? "packCheckedUnchanged" : "packChecked", name, outcome.version ?? "?");
  return t("packCheckFailed", name, outcome.message ?? "?");
}

packsUi.list.addEventListener("change", async (event) => {
  const sw = event.target.closest?.("[data-action=toggle]");
  if (!sw) return;
  const key = sw.closest("li").dataset.key;
  const p = packByKey(key);
  const enabled = sw.checked;
  sw.disabled = true;
  try {
    const r = await send("candor/packs/set-enabled", { key, enabled });
    renderPacks(r.state);
    sayIn(packsUi.status, t(enabled ? "packEnabled" : "packDisabled", packName(p ?? { key })));
  } catch (err) {
    sw.checked = !enabled;
    sw.disabled = false;
    sayIn(packsUi.status, errorText(err), true);
  }
});

packsUi.list.addEventListener("click", async (event) => {
  const button = event.target.closest?.("button[data-action]");
  if (!button) return;
  const key = button.closest("li").dataset.key;
  const p = packByKey(key) ?? { key };
  button.disabled = true;
  try {
    if (button.dataset.action === "check") {
      const r = await send("candor/packs/check", { key });
      renderPacks(r.state);
      sayIn(packsUi.status, checkOutcomeText(packByKey(key) ?? p, r.outcome), r.outcome?.ok !== true);
    } else if (button.dataset.action === "remove") {
      const r = await send("candor/packs/remove", { key });
      renderPacks(r.state);
      sayIn(packsUi.status, t("packRemoved", packName(p)));
      packsUi.status.focus?.();
    }
  } catch (err) {
    sayIn(packsUi.status, errorText(err), true);
  } finally {
    if (button.isConnected) button.disabled = false;
  }
});

/** The https URL typed in `input`, "" when empty, or null when it is not an https URL. */
function typedHttps(input) {
  const raw = input.value.trim();
  if (raw === "") return "";
  try {
    return new URL(raw).protocol === "https:" ? raw : null;
  } catch {
    return null;
  }
}

function markInvalid(input, errorEl, invalid) {
  errorEl.hidden = !invalid;
  if (invalid) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}

packsUi.form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const url = typedHttps(packsUi.url);
  const sig = typedHttps(packsUi.sigUrl);
  markInvalid(packsUi.url, packsUi.urlError, !url);
  markInvalid(packsUi.sigUrl, packsUi.sigError, sig === null);
  if (!url) return packsUi.url.focus();
  if (sig === null) return packsUi.sigUrl.focus();
  const submit = $("subscribe");
  submit.disabled = true;
  try {
    const r = await send("candor/packs/subscribe", sig ? { url, signature_url: sig } : { url });
    renderPacks(r.state);
    const p = packByKey(r.key) ?? { url };
    const outcome = checkOutcomeText(p, r.outcome);
    sayIn(packsUi.status, `${t("subscribed", url)} ${outcome}`, r.outcome?.ok !== true);
    packsUi.form.reset();
  } catch (err) {
    sayIn(packsUi.status, errorText(err), true);
  } finally {
    submit.disabled = false;
  }
});

for (const [input, errorEl] of [[packsUi.url, packsUi.urlError], [packsUi.sigUrl, packsUi.sigError]]) {
  input.addEventListener("input", () => {
    if (!errorEl.hidden && typedHttps(input) !== null) markInvalid(input, errorEl, false);
  });
}

/** Shows an import's diagnostics as `code line:column message`. */
function showDiagnostics(diagnostics) {
  const list = Array.isArray(diagnostics) ? diagnostics : [];
  packsUi.importDiagnostics.hidden = list.length === 0;
  packsUi.importDiagnostics.replaceChildren(...list.slice(0, 100).map((d) =>
    el("li", { class: d.severity === "error" ? "diagnostic error" : "diagnostic", "data-code": d.code ?? "" },
      el("code", { text: d.code ?? "?" }),
      " ",
      el("span", { class: "where", text: Number.isInteger(d.line) ? `${d.line}:${d.column ?? 1}` : "" }),
      " ",
      el("span", { text: d.message ?? "" }))));
}

packsUi.file.addEventListener("change", async () => {
  const file = packsUi.file.files?.[0];
  if (!file) return;
  let text;
  try {
    text = await file.text();
  } catch (err) {
    sayIn(packsUi.importMessage, t("importReadFailed", err instanceof Error ? err.message : String(err)), true);
    return;
  }
  try {
    const r = await send("candor/packs/import", { text, file_name: file.name.slice(0, 300) });
    renderPacks(r.state);
    const result = r.result ?? {};
    if (result.installed) {
      const p = packByKey(result.key) ?? {};
      sayIn(packsUi.importMessage, `${t("importInstalled", packName(p), result.version)} ${t("packUnsigned")}`);
      packsUi.importMessage.dataset.result = "installed";
      showDiagnostics(result.warnings);
    } else {
      sayIn(packsUi.importMessage, t("importRefused", result.message ?? "?"), true);
      packsUi.importMessage.dataset.result = "refused";
      showDiagnostics(result.diagnostics);
    }
  } catch (err) {
    sayIn(packsUi.importMessage, errorText(err), true);
    packsUi.importMessage.dataset.result = "error";
    showDiagnostics([]);
  } finally {
    packsUi.file.value = ""; // the same file can be chosen again after it is fixed
  }
});

keysUi.form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const key = keysUi.text.value.trim();
  if (!key) {
    keysUi.error.textContent = t("keyInvalid");
    markInvalid(keysUi.text, keysUi.error, true);
    keysUi.text.focus();
    return;
  }
  try {
    const r = await send("candor/packs/keys/add", { key });
    markInvalid(keysUi.text, keysUi.error, false);
    keysUi.form.reset();
    renderPacks(r.state);
    sayIn(keysUi.status, t("keyAdded", r.key_id));
  } catch (err) {
    keysUi.error.textContent = err instanceof Error ? err.message : String(err);
    markInvalid(keysUi.text, keysUi.error, true);
    keysUi.text.focus();
  }
});

keysUi.list.addEventListener("click", async (event) => {
  const button = event.target.closest?.("button[data-action=remove-key]");
  if (!button) return;
  const keyId = button.closest("li").dataset.keyId;
  button.disabled = true;
  try {
    const r = await send("candor/packs/keys/remove", { key_id: keyId });
    renderPacks(r.state);
    sayIn(keysUi.status, t("keyRemoved", keyId));
  } catch (err) {
    button.disabled = false;
    sayIn(keysUi.status, errorText(err), true);
  }
});

// Checks, policy changes and other tabs change the packs: keep the list current.
let packsTimer = 0;
api.storage.onChanged.addListener((changes, area) => {
  const relevant = area === "managed" || (area === "local" && ("packRegistry" in changes || "policyCache" in changes));
  if (!relevant) return;
  clearTimeout(packsTimer);
  // The background applies a managed change first; the stats follow (policy retention).
  packsTimer = setTimeout(() => {
    refreshPacks();
    refresh();
  }, area === "managed" ? 1000 : 250);
});

// -------------------------------------------------------------------------------------------------

localise().finally(() => {
  refreshPacks();
  refresh();
});

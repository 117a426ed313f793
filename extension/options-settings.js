// Options page, settings sections: language, risk levels, sites, verification records, and the
// settings import/export (issue 6). options.js has the packs, keys and persona memory sections.
//
// Settings are read with `candor/settings/get` ({settings, managed, sites}) and written with
// `candor/settings/set`; a value the policy enforces is shown, disabled, with "set by your
// organisation". The language applies at once: the choice is saved in storage.local `settings`,
// and every open page (this one, badges and panels through the background) follows the change.
// Nothing is parsed as HTML: text goes in with textContent.

import { loadStrings, localizePage } from "./i18n.js";
import { download, wireConfirm } from "./options-controls.js";
import { checkThresholds, DEFAULTS, isHostEntry, MAX_DISABLED_SITES } from "./settings.js";

const api = globalThis.browser ?? globalThis.chrome;
const $ = (id) => document.getElementById(id);

let strings = null;
const t = (key, ...subs) => (strings ? strings.t(key, ...subs) : key);

/** The last answer of candor/settings/get. */
let current = null;

async function send(type, fields = {}) {
  const response = await api.runtime.sendMessage({ type, ...fields });
  if (!response || response.ok !== true) throw new Error(response?.error || "no answer from the background");
  return response;
}

function say(node, message, isError = false) {
  node.textContent = message;
  node.classList.toggle("error", isError);
}

const errorText = (err) => t("optionsError", err instanceof Error ? err.message : String(err));

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

function markInvalid(inputs, errorEl, invalid) {
  errorEl.hidden = !invalid;
  for (const input of inputs) {
    if (invalid) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }
}

// -------------------------------------------------------------------------------------------------
// Language.

const language = { section: $("language"), select: $("ui-language"), status: $("language-status") };

/** Loads the strings of the stored language and translates the page's static text. */
async function applyLanguage() {
  strings = await loadStrings();
  localizePage(document, strings.t);
  document.documentElement.dataset.uiLanguage = strings.lang;
}

language.select.addEventListener("change", async () => {
  const uiLanguage = language.select.value;
  try {
    await send("candor/settings/set", { settings: { uiLanguage } });
    // The storage change re-renders every section; announce in the new language once it has.
    await applyLanguage();
    await render();
    say(language.status, t("langSaved"));
  } catch (err) {
    say(language.status, errorText(err), true);
  }
});

// -------------------------------------------------------------------------------------------------
// Risk levels.

const levels = {
  section: $("levels"),
  form: $("levels-form"),
  medium: $("threshold-medium"),
  high: $("threshold-high"),
  save: $("levels-save"),
  reset: $("levels-reset"),
  managed: $("levels-managed"),
  error: $("levels-error"),
  status: $("levels-status"),
};

/** The thresholds typed in, or null when they are not valid. */
function typedThresholds() {
  const medium = levels.medium.value.trim();
  const high = levels.high.value.trim();
  if (!/^\d{1,3}$/.test(medium) || !/^\d{1,3}$/.test(high)) return null;
  const value = { medium: Number(medium), high: Number(high) };
  return checkThresholds(value) === true ? value : null;
}

async function saveThresholds(thresholds) {
  try {
    await send("candor/settings/set", { settings: { thresholds } });
    await render();
    say(levels.status, t("thresholdsSaved", thresholds.medium, thresholds.high));
  } catch (err) {
    say(levels.status, errorText(err), true);
  }
}

levels.form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const thresholds = typedThresholds();
  markInvalid([levels.medium, levels.high], levels.error, thresholds === null);
  if (thresholds === null) {
    say(levels.status, "");
    levels.medium.focus();
    return;
  }
  await saveThresholds(thresholds);
});

levels.reset.addEventListener("click", async () => {
  markInvalid([levels.medium, levels.high], levels.error, false);
  await saveThresholds({ ...DEFAULTS.thresholds });
});

function renderLevels() {
  const { settings, managed } = current;
  const enforced = managed.thresholds === true;
  for (const input of [levels.medium, levels.high]) {
    input.disabled = enforced;
    if (document.activeElement === input) continue; // do not overwrite what the user is typing
    input.value = String(settings.thresholds[input === levels.medium ? "medium" : "high"]);
  }
  levels.save.disabled = enforced;
  levels.reset.disabled = enforced;
  levels.managed.hidden = !enforced;
}

// -------------------------------------------------------------------------------------------------
// Sites.

const sites = {
  section: $("sites"),
  list: $("site-list"),
  other: $("site-other-list"),
  none: $("site-other-none"),
  form: $("site-form"),
  host: $("site-host"),
  error: $("site-host-error"),
  status: $("sites-status"),
};

async function setDisabledSites(next, message) {
  try {
    await send("candor/settings/set", { settings: { disabledSites: next } });
    await render();
    say(sites.status, message);
  } catch (err) {
    say(sites.status, errorText(err), true);
    await render();
  }
}

function renderSites() {
  const disabled = current.settings.disabledSites;
  const supported = current.sites ?? [];
  const focused = document.activeElement?.dataset?.host ?? null;
  sites.list.replaceChildren(...supported.map((s, i) => {
    const id = `site-switch-${i}`;
    const nameId = `site-name-${i}`;
    const noteId = `site-note-${i}`;
    const sw = el("input", {
      type: "checkbox", role: "switch", id, "data-host": s.host,
      "aria-labelledby": `${id}-label ${nameId}`, "aria-describedby": s.policyDisabled ? noteId : null,
    });
    sw.checked = !s.policyDisabled && !disabled.includes(s.host);
    sw.disabled = s.policyDisabled;
    const li = el("li", { class: "site", "data-host": s.host, "data-site": s.site ?? "" },
      el("code", { id: nameId, class: "site-host", text: s.host }),
      el("span", { class: "switch" }, sw, el("label", { for: id, id: `${id}-label`, class: "inline", text: t("siteSwitch") })));
    if (s.policyDisabled) li.append(el("p", { id: noteId, class: "managed-note", text: t("sitePolicyOff") }));
    return li;
  }));
  const supportedHosts = new Set(supported.map((s) => s.host));
  const others = disabled.filter((h) => !supportedHosts.has(h));
  sites.none.hidden = others.length > 0;
  sites.other.replaceChildren(...others.map((h, i) => el("li", { "data-host": h },
    el("code", { id: `site-other-${i}`, text: h }), " ",
    el("button", { type: "button", id: `site-other-remove-${i}`, "data-host": h, "aria-labelledby": `site-other-remove-${i} site-other-${i}`, text: t("siteHostRemove") }))));
  if (focused) [...sites.section.querySelectorAll("[data-host]")].find((e) => e.dataset.host === focused && e.matches("input, button"))?.focus();
}

sites.list.addEventListener("change", (event) => {
  const sw = event.target.closest?.("input[role=switch]");
  if (!sw) return;
  const host = sw.dataset.host;
  const disabled = current.settings.disabledSites.filter((h) => h !== host);
  if (!sw.checked) disabled.push(host);
  setDisabledSites(disabled, t(sw.checked ? "siteOn" : "siteOff", host));
});

sites.other.addEventListener("click", (event) => {
  const button = event.target.closest?.("button[data-host]");
  if (!button) return;
  const host = button.dataset.host;
  setDisabledSites(current.settings.disabledSites.filter((h) => h !== host), t("siteOn", host)).then(() => sites.host.focus());
});

sites.form.addEventListener("submit", (event) => {
  event.preventDefault();
  const host = sites.host.value.trim().toLowerCase().replace(/\.$/, "");
  const disabled = current.settings.disabledSites;
  const ok = isHostEntry(host) && (disabled.includes(host) || disabled.length < MAX_DISABLED_SITES);
  markInvalid([sites.host], sites.error, !ok);
  if (!ok) {
    sites.host.focus();
    return;
  }
  sites.form.reset();
  if (!disabled.includes(host)) setDisabledSites([...disabled, host], t("siteOff", host));
});

// -------------------------------------------------------------------------------------------------
// Verification records (the log itself is the content side's: candor/verification/*).

const verification = {
  section: $("verification"),
  form: $("verify-retention-form"),
  retention: $("verify-retention"),
  save: $("verify-retention-save"),
  managed: $("verify-retention-managed"),
  error: $("verify-retention-error"),
  wipe: $("verify-wipe"),
  confirm: $("verify-wipe-confirm"),
  wipeYes: $("verify-wipe-yes"),
  wipeNo: $("verify-wipe-no"),
  status: $("verification-status"),
};

function renderVerification() {
  const enforced = current.managed.verificationRetentionDays === true;
  verification.retention.disabled = enforced;
  verification.save.disabled = enforced;
  verification.managed.hidden = !enforced;
  if (document.activeElement !== verification.retention) {
    verification.retention.value = String(current.settings.verificationRetentionDays);
  }
}

verification.form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const raw = verification.retention.value.trim();
  const days = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
  const ok = days >= 1 && days <= 3650;
  markInvalid([verification.retention], verification.error, !ok);
  if (!ok) {
    verification.retention.focus();
    return;
  }
  try {
    await send("candor/settings/set", { settings: { verificationRetentionDays: days } });
    await render();
    say(verification.status, t("verifyRetentionSaved", days));
  } catch (err) {
    say(verification.status, errorText(err), true);
  }
});

for (const [id, format] of [["verify-export-csv", "csv"], ["verify-export-json", "json"]]) {
  $(id).addEventListener("click", async () => {
    try {
      const { text, filename, mime } = await send("candor/verification/export", { format });
      download(text, filename, mime);
      say(verification.status, t("verifyExportDone", filename));
    } catch (err) {
      say(verification.status, errorText(err), true);
    }
  });
}

wireConfirm({
  button: verification.wipe,
  confirm: verification.confirm,
  yes: verification.wipeYes,
  no: verification.wipeNo,
  run: async () => {
    await send("candor/verification/wipe");
    say(verification.status, t("verifyWipeDone"));
  },
  fail: (err) => say(verification.status, errorText(err), true),
});

// -------------------------------------------------------------------------------------------------
// Settings import / export.

const transfer = {
  section: $("transfer"),
  exportButton: $("settings-export"),
  file: $("settings-file"),
  plan: $("settings-plan"),
  changes: $("settings-plan-changes"),
  refusedBox: $("settings-plan-refused-box"),
  refused: $("settings-plan-refused"),
  apply: $("settings-apply"),
  cancel: $("settings-cancel"),
  status: $("transfer-status"),
};

/** The document read from the chosen file, waiting for "Apply". */
let pendingImport = null;

transfer.exportButton.addEventListener("click", async () => {
  try {
    const { document: doc } = await send("candor/settings/export");
    const filename = `candor-settings-${new Date().toISOString().slice(0, 10)}.json`;
    download(JSON.stringify(doc, null, 2) + "\n", filename, "application/json");
    say(transfer.status, t("settingsExportDone", filename));
  } catch (err) {
    say(transfer.status, errorText(err), true);
  }
});

const shown = (v) => (Array.isArray(v) ? (v.length ? v.join(", ") : "—") : v !== null && typeof v === "object" ? Object.entries(v).map(([k, x]) => `${k} ${x}`).join(", ") : String(v));

function changeText(c) {
  if (c.kind === "setting") return t("settingsChangeSetting", c.key, shown(c.from), shown(c.to));
  if (c.kind === "subscription") return t("settingsChangeSubscribe", c.url);
  return t("settingsChangeKey", c.key_id);
}

function refusedText(r) {
  const what = r.kind === "setting" ? r.key : r.kind === "subscription" ? r.url : r.key_id;
  return t(r.reason === "managed" ? "settingsRefusedManaged" : "settingsRefusedBlocked", what);
}

function closePlan() {
  pendingImport = null;
  transfer.plan.hidden = true;
}

transfer.file.addEventListener("change", async () => {
  const file = transfer.file.files?.[0];
  if (!file) return;
  closePlan();
  try {
    let doc;
    try {
      doc = JSON.parse(await file.text());
    } catch (err) {
      throw new Error(err instanceof Error ? err.message : String(err));
    }
    const { plan } = await send("candor/settings/import", { document: doc });
    transfer.section.dataset.plan = plan.invalid.length ? "invalid" : "valid";
    if (plan.invalid.length) {
      say(transfer.status, t("settingsImportInvalid", plan.invalid.join("; ")), true);
      return;
    }
    if (plan.changes.length === 0) {
      say(transfer.status, plan.refused.length ? `${t("settingsImportNothing")} ${plan.refused.map(refusedText).join("; ")}` : t("settingsImportNothing"));
      return;
    }
    pendingImport = doc;
    transfer.changes.replaceChildren(...plan.changes.map((c) => el("li", { "data-kind": c.kind, text: changeText(c) })));
    transfer.refusedBox.hidden = plan.refused.length === 0;
    transfer.refused.replaceChildren(...plan.refused.map((r) => el("li", { "data-reason": r.reason, text: refusedText(r) })));
    say(transfer.status, "");
    transfer.plan.hidden = false;
    transfer.apply.focus();
  } catch (err) {
    say(transfer.status, t("settingsImportInvalid", err instanceof Error ? err.message : String(err)), true);
  } finally {
    transfer.file.value = ""; // the same file can be chosen again
  }
});

transfer.cancel.addEventListener("click", () => {
  closePlan();
  say(transfer.status, t("settingsImportCancelled"));
  transfer.file.focus();
});

transfer.apply.addEventListener("click", async () => {
  if (!pendingImport) return;
  transfer.apply.disabled = true;
  try {
    const r = await send("candor/settings/import", { document: pendingImport, apply: true });
    if (!r.applied) throw new Error(r.plan.invalid.join("; "));
    closePlan();
    await applyLanguage(); // the import may have changed the language
    await render();
    say(transfer.status, t("settingsImportDone"));
    transfer.file.focus();
  } catch (err) {
    say(transfer.status, t("settingsImportInvalid", err instanceof Error ? err.message : String(err)), true);
  } finally {
    transfer.apply.disabled = false;
  }
});

// -------------------------------------------------------------------------------------------------

async function render() {
  current = await send("candor/settings/get");
  language.select.value = current.settings.uiLanguage;
  renderLevels();
  renderSites();
  renderVerification();
  for (const s of [language.section, levels.section, sites.section, verification.section, transfer.section]) {
    s.setAttribute("aria-busy", "false");
    s.dataset.ready = "true";
  }
}

// Another tab (or the popup) changed the settings: follow, including the language.
let settingsTimer = 0;
api.storage.onChanged.addListener((changes, area) => {
  if (area !== "local" || !("settings" in changes || "policyCache" in changes)) return;
  clearTimeout(settingsTimer);
  settingsTimer = setTimeout(async () => {
    try {
      await applyLanguage();
      await render();
    } catch (err) {
      say(language.status, errorText(err), true);
    }
  }, 100);
});

applyLanguage()
  .then(render)
  .catch((err) => say(language.status, errorText(err), true));

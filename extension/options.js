// Candor options page (an ES module; extension pages run under the extension's own CSP).
//
// Talks to the background only through namespaced messages (candor/persona/*, candor/settings/set);
// the background accepts them from extension pages only. Nothing is ever parsed as HTML here:
// text goes in with textContent, elements are made with createElement.
//
// Strings: chrome.i18n first; the English text in options.html (static) and FALLBACK below
// (messages with substitutions) when a message is missing.

const api = globalThis.browser ?? globalThis.chrome;

const MAX_RETENTION_DAYS = 3650;

const FALLBACK = {
  personaOldestNone: "none",
  retentionSaved: "Saved: candidates are kept for $1 days.",
  retentionSavedOff: "Saved: memory is off and everything it held was forgotten.",
  exportDone: "Exported $1 entries.",
  wipeConfirmText: "Forget all $1 remembered candidates? This cannot be undone.",
  wipeDone: "Memory wiped. A new secret key was made, so nothing from before can be matched again.",
  optionsError: "Something went wrong: $1",
};

function t(key, ...subs) {
  let msg = "";
  try {
    msg = api.i18n.getMessage(key, subs.map(String));
  } catch {
    msg = "";
  }
  if (msg) return msg;
  return (FALLBACK[key] ?? key).replace(/\$(\d)/g, (_, n) => String(subs[Number(n) - 1] ?? ""));
}

/** Replaces the static English text of every [data-i18n] element with the localised message. */
function localise() {
  for (const el of document.querySelectorAll("[data-i18n]")) {
    let msg = "";
    try {
      msg = api.i18n.getMessage(el.dataset.i18n);
    } catch {
      msg = "";
    }
    if (msg) el.textContent = msg;
  }
}

const $ = (id) => document.getElementById(id);

async function send(type, fields = {}) {
  const response = await api.runtime.sendMessage({ type, ...fields });
  if (!response || response.ok !== true) throw new Error(response?.error || "no answer from the background");
  return response;
}

function uiLanguage() {
  try {
    return api.i18n.getUILanguage();
  } catch {
    return undefined;
  }
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
    status(days === 0 ? t("retentionSavedOff") : t("retentionSaved", days));
    persona.retention.blur();
    await refresh();
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
    const blob = new Blob([JSON.stringify(doc, null, 2) + "\n"], { type: "application/json" });
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = `candor-persona-memory-${new Date().toISOString().slice(0, 10)}.json`;
    a.hidden = true;
    document.body.append(a);
    a.click();
    a.remove();
    // Firefox starts the download asynchronously: keep the URL alive for a while.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    status(t("exportDone", doc.entries.length));
  } catch (err) {
    fail(err);
  }
});

function openConfirm() {
  persona.question.textContent = t("wipeConfirmText", persona.lastCount);
  persona.confirm.hidden = false;
  persona.wipe.setAttribute("aria-expanded", "true");
  persona.wipeNo.focus(); // the safe choice has the focus
}

function closeConfirm(returnFocus) {
  persona.confirm.hidden = true;
  persona.wipe.setAttribute("aria-expanded", "false");
  if (returnFocus) persona.wipe.focus();
}

persona.wipe.addEventListener("click", () => {
  if (persona.confirm.hidden) openConfirm();
  else closeConfirm(true);
});
persona.wipeNo.addEventListener("click", () => closeConfirm(true));
persona.confirm.addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    event.preventDefault();
    closeConfirm(true);
  }
});
persona.wipeYes.addEventListener("click", async () => {
  persona.wipeYes.disabled = true;
  try {
    await send("candor/persona/wipe");
    closeConfirm(true);
    status(t("wipeDone"));
    await refresh();
  } catch (err) {
    fail(err);
  } finally {
    persona.wipeYes.disabled = false;
  }
});

// Scans in other tabs change the memory: keep the numbers current while the page is open.
let refreshTimer = 0;
api.storage.onChanged.addListener((changes, area) => {
  if (area !== "local" || !("persona" in changes || "settings" in changes)) return;
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(refresh, 250);
});

// -------------------------------------------------------------------------------------------------

localise();
refresh();

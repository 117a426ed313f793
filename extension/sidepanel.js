// Candor side panel (Chrome) / sidebar (Firefox).
//
// Follows the active tab of its window (tabs.onActivated, tabs.onUpdated) and the background's
// `candor/tab/updated` push, and shows that tab's report (`candor/tab/report`): each candidate
// with its level (word + shape), findings (title, explanation, advice, evidence, sources), the
// camera-verification form (checklist of the prompt's steps, outcome, note; saved with
// `candor/verification/save`) and that candidate's history; the page's notices and prompt; and
// a History tab with every record (`candor/verification/list`), searchable by name.
//
// The report quotes the page, which a fraudster wrote: everything goes in as text (h() in
// tab-ui.js); links are made only for http(s) source URLs, opened in a new tab without opener.
// A report that arrives while the recruiter is filling in a form keeps what was entered (the
// form state is carried over by candidate key) and the focus.
//
// State for tests: <body data-page-state> = loading|none|off|scanned, data-candidates (count).

import { matches } from "./verification-store.js";
import {
  api, activeTab, arr, h, kindWord, levelOf, levelView, send, str, tabById, tabIdOverride, topLevel, useStrings, webHost, webLink,
} from "./tab-ui.js";

const $ = (id) => document.getElementById(id);
const OUTCOMES = [
  ["verified", "sideOutcomeVerified"],
  ["refused", "sideOutcomeRefused"],
  ["rescheduled", "sideOutcomeRescheduled"],
  ["not_yet", "sideOutcomeNotYet"],
];
const outcomeKey = new Map(OUTCOMES);
const SEVERITY_KEYS = { low: "levelLow", medium: "levelMedium", high: "levelHigh", critical: "levelCritical" };
const MAX_NOTE = 2000;

const override = tabIdOverride();
let t = (key) => key;
let windowId = null;
let tabId = null;
let entry = null;
let records = [];
let lang = "en";

// ---------------------------------------------------------------------------------------------
// Data

async function followedTab() {
  if (override !== null) return tabById(override);
  return activeTab();
}

async function loadEntry() {
  const tab = await followedTab();
  tabId = tab?.id ?? null;
  entry = tabId === null ? null : (await send({ type: "candor/tab/report", tabId })).entry;
}

async function loadRecords() {
  try {
    records = arr((await send({ type: "candor/verification/list" })).records);
  } catch (err) {
    records = [];
    announce(t("sideHistoryUnavailable", message(err)));
  }
}

const message = (err) => (err instanceof Error ? err.message : String(err));
const announce = (text) => {
  // Cleared first, so the same text twice is read out twice.
  $("live").textContent = "";
  setTimeout(() => ($("live").textContent = text), 50);
};
const when = (iso) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "" : d.toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" });
};

/** The identity a candidate's verification is saved under (from the background, else rebuilt). */
function identityOf(report, i) {
  const known = arr(entry?.identities)[i];
  if (known && typeof known.key === "string") return known;
  const c = arr(report.candidates)[i] ?? {};
  const site = str(report.site) || "generic";
  const id = { site, key: c.profile_id ? `${site}:${c.profile_id}` : entry.url, url: entry.url };
  if (c.profile_id) id.profile_id = c.profile_id;
  if (str(c.name)) id.name = c.name;
  return id;
}

// ---------------------------------------------------------------------------------------------
// Report

function renderPage() {
  const report = entry?.report ?? null;
  let state = "none";
  if (entry?.disabled) state = "off";
  else if (report) state = "scanned";
  document.body.dataset.pageState = state;
  document.body.dataset.candidates = String(arr(report?.candidates).length);

  const host = webHost(entry?.url);
  const line = $("page-line");
  if (report) {
    const n = arr(report.candidates).length;
    line.replaceChildren(
      host ?? "", " · ", kindWord(report.page_kind, t), " · ",
      n === 1 ? t("sideCandidatesOne") : t("sideCandidatesMany", n),
      ...(n > 0 ? [" · ", levelView(topLevel(report), t)] : []),
    );
  } else {
    line.textContent = host ?? "";
  }
  $("page-status").textContent =
    state === "off" ? t("popupOff") : state === "none" ? t("sideNoReport") : arr(report.candidates).length === 0 ? t("sideNoCandidates") : "";

  // Keep what was typed and where the focus was across a re-render.
  const kept = captureForms();
  const focusId = document.activeElement?.id || null;
  const open = openSources();
  $("notices").replaceChildren(...(report ? renderNotices(report) : []));
  $("prompt").replaceChildren(...(report ? renderPrompt(report) : []));
  $("candidates").replaceChildren(...(report ? arr(report.candidates).map((c, i) => renderCandidate(report, c, i)) : []));
  for (const id of open) document.getElementById(id)?.querySelector("details.sources")?.setAttribute("open", "");
  restoreForms(kept);
  if (focusId && document.activeElement === document.body) document.getElementById(focusId)?.focus();
}

function renderNotices(report) {
  const notices = arr(report.notices).filter((n) => str(n?.message));
  if (notices.length === 0) return [];
  return [h("section", { class: "notices", "aria-labelledby": "notices-heading" },
    h("h2", { id: "notices-heading" }, t("sideNoticesHeading")),
    h("ul", {}, notices.map((n) => h("li", {}, n.message))))];
}

function renderPrompt(report) {
  const prompt = report.prompt;
  if (!prompt || arr(prompt.steps).length === 0) return [];
  const emphasis = ["standard", "raised", "urgent"].includes(prompt.emphasis) ? prompt.emphasis : "standard";
  return [h("section", { class: "prompt", "data-emphasis": emphasis, "aria-labelledby": "prompt-heading" },
    h("h2", { id: "prompt-heading" }, str(prompt.title) || t("sidePromptHeading")),
    h("ol", {}, arr(prompt.steps).map((s) => h("li", {}, str(s)))))];
}

function renderCandidate(report, c, i) {
  const id = `c${i}`;
  const findings = arr(c.findings);
  const name = str(c.name) || t("sideUnnamed");
  const identity = identityOf(report, i);
  return h("article", { class: "candidate", id, "data-key": identity.key, "aria-labelledby": `${id}-name` },
    h("h2", { id: `${id}-name` }, name),
    h("p", { class: "candidate-level" },
      levelView(c.level, t), " · ", findings.length === 1 ? t("warningSignsOne") : t("warningSignsMany", findings.length)),
    findings.length
      ? h("section", { "aria-labelledby": `${id}-findings` },
        h("h3", { id: `${id}-findings` }, t("findingsHeading")),
        h("ul", { class: "findings" }, findings.map((f, j) => renderFinding(f, `${id}-f${j}`))))
      : h("p", {}, t("sideNoFindings")),
    renderForm(report, identity, id),
    renderCandidateHistory(identity, id));
}

function renderFinding(f, id) {
  const severity = levelOf(f.severity);
  const evidence = arr(f.evidence).filter((e) => str(e?.text));
  const sources = arr(f.sources).filter((s) => s && (str(s.title) || str(s.id)));
  return h("li", { class: "finding", id, "data-rule": str(f.rule) },
    h("h4", { id: `${id}-title` }, str(f.title) || str(f.rule)),
    h("p", { class: "severity" }, t("severityLabel", t(SEVERITY_KEYS[severity] ?? "levelLow"))),
    str(f.explain) ? h("p", {}, f.explain) : null,
    str(f.advice) ? h("p", {}, h("strong", {}, t("adviceLabel")), " ", f.advice) : null,
    evidence.length
      ? h("div", { class: "evidence" }, h("p", {}, t("evidenceLabel")),
        h("ul", {}, evidence.map((e) => h("li", {}, h("q", {}, e.text), str(e.field) ? h("span", { class: "field" }, ` (${e.field})`) : null))))
      : null,
    sources.length
      // Collapsed: a finding often cites four long titles, which would bury the next finding.
      ? h("details", { class: "sources" }, h("summary", {}, t("sourcesLabel", sources.length)), h("ul", {}, sources.map(renderSource)))
      : null);
}

function renderSource(s) {
  const label = [str(s.title) || str(s.id), str(s.publisher), str(s.date)].filter(Boolean).join(" · ");
  const href = webLink(s.url);
  return h("li", {}, href ? h("a", { href, target: "_blank", rel: "noopener noreferrer" }, label) : label);
}

// ---------------------------------------------------------------------------------------------
// Verification form and history

function renderForm(report, identity, id) {
  const steps = arr(report.prompt?.steps).filter((s) => str(s));
  const status = h("p", { class: "save-status", id: `${id}-status`, role: "status" });
  const form = h("form", { class: "verify", "aria-labelledby": `${id}-verify`, "data-key": identity.key },
    h("h3", { id: `${id}-verify` }, t("sideVerifyHeading")),
    steps.length
      ? h("fieldset", { class: "steps" }, h("legend", {}, t("sideChecklist")),
        steps.map((s, k) => h("div", { class: "check" },
          h("input", { type: "checkbox", id: `${id}-step${k}`, name: "step", value: String(k) }),
          h("label", { for: `${id}-step${k}` }, s))))
      : null,
    h("fieldset", { class: "outcome" }, h("legend", {}, t("sideOutcome")),
      OUTCOMES.map(([value, key]) => h("div", { class: "radio" },
        h("input", { type: "radio", id: `${id}-outcome-${value}`, name: `${id}-outcome`, value }),
        h("label", { for: `${id}-outcome-${value}` }, t(key))))),
    h("label", { for: `${id}-note` }, t("sideNote")),
    h("textarea", { id: `${id}-note`, name: "note", rows: "3", maxlength: String(MAX_NOTE) }),
    h("div", { class: "form-actions" }, h("button", { type: "submit", id: `${id}-save` }, t("sideSave"))),
    status);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save(form, identity, steps, id);
  });
  return form;
}

async function save(form, identity, steps, id) {
  const status = $(`${id}-status`);
  const outcome = form.querySelector(`input[name="${id}-outcome"]:checked`)?.value;
  if (!outcome) {
    status.textContent = t("sideChooseOutcome");
    form.querySelector(`input[name="${id}-outcome"]`)?.focus();
    return;
  }
  const done = new Set([...form.querySelectorAll('input[name="step"]:checked')].map((b) => Number(b.value)));
  const note = form.querySelector("textarea").value.trim();
  const msg = {
    type: "candor/verification/save",
    candidate: identity,
    outcome,
    steps: steps.slice(0, 20).map((text, k) => ({ text: text.slice(0, 2048), done: done.has(k) })),
  };
  if (note) msg.note = note.slice(0, MAX_NOTE);
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  status.textContent = t("sideSaving");
  try {
    const { record } = await send(msg);
    const text = t("sideSaved", t(outcomeKey.get(record?.outcome ?? outcome)), when(record?.recorded_at ?? new Date().toISOString()));
    form.reset();
    await loadRecords();
    renderHistories();
    status.textContent = text;
    announce(text);
  } catch (err) {
    // The form keeps everything entered, so nothing is lost; the reason is shown and read out.
    const text = t("sideSaveFailed", message(err));
    status.textContent = text;
    announce(text);
  } finally {
    button.disabled = false;
  }
}

function recordItem(r, { withName }) {
  const steps = arr(r.steps);
  const doneCount = steps.filter((s) => s?.done === true).length;
  return h("li", { class: "record", "data-outcome": str(r.outcome) },
    h("p", { class: "record-head" },
      withName ? h("strong", {}, str(r.name) || t("sideUnnamed"), " · ") : null,
      h("span", { class: "outcome-word" }, t(outcomeKey.get(r.outcome) ?? "sideOutcomeNotYet")),
      " · ", h("time", { datetime: str(r.recorded_at) }, when(r.recorded_at))),
    withName && str(r.site) ? h("p", { class: "note" }, r.site) : null,
    steps.length ? h("p", { class: "note" }, t("sideStepsDone", doneCount, steps.length)) : null,
    str(r.note) ? h("p", { class: "record-note" }, r.note) : null);
}

function renderCandidateHistory(identity, id) {
  const mine = records.filter((r) => r && matches({ identifiers: [], ...r }, identity));
  return h("section", { class: "candidate-history", id: `${id}-history`, "aria-labelledby": `${id}-history-heading` },
    h("h3", { id: `${id}-history-heading` }, t("sideCandidateHistory")),
    mine.length ? h("ol", { class: "records" }, mine.map((r) => recordItem(r, { withName: false }))) : h("p", { class: "note" }, t("sideNoRecords")));
}

/** Re-renders the per-candidate histories and the History tab (after a save or a new list). */
function renderHistories() {
  const report = entry?.report;
  for (const [i] of arr(report?.candidates).entries()) {
    const old = $(`c${i}-history`);
    if (old) old.replaceWith(renderCandidateHistory(identityOf(report, i), `c${i}`));
  }
  renderHistoryTab();
}

function renderHistoryTab() {
  const query = $("history-search").value.trim().toLocaleLowerCase();
  const shown = query ? records.filter((r) => str(r?.name).toLocaleLowerCase().includes(query)) : records;
  $("history-list").replaceChildren(...shown.map((r) => recordItem(r, { withName: true })));
  $("history-count").textContent = records.length === 0 ? t("sideNoRecordsAtAll") : t("sideHistoryCount", shown.length, records.length);
}

/** The findings whose source list the user opened (ids of their items). */
function openSources() {
  return [...document.querySelectorAll("details.sources[open]")].map((d) => d.closest("li.finding")?.id).filter(Boolean);
}

/** The state of every form, by candidate key. */
function captureForms() {
  const kept = new Map();
  for (const form of document.querySelectorAll("form.verify")) {
    kept.set(form.dataset.key, {
      steps: [...form.querySelectorAll('input[name="step"]')].map((b) => b.checked),
      outcome: form.querySelector('input[type="radio"]:checked')?.value ?? null,
      note: form.querySelector("textarea").value,
    });
  }
  return kept;
}

function restoreForms(kept) {
  for (const form of document.querySelectorAll("form.verify")) {
    const state = kept.get(form.dataset.key);
    if (!state) continue;
    form.querySelectorAll('input[name="step"]').forEach((b, k) => (b.checked = state.steps[k] === true));
    for (const r of form.querySelectorAll('input[type="radio"]')) r.checked = r.value === state.outcome;
    form.querySelector("textarea").value = state.note;
  }
}

// ---------------------------------------------------------------------------------------------
// Tabs (WAI-ARIA tabs pattern: arrow keys, Home and End move between tabs; activation follows focus)

function setupTabs() {
  const tabs = [...document.querySelectorAll('[role="tab"]')];
  const select = (tab, focus) => {
    for (const other of tabs) {
      const on = other === tab;
      other.setAttribute("aria-selected", String(on));
      other.tabIndex = on ? 0 : -1;
      $(other.getAttribute("aria-controls")).hidden = !on;
    }
    if (focus) tab.focus();
    if (tab.id === "tab-history") renderHistoryTab();
  };
  for (const tab of tabs) {
    tab.addEventListener("click", () => select(tab, false));
    tab.addEventListener("keydown", (event) => {
      const i = tabs.indexOf(tab);
      const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      select(tabs[(next + tabs.length) % tabs.length], true);
    });
  }
}

// ---------------------------------------------------------------------------------------------

async function refresh() {
  try {
    await loadEntry();
  } catch (err) {
    entry = null;
    announce(t("popupError", message(err)));
  }
  renderPage();
}

async function main() {
  t = await useStrings((next) => {
    t = next;
    lang = next.lang ?? lang;
    renderPage();
    renderHistoryTab();
  });
  lang = t.lang ?? "en";
  setupTabs();
  $("history-search").addEventListener("input", renderHistoryTab);
  if (override === null) {
    windowId = (await api.windows?.getCurrent?.())?.id ?? null;
    api.tabs.onActivated.addListener((info) => {
      if (windowId === null || info.windowId === windowId) refresh();
    });
    api.tabs.onUpdated.addListener((id, change) => {
      if (id === tabId && (change.status === "complete" || change.url)) refresh();
    });
  }
  api.runtime.onMessage.addListener((msg) => {
    if (msg?.type === "candor/tab/updated" && msg.tabId === tabId) refresh();
    return false;
  });
  api.storage.onChanged.addListener((changes, area) => {
    if (area === "local" && changes.verifications) loadRecords().then(renderHistories);
  });
  await loadRecords();
  await refresh();
  renderHistoryTab();
}

main().catch((err) => announce(t("popupError", message(err))));

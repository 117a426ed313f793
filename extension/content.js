// Candor content script (classic script, no imports).
//
// Serialises the page, asks the background engine for a report ({type: "candor/scan"}), and
// renders it: a badge next to each candidate's name, a panel with the findings and the camera
// verification script, and highlights of the evidence (CSS Custom Highlight API).
//
// The page is hostile input (a fraudster writes the profile). Nothing from the page or from the
// report is ever parsed as HTML here: only createElement, textContent and setAttribute with fixed
// attribute names. Our UI lives in closed shadow roots on `candor-*` host elements, which the
// engine skips when it counts element children, so element paths stay valid while badges exist.
//
// Every candidate gets a badge, including those with no finding: a neutral "No signs · verify on
// camera" reminder, because the camera verification applies to everyone (DESIGN "Scoring and the
// prompt"). Job postings have no candidate and get no badge.
//
// State is mirrored on <html> for tests and support: data-candor-state (scanning|done|error),
// data-candor-page-kind, data-candor-candidates, data-candor-highlights, data-candor-level, and
// data-candor-scans (number of completed scans, so tests can tell a re-scan happened),
// data-candor-fallbacks (evidence whose element path did not hold and was found by text search),
// data-candor-memory (persona memory: on|off|error) and, when the memory could not be read or
// saved, data-candor-memory-error (the reason; the panel shows it as a note too). A memory
// failure never fails the scan.
// Reliability (docs/reliability.md): data-candor-capped (the page was cut at 8 Mi code units),
// data-candor-retries (deliveries to a stopped worker retried), data-candor-ui="blocked" (the page
// kept removing the badge), data-candor-instance (which script instance drew the page).
//
// Verification log (verification-store.js has the contract): the scan response carries each
// candidate's latest record (shown on its badge, "✓ verified on camera 3 Dec · you") and the
// identity to save under; the panel's verify box is a form (steps ticked, outcome, note) that
// sends `candor/verification/save`. data-candor-verification is the last save's result
// (saved|error); a failed save keeps what was entered and says why (role=alert).

(() => {
  "use strict";

  // Injected twice (toolbar button on a page that already has us): re-scan instead of doubling up.
  // An instance left behind by an extension update or reload (its runtime is gone) is told to
  // stop and remove its UI, and this one takes over (background.js re-injects us on update).
  if (globalThis.__candorContent) {
    if (globalThis.__candorContent.alive?.()) {
      globalThis.__candorContent.rescan();
      return;
    }
    globalThis.__candorContent.retire?.();
  }
  // Instances in other isolated worlds (Chrome gives the re-injected script a new one) cannot be
  // reached through globals: this event asks them to check whether they are orphaned. It carries
  // nothing and a page can send it too; a live instance ignores it.
  document.dispatchEvent(new Event("candor-orphan-check"));

  const api = globalThis.browser ?? globalThis.chrome;

  const MAX_HTML = 8 * 1024 * 1024; // UTF-16 code units, same cap as the background
  const DEBOUNCE_MS = 300;
  const MAX_WAIT_MS = 2000; // a page that never stops mutating still gets re-scanned
  // A scan whose message fails in transit (the service worker was stopped mid-scan, or is
  // starting) is retried after 250 ms, 500 ms, 1 s, 2 s, 4 s; then the page shows the error.
  const RETRY_BASE_MS = 250;
  const MAX_RETRIES = 5;
  // A page that keeps removing our badge gets it back this many times per report, then the
  // badge stays away and <html data-candor-ui="blocked"> says so (docs/reliability.md).
  const MAX_RESTORES = 3;
  const PREFIX = "candor-";
  const LEVELS = ["none", "low", "medium", "high", "critical"];
  const SEVERITIES = ["low", "medium", "high", "critical"];
  const EMPHASES = ["standard", "raised", "urgent"];
  const SKIP_TEXT_IN = new Set(["script", "style", "noscript", "template", "textarea", "title"]);
  const HIGHLIGHT_NAME = `candor-evidence-${randomSuffix()}`;
  const root = document.documentElement;

  // ---------------------------------------------------------------------------------------------
  // Strings: chrome.i18n first, English fallback when a message is missing.

  const FALLBACK = {
    badgeBrand: "Candor",
    levelNone: "No signs",
    levelLow: "Low",
    levelMedium: "Medium",
    levelHigh: "High",
    levelCritical: "Critical",
    riskLow: "low",
    riskMedium: "medium",
    riskHigh: "high",
    riskCritical: "critical",
    badgeSignsOne: "1 sign",
    badgeSignsMany: "$1 signs",
    badgeVerify: "verify on camera",
    warningSignsOne: "1 warning sign",
    warningSignsMany: "$1 warning signs",
    badgeLabel: "Candor: $1 risk, $2 — verify on camera",
    badgeLabelNone: "Candor: no warning signs found — verify on camera",
    panelTitle: "Candor — $1",
    panelTitleNoName: "Candor",
    panelSummary: "$1 risk · $2",
    panelSummaryNone: "No warning signs found on this page.",
    panelClose: "Close",
    findingsHeading: "Warning signs",
    verifyHeading: "Verify on camera before the next step",
    severityLabel: "Severity: $1",
    adviceLabel: "What to do:",
    evidenceLabel: "On the page:",
    showOnPage: "Show",
    sourcesLabel: "Sources ($1)",
    noticeLabel: "Note:",
    verifyBadgeVerified: "✓ verified on camera $1 · $2",
    verifyBadgeRefused: "✗ refused camera $1 · $2",
    verifyBadgeRescheduled: "↻ camera rescheduled $1 · $2",
    verifyBadgeNotYet: "… not yet verified $1 · $2",
    verifyBy: "you",
    verifyStepsLegend: "Steps done (tick each as you do it)",
    verifyFormHeading: "Record the outcome",
    verifyOutcomeLegend: "Outcome",
    verifyOutcomeVerified: "Verified on camera",
    verifyOutcomeRefused: "Refused the camera",
    verifyOutcomeRescheduled: "Rescheduled",
    verifyOutcomeNotYet: "Not yet",
    verifyNoteLabel: "Note (optional)",
    verifySave: "Save record",
    verifySaving: "Saving…",
    verifySaved: "Recorded: $1, $2.",
    verifySaveFailed: "Not saved: $1. What you entered is kept; try again.",
    verifyChooseOutcome: "Choose an outcome first.",
    verifyHistoryHeading: "Verification history",
    verifyHistoryNone: "Nothing recorded yet for this candidate.",
    verifyHistoryItem: "$1 · $2 · by $3",
    verifyHistorySteps: "$1 of $2 steps done",
    verifyRecordedElsewhere: "recorded on $1 for $2",
    verifyLatestLabel: "Last record: $1",
    disclaimer:
      "Candor never decides. These are published warning signs to check, not proof. " +
      "Never judge a candidate by nationality, name, language, accent or appearance.",
  };

  /**
   * The interface language the user chose (options page), as the background answers
   * `candor/ui/strings` → {lang, messages: {key: text with $1…}}; asked before the first scan and
   * again after the settings change (`stale`), not on every round: the table is ~300 strings.
   * Until it answers (or where it cannot), chrome.i18n (the browser's language) is used.
   */
  const ui = { lang: null, messages: null, stale: true };

  const fill = (text, subs) => text.replace(/\$(\d)/g, (_, n) => String(subs[Number(n) - 1] ?? ""));

  function t(key, ...subs) {
    const own = ui.messages?.[key];
    if (typeof own === "string" && own) return fill(own, subs);
    let msg = "";
    try {
      msg = api.i18n.getMessage(key, subs.map(String));
    } catch {
      msg = "";
    }
    if (msg) return msg;
    return fill(FALLBACK[key] ?? key, subs);
  }

  /** The language dates are written in: the chosen interface language, else the browser's. */
  function uiLang() {
    try {
      return ui.lang || api.i18n.getUILanguage() || navigator.language;
    } catch {
      return navigator.language;
    }
  }

  async function loadUiStrings() {
    if (!ui.stale) return;
    try {
      const r = await api.runtime.sendMessage({ type: "candor/ui/strings" });
      if (r?.ok === true && r.messages && typeof r.messages === "object") {
        ui.lang = str(r.lang) || null;
        ui.messages = r.messages;
        ui.stale = false;
      }
    } catch {
      // No answer (an older background, or the worker is starting): keep chrome.i18n.
    }
  }

  const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);
  const levelLabel = (level) => t(`level${cap(level)}`);
  const riskWord = (level) => t(`risk${cap(level)}`);
  const signsShort = (n) => (n === 1 ? t("badgeSignsOne") : t("badgeSignsMany", n));
  const signsLong = (n) => (n === 1 ? t("warningSignsOne") : t("warningSignsMany", n));

  // ---------------------------------------------------------------------------------------------
  // Small helpers.

  function randomSuffix() {
    const bytes = new Uint8Array(6);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  const isOurs = (node) =>
    node != null && node.nodeType === Node.ELEMENT_NODE && node.localName.startsWith(PREFIX);

  function insideOurs(node) {
    for (let n = node; n != null; n = n.parentNode) if (isOurs(n)) return true;
    return false;
  }

  const str = (v) => (typeof v === "string" ? v : "");
  const arr = (v) => (Array.isArray(v) ? v : []);
  const oneOf = (v, allowed, dflt) => (allowed.includes(v) ? v : dflt);

  /** Builds an element. `attrs` keys are fixed names from this file; children are nodes or text. */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs ?? {})) {
      if (value != null && value !== false) el.setAttribute(name, String(value));
    }
    for (const child of children) {
      if (child == null || child === false) continue;
      el.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return el;
  }

  function sheet(cssText) {
    try {
      const s = new CSSStyleSheet();
      s.replaceSync(cssText);
      return s;
    } catch {
      return null;
    }
  }

  /** Applies a constructable sheet to a shadow root; falls back to a <style> inside *our* root. */
  function styleShadow(shadow, cssSheet, cssText) {
    try {
      if (cssSheet) {
        shadow.adoptedStyleSheets = [cssSheet];
        return;
      }
    } catch {
      // e.g. a browser that refuses sheets constructed in the content-script world
    }
    const style = document.createElement("style");
    style.textContent = cssText;
    shadow.append(style);
  }

  const wordSet = (s) => [...new Set(s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])].sort().join(" ");

  const prefersReducedMotion = () => matchMedia("(prefers-reduced-motion: reduce)").matches;

  /** Longest page-given name shown in our UI; longer ones end in "…" (a 10,000-character name). */
  const MAX_NAME_SHOWN = 80;
  const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

  /**
   * A name from the page as our UI shows it: bidi controls dropped (an RLO would reverse our own
   * text after it), whitespace collapsed, and cut visibly.
   */
  function shownName(name) {
    let s = str(name).replace(BIDI_CONTROLS, "").replace(/\s+/g, " ").trim();
    if (s.length > MAX_NAME_SHOWN) s = `${s.slice(0, MAX_NAME_SHOWN - 1)}…`;
    return s;
  }

  const OUTCOMES = ["verified", "refused", "rescheduled", "not_yet"];
  const outcomeKey = (outcome) => outcome.split("_").map(cap).join("");
  const outcomeLabel = (outcome) => t(`verifyOutcome${outcomeKey(outcome)}`);

  function shortDate(iso) {
    try {
      return new Intl.DateTimeFormat(uiLang(), { day: "numeric", month: "short" }).format(new Date(iso));
    } catch {
      return str(iso).slice(0, 10);
    }
  }

  function longDate(iso) {
    try {
      return new Intl.DateTimeFormat(uiLang(), { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
    } catch {
      return str(iso);
    }
  }

  /** The badge's few words for a record ("✓ verified on camera 3 Dec · you"), or "". */
  function recordStatus(record) {
    if (!record || !OUTCOMES.includes(record.outcome)) return "";
    return t(`verifyBadge${outcomeKey(record.outcome)}`, shortDate(record.recorded_at), t("verifyBy"));
  }

  // ---------------------------------------------------------------------------------------------
  // Styles.

  const BADGE_CSS = `
/* !important on :host beats the page's own !important rules on candor-* (the inner context wins
   among important declarations), so a page stylesheet cannot hide, move or restyle the badge. */
:host { all: initial !important; display: inline-block !important; vertical-align: middle !important;
  margin: 2px 0 2px 8px !important; visibility: visible !important; }
:host([data-placement="below"]) { margin: 2px 0 6px 0 !important; }
:host([data-fixed]) { position: fixed !important; top: var(--candor-top, 12px) !important;
  right: 12px !important; margin: 0 !important; z-index: 2147483646 !important; }
button {
  all: initial; box-sizing: border-box; cursor: pointer; display: inline-flex; align-items: center;
  gap: 6px; padding: 3px 10px 3px 6px; border-radius: 999px; border: 1.5px solid var(--bd);
  background: var(--bg); color: var(--fg); font: 600 13px/1.3 system-ui, -apple-system, "Segoe UI",
  Roboto, "Helvetica Neue", Arial, sans-serif; white-space: nowrap;
  box-shadow: 0 1px 2px rgba(0,0,0,.18); transition: filter .12s ease-in-out;
}
button:hover { filter: brightness(0.96); }
button:focus-visible { outline: 3px solid #1a73e8; outline-offset: 2px; }
.mark { display: inline-flex; align-items: center; justify-content: center; width: 18px;
  height: 18px; border-radius: 50%; background: var(--fg); color: var(--bg); font-size: 12px;
  font-weight: 800; }
.brand { font-weight: 700; }
.sep { opacity: .7; }
.level { text-transform: uppercase; letter-spacing: .03em; }
/* Never colour alone: the level word is always written, and each level has its own mark shape
   (none: circle "i", low: circle "!", medium: rounded square, high: diamond, critical: octagon). */
:host([data-level="medium"]) .mark { border-radius: 3px; }
:host([data-level="high"]) .mark { border-radius: 0; clip-path: polygon(50% 0, 100% 50%, 50% 100%, 0 50%);
  width: 20px; height: 20px; }
:host([data-level="critical"]) .mark { border-radius: 0; width: 20px; height: 20px;
  clip-path: polygon(30% 0, 70% 0, 100% 30%, 100% 70%, 70% 100%, 30% 100%, 0 70%, 0 30%); }
.status { font-weight: 600; }
/* Contrast (WCAG 2.1, text 4.5:1): light none #1b365d/#eef3f8 10.9, low #0a3d73/#e6f0fa 9.4,
   medium #5c3c00/#fff3cd 9.0, high #7a1a00/#fde3d8 8.7, critical #fff/#8b0000 10.0; dark none
   #d7e3f4/#1e2a3a 11.2, low 11.4, medium #ffe08a/#3a2d00 10.5, high #ffc9b5/#4a1405 10.2, critical
   #fff/#b00000 7.4; focus ring #1a73e8 on white 4.5, #8ab4f8 on dark 8.4. */
:host { --bg: #eef3f8; --fg: #1b365d; --bd: #8aa4c4; }
:host([data-level="low"]) { --bg: #e6f0fa; --fg: #0a3d73; --bd: #6f9fd1; }
:host([data-level="medium"]) { --bg: #fff3cd; --fg: #5c3c00; --bd: #d9a400; }
:host([data-level="high"]) { --bg: #fde3d8; --fg: #7a1a00; --bd: #d2572b; }
:host([data-level="critical"]) { --bg: #8b0000; --fg: #ffffff; --bd: #4d0000; }
@media (prefers-color-scheme: dark) {
  :host { --bg: #1e2a3a; --fg: #d7e3f4; --bd: #4b6584; }
  :host([data-level="low"]) { --bg: #13283f; --fg: #cfe3fb; --bd: #3d6c9e; }
  :host([data-level="medium"]) { --bg: #3a2d00; --fg: #ffe08a; --bd: #a07c00; }
  :host([data-level="high"]) { --bg: #4a1405; --fg: #ffc9b5; --bd: #c2522b; }
  :host([data-level="critical"]) { --bg: #b00000; --fg: #ffffff; --bd: #ff8a80; }
  button:focus-visible { outline-color: #8ab4f8; }
}
@media (prefers-reduced-motion: reduce) { button { transition: none; } }
`;

  const PANEL_CSS = `
:host { all: initial !important; position: fixed !important; top: 12px !important; right: 12px !important;
  z-index: 2147483647 !important; width: min(440px, calc(100vw - 24px)) !important;
  max-height: calc(100vh - 24px) !important; display: block !important; visibility: visible !important; }
:host([hidden]) { display: none !important; }
.panel {
  box-sizing: border-box; max-height: calc(100vh - 24px); overflow: auto; background: #ffffff;
  color: #1f2328; border: 1px solid #c9d1d9; border-radius: 10px;
  box-shadow: 0 8px 28px rgba(0,0,0,.28); font: 14px/1.45 system-ui, -apple-system, "Segoe UI",
  Roboto, "Helvetica Neue", Arial, sans-serif; animation: candor-in .14s ease-out;
}
@keyframes candor-in { from { opacity: 0; transform: translateY(-4px); } to { opacity: 1; transform: none; } }
header { position: sticky; top: 0; background: inherit; padding: 12px 14px 10px;
  border-bottom: 1px solid #d8dee4; display: grid; grid-template-columns: 1fr auto; gap: 2px 8px; }
h2 { margin: 0; font-size: 16px; line-height: 1.3; font-weight: 700; overflow-wrap: anywhere; }
h2:focus, h2:focus-visible { outline: none; } /* focused by script only, to move the reading point */
.summary { grid-column: 1 / 2; margin: 0; font-weight: 600; }
.summary[data-level="none"] { color: #1b365d; }
.summary[data-level="low"] { color: #0a3d73; }
.summary[data-level="medium"] { color: #5c3c00; }
.summary[data-level="high"] { color: #9a2500; }
.summary[data-level="critical"] { color: #8b0000; }
.close { grid-column: 2; grid-row: 1 / span 2; align-self: start; cursor: pointer;
  font: 600 13px/1 system-ui, sans-serif; padding: 6px 10px; border-radius: 6px;
  border: 1px solid #c9d1d9; background: #f6f8fa; color: #1f2328; }
.close:focus-visible, a:focus-visible, .show:focus-visible { outline: 3px solid #1a73e8; outline-offset: 2px; }
.body { padding: 10px 14px 14px; }
h3 { font-size: 14px; margin: 14px 0 6px; font-weight: 700; }
h3:first-child { margin-top: 4px; }
ol, ul { margin: 0; padding-left: 20px; }
.findings { padding-left: 0; list-style: none; }
.finding { border: 1px solid #d8dee4; border-left: 4px solid var(--sev); border-radius: 6px;
  padding: 8px 10px; margin: 0 0 8px; }
.finding[data-severity="low"] { --sev: #6f9fd1; }
.finding[data-severity="medium"] { --sev: #d9a400; }
.finding[data-severity="high"] { --sev: #d2572b; }
.finding[data-severity="critical"] { --sev: #8b0000; }
.ftitle { margin: 0 0 2px; font-weight: 700; overflow-wrap: anywhere; }
.sev { display: inline-block; margin: 0 0 4px; font-size: 12px; font-weight: 700; padding: 0 6px;
  border-radius: 4px; background: #eef1f4; color: #1f2328; }
.finding[data-severity="high"] .sev { background: #fde3d8; color: #7a1a00; }
.finding[data-severity="critical"] .sev { background: #8b0000; color: #ffffff; }
.finding[data-severity="medium"] .sev { background: #fff3cd; color: #5c3c00; }
p { margin: 4px 0; overflow-wrap: anywhere; }
.label { font-weight: 700; }
.evidence { list-style: none; padding: 0; margin: 4px 0; }
.evidence li { margin: 2px 0; display: flex; gap: 6px; align-items: baseline; }
q { quotes: "“" "”"; background: #fff1a8; color: #1f2328; padding: 0 2px; border-radius: 2px;
  overflow-wrap: anywhere; }
.field { font-size: 12px; color: #57606a; }
.show { cursor: pointer; font: 600 12px/1.2 system-ui, sans-serif; padding: 1px 6px; border-radius: 4px;
  border: 1px solid #c9d1d9; background: #f6f8fa; color: #1f2328; }
.sources { font-size: 13px; margin-top: 4px; }
.sources summary { cursor: pointer; font-weight: 700; width: fit-content; }
.sources summary:focus-visible { outline: 3px solid #1a73e8; outline-offset: 2px; }
.sources ul { margin-top: 2px; }
a { color: #0550ae; }
.verify { border-radius: 8px; padding: 8px 10px 10px; background: #eef3f8; border: 1px solid #8aa4c4; }
.verify[data-emphasis="raised"] { background: #fff3cd; border-color: #d9a400; }
.verify[data-emphasis="urgent"] { background: #fde3d8; border-color: #d2572b; border-width: 2px; }
.verify h3 { margin-top: 0; }
.verify + h3 { margin-top: 16px; }
.verify li { margin: 3px 0; }
.notice { font-size: 13px; background: #f6f8fa; border-radius: 6px; padding: 4px 8px; }
/* The verification record form. Contrast (text 4.5:1, controls 3:1): form text #1f2328 on the
   verify boxes #eef3f8 14.2, #fff3cd 14.3, #fde3d8 12.9; Save #fff/#0550ae 7.6; error
   #a40e26/#ffebe9 6.9; textarea #1f2328/#fff 15.8, border #6e7781 4.5; dark: text #e6edf3 on
   #1e2a3a 12.3, #3a2d00 11.4, #4a1405 12.8; Save #0d1117/#8ab4f8 9.0; error #ffdcd7/#4a0d0d 12.2;
   textarea #e6edf3/#0d1117 16.0, border #8b949e 6.2; secondary text #57606a ≥ 5.2, dark #9ea7b3 ≥ 6.2. */
.record { margin: 10px 0 0; }
fieldset { border: 1px solid #6e7781; border-radius: 6px; margin: 8px 0; padding: 4px 10px 8px; }
legend { font-weight: 700; padding: 0 4px; }
.checklist { list-style: none; padding: 0; margin: 0; }
.check, .choice { display: flex; gap: 8px; align-items: flex-start; margin: 4px 0; cursor: pointer; }
.choices { display: grid; grid-template-columns: 1fr 1fr; gap: 0 12px; }
input[type="checkbox"], input[type="radio"] { width: 16px; height: 16px; margin: 2px 0 0; flex: none;
  accent-color: #0550ae; }
h4 { font-size: 14px; margin: 12px 0 4px; font-weight: 700; }
.note-label { display: block; font-weight: 700; margin: 8px 0 4px; }
textarea { box-sizing: border-box; width: 100%; min-height: 64px; resize: vertical; font: inherit;
  color: #1f2328; background: #ffffff; border: 1px solid #6e7781; border-radius: 6px; padding: 6px 8px; }
.actions { display: flex; gap: 10px; align-items: center; margin-top: 8px; flex-wrap: wrap; }
.save { cursor: pointer; font: 600 13px/1 system-ui, sans-serif; padding: 8px 14px; border-radius: 6px;
  border: 1px solid #0550ae; background: #0550ae; color: #ffffff; }
.save[aria-disabled="true"] { cursor: progress; }
input:focus-visible, textarea:focus-visible, .save:focus-visible { outline: 3px solid #1a73e8; outline-offset: 2px; }
.result { font-weight: 600; margin: 6px 0 0; }
/* Live regions stay rendered while empty (one that is display:none is not announced reliably). */
.result:empty { margin: 0; }
.error { color: #a40e26; background: #ffebe9; border: 1px solid #a40e26; border-radius: 6px; padding: 4px 8px; }
.error:empty { padding: 0; border: 0; }
.history { list-style: none; padding: 0; margin: 0; }
.history li { border-top: 1px solid #d8dee4; padding: 4px 0; }
.history li:first-child { border-top: 0; }
.foot { font-size: 12px; color: #57606a; margin-top: 12px; }
@media (prefers-color-scheme: dark) {
  .panel { background: #15181d; color: #e6edf3; border-color: #3d444d; }
  header { border-bottom-color: #3d444d; }
  .summary[data-level="none"] { color: #c9d9ee; }
  .summary[data-level="low"] { color: #a8cdf7; }
  .summary[data-level="medium"] { color: #ffd866; }
  .summary[data-level="high"] { color: #ffab91; }
  .summary[data-level="critical"] { color: #ff8a80; }
  .close, .show { background: #21262d; color: #e6edf3; border-color: #3d444d; }
  .finding { border-color: #3d444d; border-left-color: var(--sev); }
  .sev { background: #2d333b; color: #e6edf3; }
  .finding[data-severity="high"] .sev { background: #4a1405; color: #ffc9b5; }
  .finding[data-severity="critical"] .sev { background: #b00000; color: #ffffff; }
  .finding[data-severity="medium"] .sev { background: #3a2d00; color: #ffe08a; }
  q { background: #5c4b00; color: #fff8d6; }
  .field, .foot { color: #9ea7b3; }
  a { color: #8ab4f8; }
  .verify { background: #1e2a3a; border-color: #4b6584; }
  .verify[data-emphasis="raised"] { background: #3a2d00; border-color: #a07c00; }
  .verify[data-emphasis="urgent"] { background: #4a1405; border-color: #c2522b; }
  .notice { background: #21262d; }
  fieldset { border-color: #8b949e; }
  input[type="checkbox"], input[type="radio"] { accent-color: #8ab4f8; }
  textarea { color: #e6edf3; background: #0d1117; border-color: #8b949e; }
  .save { background: #8ab4f8; color: #0d1117; border-color: #8ab4f8; }
  input:focus-visible, textarea:focus-visible, .save:focus-visible { outline-color: #8ab4f8; }
  .error { color: #ffdcd7; background: #4a0d0d; border-color: #f85149; }
  .history li { border-top-color: #3d444d; }
}
@media (prefers-reduced-motion: reduce) { .panel { animation: none; } }
`;

  const HIGHLIGHT_CSS = `
::highlight(${HIGHLIGHT_NAME}) { background-color: #ffd54a; color: #1a1a1a; }
`;

  const badgeSheet = sheet(BADGE_CSS);
  const panelSheet = sheet(PANEL_CSS);
  const highlightSheet = sheet(HIGHLIGHT_CSS);

  // ---------------------------------------------------------------------------------------------
  // Element paths and text ranges.

  /** documentElement.children[p0].children[p1]... counting only non-`candor-*` elements. */
  function resolvePath(path) {
    if (!Array.isArray(path)) return null;
    let el = document.documentElement;
    for (const index of path) {
      if (!Number.isInteger(index) || index < 0) return null;
      let n = -1;
      let next = null;
      for (const child of el.children) {
        if (isOurs(child)) continue;
        n += 1;
        if (n === index) {
          next = child;
          break;
        }
      }
      if (next == null) return null;
      el = next;
    }
    return el;
  }

  /** Range over [start, end) of `el.textContent`, in UTF-16 code units, or null. */
  function rangeInElement(el, start, end) {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end <= start) return null;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let pos = 0;
    let started = false;
    for (let node = walker.nextNode(); node != null; node = walker.nextNode()) {
      const len = node.data.length;
      if (!started && start < pos + len) {
        range.setStart(node, start - pos);
        started = true;
      }
      if (started && end <= pos + len) {
        range.setEnd(node, end - pos);
        return range;
      }
      pos += len;
    }
    return null;
  }

  /**
   * Visible text of a subtree as one string plus the text nodes it came from, for fallback
   * searches when a path does not resolve (the page changed, or the browser's DOM and the
   * engine's parse of the serialised HTML differ).
   */
  function textIndex(scope) {
    const nodes = [];
    const starts = [];
    let text = "";
    const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT, {
      acceptNode(node) {
        for (let p = node.parentNode; p != null && p !== scope.parentNode; p = p.parentNode) {
          if (p.nodeType === Node.ELEMENT_NODE && (SKIP_TEXT_IN.has(p.localName) || isOurs(p))) {
            return NodeFilter.FILTER_REJECT;
          }
        }
        return NodeFilter.FILTER_ACCEPT;
      },
    });
    for (let node = walker.nextNode(); node != null; node = walker.nextNode()) {
      nodes.push(node);
      starts.push(text.length);
      text += node.data;
    }
    return { text, nodes, starts };
  }

  function locate(index, offset) {
    let lo = 0;
    let hi = index.nodes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (index.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  function findText(index, needle) {
    return findTextFrom(index, needle, 0)?.range ?? null;
  }

  /** The first occurrence of `needle` at or after `from`: {range, at}, or null. */
  function findTextFrom(index, needle, from) {
    if (!needle || index.nodes.length === 0) return null;
    const at = index.text.indexOf(needle, from);
    if (at < 0) return null;
    const end = at + needle.length;
    const a = locate(index, at);
    // The end boundary belongs to the node that contains the last matched character.
    const b = locate(index, end - 1);
    const range = document.createRange();
    range.setStart(index.nodes[a], at - index.starts[a]);
    range.setEnd(index.nodes[b], end - index.starts[b]);
    return { range, at };
  }

  /** resolvePath's inverse: the element path of `el`, counting only non-`candor-*` elements. */
  function pathOf(el) {
    const path = [];
    for (let e = el; e !== document.documentElement; e = e.parentElement) {
      if (e?.parentElement == null) return [];
      let i = 0;
      for (const c of e.parentElement.children) {
        if (c === e) break;
        if (!isOurs(c)) i += 1;
      }
      path.push(i);
    }
    return path.reverse();
  }

  /**
   * How close `el` is to where `path` pointed: the longest common tail of `path` with the path of
   * `el` or of one of its ancestors. When the live DOM and the engine's parse differ near the top
   * (an element the page inserted, markup that does not survive re-parsing), paths shift there
   * and keep their tail, so the right occurrence shares a long tail and another one a short tail.
   */
  function pathAffinity(el, path) {
    const own = el ? pathOf(el) : [];
    let best = 0;
    for (let k = own.length; k > best; k -= 1) {
      let n = 0;
      while (n < k && n < path.length && own[k - 1 - n] === path[path.length - 1 - n]) n += 1;
      best = Math.max(best, n);
    }
    return best;
  }

  /**
   * findText for a path that did not hold: of the needle's occurrences (up to 50), the one nearest
   * to `path`, the first on a tie. The first occurrence alone is often the wrong one: Telegram Web
   * shows the open chat's name and last message in the chat list before the chat itself.
   */
  function findTextNear(index, needle, path) {
    let hit = findTextFrom(index, needle, 0);
    if (hit == null || !Array.isArray(path) || path.length === 0) return hit?.range ?? null;
    let best = hit.range;
    let score = pathAffinity(best.startContainer.parentElement, path);
    for (let n = 1; n < 50; n += 1) {
      hit = findTextFrom(index, needle, hit.at + 1);
      if (hit == null) break;
      const s = pathAffinity(hit.range.startContainer.parentElement, path);
      if (s > score) [best, score] = [hit.range, s];
    }
    return best;
  }

  // ---------------------------------------------------------------------------------------------
  // Rendering state.

  const rendered = { badges: [], panel: null, panelShadow: null, openFor: null, key: null, restores: 0 };

  function highlightsSupported() {
    return typeof Highlight === "function" && typeof CSS !== "undefined" && CSS.highlights != null;
  }

  function ensureHighlightSheet() {
    if (!highlightSheet) return;
    try {
      const current = document.adoptedStyleSheets;
      if (!current.includes(highlightSheet)) {
        document.adoptedStyleSheets = [...current, highlightSheet];
      }
    } catch {
      // Styling the page is best effort; the badge and panel still work without it.
    }
  }

  function clearRender() {
    for (const b of rendered.badges) b.host.remove();
    rendered.badges = [];
    closePanel(false);
    rendered.panel?.remove();
    rendered.panel = null;
    rendered.panelShadow = null;
    rendered.key = null;
    if (highlightsSupported()) CSS.highlights.delete(HIGHLIGHT_NAME);
  }

  function setState(state, extra) {
    root.dataset.candorState = state;
    if (extra) Object.assign(root.dataset, extra);
    if (state !== "error") delete root.dataset.candorError;
  }

  // ---------------------------------------------------------------------------------------------
  // Badge.

  /**
   * A `candor-*` host element with a closed shadow root. A page that defined `name` as its own
   * custom element (whose constructor attaches a shadow root or throws) cannot pre-empt us: the
   * host is then `name-<random>`, a name the page cannot know in advance. Null when both fail.
   */
  function shadowHost(name) {
    for (const tag of [name, `${name}-${randomSuffix()}`]) {
      try {
        const host = document.createElement(tag);
        if (host.localName !== tag) continue;
        return { host, shadow: host.attachShadow({ mode: "closed" }) };
      } catch {
        // pre-empted: try the unpredictable name
      }
    }
    return null;
  }

  function makeBadge(candidate, report, fixedIndex) {
    const level = oneOf(candidate.level, LEVELS, "none");
    const findings = arr(candidate.findings);
    const count = findings.length;
    const made = shadowHost("candor-badge");
    if (!made) return null;
    const { host, shadow } = made;
    host.setAttribute("data-level", level);
    host.setAttribute("data-count", String(count));
    styleShadow(shadow, badgeSheet, BADGE_CSS);
    const button = h("button", { type: "button", "aria-expanded": "false", "aria-haspopup": "dialog" });
    const entry = { host, button, candidate, report, record: null, subject: null };
    button.addEventListener("click", (event) => {
      // The badge may sit inside a link or a clickable row: keep the page from acting on it.
      event.preventDefault();
      event.stopPropagation();
      togglePanel(entry);
    });
    shadow.append(button);
    if (fixedIndex != null) {
      host.setAttribute("data-fixed", "true");
      host.style.setProperty("--candor-top", `${12 + fixedIndex * 40}px`);
    }
    return entry;
  }

  /**
   * The badge's words: level (always written, never colour alone), count or "verify on camera",
   * and the latest verification record when there is one. Its accessible name says the same.
   */
  function fillBadge(entry) {
    const { button, candidate } = entry;
    const level = oneOf(candidate.level, LEVELS, "none");
    const count = arr(candidate.findings).length;
    const status = recordStatus(entry.record);
    let label =
      level === "none" && count === 0
        ? t("badgeLabelNone")
        : t("badgeLabel", riskWord(level === "none" ? "low" : level), signsLong(count));
    if (status) label = `${label}. ${t("verifyLatestLabel", status)}`;
    button.setAttribute("aria-label", label);
    button.setAttribute("title", label);
    button.replaceChildren(
      h("span", { class: "mark", "aria-hidden": "true" }, level === "none" ? "i" : "!"),
      h("span", { class: "brand" }, t("badgeBrand")),
      h("span", { class: "sep", "aria-hidden": "true" }, "·"),
    );
    if (level === "none" && count === 0) {
      button.append(h("span", { class: "level" }, levelLabel("none")), h("span", { class: "sep", "aria-hidden": "true" }, "·"),
        h("span", {}, t("badgeVerify")));
    } else {
      button.append(h("span", { class: "level" }, levelLabel(level === "none" ? "low" : level)),
        h("span", { class: "sep", "aria-hidden": "true" }, "·"), h("span", {}, signsShort(count)));
    }
    if (status) {
      button.append(h("span", { class: "sep", "aria-hidden": "true" }, "·"), h("span", { class: "status" }, status));
      entry.host.setAttribute("data-outcome", entry.record.outcome);
    } else {
      entry.host.removeAttribute("data-outcome");
    }
  }

  function anchorFor(candidate, textIdx) {
    const el = resolvePath(candidate.anchor);
    const name = str(candidate.name).trim();
    const usable = (e) =>
      e != null && e !== document.documentElement && e !== document.body && e !== document.head &&
      !document.head?.contains(e);
    if (usable(el) && (!name || el.textContent.includes(name))) return el;
    if (name) {
      const range = findTextNear(textIdx(), name, candidate.anchor);
      const parent = range?.startContainer.parentElement;
      if (usable(parent)) return parent;
    }
    return null;
  }

  const INTERACTIVE = "a[href], button, label, summary, [role=button], [role=link]";
  const flat = (el) => el.textContent.replace(/\s+/g, " ").trim();

  /**
   * The element the badge goes after: the name element, or the page's own link or button around
   * it. List tiles wrap the name in a control (Upwork proposals and talent search: <button
   * itemprop=name>; LinkedIn's thread header: <a>). Inside it, our button would nest in the page's
   * (invalid HTML: interactive content may not nest), join its accessible name ("Priya N. Candor
   * No signs…") and its click area, and the control would grow around the badge. So when the
   * control holds nothing but the name, the badge follows the control instead. A control that
   * holds more (a whole row as one link) keeps the badge inside, next to the name: moving it out
   * would take it out of the row; the badge's click handler keeps the page from acting on it.
   */
  function badgeSpot(anchor) {
    const name = flat(anchor);
    let spot = anchor;
    for (let c = anchor.parentElement?.closest(INTERACTIVE); c != null && c !== document.body;
      c = c.parentElement?.closest(INTERACTIVE)) {
      if (flat(c) !== name) break;
      spot = c;
    }
    return spot;
  }

  // ---------------------------------------------------------------------------------------------
  // Panel.

  function httpsUrl(value) {
    try {
      const u = new URL(str(value));
      return u.protocol === "https:" ? u.href : null;
    } catch {
      return null;
    }
  }

  function sourceItem(src) {
    const title = str(src?.title) || str(src?.id);
    const meta = [str(src?.publisher), str(src?.date)].filter(Boolean).join(", ");
    const href = httpsUrl(src?.url);
    const titleNode = href
      ? h("a", { href, target: "_blank", rel: "noopener noreferrer" }, title)
      : h("span", {}, title);
    return h("li", {}, titleNode, meta ? ` — ${meta}` : null);
  }

  function evidenceItem(ev, rangeOf) {
    const text = str(ev?.text);
    const li = h("li", {}, h("q", {}, text));
    if (str(ev?.field)) li.append(h("span", { class: "field" }, str(ev.field)));
    if (str(ev?.detail)) li.append(h("span", { class: "field" }, str(ev.detail))); // list entry note
    const range = rangeOf(ev);
    if (range) {
      const show = h("button", { type: "button", class: "show" }, t("showOnPage"));
      show.addEventListener("click", () => {
        const target = range.startContainer.parentElement;
        target?.scrollIntoView({ block: "center", behavior: prefersReducedMotion() ? "auto" : "smooth" });
      });
      li.append(show);
    }
    return li;
  }

  function findingItem(finding, rangeOf) {
    const severity = oneOf(finding?.severity, SEVERITIES, "low");
    const li = h("li", { class: "finding", "data-severity": severity },
      h("p", { class: "ftitle" }, str(finding?.title) || str(finding?.rule)),
      h("span", { class: "sev" }, t("severityLabel", riskWord(severity))));
    if (str(finding?.explain)) li.append(h("p", {}, str(finding.explain)));
    if (str(finding?.advice)) {
      li.append(h("p", {}, h("span", { class: "label" }, t("adviceLabel")), " ", str(finding.advice)));
    }
    const evidence = arr(finding?.evidence).filter((e) => str(e?.text));
    if (evidence.length) {
      li.append(h("p", { class: "label" }, t("evidenceLabel")),
        h("ul", { class: "evidence" }, ...evidence.map((e) => evidenceItem(e, rangeOf))));
    }
    const sources = arr(finding?.sources);
    if (sources.length) {
      // Collapsed by default: the citations matter, but the panel should stay scannable.
      li.append(h("details", { class: "sources" }, h("summary", {}, t("sourcesLabel", sources.length)),
        h("ul", {}, ...sources.map(sourceItem))));
    }
    return li;
  }

  function panelContent(entry) {
    const { candidate, report } = entry;
    const level = oneOf(candidate.level, LEVELS, "none");
    const findings = arr(candidate.findings);
    const name = shownName(candidate.name);
    const heading = h("h2", { tabindex: "-1", id: "candor-title" },
      name ? t("panelTitle", name) : t("panelTitleNoName"));
    const summary = h("p", { class: "summary", "data-level": level },
      findings.length === 0 ? t("panelSummaryNone")
        : t("panelSummary", levelLabel(level === "none" ? "low" : level), signsLong(findings.length)));
    const close = h("button", { type: "button", class: "close" }, t("panelClose"));
    close.addEventListener("click", () => closePanel(true));

    const body = h("div", { class: "body" });
    for (const notice of arr(report.notices)) {
      if (str(notice?.message)) {
        body.append(h("p", { class: "notice" }, h("span", { class: "label" }, t("noticeLabel")), " ",
          str(notice.message)));
      }
    }
    const rangeOf = (ev) => entry.evidenceRanges?.get(ev) ?? null;
    const prompt = report.prompt ?? {};
    const emphasis = oneOf(prompt.emphasis, EMPHASES, "standard");
    const steps = arr(prompt.steps).map(str).filter(Boolean);
    const verify = h("section", { class: "verify", "data-emphasis": emphasis }, h("h3", {}, t("verifyHeading")));
    // The pack's own title is shown too, unless it only rephrases our heading.
    const promptTitle = str(prompt.title).trim();
    if (promptTitle && wordSet(promptTitle) !== wordSet(t("verifyHeading"))) {
      verify.append(h("p", {}, promptTitle));
    }
    verify.append(recordForm(entry, steps));
    const list = findings.length
      ? [h("h3", {}, t("findingsHeading")), h("ol", { class: "findings" }, ...findings.map((f) => findingItem(f, rangeOf)))]
      : [];
    // Risk raises the prompt's prominence: at "urgent" the script comes before the reasons.
    if (emphasis === "urgent") body.append(verify, ...list);
    else body.append(...list, verify);
    body.append(h("p", { class: "foot" }, t("disclaimer")));

    const panel = h("section", { class: "panel", role: "dialog", "aria-labelledby": "candor-title" },
      h("header", {}, heading, close, summary), body);
    panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.stopPropagation();
        closePanel(true);
      }
    });
    return { panel, heading };
  }

  // ---------------------------------------------------------------------------------------------
  // Verification record form (in the panel's verify box).

  /** What the recruiter entered but has not saved, per candidate key: survives re-renders and errors. */
  const drafts = new Map();

  /** The identity a record is saved under (the background's, else derived as its contract says). */
  function subjectOf(entry) {
    if (entry.subject) return entry.subject;
    const site = str(entry.report.site) || "generic";
    const pid = str(entry.candidate.profile_id);
    return pid ? { site, key: `${site}:${pid}`, profile_id: pid } : { site, key: location.href.slice(0, 2048) };
  }

  function historyItem(record, subject) {
    const steps = arr(record.steps);
    const li = h("li", {}, h("span", { class: "label" },
      t("verifyHistoryItem", outcomeLabel(record.outcome), longDate(record.recorded_at), t("verifyBy"))));
    if (steps.length) li.append(" — ", t("verifyHistorySteps", steps.filter((s) => s?.done === true).length, steps.length));
    if (str(record.site) && (record.site !== subject.site || record.key !== subject.key)) {
      li.append(h("span", { class: "field" }, ` (${t("verifyRecordedElsewhere", record.site, shownName(record.name) || record.site)})`));
    }
    if (str(record.note)) li.append(h("p", {}, str(record.note)));
    return li;
  }

  /** Fills `list` with the candidate's records, newest first (asked from the background). */
  async function showHistory(entry, list) {
    let records = entry.record ? [entry.record] : [];
    try {
      const { site, key, profile_id } = subjectOf(entry);
      const r = await api.runtime.sendMessage({ type: "candor/verification/history", candidate: profile_id ? { site, key, profile_id } : { site, key } });
      if (r?.ok === true && Array.isArray(r.records)) records = r.records;
    } catch {
      // Only the latest record, from the scan, then.
    }
    const subject = subjectOf(entry);
    list.replaceChildren(...(records.length ? records.map((r) => historyItem(r, subject)) : [h("li", {}, t("verifyHistoryNone"))]));
    list.setAttribute("data-count", String(records.length));
  }

  function recordForm(entry, steps) {
    const subject = subjectOf(entry);
    const draft = drafts.get(subject.key) ?? { done: [], outcome: null, note: "" };
    // A group, not a <form>: page markup must never become a form in our UI (tests forbid it),
    // and Save is an ordinary button, so nothing here can submit or navigate.
    const form = h("div", { class: "record", role: "group", "aria-labelledby": "candor-record-title" });
    if (steps.length) {
      const checks = steps.map((text, i) => {
        const box = h("input", { type: "checkbox", name: "step" });
        box.checked = draft.done[i] === true;
        box.addEventListener("change", () => {
          draft.done[i] = box.checked;
          drafts.set(subject.key, draft);
        });
        return h("li", {}, h("label", { class: "check" }, box, h("span", {}, text)));
      });
      form.append(h("fieldset", { class: "steps" }, h("legend", {}, t("verifyStepsLegend")), h("ol", { class: "checklist" }, ...checks)));
    }
    form.append(h("h4", { id: "candor-record-title" }, t("verifyFormHeading")));
    const radios = OUTCOMES.map((outcome) => {
      const radio = h("input", { type: "radio", name: "outcome", value: outcome });
      radio.checked = draft.outcome === outcome;
      radio.addEventListener("change", () => {
        if (!radio.checked) return;
        draft.outcome = outcome;
        drafts.set(subject.key, draft);
      });
      return radio;
    });
    form.append(h("fieldset", { class: "outcome", role: "radiogroup", "aria-required": "true" },
      h("legend", {}, t("verifyOutcomeLegend")),
      h("div", { class: "choices" }, ...radios.map((r) => h("label", { class: "choice" }, r, h("span", {}, outcomeLabel(r.value)))))));
    const note = h("textarea", { id: "candor-note", name: "note", maxlength: "2000", rows: "3" });
    note.value = draft.note;
    note.addEventListener("input", () => {
      draft.note = note.value;
      drafts.set(subject.key, draft);
    });
    const save = h("button", { type: "button", class: "save" }, t("verifySave"));
    const result = h("p", { class: "result", role: "status", "aria-live": "polite" });
    const error = h("p", { class: "error", role: "alert" });
    form.append(h("label", { class: "note-label", for: "candor-note" }, t("verifyNoteLabel")), note,
      h("div", { class: "actions" }, save), result, error);
    const history = h("ul", { class: "history", "aria-labelledby": "candor-history-title" });
    const wrap = h("div", {}, form, h("h4", { id: "candor-history-title" }, t("verifyHistoryHeading")), history);
    showHistory(entry, history);

    let saving = false;
    save.addEventListener("click", async (event) => {
      event.preventDefault();
      if (saving) return;
      error.textContent = "";
      if (!draft.outcome) {
        error.textContent = t("verifyChooseOutcome");
        radios[0].focus();
        return;
      }
      saving = true;
      save.setAttribute("aria-disabled", "true");
      result.textContent = t("verifySaving");
      const candidate = { ...subject, url: location.href.slice(0, 2048) };
      const name = str(entry.candidate.name).trim().slice(0, 2048);
      if (name) candidate.name = name;
      const message = {
        type: "candor/verification/save",
        candidate,
        outcome: draft.outcome,
        steps: steps.slice(0, 20).map((text, i) => ({ text: text.slice(0, 2048), done: draft.done[i] === true })),
      };
      if (draft.note) message.note = draft.note.slice(0, 2000);
      let answer;
      try {
        answer = await api.runtime.sendMessage(message);
      } catch (err) {
        answer = { ok: false, error: err instanceof Error ? err.message : String(err) };
      }
      saving = false;
      save.removeAttribute("aria-disabled");
      if (answer?.ok === true && answer.record) {
        // Saved: the form starts afresh, the badge and the history show the record.
        entry.record = answer.record;
        drafts.delete(subject.key);
        Object.assign(draft, { done: [], outcome: null, note: "" });
        for (const box of form.querySelectorAll("input")) box.checked = false;
        note.value = "";
        result.textContent = t("verifySaved", outcomeLabel(answer.record.outcome), longDate(answer.record.recorded_at));
        fillBadge(entry);
        root.dataset.candorVerification = "saved";
        showHistory(entry, history);
      } else {
        // Kept: everything entered stays in the form (and in `drafts`) for another try.
        result.textContent = "";
        error.textContent = t("verifySaveFailed", str(answer?.error).slice(0, 300) || "no answer");
        root.dataset.candorVerification = "error";
      }
    });
    return wrap;
  }

  function ensurePanelHost() {
    if (rendered.panel) return true;
    const made = shadowHost("candor-panel");
    if (!made) return false;
    const { host, shadow } = made;
    host.setAttribute("data-open", "false");
    host.hidden = true;
    styleShadow(shadow, panelSheet, PANEL_CSS);
    (document.body ?? document.documentElement).append(host);
    rendered.panel = host;
    rendered.panelShadow = shadow;
    return true;
  }

  function openPanel(entry, focus = true) {
    if (!ensurePanelHost()) return;
    const shadow = rendered.panelShadow;
    for (const child of [...shadow.childNodes]) if (child.localName !== "style") child.remove();
    const { panel, heading } = panelContent(entry);
    shadow.append(panel);
    for (const b of rendered.badges) b.button.setAttribute("aria-expanded", String(b === entry));
    rendered.openFor = entry;
    rendered.panel.hidden = false;
    rendered.panel.setAttribute("data-open", "true");
    rendered.panel.setAttribute("data-level", oneOf(entry.candidate.level, LEVELS, "none"));
    rendered.panel.setAttribute("data-count", String(arr(entry.candidate.findings).length));
    if (focus) heading.focus({ preventScroll: true });
  }

  function closePanel(returnFocus) {
    const entry = rendered.openFor;
    rendered.openFor = null;
    if (rendered.panel) {
      rendered.panel.hidden = true;
      rendered.panel.setAttribute("data-open", "false");
    }
    for (const b of rendered.badges) b.button.setAttribute("aria-expanded", "false");
    if (returnFocus && entry?.host.isConnected) entry.button.focus();
  }

  function togglePanel(entry) {
    if (rendered.openFor === entry) closePanel(true);
    else openPanel(entry, true);
  }

  // ---------------------------------------------------------------------------------------------
  // Report → page.

  function levelRank(level) {
    return LEVELS.indexOf(oneOf(level, LEVELS, "none"));
  }

  /**
   * True when `key` (the serialised report) is what is on screen and every badge and highlight
   * still stands: then a re-scan changes nothing and the panel keeps its scroll and focus.
   */
  function unchanged(key) {
    if (key !== rendered.key) return false;
    for (const b of rendered.badges) {
      if (!b.host.isConnected) return false;
      for (const [ev, range] of b.evidenceRanges) if (range.toString() !== ev.text) return false;
    }
    return true;
  }

  function render(report, extra = {}) {
    const records = arr(extra.verifications);
    const subjects = arr(extra.verificationSubjects);
    const key = JSON.stringify([report, records, ui.lang]);
    const indexOf = new Map(arr(report?.candidates).map((c, i) => [c, i]));
    if (unchanged(key)) {
      setState("done");
      return;
    }
    if (key === rendered.key && rendered.badges.some((b) => !b.host.isConnected)) {
      // Same report, but the page removed a badge. Put it back a few times; a page that keeps
      // removing it wins, and the state says the UI is blocked rather than looping forever.
      rendered.restores += 1;
      if (rendered.restores > MAX_RESTORES) {
        setState("done", { candorUi: "blocked" });
        return;
      }
    } else if (key !== rendered.key) {
      rendered.restores = 0;
      delete root.dataset.candorUi;
    }
    const restores = rendered.restores;
    const reopen = rendered.openFor ? str(rendered.openFor.candidate.profile_id) || str(rendered.openFor.candidate.name) : null;
    clearRender();
    const kind = str(report?.page_kind) || "unknown";
    const candidates = arr(report?.candidates).filter((c) => c && typeof c === "object");
    let cachedIndex = null;
    const textIdx = () => (cachedIndex ??= textIndex(document.body ?? document.documentElement));

    let highest = "none";
    for (const c of candidates) if (levelRank(c.level) > levelRank(highest)) highest = oneOf(c.level, LEVELS, "none");

    const showUi = kind !== "job_posting";
    let fallbacks = 0; // evidence with a path that had to be found by text search instead
    const ranges = [];
    const addRange = (range) => {
      for (const r of ranges) {
        if (r.compareBoundaryPoints(Range.START_TO_START, range) === 0 &&
            r.compareBoundaryPoints(Range.END_TO_END, range) === 0) return r;
      }
      ranges.push(range);
      return range;
    };

    if (showUi) {
      let fixed = 0;
      for (const candidate of candidates) {
        // Evidence ranges first: the badge panel offers "Show" for the ones found on the page.
        const evidenceRanges = new Map();
        for (const finding of arr(candidate.findings)) {
          for (const ev of arr(finding?.evidence)) {
            const text = str(ev?.text);
            if (!text) continue;
            const el = ev.path != null ? resolvePath(ev.path) : null;
            let range = el ? rangeInElement(el, ev.start, ev.end) : null;
            if (range && range.toString() !== text) range = null;
            if (!range) {
              // The path or offsets did not hold on the live DOM: search for the text instead.
              range = (el ? findText(textIndex(el), text) : null) ?? findTextNear(textIdx(), text, ev.path);
              if (range && ev.path != null) fallbacks += 1;
            }
            if (range) evidenceRanges.set(ev, addRange(range));
          }
        }
        const anchor = anchorFor(candidate, textIdx);
        const entry = makeBadge(candidate, report, anchor ? null : fixed);
        if (!entry) continue;
        const at = indexOf.get(candidate);
        const subject = subjects[at];
        entry.subject = subject && typeof subject === "object" && str(subject.site) && str(subject.key)
          ? { site: str(subject.site), key: str(subject.key), ...(str(subject.profile_id) ? { profile_id: str(subject.profile_id) } : {}) }
          : null;
        const record = records[at];
        entry.record = record && typeof record === "object" && OUTCOMES.includes(record.outcome) ? record : null;
        fillBadge(entry);
        entry.evidenceRanges = evidenceRanges;
        if (anchor) {
          const spot = badgeSpot(anchor);
          // After a block element (a heading) the badge sits on the next line, flush left.
          if (!getComputedStyle(spot).display.startsWith("inline")) {
            entry.host.setAttribute("data-placement", "below");
          }
          spot.after(entry.host);
        } else {
          (document.body ?? document.documentElement).append(entry.host);
          fixed += 1;
        }
        rendered.badges.push(entry);
      }
    }

    let highlighted = 0;
    if (ranges.length && highlightsSupported()) {
      try {
        CSS.highlights.set(HIGHLIGHT_NAME, new Highlight(...ranges));
        ensureHighlightSheet();
        highlighted = ranges.length;
      } catch {
        highlighted = 0;
      }
    }
    rendered.key = key;
    rendered.restores = restores;

    setState("done", {
      candorPageKind: kind,
      candorCandidates: String(candidates.length),
      candorHighlights: String(highlighted),
      candorLevel: highest,
      candorFallbacks: String(fallbacks),
    });

    if (reopen) {
      const again = rendered.badges.find((b) => (str(b.candidate.profile_id) || str(b.candidate.name)) === reopen);
      if (again) openPanel(again, false); // a re-scan must not steal focus from the page
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Scanning.

  // Serialising a large page on every round is most of a round's main-thread time (750 KB page:
  // outerHTML ~7 ms, and ~9 ms more to pass the string to the background). So the serialisation
  // is cached per element and only what a mutation touched is redone: an element holding more
  // than SPLIT_ELEMENTS elements is written as its start tag, its children (each cached) and its
  // end tag; a smaller one is one native outerHTML. Every mutation record (attributes included)
  // drops the cached strings of its target and the target's ancestors. The result equals
  // outerHTML (tests/e2e/hostile.test.mjs compares them). Then only the changed middle of the
  // page is sent when the background still holds the previous page (`sendScan`).
  const SPLIT_ELEMENTS = 200;
  /** Elements whose children serialise unlike ordinary content (raw text, template contents). */
  const WHOLE = new Set(["template", "script", "style", "xmp", "iframe", "noembed", "noframes", "plaintext", "noscript", "textarea", "title"]);
  const HTML_NS = "http://www.w3.org/1999/xhtml";
  const ESCAPES = { "&": "&amp;", '"': "&quot;", "\u00a0": "&nbsp;", "<": "&lt;", ">": "&gt;" };
  const escapeAttr = (v) => v.replace(/[&"\u00a0<>]/g, (c) => ESCAPES[c]);
  const escapeText = (v) => v.replace(/[&\u00a0<>]/g, (c) => ESCAPES[c]);
  let serialCache = new WeakMap();

  function invalidate(node) {
    for (let n = node; n != null; n = n.parentNode) serialCache.delete(n);
  }

  function serialiseElement(el) {
    let out = serialCache.get(el);
    if (out !== undefined) return out;
    if (!WHOLE.has(el.localName) && el.getElementsByTagName("*").length > SPLIT_ELEMENTS) {
      const name = el.namespaceURI === HTML_NS ? el.localName : el.tagName;
      out = `<${name}`;
      for (const a of el.attributes) out += ` ${a.name}="${escapeAttr(a.value)}"`;
      out += ">";
      for (let c = el.firstChild; c != null; c = c.nextSibling) {
        if (c.nodeType === Node.ELEMENT_NODE) out += serialiseElement(c);
        else if (c.nodeType === Node.TEXT_NODE) out += escapeText(c.data);
        else if (c.nodeType === Node.COMMENT_NODE) out += `<!--${c.data}-->`;
      }
      out += `</${name}>`;
    } else {
      out = el.outerHTML;
    }
    serialCache.set(el, out);
    return out;
  }

  function serialise() {
    for (const r of observer.takeRecords()) invalidate(r.target);
    let html = "<!DOCTYPE html>" + serialiseElement(document.documentElement);
    let truncated = false;
    if (html.length > MAX_HTML) {
      let end = MAX_HTML;
      const last = html.charCodeAt(end - 1);
      if (last >= 0xd800 && last <= 0xdbff) end -= 1;
      html = html.slice(0, end);
      truncated = true;
    }
    return { html, truncated };
  }

  let inFlight = false;
  let dirty = false;
  let dead = false;
  let lastHtml = null;
  let lastUrl = null;
  let timer = 0;
  let firstPending = 0;
  let scans = 0;
  let retries = 0; // consecutive failed deliveries of the current scan

  /** False once the extension that injected us was updated, reloaded or removed. */
  const runtimeAlive = () => {
    try {
      return api?.runtime?.id != null;
    } catch {
      return false;
    }
  };

  /** Stops this instance when its extension is gone (an orphan); true when it did. */
  function retireIfOrphaned() {
    if (dead) return true;
    if (runtimeAlive()) return false;
    retire();
    return true;
  }

  /**
   * A failure of the messaging itself, not an answer from the engine: the worker was stopped
   * while it held our request ("message port closed"), or had not started listening yet
   * ("Receiving end does not exist"), or answered nothing.
   */
  const transient = (message) => /message (?:port|channel) closed|receiving end does not exist|no report from the background engine|could not establish connection/i.test(message);

  /** What the background holds of this page: the html it last accepted and its token. */
  let sent = null;

  /** [start, end) of the part of `next` that differs from `prev` (common prefix and suffix cut). */
  function changedMiddle(prev, next) {
    const n = Math.min(prev.length, next.length);
    const BLOCK = 4096; // compared as substrings (memcmp), then character by character
    let p = 0;
    while (p + BLOCK <= n && prev.slice(p, p + BLOCK) === next.slice(p, p + BLOCK)) p += BLOCK;
    while (p < n && prev.charCodeAt(p) === next.charCodeAt(p)) p += 1;
    const m = n - p;
    let q = 0;
    while (q + BLOCK <= m && prev.slice(prev.length - q - BLOCK, prev.length - q) === next.slice(next.length - q - BLOCK, next.length - q)) q += BLOCK;
    while (q < m && prev.charCodeAt(prev.length - 1 - q) === next.charCodeAt(next.length - 1 - q)) q += 1;
    // Never cut a surrogate pair: messaging would turn each half into U+FFFD.
    const high = (c) => c >= 0xd800 && c <= 0xdbff;
    const low = (c) => c >= 0xdc00 && c <= 0xdfff;
    if (p > 0 && high(next.charCodeAt(p - 1))) p -= 1;
    if (q > 0 && low(next.charCodeAt(next.length - q))) q -= 1;
    return { at: p, remove: prev.length - p - q, end: next.length - q };
  }

  /**
   * Sends a scan request: only the changed middle of the page (`base`, `at`, `remove`, `insert`)
   * when the background holds our previous page, else the whole page. The background answers
   * `resend: true` when it does not have `base` (the worker was restarted): then the whole page.
   */
  async function sendScan(url, html, truncated) {
    const token = randomSuffix();
    let response;
    if (sent !== null && sent.url === url) {
      const d = changedMiddle(sent.html, html);
      if (d.end - d.at < html.length / 2) {
        response = await api.runtime.sendMessage({
          type: "candor/scan", url, truncated, token, base: sent.token, at: d.at, remove: d.remove, insert: html.slice(d.at, d.end),
        });
        if (response?.ok === true && response.resend === true) response = null;
      }
    }
    response ??= await api.runtime.sendMessage({ type: "candor/scan", url, html, truncated, token });
    sent = response?.ok === true ? { url, html, token } : null;
    return response;
  }

  async function scanNow() {
    if (retireIfOrphaned()) return;
    if (inFlight) {
      dirty = true;
      return;
    }
    inFlight = true;
    dirty = false;
    try {
      const url = location.href;
      const { html, truncated } = serialise();
      if (html === lastHtml && url === lastUrl) return; // nothing changed since the last scan
      setState("scanning");
      await loadUiStrings(); // first scan, or the settings (language) changed since the last one
      const response = await sendScan(url, html, truncated);
      retries = 0;
      if (response && response.ok === true && response.disabled === true) {
        // An administrator switched Candor off for this site (policy `disabledSites`): show
        // nothing, and say so only in the page state, never as an error.
        lastHtml = html;
        lastUrl = url;
        clearRender();
        setState("disabled");
        return;
      }
      if (!response || response.ok !== true || response.report == null) {
        throw new Error(str(response?.error) || "no report from the background engine");
      }
      lastHtml = html;
      lastUrl = url;
      scans += 1;
      root.dataset.candorScans = String(scans);
      // What was cut: the page beyond 8 Mi code units (here or in the background); the panel
      // shows the report's N001 notice, this attribute lets support and tests see it.
      const capped = truncated || arr(response.report.notices).some((n) => n?.code === "N001");
      if (capped) root.dataset.candorCapped = "true";
      else delete root.dataset.candorCapped;
      const memory = response.memory;
      root.dataset.candorMemory = oneOf(memory?.state, ["on", "off", "error"], "off");
      if (str(memory?.error)) root.dataset.candorMemoryError = str(memory.error).slice(0, 300);
      else delete root.dataset.candorMemoryError;
      render(response.report, response);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (/context invalidated/i.test(message) || !runtimeAlive()) {
        retire(); // the extension was reloaded or removed
      } else if (transient(message) && retries < MAX_RETRIES) {
        // Stay "scanning"; a mutation meanwhile replaces this timer with a normal debounce.
        const wait = RETRY_BASE_MS * 2 ** retries;
        retries += 1;
        root.dataset.candorRetries = String(Number(root.dataset.candorRetries ?? 0) + 1);
        clearTimeout(timer);
        timer = setTimeout(() => {
          timer = 0;
          scanNow();
        }, wait);
      } else {
        retries = 0;
        setState("error", { candorError: message.slice(0, 300) });
        console.warn("Candor:", message);
      }
    } finally {
      inFlight = false;
      if (dirty && !dead) schedule();
    }
  }

  function schedule() {
    if (dead) return;
    const now = performance.now();
    if (!firstPending) firstPending = now;
    clearTimeout(timer);
    const wait = Math.max(0, Math.min(DEBOUNCE_MS, firstPending + MAX_WAIT_MS - now));
    timer = setTimeout(() => {
      firstPending = 0;
      timer = 0;
      scanNow();
    }, wait);
  }

  const showing = (host) => host === rendered.panel || rendered.badges.some((b) => b.host === host);

  function relevant(records) {
    for (const r of records) {
      if (r.type === "attributes") continue; // as before the cache needed them: not a reason to scan
      if (insideOurs(r.target)) continue;
      if (document.head != null && document.head.contains(r.target)) continue; // analytics, titles
      if (r.type === "childList") {
        // A badge or panel we still show was taken out by someone else (the page): re-scan, and
        // render() puts it back, a bounded number of times.
        for (const n of r.removedNodes) if (isOurs(n) && showing(n)) return true;
        const nodes = [...r.addedNodes, ...r.removedNodes];
        if (nodes.length > 0 && nodes.every(isOurs)) continue; // our own badges coming and going
      }
      return true;
    }
    return false;
  }

  const observer = new MutationObserver((records) => {
    let structural = false;
    for (const r of records) {
      invalidate(r.target);
      if (r.type !== "attributes") structural = true;
    }
    // Attribute changes (ours on <html> included) only feed the cache, as before it existed.
    if (!structural) return;
    if (retireIfOrphaned()) return;
    if (location.href !== lastUrl || relevant(records)) schedule();
  });

  const onNavigation = () => {
    if (retireIfOrphaned()) return;
    if (location.href !== lastUrl) schedule();
  };

  const onOrphanCheck = () => retireIfOrphaned();

  /**
   * Stops for good: observers, timers and listeners off, and our badges, panel and highlights
   * removed (a newer instance draws its own). The data-candor-* state is left for the next one.
   */
  function retire() {
    if (dead) return;
    dead = true;
    observer.disconnect();
    clearTimeout(timer);
    removeEventListener("popstate", onNavigation);
    removeEventListener("hashchange", onNavigation);
    globalThis.navigation?.removeEventListener?.("currententrychange", onNavigation);
    document.removeEventListener("candor-orphan-check", onOrphanCheck);
    try {
      clearRender();
    } catch {
      // best effort: a page may have moved our hosts around
    }
    if (globalThis.__candorContent === instance) delete globalThis.__candorContent;
  }

  // Attribute changes never trigger a scan on their own (relevant() skips them); they are observed
  // so that the serialisation cache drops what they touched.
  observer.observe(document, { childList: true, subtree: true, characterData: true, attributes: true });
  // The options page changed the settings (the interface language, thresholds): scan again,
  // which asks for the strings anew and re-renders what differs.
  api.storage?.onChanged?.addListener((changes, area) => {
    if (dead || area !== "local" || !("settings" in changes)) return;
    ui.stale = true;
    lastHtml = null;
    schedule();
  });
  addEventListener("popstate", onNavigation);
  addEventListener("hashchange", onNavigation);
  // history.pushState from the page's own world cannot be patched from this isolated world, but
  // the Navigation API reports it (Chromium); elsewhere the DOM mutations that follow it do.
  globalThis.navigation?.addEventListener?.("currententrychange", onNavigation);
  document.addEventListener("candor-orphan-check", onOrphanCheck);

  const instance = {
    rescan() {
      lastHtml = null;
      schedule();
    },
    alive: () => !dead && runtimeAlive(),
    retire,
  };
  globalThis.__candorContent = instance;
  // Which instance drew the page (a re-injected one after an update is a new instance).
  root.dataset.candorInstance = randomSuffix();

  scanNow();
})();

// Candor popup: what Candor knows about the active tab's page, and what the recruiter can do there.
//
// States (mirrored on <body data-page-state> for tests and support):
//   unsupported  not a site Candor runs on by itself (or a page Candor may not read); "Scan this
//                page" still works there through activeTab
//   off          Candor is switched off for this site (by the user here, or by the organisation)
//   no-access    a supported site the browser does not let Candor read (Firefox asks the user for
//                host permissions; either browser lets the user withdraw them): "Allow on this
//                site" requests the permission (inside the click: a user gesture)
//   not-scanned  a supported site, but no report yet (still loading, or the scan failed)
//   scanned      the report's site, page kind, number of candidates and highest level
// The per-site switch writes settings.disabledSites (`candor/settings/set`) with the tab's exact
// host name and, when the content script is in the tab, asks it to scan again so the badge follows.

import { hostCovered, isHostEntry } from "./settings.js";
import {
  api, activeTab, arr, h, hasSiteAccess, kindWord, levelView, send, supportedPattern, tabById, tabIdOverride, topLevel, useStrings, webHost,
} from "./tab-ui.js";

const $ = (id) => document.getElementById(id);
const override = tabIdOverride();
/** A real popup closes itself after opening another view; a test tab stays open. */
const inPopup = override === null;

let t = (key) => key;
let tab = null;
let view = null; // {state, host, entry, userOff, policyOff}

async function readState() {
  tab = override !== null ? await tabById(override) : await activeTab();
  if (!tab) return { state: "unsupported", host: null, entry: null };
  const [{ entry }, { settings }] = await Promise.all([
    send({ type: "candor/tab/report", tabId: tab.id }),
    send({ type: "candor/settings/get" }),
  ]);
  // The tab's URL is hidden without a host permission; the report then still knows it.
  const url = tab.url ?? entry?.url;
  const host = webHost(url);
  const userOff = host !== null && arr(settings?.disabledSites).some((e) => hostCovered(e, host));
  const policyOff = !userOff && entry?.disabled === true;
  const pattern = supportedPattern(url);
  let state;
  if (userOff || policyOff) state = "off";
  else if (entry?.report) state = "scanned";
  else if (pattern !== null && !(await hasSiteAccess(pattern))) state = "no-access";
  else if (pattern !== null) state = "not-scanned";
  else state = "unsupported";
  return { state, host, entry, userOff, policyOff, settings, pattern };
}

function render() {
  const { state, host, entry, userOff, policyOff } = view;
  document.body.dataset.pageState = state;
  $("site").textContent = host ?? t("popupNoSite");
  const summary = $("summary");
  summary.hidden = state !== "scanned";
  if (state === "scanned") {
    const report = entry.report;
    const n = arr(report.candidates).length;
    $("status").textContent = t("popupScanned");
    $("kind").textContent = kindWord(report.page_kind, t);
    $("count").textContent = String(n);
    $("level").replaceChildren(n > 0 ? levelView(topLevel(report), t) : h("span", {}, t("popupNoCandidates")));
  } else {
    const messages = { off: "popupOff", "no-access": "popupNoAccess", "not-scanned": "popupNotScanned", unsupported: "popupUnsupported" };
    $("status").textContent = t(messages[state]);
  }

  // The switch: only for a web host Candor can list; the organisation's "off" cannot be undone here.
  const sw = $("site-switch");
  const switchable = host !== null && isHostEntry(host) && !policyOff;
  $("switch-row").hidden = host === null;
  sw.disabled = !switchable;
  sw.setAttribute("aria-checked", String(!(userOff || policyOff)));
  $("switch-word").textContent = userOff || policyOff ? t("popupSwitchOff") : t("popupSwitchOn");
  $("switch-note").textContent = policyOff ? t("popupOffByPolicy") : host !== null && !isHostEntry(host) ? t("popupSwitchUnavailable") : "";
  $("scan").disabled = state === "off" || tab === null;
  $("grant").hidden = state !== "no-access";
}

async function refresh() {
  try {
    view = await readState();
    render();
  } catch (err) {
    showError(err);
  }
}

function showError(err) {
  $("error").textContent = t("popupError", err instanceof Error ? err.message : String(err));
}

async function toggleSite() {
  const { host, userOff, settings } = view;
  if (host === null) return;
  const sites = arr(settings?.disabledSites);
  // Off: add this exact host. On: drop every entry that covers it (including a *.domain one).
  const next = userOff ? sites.filter((e) => !hostCovered(e, host)) : [...sites, host];
  $("error").textContent = "";
  try {
    await send({ type: "candor/settings/set", settings: { disabledSites: next } });
    // The content script is in the tab when it has reported: let it scan again (badge on or off).
    if (view.entry) await send({ type: "candor/tab/scan", tabId: tab.id }).catch(() => {});
  } catch (err) {
    showError(err);
  }
  await refresh();
}

function grantAccess() {
  // permissions.request must be called inside the click (a user gesture): nothing awaited first.
  const pattern = view?.pattern;
  if (!pattern || !api.permissions?.request) return;
  $("error").textContent = "";
  api.permissions.request({ origins: [pattern] }).then(async (granted) => {
    if (!granted) {
      $("status").textContent = t("popupNoAccess");
      return;
    }
    // The content script only starts on the next load; scan the open page now.
    await send({ type: "candor/tab/scan", tabId: tab.id }).catch(() => {});
    await refresh();
  }, showError);
}

async function scanPage() {
  $("error").textContent = "";
  try {
    await send({ type: "candor/tab/scan", tabId: tab.id });
    $("status").textContent = t("popupScanning");
  } catch (err) {
    showError(err);
  }
}

function openSidePanel() {
  // Both calls must happen inside the click (a user gesture): nothing is awaited before them.
  let opening;
  if (api.sidePanel?.open && tab) opening = api.sidePanel.open({ tabId: tab.id });
  else if (globalThis.browser?.sidebarAction?.open) opening = globalThis.browser.sidebarAction.open();
  else opening = Promise.reject(new Error("no side panel in this browser"));
  opening.then(() => inPopup && window.close(), showError);
}

function openOptions(event) {
  event.preventDefault();
  api.runtime.openOptionsPage().then(() => inPopup && window.close(), showError);
}

async function main() {
  t = await useStrings((next) => {
    t = next;
    if (view) render();
  });
  $("site-switch").addEventListener("click", toggleSite);
  $("scan").addEventListener("click", scanPage);
  $("grant").addEventListener("click", grantAccess);
  $("open-side").addEventListener("click", openSidePanel);
  $("options").addEventListener("click", openOptions);
  api.runtime.onMessage.addListener((msg) => {
    if (msg?.type === "candor/tab/updated" && tab && msg.tabId === tab.id) refresh();
    return false;
  });
  await refresh();
}

main().catch(showError);

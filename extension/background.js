// Candor background: hosts the wasm engine and answers scan requests from the content script.
//
// Chrome runs this file as a module service worker, Firefox as a module event page. Both rules
// below come from the service-worker side (tech-anchors §0.3):
//   - the wasm-bindgen glue is imported statically; `import()` throws in a ServiceWorkerGlobalScope;
//   - the module is instantiated lazily, inside the first event that needs it (no top-level await),
//     and the promise is memoised so a burst of messages instantiates it once.
// The worker may be stopped whenever it is idle; everything here is rebuilt on the next message.

import init, { Scanner } from "./pkg/candor.js";

const api = globalThis.browser ?? globalThis.chrome;

/** Message type understood by this handler. Namespaced so other extensions' shapes never match. */
const SCAN = "candor/scan";
/** Largest page accepted, in UTF-16 code units of serialised HTML (the engine's own cap is 8 MiB). */
const MAX_HTML = 8 * 1024 * 1024;
/** Longest URL accepted. */
const MAX_URL = 8192;
/** Notice code for a truncated page; the engine uses the same code for its own cap. */
const TRUNCATED = "N001";

let ready = null;
let scanner = null;

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

/** True when the message comes from one of this extension's own content scripts. */
function fromOwnContentScript(sender) {
  return sender != null && sender.id === api.runtime.id && sender.tab != null;
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

async function scan(msg) {
  const wasTruncated = msg.truncated === true || msg.html.length > MAX_HTML;
  const html = capHtml(msg.html);
  const s = await engine();
  // A live page: its displayed clocks are compared with the claimed location at this instant.
  const report = s.scanHtml(msg.url, html, Date.now() / 1000);
  if (wasTruncated) {
    report.notices ??= [];
    if (!report.notices.some((n) => n && n.code === TRUNCATED)) {
      report.notices.push({ code: TRUNCATED, message: "page truncated at 8 MiB" });
    }
  }
  return report;
}

api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (msg === null || typeof msg !== "object" || msg.type !== SCAN) return false; // not ours
  if (!fromOwnContentScript(sender)) {
    sendResponse({ ok: false, error: "sender not allowed" });
    return false;
  }
  const problem = invalidScan(msg);
  if (problem !== null) {
    sendResponse({ ok: false, error: `bad message: ${problem}` });
    return false;
  }
  scan(msg).then(
    (report) => sendResponse({ ok: true, report }),
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

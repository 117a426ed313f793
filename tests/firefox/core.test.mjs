// The core end-to-end cases in a real Firefox: dist/firefox installed as a temporary add-on in
// headless firefox-esr, driven by geckodriver (classic WebDriver + BiDi, webdriver.mjs), on the
// fixture pages served at their real URLs through a CONNECT proxy (proxy.mjs).
//
//   make extension setup-firefox && node --experimental-websocket --test tests/firefox/
//
// What is asserted is observable from the page: the state the content script mirrors on <html>
// (data-candor-*), the light-DOM host elements (<candor-badge data-level>), the page's
// CSS.highlights registry, and the closed shadow roots, which geckodriver's "get element shadow
// root" opens for tests. Screenshots go to tests/firefox/artifacts/ (git-ignored).

import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { loadFixtures, renderFixture, ROOT, startServer } from "../e2e/server.mjs";
import { launch } from "./harness.mjs";

const ARTIFACTS = join(ROOT, "tests", "firefox", "artifacts");
const FIXTURES = loadFixtures();

let server;
let firefox;
let session;
let scanner;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // The same wasm the add-on ships, in Node: what the highlights must cover.
  const pkg = join(ROOT, "dist", "firefox", "pkg");
  const wasm = await import(pathToFileURL(join(pkg, "candor.js")).href);
  wasm.initSync({ module: readFileSync(join(pkg, "candor_bg.wasm")) });
  scanner = new wasm.Scanner([]);
  server = await startServer();
  firefox = await launch(server.port);
  session = firefox.session;
});

after(async () => {
  await firefox?.close();
  await server?.close();
});

// ------------------------------------------------------------------------------------------------
// Helpers

function fixture(site, name) {
  const fx = FIXTURES.find((f) => f.site === site && f.name === name);
  if (!fx) throw new Error(`fixture tests/fixtures/${site}/${name}.html (+ .expect.json with "url") is missing`);
  return fx;
}

function withQuery(url, query) {
  const u = new URL(url);
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
  return u.href;
}

/** Waits until the content script has finished a scan; returns the <html> data-candor-* state. */
async function scanned() {
  await session.waitFor(
    'return ["done", "error"].includes(document.documentElement.dataset.candorState);',
    { what: "data-candor-state done|error" },
  );
  return session.execute("return { ...document.documentElement.dataset };");
}

/** Opens `url` in the current tab and waits for a successful scan. */
async function open(url) {
  await session.navigate(url);
  const state = await scanned();
  assert.equal(state.candorState, "done", `scan failed: ${state.candorError}`);
  return state;
}

const badges = () =>
  session.execute(`return [...document.querySelectorAll("candor-badge")].map((b) => ({
    level: b.getAttribute("data-level"),
    count: Number(b.getAttribute("data-count")),
    prevText: b.previousElementSibling?.textContent.trim() ?? null,
  }));`);

/** Our entries in the page's CSS.highlights registry, with the text of each range. */
const ourHighlights = () =>
  session.execute(`return [...CSS.highlights.keys()].filter((k) => k.startsWith("candor-evidence-"))
    .map((k) => [...CSS.highlights.get(k)].map((r) => r.toString()));`);

/** Text of the first element matching `css` inside the closed shadow root of `host`. */
async function shadowText(host, css) {
  const root = await (await session.find(host)).shadowRoot();
  const [el] = await root.findAll(css);
  assert.ok(el, `${css} inside ${host}'s shadow root`);
  return el.text();
}

/** The text of an open alert, or null (WebDriver answers "no such alert" when none is open). */
async function openAlert() {
  try {
    return await session.cmd("GET", "/alert/text");
  } catch (err) {
    if (err.code === "no such alert") return null;
    throw err;
  }
}

/** Evidence texts with an element path, from the engine scanning the fixture in Node. */
function engineEvidence(fx) {
  const report = scanner.scanHtml(fx.url, renderFixture(readFileSync(fx.file, "utf8")), Date.now() / 1000);
  return report.candidates.flatMap((c) => c.findings.flatMap((f) => f.evidence))
    .filter((e) => e.path != null).map((e) => e.text);
}

async function shoot(name) {
  writeFileSync(join(ARTIFACTS, `${name}.png`), await session.screenshot());
}

// ------------------------------------------------------------------------------------------------

describe("Candor in Firefox", () => {
  it("installs as a temporary add-on with its host permissions granted", async () => {
    // An MV3 add-on's host permissions are opt-in in Firefox; without them no content script runs.
    await session.navigate(`${firefox.baseUrl}options.html`);
    const granted = await session.execute(`
      const api = globalThis.browser;
      return api.permissions.getAll().then((p) => p.origins);`);
    const manifest = JSON.parse(readFileSync(join(ROOT, "dist", "firefox", "manifest.json"), "utf8"));
    for (const origin of manifest.host_permissions) assert.ok(granted.includes(origin), `host permission ${origin}`);
  });

  it("risky Upwork profile: high badge next to the name, evidence highlighted", async () => {
    const fx = fixture("upwork", "profile-risky");
    const state = await open(fx.url);
    assert.equal(state.candorPageKind, "candidate");
    assert.equal(state.candorLevel, "high");
    assert.ok(Number(state.candorHighlights) > 0, `highlights: ${state.candorHighlights}`);
    assert.equal(state.candorFallbacks, "0", "every element path held on the live DOM");
    assert.equal(state.candorMemory, "on", `persona memory in Firefox's storage: ${state.candorMemoryError}`);

    const list = await badges();
    assert.equal(list.length, 1, "one candidate, one badge");
    assert.equal(list[0].level, "high");
    assert.ok(list[0].count >= 2, `findings: ${list[0].count}`);
    assert.ok(list[0].prevText.includes(fx.expect.candidates[0].name), `badge follows "${list[0].prevText}"`);

    const highlights = await ourHighlights();
    assert.equal(highlights.length, 1, "one highlight entry of ours");
    assert.equal(highlights[0].length, Number(state.candorHighlights));
    // Exactly the engine's evidence: element paths and UTF-16 offsets held in Firefox's DOM too.
    assert.deepEqual([...new Set(highlights[0])].sort(), [...new Set(engineEvidence(fx))].sort());

    const label = await (await (await (await session.find("candor-badge")).shadowRoot()).findAll("button"))[0].attribute("aria-label");
    assert.match(label, /^Candor: high risk, \d+ warning signs — verify on camera$/);
    await shoot("risky-badge");
  });

  it("clean Upwork profile: neutral 'verify on camera' badge", async () => {
    const state = await open(fixture("upwork", "profile-clean").url);
    assert.equal(state.candorPageKind, "candidate");
    assert.equal(state.candorLevel, "none");
    assert.equal(state.candorHighlights, "0");
    const list = await badges();
    assert.deepEqual(list.map((b) => [b.level, b.count]), [["none", 0]]);
    // Rendered text: the badge's CSS upper-cases the level.
    const text = await shadowText("candor-badge", "button");
    assert.match(text, /no signs/i);
    assert.match(text, /verify on camera/i);
    await shoot("clean-badge");
  });

  it("job posting: no badge, no highlights", async () => {
    const state = await open(fixture("upwork", "job-posting").url);
    assert.equal(state.candorPageKind, "job_posting");
    assert.deepEqual(await badges(), []);
    assert.equal(await session.execute('return document.querySelector("candor-panel") === null;'), true);
    assert.deepEqual(await ourHighlights(), []);
  });

  it("XSS payloads stay text: the page canary stays unset, no dialog opens", async () => {
    // The fixture's payloads, each made to set a canary on <html> before its alert() if it ever
    // runs. Served at its own path so the stock fixture stays as the Chromium suite expects it.
    const fx = fixture("upwork", "profile-xss");
    const html = readFileSync(fx.file, "utf8").replaceAll("alert(", "document.documentElement.setAttribute('data-canary','fired'),alert(");
    assert.ok(html.includes("data-canary"), "the fixture has alert() payloads to arm");
    const path = "/freelancers/~01bad0bad0bad0canary";
    server.addRoute("www.upwork.com", path, html);
    const state = await open(`https://www.upwork.com${path}`);
    assert.equal(state.candorLevel, fx.expect.candidates[0].level);
    // The panel shows the evidence (payload text included): open it so that code path runs too.
    await (await session.find("candor-badge")).click();
    await session.waitFor('return document.querySelector("candor-panel")?.getAttribute("data-open") === "true";',
      { what: "panel open" });
    const title = await shadowText("candor-panel", "h2");
    assert.ok(title.includes("<img src=x onerror="), `the name with its payload is shown as text: ${title}`);
    // An injected onerror handler would fire once its image failed to load: wait until every
    // image on the page, in our shadow roots too, has settled before looking at the canary.
    await session.waitFor(`return [...document.images].every((i) => i.complete);`, { what: "images settled" });
    assert.equal(await openAlert(), null, "no dialog may open");
    assert.equal(await session.execute('return document.documentElement.getAttribute("data-canary");'), null);
    assert.equal(await session.execute("return document.querySelectorAll('script').length;"), 0);
    const visible = await session.execute("return document.body.innerText;");
    assert.ok(visible.includes("<svg onload="), "the payload is visible as text on the page");
    await shoot("xss-panel");
  });

  it("risky profile under a strict page CSP is still scanned (the engine runs in the background)", async () => {
    const url = withQuery(fixture("upwork", "profile-risky").url, { csp: "strict" });
    const state = await open(url);
    const csp = await session.execute(`return fetch(location.href).then((r) => r.headers.get("content-security-policy"));`);
    assert.equal(csp, "script-src 'self'; style-src 'self'");
    assert.equal(state.candorLevel, "high");
    assert.ok(Number(state.candorHighlights) > 0);
    assert.deepEqual((await badges()).map((b) => b.level), ["high"]);
    await shoot("strict-csp-badge");
  });

  it("SPA: pushState to another profile plus a DOM swap re-scans and replaces the badge", async () => {
    const clean = fixture("upwork", "profile-clean");
    const riskyPath = new URL(fixture("upwork", "profile-risky").url).pathname;
    // A client-side router in a same-origin script (allowed under the strict CSP): fetch the next
    // profile, pushState, swap the body's content.
    const spaPath = "/freelancers/~01ffee00000000ffspa";
    const spaJs = `
      window.candorTestNavigate = async (path) => {
        const html = await (await fetch(path)).text();
        const doc = new DOMParser().parseFromString(html, "text/html");
        history.pushState({}, "", path);
        document.title = doc.title;
        document.body.replaceChildren(...[...doc.body.childNodes].map((n) => document.importNode(n, true)));
      };`;
    const shell = readFileSync(clean.file, "utf8").replace(/<\/head>/i, '<script src="/candor-test/ff-spa.js"></script></head>');
    assert.ok(shell.includes("/candor-test/ff-spa.js"), "clean fixture has a </head>");
    server.addRoute("www.upwork.com", spaPath, shell);
    server.addRoute("www.upwork.com", "/candor-test/ff-spa.js", spaJs, "text/javascript; charset=utf-8");

    const first = await open(`https://www.upwork.com${spaPath}?csp=strict`);
    assert.equal(first.candorLevel, "none");
    assert.deepEqual((await badges()).map((b) => b.level), ["none"]);

    await session.execute("window.candorTestNavigate(arguments[0]);", [riskyPath]);
    await session.waitFor('return document.querySelector("candor-badge[data-level=high]") !== null;',
      { what: "a high badge after the SPA navigation" });
    const after = await scanned();
    assert.equal(await session.execute("return location.pathname;"), riskyPath);
    assert.equal(after.candorLevel, "high");
    assert.ok(Number(after.candorScans) > Number(first.candorScans), "a second scan ran");
    assert.ok(Number(after.candorHighlights) > 0);
    assert.deepEqual((await badges()).map((b) => b.level), ["high"], "the old badge was removed");
  });

  it("the options page opens and lists the built-in pack", async () => {
    const builtin = JSON.parse(readFileSync(join(ROOT, "crate", "packs", "builtin.json"), "utf8"));
    await session.navigate(`${firefox.baseUrl}options.html`);
    await session.waitFor('return document.querySelector("#packs[data-ready=true]") !== null;',
      { what: "the pack list", timeout: 30_000 });
    const li = `#pack-list li[data-key="builtin:${builtin.id}"]`;
    const shown = await session.execute(`const li = document.querySelector(arguments[0]);
      return li && { title: li.querySelector(".pack-title")?.textContent, status: li.dataset.status,
        version: li.querySelector("[data-field=version] dd")?.textContent };`, [li]);
    assert.ok(shown, `${li} is listed`);
    assert.equal(shown.title, builtin.title);
    assert.equal(shown.version, builtin.version);
    assert.equal(shown.status, "active");
    await shoot("options");
  });

  it("the add-on logged no errors or warnings (Firefox console, relayed by geckodriver)", () => {
    const log = firefox.driverLog.join("").split("\n");
    const ours = log.filter((l) => l.includes(firefox.baseUrl) || /\bCandor:/.test(l));
    assert.deepEqual(ours, []);
  });

  it("nothing left the machine: every connection went to the fixture server", () => {
    assert.ok(firefox.proxy.tunnelled.includes("www.upwork.com"), "pages came through the proxy");
    // Firefox's own background requests (if any) are refused by the proxy; the extension's must
    // not exist at all, and no fixture page asks for another host.
    const ours = firefox.proxy.refused.filter((r) => /upwork|greenhouse|candor/i.test(r));
    assert.deepEqual(ours, []);
  });
});

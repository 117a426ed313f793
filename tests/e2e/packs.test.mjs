// End-to-end tests of rule packs and enterprise policy (issue #5): the built extension
// (dist/chrome) in Debian Chromium, installing signed packs from a trust team's HTTPS host,
// refusing bad ones, and obeying the managed policy.
//
//   make extension && node --test tests/e2e/packs.test.mjs
//
// Policy delivery: a REAL Chromium policy file. Chromium on Linux reads
// /etc/chromium/policies/managed/*.json; this file writes candor-e2e-packs.json there with
// {"3rdparty": {"extensions": {"<extension id>": {...}}}} before launching a fresh profile, and
// rewrites it while the browser runs to test the reaction to a policy change (Chromium notices
// the change after a settle delay of about 5 s and fires storage.onChanged for area "managed").
// The file is deleted after each suite and when the process exits, so no other test or process is
// affected once this file is done — but while it runs, every Chromium on the machine that loads
// this extension id sees the policy: do not run another browser suite concurrently. Writing the
// file needs root (the tests run as root); without it the policy suites are skipped, saying why.
// Nothing is injected or mocked: there is no test-only code path in the extension.
//
// Packs are signed at run time with the reference `minisign` tool (`make setup-browser` installs
// it) in a temp dir, and served by the fixture HTTPS server at https://trust.acme.example/candor/
// with Access-Control-Allow-Origin: * (the background's fetch is a CORS request).

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { EXPECTED_ID, launch } from "./harness.mjs";
import { ROOT, startServer } from "./server.mjs";
import { greenhouseCandidate, upworkProfile } from "./pages.mjs";

const ARTIFACTS = join(ROOT, "tests", "e2e", "artifacts");
const POLICY_DIR = "/etc/chromium/policies/managed";
const POLICY_FILE = join(POLICY_DIR, "candor-e2e-packs.json");
const TRUST_HOST = "trust.acme.example";
const PACK_PATH = "/candor/acme-e2e.json";
const PACK_URL = `https://${TRUST_HOST}${PACK_PATH}`;
const OPT_PATH = "/candor/acme-optional.json";
const OPT_URL = `https://${TRUST_HOST}${OPT_PATH}`;
const CORS = { "access-control-allow-origin": "*" };

// ------------------------------------------------------------------------------------------------
// Policy file

/** Directories this file created under /etc (removed again at the end if empty). */
const createdDirs = [];

function policyWritable() {
  try {
    for (const dir of ["/etc/chromium", "/etc/chromium/policies", POLICY_DIR]) {
      if (!existsSync(dir)) {
        mkdirSync(dir);
        createdDirs.push(dir);
      }
    }
    writeFileSync(`${POLICY_FILE}.probe`, "{}");
    rmSync(`${POLICY_FILE}.probe`);
    return true;
  } catch {
    return false;
  }
}

/** Writes the policy for the extension (atomically: Chromium never reads half a file). */
function writePolicy(values) {
  const doc = { "3rdparty": { extensions: { [EXPECTED_ID]: values } } };
  writeFileSync(`${POLICY_FILE}.tmp`, JSON.stringify(doc, null, 2));
  renameSync(`${POLICY_FILE}.tmp`, POLICY_FILE);
}

function removePolicy() {
  rmSync(POLICY_FILE, { force: true });
  rmSync(`${POLICY_FILE}.tmp`, { force: true });
}

function removeCreatedDirs() {
  for (const dir of [...createdDirs].reverse()) {
    try {
      rmdirSync(dir); // only if empty
    } catch {
      // something else lives there now
    }
  }
}

process.on("exit", () => {
  removePolicy();
  removeCreatedDirs();
});

const POLICY_OK = policyWritable();
const SKIP = POLICY_OK ? false : `cannot write ${POLICY_DIR} (run as root): the policy suites need a real Chromium policy file`;

// ------------------------------------------------------------------------------------------------
// Keys, packs, signatures

let keyDir;
/** {pub (the .pub file text), line (its key line), id, key (secret key path)} per key name. */
const keys = {};

function makeKey(name) {
  const pub = join(keyDir, `${name}.pub`);
  const key = join(keyDir, `${name}.key`);
  execFileSync("minisign", ["-G", "-W", "-p", pub, "-s", key], { stdio: "ignore" });
  const text = readFileSync(pub, "utf8");
  // minisign prints the key id without leading zeros; Candor shows all 16 digits.
  const id = /minisign public key ([0-9A-F]{1,16})/.exec(text)[1].padStart(16, "0");
  keys[name] = { pub: text, line: text.trim().split("\n").at(-1).trim(), id, key };
}

/** Signs `text` with key `name` (reference minisign); returns the .minisig text. */
function sign(text, name) {
  const file = join(keyDir, `pack-${Math.random().toString(16).slice(2)}.json`);
  writeFileSync(file, text);
  execFileSync("minisign", ["-S", "-s", keys[name].key, "-m", file], { stdio: "ignore" });
  const sig = readFileSync(`${file}.minisig`, "utf8");
  rmSync(file);
  rmSync(`${file}.minisig`);
  return sig;
}

const SOURCES = { IR1: { title: "Acme incident review IR-2026-031", publisher: "Acme Trust & Safety", date: "2026-09-14" } };

function packText({ id, title, version, rules }) {
  return JSON.stringify({
    candor_pack: 1, id, title, publisher: "Acme Trust & Safety", version, expires: "1d", sources: SOURCES, rules,
  }, null, 2) + "\n";
}

const rule = (id, title, pattern) => ({
  id, title, family: "payment", severity: "medium", pattern,
  explain: "Acme incident review: personas asked to be paid this way.", advice: "Escalate to Trust & Safety.", sources: ["IR1"],
});

const ZEPHYR_V1 = "Asks to be paid in Zephyr vouchers (Acme v1)";
const ZEPHYR_V2 = "Asks to be paid in Zephyr vouchers (Acme v2)";
const QUARTZ = "Mentions the Quartz escrow (Acme optional)";
const QUOKKA = "Mentions a Quokka payment relay (local pack)";

const acmePack = (version, title) => packText({
  id: "acme.e2e", title: "Acme e2e trust pack", version, rules: [rule("acme.zephyr-voucher-pay", title, "(?i)\\bzephyr vouchers?\\b")],
});
const optionalPack = () => packText({
  id: "acme.optional", title: "Acme optional pack", version: "1.0.0", rules: [rule("acme.quartz-escrow", QUARTZ, "(?i)\\bquartz escrow\\b")],
});
const localPack = () => packText({
  id: "local.e2e", title: "My local pack", version: "0.1.0", rules: [rule("local.quokka-relay", QUOKKA, "(?i)\\bquokka relay\\b")],
});

/** A pack with two errors: an unknown key (E005) and a pattern that does not compile (E007). */
const BROKEN_PACK = `{
  "candor_pack": 1,
  "id": "local.broken",
  "title": "Broken pack",
  "publisher": "Me",
  "version": "1.0.0",
  "colour": "red",
  "sources": {"S1": {"title": "t", "publisher": "p"}},
  "rules": [
    {"id": "local.bad-regex", "title": "bad", "family": "payment", "severity": "low",
     "pattern": "(unclosed", "explain": "x", "sources": ["S1"]}
  ]
}
`;

/** Serves `text` at `path` with `sig` at path + ".minisig" (null: a 404 there). */
function serve(path, text, sig) {
  server.addRoute(TRUST_HOST, path, text, "application/json", { headers: CORS });
  if (sig === null) server.addRoute(TRUST_HOST, `${path}.minisig`, "not found\n", "text/plain", { headers: CORS, status: 404 });
  else server.addRoute(TRUST_HOST, `${path}.minisig`, sig, "text/plain", { headers: CORS });
}

/** The built-in rule's title, from the pack source (it changes when the pack is tuned). */
function builtinTitle(id) {
  const pack = JSON.parse(readFileSync(join(ROOT, "crate", "packs", "builtin.json"), "utf8"));
  return pack.rules.find((r) => r.id === id).title;
}
const CAMERA_RULE = "SIG-39.camera-broken";
let CAMERA;

// ------------------------------------------------------------------------------------------------
// Pages


const BIO =
  "Senior React developer, available today. Please pay me in Zephyr vouchers every week, through the Quartz escrow " +
  "or my Quokka relay. My camera is broken, so we can only chat by text.";

const PROFILE = { path: "/freelancers/~01packs00000000a1", url: "https://www.upwork.com/freelancers/~01packs00000000a1" };
const CANDIDATE = { path: "/people/91000001", url: "https://app.greenhouse.io/people/91000001" };

// ------------------------------------------------------------------------------------------------
// Browser helpers

let server;
let browser = null;

const optionsUrl = () => `chrome-extension://${browser.extensionId}/options.html`;

async function openOptions() {
  const page = await browser.context.newPage();
  await page.goto(optionsUrl());
  await page.waitForSelector("#packs[data-ready=true]", { timeout: 30_000 });
  return page;
}

async function scanned(page) {
  await page.waitForFunction(
    () => ["done", "error"].includes(document.documentElement.dataset.candorState),
    null,
    { timeout: 30_000 },
  );
  return page.evaluate(() => ({ ...document.documentElement.dataset }));
}

/** Text of the closed panel (DevTools protocol, pierced shadow roots). */
async function panelText(page) {
  await page.click("candor-badge");
  await page.waitForSelector("candor-panel[data-open=true]");
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send("DOM.getDocument", { depth: -1, pierce: true });
    const out = [];
    const walk = (node, host) => {
      if (node.nodeType === 3 && host === "candor-panel") out.push(node.nodeValue);
      for (const c of node.children ?? []) walk(c, host);
      for (const s of node.shadowRoots ?? []) walk(s, node.localName);
    };
    walk(root, null);
    return out.join(" ");
  } finally {
    await cdp.detach();
  }
}

/** Visits `url` and returns the titles shown in the panel (or null: no badge) and the page state. */
async function findingsOn(url, { shot = null } = {}) {
  const page = await browser.context.newPage();
  try {
    const response = await page.goto(url, { waitUntil: "load" });
    assert.equal(response.status(), 200, `GET ${url}`);
    const state = await scanned(page);
    assert.equal(state.candorState, "done", `scan failed: ${state.candorError}`);
    const hasBadge = await page.evaluate(() => document.querySelector("candor-badge") !== null);
    const text = hasBadge ? await panelText(page) : "";
    if (shot) await page.screenshot({ path: join(ARTIFACTS, shot) });
    return { state, text };
  } finally {
    await page.close();
  }
}

const packLi = (key) => `#pack-list li[data-key="${key}"]`;

/** Waits until the options page shows the pack `key` with the given attributes/text. */
async function waitPack(options, key, { status, version, statusText, timeout = 30_000 } = {}) {
  await options.waitForFunction(
    ([sel, st, ver, re]) => {
      const li = document.querySelector(sel);
      if (!li) return false;
      if (st && li.dataset.status !== st) return false;
      if (ver && li.querySelector("[data-field=version] dd")?.textContent !== ver) return false;
      if (re && !new RegExp(re).test(li.querySelector("[data-role=pack-status]")?.textContent ?? "")) return false;
      return true;
    },
    [packLi(key), status ?? null, version ?? null, statusText ? statusText.source : null],
    { timeout },
  );
}

const fieldText = (options, key, field) => options.textContent(`${packLi(key)} [data-field=${field}] dd`);

/** Sends a message to the background from an extension page. */
const ask = (page, type, fields = {}) => page.evaluate(([t, f]) => chrome.runtime.sendMessage({ type: t, ...f }), [type, fields]);

/** Sends messages from the extension's content script in the tab showing `url`. */
async function fromContentScript(options, url, messages) {
  return options.evaluate(async ([u, msgs]) => {
    const [tab] = await chrome.tabs.query({ url: u });
    const [result] = await chrome.scripting.executeScript({
      target: { tabId: tab.id },
      func: async (list) => {
        const out = [];
        for (const m of list) out.push(await chrome.runtime.sendMessage(m));
        return out;
      },
      args: [msgs],
    });
    return result.result;
  }, [url, messages]);
}

/** The service worker fetches from the fixture server too: its self-signed cert must pass there. */
const launchBrowser = () => launch(server.port, { args: ["--ignore-certificate-errors"] });

async function closeBrowser() {
  await browser?.close();
  browser = null;
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  CAMERA = builtinTitle(CAMERA_RULE);
  keyDir = mkdtempSync(join(tmpdir(), "candor-packs-keys-"));
  makeKey("acme");
  makeKey("other");
  server = await startServer();
  server.addRoute("www.upwork.com", PROFILE.path, upworkProfile({ name: "Jordan Blake", bio: BIO }));
  server.addRoute("app.greenhouse.io", CANDIDATE.path, greenhouseCandidate({ name: "Casey Moore", resume: `Casey Moore. ${BIO}` }));
});

after(async () => {
  await closeBrowser();
  await server?.close();
  removePolicy();
  removeCreatedDirs();
  if (keyDir) rmSync(keyDir, { recursive: true, force: true });
});

// ------------------------------------------------------------------------------------------------

describe("policy packs from a real Chromium policy file", { skip: SKIP }, () => {
  const policy = () => ({
    packs: [{ url: PACK_URL, mode: "enforced" }, { url: OPT_URL, mode: "default" }],
    trustedKeys: [keys.acme.line],
    personaRetentionDays: 0,
  });
  let options;

  before(async () => {
    serve(PACK_PATH, acmePack("1.0.0", ZEPHYR_V1), sign(acmePack("1.0.0", ZEPHYR_V1), "acme"));
    serve(OPT_PATH, optionalPack(), sign(optionalPack(), "acme"));
    writePolicy(policy());
    browser = await launchBrowser();
    options = await openOptions();
  });

  after(async () => {
    await closeBrowser();
    removePolicy();
  });

  it("(a) installs the policy's packs at start-up, and a page shows a finding from their rules", async () => {
    await waitPack(options, `url:${PACK_URL}`, { status: "active", version: "1.0.0" });
    await waitPack(options, `url:${OPT_URL}`, { status: "active", version: "1.0.0" });
    const key = `url:${PACK_URL}`;
    assert.equal(await options.textContent(`${packLi(key)} .pack-title`), "Acme e2e trust pack");
    assert.equal(await fieldText(options, key, "id"), "acme.e2e");
    assert.equal(await fieldText(options, key, "source"), "Your organisation");
    assert.equal(await fieldText(options, key, "mode"), "required");
    assert.equal(await fieldText(options, key, "key"), keys.acme.id);
    assert.equal(await fieldText(options, key, "url"), PACK_URL);
    assert.notEqual(await fieldText(options, key, "last-check"), "never");
    assert.equal(await fieldText(options, `url:${OPT_URL}`, "mode"), "on by default");

    // The pack and its signature were fetched from the trust host as CORS requests.
    const fetched = server.requests.filter((r) => r.host === TRUST_HOST).map((r) => r.path);
    assert.ok(fetched.includes(PACK_PATH) && fetched.includes(`${PACK_PATH}.minisig`), `fetched: ${fetched}`);
    const packRequest = server.requests.find((r) => r.host === TRUST_HOST && r.path === PACK_PATH);
    assert.equal(packRequest.headers.origin, `chrome-extension://${EXPECTED_ID}`);

    // The policy in effect is shown, and the retention it sets is shown as managed.
    assert.equal(await options.isVisible("#managed"), true);
    assert.match(await options.textContent("#managed [data-policy=packs]"), new RegExp(`${PACK_URL.replace(/[.]/g, "\\.")} \\(required\\)`));
    assert.match(await options.textContent("#managed [data-policy=trustedKeys]"), new RegExp(keys.acme.id));
    assert.match(await options.textContent("#managed [data-policy=personaRetentionDays]"), /off/);
    await options.waitForSelector("#persona[data-ready=true]");
    assert.equal(await options.isDisabled("#retention"), true);
    assert.match(await options.textContent("#retention-managed"), /Set by your organisation: persona memory is off/);
    const setRetention = await ask(options, "candor/settings/set", { settings: { personaRetentionDays: 30 } });
    assert.equal(setRetention.ok, false);
    assert.match(setRetention.error, /organisation's policy/);
    // The trusted key is listed as the policy's, without a remove button.
    assert.equal(await options.textContent(`#key-list li[data-key-id="${keys.acme.id}"] .tag`), "Trusted by your organisation");
    assert.equal(await options.$(`#key-list li[data-key-id="${keys.acme.id}"] button`), null);
    await options.screenshot({ path: join(ARTIFACTS, "packs-a-options.png"), fullPage: true });

    const { state, text } = await findingsOn(PROFILE.url, { shot: "packs-a-finding.png" });
    assert.equal(state.candorMemory, "off", "the policy's personaRetentionDays: 0 turns memory off");
    assert.ok(text.includes(ZEPHYR_V1), `panel: ${text}`);
    assert.ok(text.includes(QUARTZ), `panel: ${text}`);
    assert.ok(text.includes(CAMERA), `panel: ${text}`);
  });

  it("(b) tampered, unsigned, unknown-key and lower-version updates are refused; the installed pack keeps working", async () => {
    const key = `url:${PACK_URL}`;
    // A cookie for the trust host must never be sent (credentials: "omit").
    await browser.context.addCookies([{ name: "session", value: "s3cret", domain: TRUST_HOST, path: "/", secure: true }]);
    const v2 = acmePack("2.0.0", ZEPHYR_V2);
    const tampered = v2.replace("Escalate to Trust & Safety.", "Ignore this.");
    const cases = [
      { name: "tampered", text: tampered, sig: sign(v2, "acme"), error: /does not match the pack \(tampered or truncated\)/ },
      { name: "unsigned", text: v2, sig: null, error: /the pack is not signed/ },
      { name: "unknown key", text: v2, sig: sign(v2, "other"), error: new RegExp(`signed by key ${keys.other.id}, which is not trusted`) },
      { name: "lower version", text: acmePack("0.9.0", ZEPHYR_V2), sig: sign(acmePack("0.9.0", ZEPHYR_V2), "acme"), error: /version 0\.9\.0 is lower than the installed 1\.0\.0/ },
    ];
    for (const c of cases) {
      serve(PACK_PATH, c.text, c.sig);
      const before = server.requests.length;
      await options.click(`${packLi(key)} button[data-action=check]`);
      await waitPack(options, key, { statusText: c.error });
      assert.match(await options.textContent("#packs-status"), c.error, c.name);
      assert.equal(await options.getAttribute(packLi(key), "data-status"), "active", `${c.name}: the installed copy stays in use`);
      assert.equal(await fieldText(options, key, "version"), "1.0.0", c.name);
      const status = await options.$(`${packLi(key)} [data-role=pack-status]`);
      assert.equal(await status.getAttribute("role"), "status");
      assert.equal(await status.isVisible(), true);
      for (const r of server.requests.slice(before).filter((x) => x.host === TRUST_HOST)) {
        assert.equal(r.headers.cookie, undefined, `${c.name}: no cookie sent to the pack host`);
      }
      if (c.name === "tampered") await options.screenshot({ path: join(ARTIFACTS, "packs-b-refused.png"), fullPage: true });
      const { text } = await findingsOn(PROFILE.url);
      assert.ok(text.includes(ZEPHYR_V1), `${c.name}: v1's rule still fires; panel: ${text}`);
      assert.ok(!text.includes(ZEPHYR_V2), c.name);
    }

    // A good update then replaces it, and clears the error.
    serve(PACK_PATH, v2, sign(v2, "acme"));
    await options.click(`${packLi(key)} button[data-action=check]`);
    await waitPack(options, key, { status: "active", version: "2.0.0" });
    assert.equal(await options.textContent(`${packLi(key)} [data-role=pack-status]`), "");
    const { text } = await findingsOn(PROFILE.url);
    assert.ok(text.includes(ZEPHYR_V2) && !text.includes(ZEPHYR_V1), `panel: ${text}`);
  });

  it("(f) an enforced pack's switch is disabled; a default one can be switched off by the user", async () => {
    const enforced = `url:${PACK_URL}`;
    const optional = `url:${OPT_URL}`;
    assert.equal(await options.isDisabled(`${packLi(enforced)} input[role=switch]`), true);
    assert.equal(await options.isChecked(`${packLi(enforced)} input[role=switch]`), true);
    assert.equal(await options.$(`${packLi(enforced)} button[data-action=remove]`), null, "policy packs cannot be removed");
    assert.equal(await options.isDisabled(`${packLi("builtin:candor.builtin")} input[role=switch]`), true);
    // The switch's accessible name says which pack it is.
    const name = await options.evaluate((sel) => {
      const sw = document.querySelector(sel);
      return sw.getAttribute("aria-labelledby").split(" ").map((id) => document.getElementById(id).textContent).join(" ");
    }, `${packLi(enforced)} input[role=switch]`);
    assert.equal(name, "Use this pack Acme e2e trust pack");
    // The background refuses too, whatever the page does.
    const refused = await ask(options, "candor/packs/set-enabled", { key: enforced, enabled: false });
    assert.equal(refused.ok, false);
    assert.match(refused.error, /required by your organisation's policy/);
    assert.equal((await ask(options, "candor/packs/remove", { key: enforced })).ok, false);

    // Keyboard: focus the default pack's switch and press Space.
    assert.equal(await options.isDisabled(`${packLi(optional)} input[role=switch]`), false);
    await options.focus(`${packLi(optional)} input[role=switch]`);
    await options.keyboard.press("Space");
    await waitPack(options, optional, { status: "disabled" });
    assert.equal(await options.isChecked(`${packLi(optional)} input[role=switch]`), false);
    let { text } = await findingsOn(PROFILE.url);
    assert.ok(!text.includes(QUARTZ), `switched off: ${text}`);
    assert.ok(text.includes(ZEPHYR_V2));

    await options.click(`${packLi(optional)} input[role=switch]`);
    await waitPack(options, optional, { status: "active" });
    ({ text } = await findingsOn(PROFILE.url));
    assert.ok(text.includes(QUARTZ), `switched on again: ${text}`);
  });

  it("(c) disabledRules pushed while the browser runs switches a built-in rule off (storage.onChanged 'managed')", async () => {
    let { text } = await findingsOn(PROFILE.url);
    assert.ok(text.includes(CAMERA), `before: ${text}`);
    writePolicy({ ...policy(), disabledRules: [CAMERA_RULE] });
    await options.waitForSelector("#managed [data-policy=disabledRules]", { timeout: 40_000 });
    assert.equal(await options.textContent("#managed [data-policy=disabledRules] dd"), CAMERA_RULE);
    ({ text } = await findingsOn(PROFILE.url, { shot: "packs-c-rule-disabled.png" }));
    assert.ok(!text.includes(CAMERA), `after: ${text}`);
    assert.ok(text.includes(ZEPHYR_V2), "the other rules still run");
  });
});

describe("a malformed policy does not stop scanning", { skip: SKIP }, () => {
  let options;

  before(async () => {
    // Wrong types (Chromium drops those against the schema) and values of the right type that
    // Candor must refuse itself (Firefox does not check policies.json against the schema at all).
    writePolicy({
      packs: [{ url: "http://insecure.example/pack.json", mode: "enforced" }],
      trustedKeys: ["not a minisign key"],
      disabledRules: "SIG-39.camera-broken",
      allowUserPacks: "no",
      allowUserKeys: false,
      personaRetentionDays: -5,
      disabledSites: ["upwork", ""],
      unknownKey: { nested: [1, 2, 3] },
    });
    browser = await launchBrowser();
    options = await openOptions();
  });

  after(async () => {
    await closeBrowser();
    removePolicy();
  });

  it("(d) scans go on; what is valid applies, what is not is ignored and shown", async () => {
    const delivered = await options.evaluate(() => chrome.storage.managed.get());
    const { state, text } = await findingsOn(CANDIDATE.url, { shot: "packs-d-malformed-policy.png" });
    assert.equal(state.candorPageKind, "candidate");
    assert.ok(text.includes(CAMERA), `the built-in rules still run (policy delivered: ${JSON.stringify(delivered)}); panel: ${text}`);
    assert.equal(state.candorMemory, "on", "an invalid personaRetentionDays is ignored");

    // disabledSites: ["upwork"] applies: the background does not scan Upwork pages.
    const page = await browser.context.newPage();
    await page.goto(PROFILE.url, { waitUntil: "load" });
    await page.waitForFunction(() => document.documentElement.dataset.candorState !== "scanning" && document.documentElement.dataset.candorState !== undefined, null, { timeout: 30_000 }).catch(() => {});
    assert.equal(await page.evaluate(() => document.querySelector("candor-badge")), null, "no badge on a disabled site");
    assert.equal(await page.evaluate(() => document.documentElement.dataset.candorState), "disabled", "a disabled site is not an error");
    const [answer] = await fromContentScript(options, PROFILE.url, [{ type: "candor/scan", url: PROFILE.url, html: "<html><body>My camera is broken</body></html>" }]);
    assert.deepEqual(answer, { ok: true, report: null, disabled: true });
    await page.close();

    await options.reload();
    await options.waitForSelector("#packs[data-ready=true]");
    assert.equal(await options.isVisible("#managed"), true);
    assert.match(await options.textContent("#managed [data-policy=disabledSites]"), /upwork/);
    assert.equal(await options.textContent("#managed [data-policy=allowUserKeys] dd"), "no");
    const problems = await options.textContent("#managed-problem-list");
    assert.match(problems, /packs\[0\]: url must be an https URL/);
    assert.match(problems, /trustedKeys\[0\]: not a minisign public key/);
    assert.match(problems, /personaRetentionDays must be a whole number/);
    assert.match(problems, /disabledSites\[1\]/);
    // allowUserKeys: false hides the key form; no policy pack was installed.
    assert.equal(await options.isVisible("#key-form"), false);
    assert.equal(await options.isVisible("#keys-blocked"), true);
    assert.equal(await options.$$eval("#pack-list li:not([data-source=builtin])", (l) => l.length), 0);
    await options.waitForSelector("#persona[data-ready=true]");
    assert.equal(await options.isDisabled("#retention"), false, "the retention is not managed");
    await options.screenshot({ path: join(ARTIFACTS, "packs-d-options.png"), fullPage: true });
  });
});

describe("user packs: local files, trusted keys, subscriptions", { skip: SKIP }, () => {
  let options;

  before(async () => {
    removePolicy();
    const v2 = acmePack("2.0.0", ZEPHYR_V2);
    serve(PACK_PATH, v2, sign(v2, "acme"));
    browser = await launchBrowser();
    options = await openOptions();
  });

  after(async () => {
    await closeBrowser();
    removePolicy();
  });

  it("(e) a broken local file shows its diagnostics; a good one installs with a 'local, unsigned' warning", async () => {
    assert.equal(await options.isVisible("#managed"), false, "no policy, no managed note");
    await options.setInputFiles("#pack-file", { name: "broken.json", mimeType: "application/json", buffer: Buffer.from(BROKEN_PACK) });
    await options.waitForSelector("#import-message[data-result=refused]");
    assert.match(await options.textContent("#import-message"), /not installed: the pack has 2 error\(s\)/);
    const diagnostics = await options.$$eval("#import-diagnostics li", (items) =>
      items.map((li) => ({ code: li.querySelector("code").textContent, where: li.querySelector(".where").textContent, text: li.textContent })));
    const e005 = diagnostics.find((d) => d.code === "E005");
    const e007 = diagnostics.find((d) => d.code === "E007");
    assert.ok(e005 && e007, JSON.stringify(diagnostics));
    assert.equal(e005.where, "7:13");
    assert.equal(e007.where, "11:17");
    assert.match(e005.text, /colour/);
    assert.equal(await options.$(`${packLi("file:local.broken")}`), null, "nothing was installed");
    await options.screenshot({ path: join(ARTIFACTS, "packs-e-diagnostics.png"), fullPage: true });

    await options.setInputFiles("#pack-file", { name: "local.json", mimeType: "application/json", buffer: Buffer.from(localPack()) });
    await options.waitForSelector("#import-message[data-result=installed]");
    assert.match(await options.textContent("#import-message"), /Installed My local pack version 0\.1\.0 from the file, unsigned/);
    const key = "file:local.e2e";
    await waitPack(options, key, { status: "active", version: "0.1.0" });
    assert.equal(await fieldText(options, key, "source"), "Local file");
    assert.equal(await fieldText(options, key, "key"), "none");
    assert.match(await options.textContent(`${packLi(key)} [data-role=unsigned]`), /^Local, unsigned/);
    assert.equal(await options.isVisible(`${packLi(key)} [data-role=unsigned]`), true);
    assert.equal(await options.isDisabled(`${packLi(key)} input[role=switch]`), false);
    await options.screenshot({ path: join(ARTIFACTS, "packs-e-unsigned.png"), fullPage: true });
    const { text } = await findingsOn(PROFILE.url);
    assert.ok(text.includes(QUOKKA), `panel: ${text}`);
  });

  it("trusted keys: a subscription needs a trusted key; adding one installs it, removing it retires the pack", async () => {
    // Only https addresses: the page says so, and the background refuses anyway.
    await options.fill("#pack-url", "http://trust.acme.example/candor/acme-e2e.json");
    await options.press("#pack-url", "Enter");
    assert.equal(await options.isVisible("#pack-url-error"), true);
    assert.equal(await options.getAttribute("#pack-url", "aria-invalid"), "true");
    const http = await ask(options, "candor/packs/subscribe", { url: "http://trust.acme.example/candor/acme-e2e.json" });
    assert.equal(http.ok, false);
    assert.match(http.error, /https/);

    // Subscribed before its key is trusted: refused, and shown.
    await options.fill("#pack-url", PACK_URL);
    await options.click("#subscribe");
    const key = `url:${PACK_URL}`;
    await waitPack(options, key, { status: "not_installed", statusText: new RegExp(`signed by key ${keys.acme.id}, which is not trusted`) });
    assert.equal(await fieldText(options, key, "source"), "Your subscription");

    // A key that is not one is refused; the .pub file's text is accepted.
    await options.fill("#key-text", "RWQ-not-a-key");
    await options.click("#key-add");
    assert.equal(await options.isVisible("#key-error"), true);
    assert.match(await options.textContent("#key-error"), /not a minisign public key/);
    await options.fill("#key-text", keys.acme.pub);
    await options.click("#key-add");
    await options.waitForSelector(`#key-list li[data-key-id="${keys.acme.id}"]`);
    assert.match(await options.textContent("#keys-status"), new RegExp(`Key ${keys.acme.id} is now trusted`));
    await options.click(`${packLi(key)} button[data-action=check]`);
    await waitPack(options, key, { status: "active", version: "2.0.0" });
    let { text } = await findingsOn(PROFILE.url);
    assert.ok(text.includes(ZEPHYR_V2), `panel: ${text}`);

    // Removing the key retires what it signed.
    await options.click(`#key-list li[data-key-id="${keys.acme.id}"] button[data-action=remove-key]`);
    await waitPack(options, key, { status: "untrusted_key" });
    assert.match(await options.textContent(`${packLi(key)} [data-role=pack-status]`), new RegExp(`signed by key ${keys.acme.id}, which is not trusted`));
    ({ text } = await findingsOn(PROFILE.url));
    assert.ok(!text.includes(ZEPHYR_V2), `panel: ${text}`);

    // Pack messages are refused to content scripts.
    const page = await browser.context.newPage();
    await page.goto(PROFILE.url, { waitUntil: "load" });
    await scanned(page);
    const answers = await fromContentScript(options, PROFILE.url, [
      { type: "candor/packs/state" },
      { type: "candor/packs/keys/add", key: keys.other.line },
      { type: "candor/packs/import", text: localPack() },
    ]);
    await page.close();
    assert.equal(answers.length, 3);
    for (const a of answers) assert.deepEqual(a, { ok: false, error: "sender not allowed" });
  });

  it("allowUserPacks: false pushed while the browser runs switches user packs off and hides the forms", async () => {
    const key = "file:local.e2e";
    writePolicy({ allowUserPacks: false });
    await options.waitForSelector("#user-packs-blocked:not([hidden])", { timeout: 40_000 });
    assert.equal(await options.isVisible("#subscribe-form"), false);
    assert.equal(await options.isVisible("#pack-file"), false);
    await waitPack(options, key, { status: "blocked" });
    assert.equal(await options.isDisabled(`${packLi(key)} input[role=switch]`), true);
    assert.match(await options.textContent(`${packLi(key)} [data-role=pack-status]`), /does not allow your own rule packs/);
    const { text } = await findingsOn(PROFILE.url);
    assert.ok(!text.includes(QUOKKA), `panel: ${text}`);
    const refused = await ask(options, "candor/packs/import", { text: localPack() });
    assert.equal(refused.ok, false);
    assert.match(refused.error, /does not allow adding rule packs/);
    await options.screenshot({ path: join(ARTIFACTS, "packs-user-blocked.png"), fullPage: true });
  });
});

// End-to-end tests on every platform Candor has an adapter for: the built extension (dist/chrome)
// in Debian Chromium, each fixture page served at its real URL (https://wd5.myworkday.com/...,
// https://web.telegram.org/k/#@..., ...) by the local fixture server, reached through
// --host-resolver-rules (one MAP entry per concrete host: server.mjs HOSTS).
//
//   make extension && node --test tests/e2e/sites.test.mjs
//
// The tests iterate over the fixture table (tests/fixtures/<platform>/<name>.expect.json with a
// `url` on a host some adapter covers), so a new fixture is checked without a new test: page
// kind, one badge per candidate at the expected level, each badge next to its candidate's name
// (the badge's previous sibling or its parent holds the name text) and, on list pages, inside
// that candidate's row; the panel lists the expected findings. Then a few checks that need more
// than one fixture: the manifests' hosts, the Telegram header, single-page-app navigation.
//
// Persona memory is off in this profile: each page is judged alone, as its expect.json says.

import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { adapterHosts, hostSupported, matchPatterns, patternCovers, SITES_DIR } from "../../tools/site-hosts.mjs";
import { EXTENSION_DIR, launch, personaMemoryOff } from "./harness.mjs";
import { HOSTS, loadFixtures, ROOT, startServer } from "./server.mjs";

const ARTIFACTS = join(ROOT, "tests", "e2e", "artifacts");
/** Fixtures on a host the extension runs on (the generic example.org page is not one). */
const ADAPTER_HOSTS = adapterHosts().map((e) => e.host);
const FIXTURES = loadFixtures().filter((fx) => hostSupported(new URL(fx.url).hostname, ADAPTER_HOSTS));
const RULE_TITLES = new Map(
  JSON.parse(readFileSync(join(ROOT, "crate", "packs", "builtin.json"), "utf8")).rules.map((r) => [r.id, r.title]),
);
const ATS = ["ashby", "bamboohr", "greenhouse", "lever", "personio", "recruitee", "smartrecruiters", "teamtailor",
  "workable", "workday"];

let server;
let browser;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startServer();
  browser = await launch(server.port);
  await personaMemoryOff(browser);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

// ------------------------------------------------------------------------------------------------
// Helpers

const id = (fx) => `${fx.site}/${fx.name}`;

function fixture(site, name) {
  const fx = FIXTURES.find((f) => f.site === site && f.name === name);
  if (!fx) throw new Error(`fixture tests/fixtures/${site}/${name}.html (+ .expect.json with "url") is missing`);
  return fx;
}

/** The first page entry of `kind` whose URL pattern matches `url`, in an adapter for its host. */
function adapterPage(url, kind) {
  const u = new URL(url);
  const target = `${u.pathname}${u.search}${u.hash}`;
  for (const file of readdirSync(SITES_DIR).filter((f) => f.endsWith(".json")).sort()) {
    for (const site of JSON.parse(readFileSync(join(SITES_DIR, file), "utf8")).sites ?? []) {
      if (!site.hosts.some((h) => patternCovers(h, u.hostname))) continue;
      for (const page of site.pages) {
        // Rust regex → JavaScript: only the named-group spelling differs in these patterns.
        if (page.kind === kind && new RegExp(page.url.replace(/\(\?P</g, "(?<")).test(target)) return page;
      }
    }
  }
  return null;
}

async function scanned(page) {
  await page.waitForFunction(
    () => ["done", "error"].includes(document.documentElement.dataset.candorState),
    null,
    { timeout: 20_000 },
  );
  return page.evaluate(() => ({ ...document.documentElement.dataset }));
}

async function open(url) {
  const page = await browser.context.newPage();
  const dialogs = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  page.dialogs = dialogs;
  const response = await page.goto(url, { waitUntil: "load" });
  assert.equal(response.status(), 200, `GET ${url}`);
  const state = await scanned(page);
  assert.equal(state.candorState, "done", `scan failed: ${state.candorError}`);
  return { page, state };
}

/**
 * Every badge: its level and count, whether it floats (no name element found), the text of its
 * previous sibling and of its parent (where the name should be), and, given the page's candidate
 * names, the "row" it sits in: the largest ancestor that holds no other candidate's name.
 */
const badges = (page, names = []) =>
  page.evaluate((names) => {
    const holds = (el) => names.filter((n) => el.textContent.includes(n));
    return [...document.querySelectorAll("candor-badge")].map((b) => {
      let row = b.parentElement;
      while (row?.parentElement && row.parentElement !== document.body && holds(row.parentElement).length <= 1) {
        row = row.parentElement;
      }
      return {
        level: b.getAttribute("data-level"),
        count: Number(b.getAttribute("data-count")),
        fixed: b.hasAttribute("data-fixed"),
        prev: b.previousElementSibling?.textContent.trim() ?? "",
        parent: b.parentElement?.textContent.trim() ?? "",
        rowNames: row ? holds(row) : [],
        // The page's own link or button the badge sits in, if any (its text, whitespace folded).
        control: b.parentElement?.closest("a[href], button, label, summary, [role=button], [role=link]")
          ?.textContent.replace(/\s+/g, " ").trim() ?? null,
        inHeader: b.closest(".topbar, .MiddleHeader") != null,
        inChatList: b.closest(".chatlist, #column-left, .chat-list") != null,
      };
    });
  }, names);

/** The candidate a badge belongs to: the longest expected name next to it (prev sibling, else parent). */
function ownerOf(badge, names) {
  const by = (text) => names.filter((n) => text.includes(n)).sort((a, b) => b.length - a.length)[0];
  return by(badge.prev) ?? by(badge.parent) ?? null;
}

/** Visible text of the closed panel, read through the DevTools protocol (pierces closed roots). */
async function panelText(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send("DOM.getDocument", { depth: -1, pierce: true });
    const out = [];
    const walk = (node, host) => {
      if (host === "candor-panel" && node.nodeType === 3) out.push(node.nodeValue);
      for (const c of node.children ?? []) walk(c, host);
      for (const s of node.shadowRoots ?? []) walk(s, node.localName);
    };
    walk(root, null);
    return out.join(" ");
  } finally {
    await cdp.detach();
  }
}

/** Opens the panel of the i-th badge; returns {text, count} and closes it again. */
async function panelOf(page, i) {
  await page.locator("candor-badge").nth(i).click();
  await page.waitForSelector("candor-panel[data-open=true]");
  const text = await panelText(page);
  const count = Number(await page.getAttribute("candor-panel", "data-count"));
  await page.keyboard.press("Escape");
  await page.waitForSelector("candor-panel[data-open=false]", { state: "attached" });
  return { text, count };
}

/** The checks every fixture page gets; returns the badges for further checks. */
async function checkPage(page, state, fx) {
  const kind = fx.expect.page_kind;
  const want = fx.expect.candidates ?? [];
  const names = want.map((c) => c.name);
  assert.equal(await page.evaluate(() => location.hostname), new URL(fx.url).hostname, "served at the real host");
  if (kind) assert.equal(state.candorPageKind, kind);
  assert.equal(state.candorCandidates, String(want.length), "candidates in the report");
  assert.notEqual(state.candorMemory, "on", "persona memory is off in this suite");
  const list = await badges(page, names);
  if (kind === "job_posting" || want.length === 0) {
    assert.deepEqual(list, [], "no candidate, no badge");
    assert.equal(await page.$("candor-panel"), null);
    return list;
  }
  assert.equal(list.length, want.length, `one badge per candidate: ${JSON.stringify(list.map((b) => b.prev))}`);
  const seen = new Set();
  for (const [i, b] of list.entries()) {
    assert.equal(b.fixed, false, `badge ${i} floats: no name element found`);
    const owner = ownerOf(b, names);
    assert.ok(owner, `badge ${i} is next to no candidate's name (after "${b.prev.slice(0, 80)}")`);
    assert.ok(!seen.has(owner), `two badges for ${owner}`);
    seen.add(owner);
    const c = want.find((w) => w.name === owner);
    if (c.level != null) assert.equal(b.level, c.level, `${owner}'s badge`);
    if (want.length > 1) assert.deepEqual(b.rowNames, [owner], `${owner}'s badge sits in ${owner}'s row`);
    // Never inside the page's link or button around the name (Upwork tiles: <button itemprop=name>):
    // a control that holds only the name gets the badge after it, not in it.
    assert.ok(b.control == null || b.control !== owner, `${owner}'s badge is inside the page's control around the name`);
    if (b.level !== "none" || (c.fires ?? []).length > 0) {
      const panel = await panelOf(page, i);
      assert.equal(panel.count, b.count, "the panel lists as many findings as the badge says");
      assert.ok(panel.count > 0, `${owner}: a risky candidate's panel lists findings`);
      assert.match(panel.text, /Warning signs/);
      assert.ok(panel.text.includes(`Candor — ${owner}`), `panel title names ${owner}`);
      for (const rule of c.fires ?? []) {
        const title = RULE_TITLES.get(rule) ?? rule;
        assert.ok(panel.text.includes(title), `${owner}'s panel lists ${rule} ("${title}")`);
      }
    }
  }
  assert.equal(state.candorFallbacks ?? "0", "0", "every evidence path held on the live DOM");
  assert.deepEqual(page.dialogs, []);
  return list;
}

// ------------------------------------------------------------------------------------------------

describe("Candor on the platforms' real host names", () => {
  it("the manifests' hosts come from the site adapters, and every fixture host is mapped", () => {
    const hosts = ADAPTER_HOSTS;
    const patterns = matchPatterns(hosts);
    for (const dir of [EXTENSION_DIR, join(EXTENSION_DIR, "..", "firefox")]) {
      const file = join(dir, "manifest.json");
      if (!existsSync(file)) continue;
      const m = JSON.parse(readFileSync(file, "utf8"));
      assert.deepEqual(m.content_scripts[0].matches, patterns, `${file}: content_scripts[0].matches`);
      assert.deepEqual(m.host_permissions, patterns, `${file}: host_permissions`);
      assert.ok(m.permissions.includes("activeTab") && m.permissions.includes("scripting"), "scan-this-page stays");
    }
    // Every adapter host is covered by a pattern: an exact host, or a wildcard's own domain.
    const patternHost = (p) => p.slice("https://".length, -"/*".length);
    for (const h of hosts) {
      const name = h.replace(/^\*\./, "");
      assert.ok(patterns.some((p) => patternCovers(patternHost(p), name)), `${h} has a match pattern`);
    }
    for (const fx of FIXTURES) assert.ok(HOSTS.includes(new URL(fx.url).hostname), `${id(fx)}: host mapped to the server`);
  });

  it("the fixture table has the pages this suite is about", () => {
    const has = (site, pred) => FIXTURES.some((fx) => fx.site === site && pred(fx));
    const kind = (k) => (fx) => fx.expect.page_kind === k;
    assert.ok(has("upwork", kind("candidate")), "an Upwork profile");
    assert.ok(has("upwork", (fx) => kind("candidate_list")(fx) && fx.expect.candidates.length > 1), "an Upwork proposals list");
    for (const site of ["linkedin", "greenhouse", "lever", "workday"]) assert.ok(has(site, kind("candidate")), `a ${site} candidate`);
    assert.ok(has("telegram", kind("messages")), "a Telegram Web chat");
    const postings = new Set(FIXTURES.filter((fx) => ATS.includes(fx.site) && kind("job_posting")(fx)).map((fx) => fx.site));
    assert.ok(postings.size >= 2, `job postings on two ATSs: ${[...postings]}`);
  });

  describe("every fixture page, at its real URL", () => {
    for (const fx of FIXTURES) {
      const levels = (fx.expect.candidates ?? []).map((c) => c.level ?? "?").join(", ");
      it(`${id(fx)}: ${fx.expect.page_kind ?? "?"}${levels ? ` [${levels}]` : ""}`, async () => {
        const { page, state } = await open(fx.href);
        try {
          await checkPage(page, state, fx);
        } finally {
          await page.close();
        }
      });
    }
  });

  describe("list pages: one badge in each row, at that row's level", () => {
    for (const fx of FIXTURES.filter((f) => f.expect.page_kind === "candidate_list")) {
      it(`${id(fx)}`, async () => {
        const entry = adapterPage(fx.url, "candidate_list");
        assert.ok(entry?.rows, "the adapter's candidate_list entry and its rows selector");
        const { page } = await open(fx.href);
        try {
          const rows = await page.$$eval(entry.rows, (els) =>
            els.map((row) => ({
              text: row.textContent,
              badges: [...row.querySelectorAll("candor-badge")].map((b) => b.getAttribute("data-level")),
            })));
          const want = fx.expect.candidates;
          assert.equal(rows.length, want.length, "rows on the page = candidates in the expectation");
          for (const c of want) {
            const row = rows.find((r) => r.text.includes(c.name));
            assert.ok(row, `a row for ${c.name}`);
            assert.equal(row.badges.length, 1, `${c.name}'s row has one badge`);
            if (c.level != null) assert.equal(row.badges[0], c.level, `${c.name}'s row badge`);
          }
          if (fx.site === "upwork" && fx.name === "proposals-list") {
            await page.screenshot({ path: join(ARTIFACTS, "upwork-proposals.png"), fullPage: true });
          }
        } finally {
          await page.close();
        }
      });
    }
  });

  it("list page: a row the page adds later gets its own badge, and no row gets a second one", async () => {
    const fx = fixture("upwork", "proposals-list");
    const { rows } = adapterPage(fx.url, "candidate_list");
    const { page, state } = await open(fx.href);
    try {
      // What a "load more" or infinite scroll does: a new tile at the end of the list.
      await page.evaluate((sel) => {
        const tiles = document.querySelectorAll(sel);
        const tile = tiles[tiles.length - 1].cloneNode(true);
        for (const b of tile.querySelectorAll("candor-badge")) b.remove(); // a page clones its own markup only
        tile.querySelector("[data-test=freelancer-name]").textContent = "Nadia K.";
        tile.querySelector("[data-test=cover-letter]").textContent =
          "Hi, my webcam is broken this month, so chat only please. I would like to be paid in USDT.";
        tiles[0].parentElement.append(tile);
      }, rows);
      await page.waitForFunction((n) => Number(document.documentElement.dataset.candorScans) > n, Number(state.candorScans));
      const after = await scanned(page);
      const want = fx.expect.candidates.length + 1;
      assert.equal(after.candorCandidates, String(want));
      const perRow = await page.$$eval(rows, (els) => els.map((r) => [...r.querySelectorAll("candor-badge")].map((b) => b.getAttribute("data-level"))));
      assert.equal(perRow.length, want);
      assert.deepEqual(perRow.map((l) => l.length), Array(want).fill(1), "one badge in each row");
      assert.deepEqual(perRow.at(-1), ["high"], "the new row's own level (camera + crypto: two families)");
      assert.deepEqual(perRow.slice(0, -1).map(([l]) => l), fx.expect.candidates.map((c) => c.level), "the other rows keep theirs");
      const list = await badges(page, [...fx.expect.candidates.map((c) => c.name), "Nadia K."]);
      assert.equal(ownerOf(list.at(-1), ["Nadia K."]), "Nadia K.");
    } finally {
      await page.close();
    }
  });

  it("list page whose live DOM does not survive re-parsing: every badge still lands in its own row", async () => {
    // As extension.test.mjs (h), on a list: <p><div></div></p> shifts the engine's element paths,
    // so the names and evidence are found by text instead; each must still end up in its row.
    const fx = fixture("upwork", "proposals-list");
    const { rows } = adapterPage(fx.url, "candidate_list");
    const path = "/ab/applicants/1712345678901239999/applicants";
    const js = `document.addEventListener("DOMContentLoaded", () => {
      const p = document.createElement("p");
      p.append(document.createElement("div"));
      document.body.prepend(p);
    });`;
    const html = readFileSync(fx.file, "utf8").replace(/<\/head>/i, '<script src="/candor-test/reparse.js"></script></head>');
    server.addRoute("www.upwork.com", path, html);
    server.addRoute("www.upwork.com", "/candor-test/reparse.js", js, "text/javascript; charset=utf-8");
    const { page, state } = await open(`https://www.upwork.com${path}`);
    try {
      assert.equal(await page.evaluate(() => document.body.firstElementChild.outerHTML), "<p><div></div></p>");
      assert.ok(Number(state.candorFallbacks) > 0, "the paths were off, so text search was used");
      const perRow = await page.$$eval(rows, (els) => els.map((r) => ({
        text: r.textContent,
        levels: [...r.querySelectorAll("candor-badge")].map((b) => b.getAttribute("data-level")),
      })));
      for (const c of fx.expect.candidates) {
        const row = perRow.find((r) => r.text.includes(c.name));
        assert.deepEqual(row.levels, [c.level], `${c.name}'s row`);
      }
      const list = await badges(page, fx.expect.candidates.map((c) => c.name));
      for (const b of list) assert.equal(b.fixed, false);
    } finally {
      await page.close();
    }
  });

  it("Telegram Web: the badge sits on the chat header's name, not in the chat list", async () => {
    const chats = FIXTURES.filter((fx) => fx.site === "telegram" && fx.expect.page_kind === "messages");
    assert.ok(chats.length > 0);
    for (const fx of chats) {
      const { page } = await open(fx.href);
      try {
        const list = await badges(page, fx.expect.candidates.map((c) => c.name));
        assert.equal(list.length, 1, id(fx));
        assert.equal(list[0].inHeader, true, `${id(fx)}: badge in the chat header`);
        assert.equal(list[0].inChatList, false, `${id(fx)}: badge not in the chat list`);
        assert.ok(list[0].prev.includes(fx.expect.candidates[0].name) || list[0].parent.includes(fx.expect.candidates[0].name));
      } finally {
        await page.close();
      }
    }
  });

  it("Telegram Web whose paths do not hold: badge and highlights stay in the open chat, not the chat list", async () => {
    // The chat list shows the open chat's name and last message before the chat itself, so a
    // text search that takes the first occurrence lands in the list. With <p><div></div></p> the
    // paths are off and the content script must pick the occurrence nearest to where they pointed.
    const fx = fixture("telegram", "k-chat-risky");
    const js = `document.addEventListener("DOMContentLoaded", () => {
      const p = document.createElement("p");
      p.append(document.createElement("div"));
      document.body.prepend(p);
    });`;
    const html = readFileSync(fx.file, "utf8").replace(/<\/head>/i, '<script src="/candor-test/reparse.js"></script></head>');
    server.addRoute("web.telegram.org", "/k/candor-reparse/", html);
    server.addRoute("web.telegram.org", "/candor-test/reparse.js", js, "text/javascript; charset=utf-8");
    const { page, state } = await open(`https://web.telegram.org/k/candor-reparse/${new URL(fx.url).hash}`);
    try {
      assert.ok(Number(state.candorFallbacks) > 0, "the paths were off, so text search was used");
      assert.equal(state.candorLevel, fx.expect.candidates[0].level);
      const [badge, ...rest] = await badges(page, [fx.expect.candidates[0].name]);
      assert.equal(rest.length, 0);
      assert.equal(badge.inHeader, true, "the badge is on the chat header's name");
      assert.equal(badge.inChatList, false);
      const where = await page.evaluate(() => {
        const name = [...CSS.highlights.keys()].find((k) => k.startsWith("candor-evidence-"));
        return [...CSS.highlights.get(name)].map((r) => ({
          text: r.toString(),
          inChatList: r.startContainer.parentElement.closest(".chatlist") != null,
        }));
      });
      assert.ok(where.length > 0);
      assert.deepEqual(where.filter((w) => w.inChatList), [], "no evidence highlighted in the chat list");
    } finally {
      await page.close();
    }
  });

  /**
   * Serves `from`'s page at `shellPath` (plus `from`'s fragment) with a same-origin router script,
   * opens it, and has the "router" do what a client-side router does: fetch `to`'s page, change the
   * URL (pushState to `to`'s path, or set `to`'s fragment) and swap the body for the new DOM.
   */
  async function spaNavigate({ shellPath, from, to, nav }) {
    const host = new URL(from.url).hostname;
    const js = `
      window.candorTestNavigate = async (fetchPath, nav, target) => {
        const html = await (await fetch(fetchPath)).text();
        const doc = new DOMParser().parseFromString(html, "text/html");
        if (nav === "hash") location.hash = target; else history.pushState({}, "", target);
        document.body.replaceChildren(...[...doc.body.childNodes].map((n) => document.importNode(n, true)));
      };`;
    const shell = readFileSync(from.file, "utf8").replace(/<\/head>/i, '<script src="/candor-test/router.js"></script></head>');
    assert.ok(shell.includes("/candor-test/router.js"), `${id(from)} has a </head>`);
    server.addRoute(host, shellPath, shell);
    server.addRoute(host, "/candor-test/router.js", js, "text/javascript; charset=utf-8");
    const { page, state } = await open(`https://${host}${shellPath}${new URL(from.url).hash}`);
    const toHref = new URL(to.href); // the server's address of `to`'s page (with candor-fixture if shared)
    const toUrl = new URL(to.url); // the address the user sees
    const target = nav === "hash" ? toUrl.hash : `${toUrl.pathname}${toUrl.search}`;
    const go = () => page.evaluate(([f, n, t]) => window.candorTestNavigate(f, n, t), [`${toHref.pathname}${toHref.search}`, nav, target]);
    return { page, state, toUrl, go };
  }

  for (const { site, from, to, shellPath, nav } of [
    // LinkedIn Recruiter is a single-page app: another profile is a pushState and a new DOM.
    { site: "linkedin", from: "recruiter-profile-clean", to: "recruiter-profile-risky",
      shellPath: "/talent/profile/AEMAACandorSpaShell0001", nav: "push" },
    // Telegram Web K routes in the fragment: another chat is a hash change and a new DOM.
    { site: "telegram", from: "k-chat-scam-label", to: "k-chat-risky", shellPath: "/k/candor-spa/", nav: "hash" },
  ]) {
    it(`SPA on ${site} (${nav === "hash" ? "hash change" : "pushState"}): ${from} → ${to} re-scans and moves the badge`, async () => {
      const a = fixture(site, from);
      const b = fixture(site, to);
      const nameA = a.expect.candidates[0].name;
      const nameB = b.expect.candidates[0].name;
      const { page, state, toUrl, go } = await spaNavigate({ shellPath, from: a, to: b, nav });
      try {
        const before = await badges(page, [nameA, nameB]);
        assert.equal(before.length, 1);
        assert.equal(ownerOf(before[0], [nameA, nameB]), nameA, `first the badge is next to ${nameA}`);
        await go();
        const levelB = b.expect.candidates[0].level;
        await page.waitForFunction((n) => Number(document.documentElement.dataset.candorScans) > n, Number(state.candorScans),
          { timeout: 15_000 });
        await page.waitForFunction((l) => document.querySelector(`candor-badge[data-level=${l}]`), levelB, { timeout: 15_000 });
        const after = await scanned(page);
        if (nav === "hash") assert.equal(await page.evaluate(() => location.hash), toUrl.hash);
        else assert.equal(await page.evaluate(() => location.pathname), toUrl.pathname);
        assert.equal(after.candorPageKind, b.expect.page_kind);
        assert.equal(after.candorLevel, levelB);
        const list = await badges(page, [nameA, nameB]);
        assert.equal(list.length, 1, "the old badge was removed, no duplicate");
        assert.equal(ownerOf(list[0], [nameA, nameB]), nameB, `the badge moved next to ${nameB}`);
        assert.equal(list[0].fixed, false);
        const panel = await panelOf(page, 0);
        assert.ok(panel.text.includes(`Candor — ${nameB}`), "the panel is the new candidate's");
        for (const rule of b.expect.candidates[0].fires ?? []) assert.ok(panel.text.includes(RULE_TITLES.get(rule) ?? rule), rule);
      } finally {
        await page.close();
      }
    });
  }
});

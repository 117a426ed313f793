// Host permissions are opt-in in Firefox MV3 and the user can withdraw them per site (the
// extensions panel, about:addons → Permissions). Without them no content script runs, so the
// popup has a "no-access" state with an "Allow on this site" button (popup.js). This suite
// withdraws one site in a real Firefox and checks what the popup's decision is built on:
// the site's manifest pattern is found and reported as not granted, while other sites still are.
// (Granting it back needs the browser's own permission prompt, which WebDriver cannot answer, so
// this suite runs in its own browser.)
//
//   make extension setup-firefox && node --experimental-websocket --test tests/firefox/

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { loadFixtures, startServer } from "../e2e/server.mjs";
import { launch } from "./harness.mjs";

const FIXTURES = loadFixtures();
const fixtureUrl = (site, name) => FIXTURES.find((f) => f.site === site && f.name === name).url;

let server;
let firefox;

before(async () => {
  server = await startServer();
  firefox = await launch(server.port);
});

after(async () => {
  await firefox?.close();
  await server?.close();
});

describe("site access in Firefox", () => {
  it("a withdrawn site is found and reported as not granted; the others still are", async () => {
    const { session, baseUrl } = firefox;
    const upwork = fixtureUrl("upwork", "profile-risky");
    const greenhouse = fixtureUrl("greenhouse", "candidate-risky");

    // Control: both sites are scanned by themselves at first.
    await session.navigate(greenhouse);
    await session.waitFor('return document.documentElement.dataset.candorState === "done";', { what: "greenhouse scan" });

    await session.navigate(`${baseUrl}options.html`);
    const access = () => session.execute(
      `return import(arguments[2] + "tab-ui.js").then(async (ui) => {
         const [a, b] = [ui.supportedPattern(arguments[0]), ui.supportedPattern(arguments[1])];
         return { upwork: a, greenhouse: b, upworkAccess: await ui.hasSiteAccess(a), greenhouseAccess: await ui.hasSiteAccess(b) };
       });`,
      [upwork, greenhouse, baseUrl],
    );
    const granted = await access();
    assert.equal(granted.upwork, "https://www.upwork.com/*");
    assert.ok(granted.greenhouse, "greenhouse is a supported site");
    assert.deepEqual([granted.upworkAccess, granted.greenhouseAccess], [true, true]);

    const removed = await session.execute(
      'return browser.permissions.remove({ origins: ["https://www.upwork.com/*"] });',
    );
    assert.equal(removed, true, "the user can withdraw a site");
    const withdrawn = await access();
    assert.deepEqual([withdrawn.upworkAccess, withdrawn.greenhouseAccess], [false, true]);

    // And the popup strings for that state exist in both languages.
    for (const lang of ["en", "de"]) {
      const messages = await session.execute(
        `return fetch(arguments[0] + "_locales/" + arguments[1] + "/messages.json").then((r) => r.json());`,
        [baseUrl, lang],
      );
      assert.ok(messages.popupNoAccess?.message && messages.popupGrant?.message, `${lang}: no-access strings`);
    }
  });
});

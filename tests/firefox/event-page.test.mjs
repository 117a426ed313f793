// Firefox runs the background as an event page (manifest `background.scripts`), not a service
// worker: it is stopped after an idle timeout and started again by the next event, so the wasm
// engine, the policy and the packs are rebuilt on every wake. This suite shortens the idle timeout
// (pref extensions.background.idle.timeout, 30 s by default) and checks that a scan arriving while
// the background is stopped wakes it and still gets the right answer.
//
//   make extension setup-firefox && node --experimental-websocket --test tests/firefox/

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { loadFixtures, startServer } from "../e2e/server.mjs";
import { launch } from "./harness.mjs";

/**
 * Long enough for a cold start plus a scan on a busy 2-core machine (about 1.5–3.5 s measured):
 * Firefox stops an event page whose idle time runs out even while it is still answering a message
 * (docs/firefox.md), so a shorter timeout would fail the scan, not test the wake-up.
 */
const IDLE_MS = 8000;
const FIXTURES = loadFixtures();

let server;
let firefox;

before(async () => {
  server = await startServer();
  firefox = await launch(server.port, { prefs: { "extensions.background.idle.timeout": IDLE_MS } });
});

after(async () => {
  await firefox?.close();
  await server?.close();
});

/** Polls the background state until it is `want` (Firefox stops it after IDLE_MS without events). */
async function backgroundBecomes(want, timeout = IDLE_MS * 3) {
  const deadline = Date.now() + timeout;
  let state;
  while ((state = await firefox.backgroundState()) !== want) {
    if (Date.now() > deadline) throw new Error(`background still ${state} after ${timeout} ms, expected ${want}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("Candor's event page in Firefox", () => {
  for (const [round, name, level] of [[1, "profile-risky", "high"], [2, "profile-clean", "none"]]) {
    it(`round ${round}: a stopped background wakes for a scan (${name} → ${level})`, async () => {
      await backgroundBecomes("stopped");
      const fx = FIXTURES.find((f) => f.site === "upwork" && f.name === name);
      await firefox.session.navigate(fx.url);
      await firefox.session.waitFor(
        'return ["done", "error"].includes(document.documentElement.dataset.candorState);',
        { what: "the scan" },
      );
      const state = await firefox.session.execute("return { ...document.documentElement.dataset };");
      assert.equal(state.candorState, "done", `scan failed: ${state.candorError}`);
      assert.equal(state.candorLevel, level);
      assert.equal(await firefox.backgroundState(), "running", "the scan started the background again");
    });
  }
});

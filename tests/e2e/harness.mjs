// Launches Debian Chromium with the unpacked dist/chrome extension (tech-anchors §4.1).
//
// The real host names are mapped to the local fixture server with --host-resolver-rules, so the
// content script runs on https://www.upwork.com/... exactly as in the field.

import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { HOSTS, ROOT } from "./server.mjs";

export const EXTENSION_DIR = process.env.CANDOR_EXTENSION_DIR ?? join(ROOT, "dist", "chrome");
export const CHROMIUM = process.env.CANDOR_CHROMIUM ?? "/usr/bin/chromium";
export const EXPECTED_ID = readFileSync(join(ROOT, "extension", "EXTENSION_ID"), "utf8").trim();

/**
 * Launches the browser with a fresh profile. `args` are extra Chromium switches (packs.test.mjs
 * passes --ignore-certificate-errors: Playwright's ignoreHTTPSErrors covers pages, not the
 * extension's service worker, whose fetches also reach the fixture server's self-signed cert).
 */
export async function launch(port, { args = [] } = {}) {
  if (!existsSync(join(EXTENSION_DIR, "manifest.json"))) {
    throw new Error(`${EXTENSION_DIR} is missing: run \`make extension\` first`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
  const userDataDir = mkdtempSync(join(tmpdir(), "candor-profile-"));
  const rules = HOSTS.map((h) => `MAP ${h}:443 127.0.0.1:${port}`).join(", ");
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 900 },
    args: [
      `--disable-extensions-except=${EXTENSION_DIR}`,
      `--load-extension=${EXTENSION_DIR}`,
      `--host-resolver-rules=${rules}, EXCLUDE localhost`,
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      ...args,
    ],
  });
  let [worker] = context.serviceWorkers();
  worker ??= await context.waitForEvent("serviceworker", { timeout: 15_000 });
  const extensionId = new URL(worker.url()).host;
  if (extensionId !== EXPECTED_ID) {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
    throw new Error(`extension id ${extensionId} does not match extension/EXTENSION_ID ${EXPECTED_ID}`);
  }
  return {
    context,
    worker,
    extensionId,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Turns persona memory off for this browser profile (settings.personaRetentionDays = 0 in the
 * extension's storage.local, as the options page would). For suites that judge each fixture page
 * alone, as its expect.json does: with memory on, two unrelated fixtures that happen to share a
 * phone number are flagged as one persona (persona.test.mjs tests the memory itself). Written from
 * an extension-origin document, so it works whether or not the worker is running; a running
 * worker picks the change up through storage.onChanged.
 */
export async function personaMemoryOff(browser) {
  const page = await browser.context.newPage();
  try {
    await page.goto(`chrome-extension://${browser.extensionId}/manifest.json`);
    await page.evaluate(() => chrome.storage.local.set({ settings: { personaRetentionDays: 0 } }));
  } finally {
    await page.close();
  }
}

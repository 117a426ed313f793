// Launches Debian's firefox-esr headless through geckodriver with dist/firefox installed as a
// temporary add-on (WebDriver BiDi webExtension.install), routing the real host names to the
// fixture server through the CONNECT proxy in proxy.mjs (Firefox has no --host-resolver-rules).
//
// The add-on's moz-extension:// UUID is chosen here and set in the profile before the install
// (pref extensions.webextensions.uuids), so tests can open options.html without looking it up.

import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { HOSTS, ROOT } from "../e2e/server.mjs";
import { startProxy } from "./proxy.mjs";
import { newSession, startGeckodriver } from "./webdriver.mjs";

export const EXTENSION_DIR = process.env.CANDOR_FIREFOX_EXTENSION_DIR ?? join(ROOT, "dist", "firefox");
export const FIREFOX = process.env.CANDOR_FIREFOX ?? "/usr/bin/firefox-esr";

/** Prefs for a quiet, offline test profile. geckodriver adds its own recommended set. */
function prefs(proxyPort, uuids) {
  return {
    "network.proxy.type": 1,
    "network.proxy.ssl": "127.0.0.1",
    "network.proxy.ssl_port": proxyPort,
    "network.proxy.http": "127.0.0.1",
    "network.proxy.http_port": proxyPort,
    "network.proxy.no_proxies_on": "",
    "network.proxy.allow_hijacking_localhost": true,
    "network.dns.disableIPv6": true,
    "network.trr.mode": 5, // no DNS over HTTPS
    "extensions.webextensions.uuids": JSON.stringify(uuids),
    "browser.shell.checkDefaultBrowser": false,
    // Console messages of pages and of the add-on's background page go to Firefox's stdout, which
    // geckodriver relays into its log (driverLog): the tests look there for the add-on's errors.
    "devtools.console.stdout.content": true,
    "devtools.console.stdout.chrome": true,
    "datareporting.policy.dataSubmissionEnabled": false,
    "toolkit.telemetry.enabled": false,
  };
}

/**
 * Starts proxy, geckodriver, Firefox and the add-on; `prefs` are added to the profile's. Returns {session, uuid, addonId, baseUrl,
 * proxy, close()}; `baseUrl` is moz-extension://<uuid>/.
 */
export async function launch(serverPort, { prefs: extraPrefs = {} } = {}) {
  if (!existsSync(join(EXTENSION_DIR, "manifest.json"))) {
    throw new Error(`${EXTENSION_DIR} is missing: run \`make extension\` first`);
  }
  if (!existsSync(FIREFOX)) throw new Error(`${FIREFOX} is missing: run \`make setup-firefox\``);
  const addonId = JSON.parse(readFileSync(join(EXTENSION_DIR, "manifest.json"), "utf8"))
    .browser_specific_settings.gecko.id;
  const uuid = randomUUID();
  const proxy = await startProxy({ targetPort: serverPort, hosts: HOSTS });
  const driver = await startGeckodriver();
  let session;
  try {
    session = await newSession(driver.url, {
      browserName: "firefox",
      acceptInsecureCerts: true,
      webSocketUrl: true,
      "moz:firefoxOptions": {
        binary: FIREFOX,
        args: ["-headless"],
        prefs: { ...prefs(proxy.port, { [addonId]: uuid }), ...extraPrefs },
      },
    });
    const installed = await session.bidi.send("webExtension.install", {
      extensionData: { type: "path", path: EXTENSION_DIR },
    });
    if (installed.extension !== addonId) throw new Error(`installed ${installed.extension}, expected ${addonId}`);
    await session.cmd("POST", "/window/rect", { width: 1280, height: 900 });
  } catch (err) {
    await session?.close();
    await driver.stop();
    await proxy.close();
    err.message += `\ngeckodriver log:\n${driver.log.join("").slice(-4000)}`;
    throw err;
  }
  return {
    session,
    uuid,
    addonId,
    baseUrl: `moz-extension://${uuid}/`,
    proxy,
    driverLog: driver.log,
    /** The add-on's background page: "running", "suspending", "stopped" or "starting". */
    backgroundState: () => session.executeInChrome(
      "return WebExtensionPolicy.getByID(arguments[0]).extension.backgroundState;", [addonId]),
    async close() {
      await session.close();
      await driver.stop();
      await proxy.close();
    },
  };
}

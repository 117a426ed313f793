// A small WebDriver client for geckodriver: classic WebDriver over HTTP for the session, navigation,
// scripts, elements and screenshots; WebDriver BiDi over a WebSocket for installing the extension
// and collecting console entries. No dependencies: Node's fetch, and Node's WebSocket (global from
// Node 22; Node 20 needs `--experimental-websocket`, which the Makefile passes).
//
//   const driver = await startGeckodriver();            // free port, killed by driver.stop()
//   const session = await newSession(driver.url, capabilities);
//   await session.navigate(url); await session.execute("return 1 + 1");
//   await session.bidi.send("webExtension.install", {...});
//
// Errors carry the WebDriver error code and message, and the method and path that failed.

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export const GECKODRIVER = process.env.CANDOR_GECKODRIVER ?? join(homedir(), ".cargo", "bin", "geckodriver");

/** The key WebDriver uses to mark element and shadow-root references in JSON. */
const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
const SHADOW = "shadow-6066-11e4-a52e-4f735466cecf";

/**
 * Starts geckodriver on a free loopback port (`--port 0`; the port is read from its log line) with
 * a free BiDi WebSocket port too. `--allow-system-access` lets the session open the extension's
 * moz-extension:// pages (tech-anchors §7). Resolves to {url, stop(), log}.
 */
export async function startGeckodriver({ args = [] } = {}) {
  if (!existsSync(GECKODRIVER)) throw new Error(`${GECKODRIVER} is missing: run \`make setup-firefox\``);
  const child = spawn(GECKODRIVER, ["--port", "0", "--websocket-port", "0", "--allow-system-access", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  // If the test process dies without closing the session, geckodriver (which then stops Firefox)
  // must not outlive it.
  const killOnExit = () => child.kill("SIGTERM");
  process.once("exit", killOnExit);
  child.once("exit", () => process.off("exit", killOnExit));
  const log = [];
  const url = await new Promise((resolve, reject) => {
    const onData = (chunk) => {
      const text = String(chunk);
      log.push(text);
      const m = /Listening on ([\d.]+:\d+)/.exec(log.join(""));
      if (m) resolve(`http://${m[1]}`);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`geckodriver exited with ${code} before listening:\n${log.join("")}`)));
  });
  return {
    url,
    log,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    }),
  };
}

/** Classic WebDriver command: resolves to `value`, throws with the WebDriver error. */
async function command(base, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json; charset=utf-8" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({ value: { error: "invalid response", message: `HTTP ${res.status}` } }));
  if (!res.ok || json.value?.error) {
    const err = new Error(`${method} ${path}: ${json.value?.error}: ${json.value?.message}`);
    err.code = json.value?.error;
    throw err;
  }
  return json.value;
}

/** A WebDriver BiDi connection: send() resolves to the result; on(event, fn) listens. */
async function connectBidi(wsUrl) {
  if (typeof WebSocket !== "function") {
    throw new Error("no global WebSocket: run Node 22+, or Node 20 with --experimental-websocket");
  }
  const ws = new WebSocket(wsUrl);
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve, { once: true });
    ws.addEventListener("error", () => reject(new Error(`BiDi WebSocket ${wsUrl} failed to open`)), { once: true });
  });
  let nextId = 1;
  const pending = new Map();
  const listeners = new Map();
  ws.addEventListener("message", (ev) => {
    const msg = JSON.parse(String(ev.data));
    if (msg.id != null && pending.has(msg.id)) {
      const { resolve, reject, method } = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.type === "error") reject(new Error(`BiDi ${method}: ${msg.error}: ${msg.message}`));
      else resolve(msg.result);
    } else if (msg.method) {
      for (const fn of listeners.get(msg.method) ?? []) fn(msg.params);
    }
  });
  ws.addEventListener("close", () => {
    for (const { reject, method } of pending.values()) reject(new Error(`BiDi ${method}: connection closed`));
    pending.clear();
  });
  return {
    send(method, params = {}) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject, method });
        ws.send(JSON.stringify({ id, method, params }));
      });
    },
    on(event, fn) {
      listeners.set(event, [...(listeners.get(event) ?? []), fn]);
    },
    close() {
      ws.close();
    },
  };
}

/** An element or shadow-root reference, with the few commands the tests use. */
function elementRef(s, id, kind = "element") {
  const base = kind === "element" ? `/element/${id}` : `/shadow/${id}`;
  return {
    id,
    ref: kind === "element" ? { [ELEMENT]: id } : { [SHADOW]: id },
    text: () => s.cmd("GET", `${base}/text`),
    attribute: (name) => s.cmd("GET", `${base}/attribute/${encodeURIComponent(name)}`),
    click: () => s.cmd("POST", `${base}/click`, {}),
    /** The element's shadow root; geckodriver returns closed roots too. */
    shadowRoot: async () => elementRef(s, (await s.cmd("GET", `${base}/shadow`))[SHADOW], "shadow"),
    findAll: async (css) =>
      (await s.cmd("POST", `${base}/elements`, { using: "css selector", value: css })).map((e) => elementRef(s, e[ELEMENT])),
  };
}

/**
 * Creates a session (capabilities go in alwaysMatch) and, when the browser returned a
 * webSocketUrl, opens its BiDi connection. The session object wraps the commands the tests need.
 */
export async function newSession(base, capabilities) {
  const created = await command(base, "POST", "/session", { capabilities: { alwaysMatch: capabilities } });
  const prefix = `/session/${created.sessionId}`;
  const bidi = created.capabilities.webSocketUrl ? await connectBidi(created.capabilities.webSocketUrl) : null;
  const s = {
    id: created.sessionId,
    capabilities: created.capabilities,
    bidi,
    cmd: (method, path, body) => command(base, method, `${prefix}${path}`, body),
    navigate: (url) => s.cmd("POST", "/url", { url }),
    currentUrl: () => s.cmd("GET", "/url"),
    back: () => s.cmd("POST", "/back", {}),
    /** Runs `script` (a function body) in the page; `args` are passed as `arguments`. */
    execute: (script, args = []) => s.cmd("POST", "/execute/sync", { script, args }),
    find: async (css) => elementRef(s, (await s.cmd("POST", "/element", { using: "css selector", value: css }))[ELEMENT]),
    findAll: async (css) =>
      (await s.cmd("POST", "/elements", { using: "css selector", value: css })).map((e) => elementRef(s, e[ELEMENT])),
    /**
     * Runs `script` in the browser's own (chrome) scope, where Firefox internals such as
     * WebExtensionPolicy are visible; needs geckodriver's --allow-system-access.
     */
    executeInChrome: async (script, args = []) => {
      await s.cmd("POST", "/moz/context", { context: "chrome" });
      try {
        return await s.execute(script, args);
      } finally {
        await s.cmd("POST", "/moz/context", { context: "content" });
      }
    },
    screenshot: async () => Buffer.from(await s.cmd("GET", "/screenshot"), "base64"),
    /** Opens a new tab and switches to it; returns its handle. */
    newTab: async () => {
      const { handle } = await s.cmd("POST", "/window/new", { type: "tab" });
      await s.cmd("POST", "/window", { handle });
      return handle;
    },
    /** Closes the current tab and switches to the first one left. */
    closeTab: async () => {
      const left = await s.cmd("DELETE", "/window");
      if (left.length) await s.cmd("POST", "/window", { handle: left[0] });
    },
    /**
     * Polls `script` until it returns a truthy value (observable state, not a fixed sleep);
     * returns that value. Throws with `what` and the last value after `timeout` ms.
     */
    waitFor: async (script, { args = [], timeout = 20_000, what = script } = {}) => {
      const deadline = Date.now() + timeout;
      let last;
      for (;;) {
        last = await s.execute(script, args);
        if (last) return last;
        if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      bidi?.close();
      await command(base, "DELETE", prefix).catch(() => {});
    },
  };
  return s;
}

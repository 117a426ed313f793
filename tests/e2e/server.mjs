// HTTPS fixture server for the browser tests.
//
// Listens on a free loopback port (port 0) with a self-signed certificate generated at run time
// for the real host names (HOSTS: www.upwork.com, app.greenhouse.io and every fixture host the
// site adapters cover); the browser reaches it through --host-resolver-rules, so content scripts
// match the real origins.
//
// Routes: every tests/fixtures/<site>/<name>.expect.json names the URL its <name>.html is served
// at. Tests add their own pages with addRoute(). Fixtures whose URLs differ only in the fragment
// (web.telegram.org/k/#@a and /k/#@b), which the server never sees, share a route: the query
// parameter `candor-fixture=<site>/<name>` picks one, and loadFixtures() gives each fixture an
// `href` that carries it when needed (open `fx.href`, not `fx.url`). A query parameter picks the
// page CSP:
//   ?csp=strict  → Content-Security-Policy: script-src 'self'; style-src 'self'
//   ?csp=wasm    → Content-Security-Policy: script-src 'self' 'wasm-unsafe-eval'
// Anything else, or no parameter, sends no CSP.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from "node:fs";
import { createServer } from "node:https";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { adapterHosts, hostSupported } from "../../tools/site-hosts.mjs";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const FIXTURES = process.env.CANDOR_FIXTURES ?? join(ROOT, "tests", "fixtures");
/** The query parameter that picks one of several fixtures served at the same host and path. */
export const FIXTURE_PARAM = "candor-fixture";

export const CSP = {
  strict: "script-src 'self'; style-src 'self'",
  wasm: "script-src 'self' 'wasm-unsafe-eval'",
};

function makeCert() {
  const dir = mkdtempSync(join(tmpdir(), "candor-cert-"));
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
    "-subj", "/CN=candor-test",
    "-addext", `subjectAltName=${HOSTS.map((h) => `DNS:${h}`).join(",")}`,
    "-keyout", key, "-out", cert,
  ], { stdio: "ignore" });
  const pair = { key: readFileSync(key), cert: readFileSync(cert) };
  rmSync(dir, { recursive: true, force: true });
  return pair;
}

const key = (host, path) => `${host.toLowerCase()}${path}`;
function routeKey(url) {
  const u = new URL(url);
  return key(u.hostname, u.pathname);
}

/**
 * Every fixture with an expect file: {site, name, file, url, href, expect}. The URL comes from the
 * expect file's `url`; `href` is the address to open in the browser (the URL, plus FIXTURE_PARAM
 * when another fixture shares its host and path).
 */
export function loadFixtures(dir = FIXTURES) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const site of readdirSync(dir, { withFileTypes: true })) {
    if (!site.isDirectory()) continue;
    for (const f of readdirSync(join(dir, site.name)).sort()) {
      if (!f.endsWith(".expect.json")) continue;
      const name = f.slice(0, -".expect.json".length);
      const file = join(dir, site.name, `${name}.html`);
      const expect = JSON.parse(readFileSync(join(dir, site.name, f), "utf8"));
      if (typeof expect.url !== "string" || !existsSync(file)) continue;
      out.push({ site: site.name, name, file, url: expect.url, href: expect.url, expect });
    }
  }
  // The server sees neither the fragment nor (for routing) the query: fixtures that share a host
  // and path are told apart by FIXTURE_PARAM.
  const byRoute = new Map();
  for (const fx of out) byRoute.set(routeKey(fx.url), [...(byRoute.get(routeKey(fx.url)) ?? []), fx]);
  for (const group of byRoute.values()) {
    if (group.length < 2) continue;
    for (const fx of group) {
      const u = new URL(fx.url);
      u.searchParams.set(FIXTURE_PARAM, `${fx.site}/${fx.name}`);
      fx.href = u.href;
    }
  }
  return out;
}

/**
 * Hosts the tests serve that no site adapter covers: a trust team's pack host (packs.test.mjs
 * serves signed rule packs there, fetched by the extension's background).
 */
export const EXTRA_HOSTS = ["trust.acme.example"];

/**
 * The host names the browser maps to the fixture server: the two the first tests used, the host
 * of every fixture the extension runs on (its adapters cover the host), and EXTRA_HOSTS. Sorted.
 */
const ADAPTER_HOSTS = adapterHosts().map((e) => e.host);
export const HOSTS = [...new Set(["www.upwork.com", "app.greenhouse.io", ...EXTRA_HOSTS,
  ...loadFixtures().map((fx) => new URL(fx.url).hostname).filter((h) => hostSupported(h, ADAPTER_HOSTS))])].sort();

/**
 * Renders a fixture as the live platform would: an element marked `data-fixture-tz="Zone"`
 * shows the current time in that zone ("3:14 am local time"), as Upwork computes it when the
 * page loads. A saved fixture's frozen clock would otherwise disagree with the scan time.
 */
/** The instant fixture clocks show: fixed for the run, so the browser and the Node-side engine
 *  comparison see the same text (minutes stale at most; the check's threshold is hours). */
export const FIXTURE_CLOCK = new Date();

export function renderFixture(html) {
  return html.replace(/(data-fixture-tz="([^"]+)"[^>]*>[^<]*?)\b\d{1,2}:\d{2}\s*[ap]m/gi, (_, head, tz) => {
    const clock = new Intl.DateTimeFormat("en-US", { timeZone: tz, hour: "numeric", minute: "2-digit", hour12: true })
      .format(FIXTURE_CLOCK).toLowerCase();
    return head + clock;
  });
}

export async function startServer() {
  const routes = new Map();
  for (const fx of loadFixtures()) {
    const k = routeKey(fx.url);
    const route = { file: fx.file, type: "text/html; charset=utf-8", fixture: `${fx.site}/${fx.name}` };
    // The first fixture at a path is the default; the others are reached with FIXTURE_PARAM.
    if (!routes.has(k)) routes.set(k, route);
    routes.set(`${k}?${route.fixture}`, route);
  }
  const log = [];
  /** Every request with its headers: {method, host, path, headers}. */
  const requests = [];
  const server = createServer(makeCert(), (req, res) => {
    const host = (req.headers.host ?? "").replace(/:\d+$/, "");
    const url = new URL(req.url ?? "/", `https://${host || "invalid"}`);
    log.push(`${req.method} ${host}${url.pathname}${url.search}`);
    requests.push({ method: req.method, host, path: url.pathname, headers: { ...req.headers } });
    const pick = url.searchParams.get(FIXTURE_PARAM);
    const route = routes.get(pick ? `${key(host, url.pathname)}?${pick}` : key(host, url.pathname));
    if (req.method !== "GET" || !route) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      res.end("not found\n");
      return;
    }
    const headers = { "content-type": route.type, "cache-control": "no-store", ...route.headers };
    const csp = CSP[url.searchParams.get("csp") ?? ""];
    if (csp && route.type.startsWith("text/html")) headers["content-security-policy"] = csp;
    res.writeHead(route.status ?? 200, headers);
    const body = route.body ?? readFileSync(route.file, route.type.startsWith("text/html") ? "utf8" : undefined);
    res.end(route.type.startsWith("text/html") ? renderFixture(String(body)) : body);
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address();
  return {
    port,
    log,
    requests,
    /**
     * Serves `body` at https://<host><path> (path without query). Optional `headers` are added to
     * the response (e.g. Access-Control-Allow-Origin) and `status` replaces 200.
     */
    addRoute(host, path, body, type = "text/html; charset=utf-8", { headers = {}, status = 200 } = {}) {
      routes.set(key(host, path), { body, type, headers, status });
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}

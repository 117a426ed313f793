// Candor rule-pack registry: which packs the engine runs, where they come from, and keeping
// subscriptions up to date (issue #5; docs/rule-packs.md, "Guide for trust and security teams" §4–6).
//
// storage.local holds
//   packRegistry = {version: 1, packs: [entry], userKeys: [{key, key_id, added_at}]}
//   packText:<entry key> = the entry's last good copy (the exact text that was verified)
// An entry is
//   {key, id, source: "policy" | "user-url" | "user-file", url, signature_url, mode: "enforced" |
//    "default" | "user", enabled, title, publisher, version, expires, valid_until, key_id,
//    replaces_builtin, rev, installed_at, last_check, last_error, next_check, failures}
// (times in ms since the epoch). Texts are stored apart so that bookkeeping (a check every few
// hours) never rewrites megabytes of pack. The built-in packs are not stored: they are compiled
// into the wasm module and listed from the engine.
//
// The engine is the built-in packs, then every *active* entry in order (policy packs in policy
// order, then the user's subscriptions, then local files), without the policy's `disabledRules`.
// An entry is active when it has a copy, is switched on (always, for an enforced policy pack), is
// not a user pack under `allowUserPacks: false`, is signed by a key trusted *now* (so removing a
// key — by policy or by the user — retires what it signed; local files are unsigned), is not past
// its `valid_until`, and no earlier active entry has the same pack id.
//
// A change never half-applies. A downloaded update, a local import and switching a pack on are
// first compiled together with the rest of the set (a "trial"); only if that compiles is the new
// copy stored and the engine swapped, otherwise the error is recorded on the pack and the previous
// copy and engine stay. The compiled engine is reused for as long as the set (entry keys and
// revisions, disabled rules) is unchanged, so scans never recompile; a new worker compiles once.
// If the stored set does not compile on a fresh worker (a new extension version's built-in packs
// clash with an installed pack), the offending pack is left out, with the error on it, until its
// next update.
//
// Every change to the registry runs on one queue (one storage write at a time, whole document),
// so a check finishing while the user toggles a pack cannot lose either change. Downloads run
// outside the queue; their result is applied on it, to the entry as it is then.
//
// No browser globals at import time: storage, fetch, the wasm functions, the clock and the random
// source are injected, so Node tests can load this module.

import { effectivePolicy, isHttpsUrl } from "./policy.js";

export const REGISTRY_KEY = "packRegistry";
/** storage.local key of the compiled-form cache: digests of pack sets that passed validation. */
export const VALIDATED_KEY = "validatedPackSets";
const MAX_VALIDATED = 8;
export const TEXT_PREFIX = "packText:";
export const FORMAT_VERSION = 1;

export const HOUR = 3600 * 1000;
export const DAY = 24 * HOUR;
/** Checks are never more frequent than hourly, whatever `expires` says. */
export const MIN_INTERVAL = HOUR;
/** A pack without `expires` is checked daily. */
export const DEFAULT_INTERVAL = DAY;
/** ...and a pack is checked at least monthly, whatever `expires` says. */
export const MAX_INTERVAL = 30 * DAY;
/** Up to 10 % is added to each interval so that a fleet of browsers does not check at once. */
export const JITTER = 0.1;
/** The engine's own cap on a pack (E015). */
export const MAX_PACK_BYTES = 8 * 1024 * 1024;
const MAX_SIGNATURE_BYTES = 16 * 1024;
const FETCH_TIMEOUT_MS = 30_000;
export const MAX_USER_PACKS = 50;
export const MAX_USER_KEYS = 50;

const SOURCES = ["policy", "user-url", "user-file"];
const MODES = ["enforced", "default", "user"];

// -------------------------------------------------------------------------------------------------
// Pure helpers (tested in tests/wasm/packs.test.mjs).

/** `12h`, `7d`, `2w` → milliseconds; null when it is not such an interval. */
export function parseInterval(s) {
  const m = typeof s === "string" ? /^([1-9][0-9]{0,8})([hdw])$/.exec(s) : null;
  if (!m) return null;
  return Number(m[1]) * { h: HOUR, d: DAY, w: 7 * DAY }[m[2]];
}

/** The check interval for a pack's `expires`: at least an hour, a day by default, at most 30 days. */
export function checkInterval(expires) {
  const ms = parseInterval(expires) ?? DEFAULT_INTERVAL;
  return Math.min(MAX_INTERVAL, Math.max(MIN_INTERVAL, ms));
}

/**
 * When to check next, `now` being the time of this check. After a success: the pack's interval
 * plus 0–10 % jitter. After `failures` consecutive failures: an hour, doubling with each further
 * failure, never beyond the interval (a host that is down for a moment is retried soon; one that
 * stays down is not hammered), plus the same jitter.
 */
export function nextCheckAt(now, expires, random = Math.random, failures = 0) {
  const interval = checkInterval(expires);
  const base = failures > 0 ? Math.min(interval, HOUR * 2 ** Math.min(failures - 1, 20)) : interval;
  const r = Math.min(1, Math.max(0, Number(random()) || 0));
  return now + Math.round(base * (1 + JITTER * r));
}

/** Compares dotted version strings numerically, like the engine (`1.10.0` > `1.9.3`). */
export function compareVersions(a, b) {
  const parse = (s) => String(s).split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : 0));
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** `YYYY-MM-DD` of `ms` in UTC (what `valid_until` is compared with). */
export function utcDay(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The entry after a check: `outcome` is {ok: true} or {ok: false, message}. A failed or refused
 * check changes nothing but the bookkeeping: the installed copy (version, text) stays.
 */
export function recordCheck(entry, outcome, { now, random = Math.random }) {
  const failures = outcome.ok ? 0 : (entry.failures ?? 0) + 1;
  return {
    ...entry,
    last_check: now,
    last_error: outcome.ok ? null : String(outcome.message ?? "check failed"),
    failures,
    next_check: nextCheckAt(now, entry.expires, random, failures),
  };
}

/** The signature address of a subscription: its own, or the pack's URL + `.minisig`. */
export function signatureUrl(entry) {
  return entry.signature_url ?? `${entry.url}.minisig`;
}

/** The base64 line of a minisign public key given as a `.pub` file's text or the bare line. */
export function keyLine(text) {
  if (typeof text !== "string") return "";
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith("untrusted comment:"));
  return lines.at(-1) ?? "";
}

/** One diagnostic as `line:column: code: message`. */
export function formatDiagnostic(d) {
  const where = Number.isInteger(d?.line) ? `${d.line}:${d.column ?? 1}: ` : "";
  return `${where}${d?.code ?? "?"}: ${d?.message ?? ""}`;
}

function errorMessage(err) {
  if (err instanceof Error) return err.message;
  return String(err);
}

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const str = (v) => (typeof v === "string" && v.length > 0 && v.length <= 4096 ? v : null);
const num = (v) => (Number.isFinite(v) ? v : null);

/** A clean stored entry, or null when `e` is malformed (dropped on load). */
export function cleanEntry(e) {
  if (!isObject(e)) return null;
  const key = str(e.key);
  if (key === null || !SOURCES.includes(e.source) || !MODES.includes(e.mode)) return null;
  const url = str(e.url);
  if (e.source !== "user-file" && !isHttpsUrl(url)) return null;
  return {
    key,
    id: str(e.id),
    source: e.source,
    url: e.source === "user-file" ? null : url,
    signature_url: isHttpsUrl(e.signature_url) ? e.signature_url : null,
    mode: e.mode,
    enabled: e.enabled !== false,
    title: str(e.title),
    publisher: str(e.publisher),
    version: str(e.version),
    expires: str(e.expires),
    valid_until: str(e.valid_until),
    key_id: str(e.key_id),
    replaces_builtin: e.replaces_builtin === true,
    file_name: str(e.file_name),
    rev: Number.isInteger(e.rev) ? e.rev : 0,
    installed_at: num(e.installed_at),
    last_check: num(e.last_check),
    last_error: typeof e.last_error === "string" ? e.last_error.slice(0, 2000) : null,
    next_check: num(e.next_check),
    failures: Number.isInteger(e.failures) && e.failures >= 0 ? e.failures : 0,
  };
}

/** The `{pack, diagnostics}` a failed `new Scanner` throws, or null. */
function compileFailure(err) {
  try {
    const parsed = JSON.parse(errorMessage(err));
    if (isObject(parsed) && Number.isInteger(parsed.pack) && Array.isArray(parsed.diagnostics)) return parsed;
  } catch {
    // not ours
  }
  return null;
}

function compileMessage(diagnostics) {
  const errors = diagnostics.filter((d) => d?.severity === "error");
  const first = errors[0] ?? diagnostics[0];
  return `does not compile with the other packs: ${errors.length} error(s)${first ? `; first: ${formatDiagnostic(first)}` : ""}`;
}

// -------------------------------------------------------------------------------------------------

/**
 * The registry over a storage area (`storage.local`). `wasm` = {Scanner, checkPackUpdate,
 * publicKeyId, lintPack} from the initialised module; `fetch` the platform fetch; `clock()` ms.
 */
export function createPackRegistry({ storage, wasm, fetch: fetchFn, clock = () => Date.now(), random = Math.random }) {
  /** {packs: entry[], userKeys: [{key, key_id, added_at}]} once loaded. */
  let doc = null;
  let loading = null;
  /** Entry key → last good text. */
  const texts = new Map();
  let policy = effectivePolicy({});
  let policyInfo = { policy: {}, problems: [], source: "none", error: null };
  /** The engine in use: {scanner, fingerprint, generation}. */
  let current = null;
  let generation = 0;
  /** Fingerprints of sets that failed to compile while an engine was running (not retried). */
  const failedSets = new Set();
  /** Entry key → rev left out of the engine because it did not compile (fresh worker). */
  const excluded = new Map();
  /** Entry key → in-flight check. */
  const inflight = new Map();
  /** Digests of pack sets that passed full validation (see compile). */
  const validated = new Set();
  let tail = Promise.resolve();

  function enqueue(task) {
    const run = tail.then(task);
    tail = run.catch(() => {});
    return run;
  }

  function load() {
    if (doc) return Promise.resolve();
    loading ??= (async () => {
      const got = await storage.get([REGISTRY_KEY, VALIDATED_KEY]);
      for (const d of Array.isArray(got?.[VALIDATED_KEY]) ? got[VALIDATED_KEY] : []) {
        if (typeof d === "string" && /^[0-9a-f]{64}$/.test(d)) validated.add(d);
      }
      const raw = got?.[REGISTRY_KEY];
      const packs = [];
      const userKeys = [];
      if (isObject(raw) && raw.version === FORMAT_VERSION) {
        const seen = new Set();
        for (const e of Array.isArray(raw.packs) ? raw.packs : []) {
          const clean = cleanEntry(e);
          if (clean && !seen.has(clean.key)) {
            seen.add(clean.key);
            packs.push(clean);
          }
        }
        for (const k of Array.isArray(raw.userKeys) ? raw.userKeys : []) {
          if (isObject(k) && typeof k.key === "string" && typeof k.key_id === "string" && !userKeys.some((u) => u.key_id === k.key_id)) {
            userKeys.push({ key: k.key, key_id: k.key_id, added_at: num(k.added_at) });
          }
        }
      }
      const textKeys = packs.filter((e) => e.version !== null).map((e) => TEXT_PREFIX + e.key);
      const stored = textKeys.length ? await storage.get(textKeys) : {};
      for (const e of packs) {
        const t = stored?.[TEXT_PREFIX + e.key];
        if (typeof t === "string" && e.version !== null) texts.set(e.key, t);
        else e.version = null; // no copy: not installed
      }
      if (!doc) doc = { packs, userKeys };
    })().finally(() => {
      loading = null;
    });
    return loading;
  }

  const find = (key) => doc.packs.find((e) => e.key === key) ?? null;
  const isUser = (e) => e.source === "user-url" || e.source === "user-file";

  function serialise() {
    return { version: FORMAT_VERSION, packs: doc.packs.map((e) => ({ ...e })), userKeys: doc.userKeys.map((k) => ({ ...k })) };
  }

  /** Writes the registry (and `extra` keys) in one storage call. */
  async function save(extra = {}) {
    await storage.set({ [REGISTRY_KEY]: serialise(), ...extra });
  }

  // --- trust ----------------------------------------------------------------------------------

  /** key id → {key, source: "policy" | "user"} for the keys trusted now. */
  function trustedKeys() {
    const out = new Map();
    for (const k of policy.trustedKeys) {
      const id = wasm.publicKeyId(k);
      if (id && !out.has(id)) out.set(id, { key: k, source: "policy" });
    }
    if (policy.allowUserKeys) for (const k of doc.userKeys) if (!out.has(k.key_id)) out.set(k.key_id, { key: k.key, source: "user" });
    return out;
  }

  // --- the active set -------------------------------------------------------------------------

  function enabledNow(e) {
    if (e.source === "policy" && e.mode === "enforced") return true;
    return e.enabled;
  }

  /**
   * Each entry with its status: "active", or why it is not in the engine ("not_installed",
   * "blocked", "disabled", "untrusted_key", "expired", "duplicate", "compile_error").
   * `override` = {key, text, rev, meta?, entry?} pretends a copy is installed and switched on (a
   * trial); `entry` is the new entry when the registry does not hold it yet.
   */
  function statuses(override = null, now = clock()) {
    const today = utcDay(now);
    const trusted = trustedKeys();
    const activeIds = new Map();
    // A trial of a pack not in the registry yet (a first local import) goes last, where it will be.
    const list = override?.entry && !doc.packs.some((e) => e.key === override.key) ? [...doc.packs, override.entry] : doc.packs;
    return list.map((e0) => {
      let e = e0;
      const trial = override?.key === e.key;
      if (trial) e = { ...e, ...(override.meta ?? {}), rev: override.rev, enabled: true };
      const has = trial || (texts.has(e.key) && e.version !== null);
      let status = "active";
      let detail = null;
      if (!has) status = "not_installed";
      else if (isUser(e) && !policy.allowUserPacks) status = "blocked";
      else if (!trial && !enabledNow(e)) status = "disabled";
      else if (e.source !== "user-file" && !trusted.has(e.key_id)) status = "untrusted_key";
      else if (e.valid_until && today > e.valid_until) {
        status = "expired";
        detail = e.valid_until;
      } else if (e.id && activeIds.has(e.id)) {
        status = "duplicate";
        detail = activeIds.get(e.id);
      } else if (!trial && excluded.get(e.key) === e.rev) status = "compile_error";
      if (status === "active" && e.id) activeIds.set(e.id, e.url ?? e.file_name ?? e.key);
      return { entry: e, status, detail, text: trial ? override.text : texts.get(e.key) };
    });
  }

  function desiredSet(override = null) {
    const items = statuses(override).filter((s) => s.status === "active").map((s) => ({ key: s.entry.key, rev: s.entry.rev, text: s.text }));
    const disabledRules = [...policy.disabledRules].sort();
    const fingerprint = JSON.stringify([items.map((i) => [i.key, i.rev]), disabledRules]);
    return { items, disabledRules, fingerprint };
  }

  /** Compiles a set: {scanner} or {failed: {key | null, diagnostics, message}}. */
  /**
   * The compiled-form cache: a pack set that compiled once (same engine version, same texts,
   * same disabled rules: `validationDigest`, a SHA-256 over all three) is re-opened with
   * `Scanner.fromValidated`, which skips building its regexes until a rule first needs one — the
   * worker's wake-up no longer pays for every team rule. Any change gives a new digest and a full
   * validation. The last MAX_VALIDATED digests are kept in storage.local.
   */
  function rememberValidated(digest) {
    if (validated.has(digest)) return;
    validated.add(digest);
    while (validated.size > MAX_VALIDATED) validated.delete(validated.values().next().value);
    storage.set({ [VALIDATED_KEY]: [...validated] }).catch(() => {}); // a cache: losing it costs time only
  }

  function compile(set) {
    const packTexts = set.items.map((i) => i.text);
    let digest = null;
    try {
      digest = wasm.validationDigest ? wasm.validationDigest(packTexts, set.disabledRules) : null;
    } catch {
      digest = null;
    }
    try {
      if (digest !== null && validated.has(digest) && wasm.Scanner.fromValidated) {
        return { scanner: wasm.Scanner.fromValidated(packTexts, set.disabledRules, digest), cached: true };
      }
      const scanner = new wasm.Scanner(packTexts, set.disabledRules);
      if (digest !== null) rememberValidated(digest);
      return { scanner };
    } catch (err) {
      const f = compileFailure(err);
      if (f) return { failed: { key: set.items[f.pack]?.key ?? null, diagnostics: f.diagnostics, message: compileMessage(f.diagnostics) } };
      return { failed: { key: null, diagnostics: [], message: errorMessage(err) } };
    }
  }

  function freeLater(scanner) {
    // Scans use the scanner synchronously right after obtaining it; a timer runs after them.
    setTimeout(() => {
      try {
        scanner.free();
      } catch {
        // already freed
      }
    }, 0);
  }

  function swap(scanner, fingerprint) {
    const old = current?.scanner;
    generation += 1;
    current = { scanner, fingerprint, generation };
    failedSets.clear();
    if (old && old !== scanner) freeLater(old);
  }

  /** Records a compile failure on its entry (persisted on the queue; never throws). */
  function noteCompileError(key, message) {
    enqueue(async () => {
      const e = find(key);
      if (!e) return;
      e.last_error = message;
      await save();
    }).catch(() => {});
  }

  /** The engine for the current set, compiled only when the set changed. */
  async function engine() {
    await load();
    for (;;) {
      const set = desiredSet();
      if (current && (current.fingerprint === set.fingerprint || failedSets.has(set.fingerprint))) return current;
      const result = compile(set);
      if (result.scanner) {
        swap(result.scanner, set.fingerprint);
        return current;
      }
      const { key, message } = result.failed;
      if (key !== null) noteCompileError(key, message);
      if (current) {
        // Keep the working engine; this set is not tried again until something changes.
        failedSets.add(set.fingerprint);
        return current;
      }
      if (key === null) throw new Error(`the built-in packs do not compile: ${message}`);
      excluded.set(key, find(key)?.rev);
    }
  }

  /**
   * Trial-compiles the set with `override` and, when that entry will be active, returns the
   * scanner to swap in; `commit()` then swaps it. {failed} on a compile error.
   */
  function trial(override) {
    const set = desiredSet(override);
    const result = compile(set);
    if (!result.scanner) return { failed: result.failed };
    return {
      commit() {
        // The set as it is now (after the caller stored the change): swap only if it is the one
        // compiled, otherwise the next engine() compiles the right one.
        excluded.delete(override.key);
        if (desiredSet().fingerprint === set.fingerprint) swap(result.scanner, set.fingerprint);
        else freeLater(result.scanner);
      },
      discard() {
        freeLater(result.scanner);
      },
    };
  }

  /** The metadata of the packs in the engine that no active entry provides: the built-in ones. */
  function builtinMetas() {
    if (!current) return [];
    const installed = new Set(statuses().filter((s) => s.status === "active").map((s) => s.entry.id));
    let metas = [];
    try {
      metas = current.scanner.packs();
    } catch {
      metas = [];
    }
    return metas.filter((m) => m && !installed.has(m.id));
  }

  // --- downloads ------------------------------------------------------------------------------

  /**
   * The body, read chunk by chunk and abandoned as soon as it passes `limit`: a host that sends
   * no Content-Length (or a false one) cannot make us hold a 50 MB pack in memory.
   */
  async function readBounded(res, limit, url) {
    const reader = res.body?.getReader?.();
    if (!reader) {
      const whole = new Uint8Array(await res.arrayBuffer());
      if (whole.length > limit) throw new Error(`${url}: larger than ${limit} bytes`);
      return whole;
    }
    const chunks = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > limit) {
        reader.cancel().catch(() => {});
        throw new Error(`${url}: larger than ${limit} bytes`);
      }
      chunks.push(value);
    }
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      bytes.set(c, at);
      at += c.length;
    }
    return bytes;
  }

  async function download(url, { optional, limit }) {
    const ctrl = typeof AbortController === "function" ? new AbortController() : null;
    const timer = ctrl ? setTimeout(() => ctrl.abort(), FETCH_TIMEOUT_MS) : 0;
    try {
      let res;
      try {
        // No cookies or credentials; the host must answer with Access-Control-Allow-Origin.
        res = await fetchFn(url, { credentials: "omit", cache: "no-store", redirect: "follow", signal: ctrl?.signal });
      } catch (err) {
        if (err?.name === "AbortError") throw new Error(`${url}: no answer within ${FETCH_TIMEOUT_MS / 1000} s`);
        throw new Error(`${url}: ${errorMessage(err)} (network error, or the host does not send Access-Control-Allow-Origin)`);
      }
      if (optional && (res.status === 404 || res.status === 410)) return null;
      if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
      if (typeof res.url === "string" && res.url && !res.url.startsWith("https:")) throw new Error(`${url}: redirected to a non-https address`);
      const length = Number(res.headers?.get?.("content-length"));
      if (Number.isFinite(length) && length > limit) throw new Error(`${url}: larger than ${limit} bytes`);
      const bytes = await readBounded(res, limit, url);
      try {
        // Exactly the bytes that were signed: a byte-order mark is kept, invalid UTF-8 refused.
        return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
      } catch {
        throw new Error(`${url}: not UTF-8 text`);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  // --- checks ---------------------------------------------------------------------------------

  /**
   * The version a first copy of pack `id` must not be lower than: a built-in pack's, if any.
   * Needs an engine (callers await engine() first).
   */
  function builtinVersion(id) {
    return builtinMetas().find((m) => m.id === id)?.version ?? null;
  }

  /** Applies a downloaded pack to the entry (on the queue). Resolves to the outcome. */
  async function applyDownload(key, url, fetched) {
    await engine(); // the built-in packs' ids and versions come from it
    const e = find(key);
    if (!e || e.url !== url) return { ok: false, message: "the subscription changed during the check" };
    const now = clock();
    const finish = async (outcome) => {
      Object.assign(e, recordCheck(e, outcome, { now, random }));
      try {
        await save();
      } catch (err) {
        return { ok: false, message: `the result could not be saved: ${errorMessage(err)}` };
      }
      return outcome;
    };
    if (fetched.error) return finish({ ok: false, message: `download failed: ${fetched.error}` });

    const keys = [...trustedKeys().values()].map((k) => k.key);
    const r = wasm.checkPackUpdate(fetched.text, fetched.signature, keys, e.version, e.id, utcDay(now), true);
    if (!r?.ok) return finish({ ok: false, message: `refused: ${r?.message ?? "unknown reason"}`, refusal: r?.refusal ?? null });
    const meta = r.meta;
    if (r.unchanged && texts.has(e.key)) return finish({ ok: true, unchanged: true, version: e.version });

    // Another entry already provides this pack id: policy packs take precedence over the user's.
    const clash = doc.packs.find((o) => o.key !== e.key && o.id === meta.id && o.version !== null);
    if (clash && (clash.source === "policy" || isUser(e))) {
      return finish({ ok: false, message: `refused: pack "${meta.id}" is already installed from ${clash.url ?? clash.file_name ?? "a local file"}` });
    }
    let replacesBuiltin = e.replaces_builtin;
    if (e.version === null) {
      const builtin = builtinVersion(meta.id);
      if (builtin !== null) {
        if (compareVersions(meta.version, builtin) < 0) {
          return finish({ ok: false, message: `refused: version ${meta.version} is lower than the built-in ${builtin}`, refusal: { reason: "downgrade" } });
        }
        replacesBuiltin = true;
      }
    }
    const info = {
      id: meta.id, title: meta.title, publisher: meta.publisher, version: meta.version, expires: meta.expires ?? null,
      valid_until: meta.valid_until ?? null, key_id: r.key_id ?? null, replaces_builtin: replacesBuiltin,
    };
    const t = trial({ key: e.key, text: fetched.text, rev: e.rev + 1, meta: info });
    if (t.failed) return finish({ ok: false, message: `refused: ${t.failed.message}`, diagnostics: t.failed.diagnostics });

    const previous = { ...e };
    Object.assign(e, info, { rev: e.rev + 1, installed_at: e.installed_at ?? now });
    Object.assign(e, recordCheck(e, { ok: true }, { now, random }));
    try {
      await save({ [TEXT_PREFIX + e.key]: fetched.text });
    } catch (err) {
      Object.assign(e, previous);
      t.discard();
      return finish({ ok: false, message: `the new copy could not be saved: ${errorMessage(err)}` });
    }
    texts.set(e.key, fetched.text);
    t.commit();
    return { ok: true, installed: true, version: meta.version, previous: previous.version };
  }

  /** Downloads and applies one subscription. Concurrent checks of one entry share one run. */
  async function check(key) {
    await load();
    if (inflight.has(key)) return inflight.get(key);
    const e = find(key);
    if (!e || !e.url) throw new Error("no such subscription");
    if (isUser(e) && !policy.allowUserPacks) throw new Error("your organisation's policy does not allow your own rule packs");
    const url = e.url;
    const run = (async () => {
      const fetched = {};
      try {
        const [text, signature] = await Promise.all([
          download(url, { optional: false, limit: MAX_PACK_BYTES }),
          download(signatureUrl(e), { optional: true, limit: MAX_SIGNATURE_BYTES }),
        ]);
        fetched.text = text;
        fetched.signature = signature;
      } catch (err) {
        fetched.error = errorMessage(err);
      }
      return enqueue(() => applyDownload(key, url, fetched));
    })().finally(() => inflight.delete(key));
    inflight.set(key, run);
    return run;
  }

  /** Checks the subscriptions selected by `pick(entry, now)`, one after the other. */
  async function checkWhere(pick) {
    await load();
    const now = clock();
    // Packs the policy blocks are not fetched at all.
    const keys = doc.packs.filter((e) => e.url && !(isUser(e) && !policy.allowUserPacks) && pick(e, now)).map((e) => e.key);
    const results = {};
    for (const key of keys) {
      try {
        results[key] = await check(key);
      } catch (err) {
        results[key] = { ok: false, message: errorMessage(err) };
      }
    }
    return results;
  }

  // --- policy ---------------------------------------------------------------------------------

  /**
   * Applies a policy read by policy.js's loadPolicy: policy subscriptions are added, updated
   * (mode, signature URL) or removed; a user subscription to a URL the policy now lists becomes
   * the policy's. Resolves once stored.
   */
  function setPolicy(loaded) {
    return enqueue(async () => {
      await load();
      policyInfo = {
        policy: loaded?.policy ?? {},
        problems: Array.isArray(loaded?.problems) ? loaded.problems : [],
        source: loaded?.source ?? "none",
        error: loaded?.error ?? null,
      };
      policy = effectivePolicy(policyInfo.policy);
      const before = JSON.stringify(serialise());
      const wanted = new Map(policy.packs.map((p) => [`url:${p.url}`, p]));
      const removed = [];
      const kept = [];
      for (const e of doc.packs) {
        if (e.source === "policy" && !wanted.has(e.key)) removed.push(e);
        else kept.push(e);
      }
      const policyEntries = [];
      for (const [key, p] of wanted) {
        let e = kept.find((x) => x.key === key);
        if (e) {
          e.source = "policy";
          e.mode = p.mode;
          e.signature_url = p.signature_url;
        } else {
          e = cleanEntry({ key, source: "policy", url: p.url, signature_url: p.signature_url, mode: p.mode, enabled: true });
        }
        policyEntries.push(e);
      }
      doc.packs = [...policyEntries, ...kept.filter((e) => !wanted.has(e.key))];
      for (const e of removed) {
        texts.delete(e.key);
        excluded.delete(e.key);
      }
      if (JSON.stringify(serialise()) !== before) {
        await save();
        if (removed.length) await storage.remove(removed.map((e) => TEXT_PREFIX + e.key));
      }
    });
  }

  // --- user actions -----------------------------------------------------------------------------

  function refuseUserPacks() {
    if (!policy.allowUserPacks) throw new Error("your organisation's policy does not allow adding rule packs");
  }

  async function subscribe(url, signatureUrlValue = null) {
    await load();
    if (!isHttpsUrl(url)) throw new Error("the pack address must be an https URL");
    if (signatureUrlValue !== null && !isHttpsUrl(signatureUrlValue)) throw new Error("the signature address must be an https URL");
    const key = `url:${url}`;
    await enqueue(async () => {
      refuseUserPacks();
      if (find(key)) throw new Error("this pack address is already subscribed");
      if (doc.packs.filter(isUser).length >= MAX_USER_PACKS) throw new Error(`at most ${MAX_USER_PACKS} packs can be added`);
      doc.packs.push(cleanEntry({ key, source: "user-url", mode: "user", url, signature_url: signatureUrlValue, enabled: true }));
      await save();
    });
    return { key, outcome: await check(key) };
  }

  /**
   * Installs a local pack file, unsigned. {installed: true, key, warnings} or {installed: false,
   * message, diagnostics}: lint errors and compile errors come back as diagnostics.
   */
  async function importFile(text, fileName = null) {
    await load();
    if (typeof text !== "string") throw new Error("the file is not text");
    return enqueue(async () => {
      refuseUserPacks();
      await engine(); // the built-in packs' ids come from it
      if (text.length > MAX_PACK_BYTES) return { installed: false, message: `the file is larger than ${MAX_PACK_BYTES} bytes`, diagnostics: [] };
      const diagnostics = wasm.lintPack(text) ?? [];
      const errors = diagnostics.filter((d) => d.severity === "error");
      if (errors.length) return { installed: false, message: `the pack has ${errors.length} error(s)`, diagnostics };
      const now = clock();
      const r = wasm.checkPackUpdate(text, null, [], null, null, utcDay(now), false);
      if (!r?.ok) return { installed: false, message: r?.message ?? "refused", diagnostics: r?.refusal?.diagnostics ?? [] };
      const meta = r.meta;
      const key = `file:${meta.id}`;
      const clash = doc.packs.find((o) => o.key !== key && o.id === meta.id);
      if (clash) return { installed: false, message: `pack "${meta.id}" is already installed from ${clash.url ?? "a local file"}`, diagnostics: [] };
      if (builtinVersion(meta.id) !== null) {
        return { installed: false, message: `pack "${meta.id}" is a built-in pack; a local file cannot replace it`, diagnostics: [] };
      }
      let e = find(key);
      if (!e && doc.packs.filter(isUser).length >= MAX_USER_PACKS) {
        return { installed: false, message: `at most ${MAX_USER_PACKS} packs can be added`, diagnostics: [] };
      }
      const info = {
        id: meta.id, title: meta.title, publisher: meta.publisher, version: meta.version, expires: meta.expires ?? null,
        valid_until: meta.valid_until ?? null, key_id: null, file_name: typeof fileName === "string" ? fileName.slice(0, 300) : null,
      };
      const created = !e;
      e ??= cleanEntry({ key, source: "user-file", mode: "user", enabled: true });
      const t = trial({ key, text, rev: e.rev + 1, meta: info, entry: e });
      if (t.failed) return { installed: false, message: t.failed.message, diagnostics: t.failed.diagnostics };
      const previous = { ...e };
      Object.assign(e, info, { rev: e.rev + 1, enabled: true, installed_at: now, last_check: now, last_error: null });
      if (created) doc.packs.push(e);
      try {
        await save({ [TEXT_PREFIX + key]: text });
      } catch (err) {
        if (created) doc.packs = doc.packs.filter((x) => x !== e);
        else Object.assign(e, previous);
        t.discard();
        return { installed: false, message: `the pack could not be saved: ${errorMessage(err)}`, diagnostics: [] };
      }
      texts.set(key, text);
      t.commit();
      return { installed: true, key, version: meta.version, warnings: diagnostics };
    });
  }

  async function setEnabled(key, enabled) {
    await load();
    return enqueue(async () => {
      const e = find(key);
      if (!e) throw new Error("no such pack");
      if (e.source === "policy" && e.mode === "enforced") throw new Error("this pack is required by your organisation's policy");
      if (isUser(e) && !policy.allowUserPacks) throw new Error("your organisation's policy does not allow your own rule packs");
      if (e.enabled === enabled) return;
      let t = null;
      if (enabled && texts.has(key) && e.version !== null) {
        t = trial({ key, text: texts.get(key), rev: e.rev });
        if (t.failed) {
          e.last_error = t.failed.message;
          await save();
          throw new Error(t.failed.message);
        }
      }
      e.enabled = enabled;
      try {
        await save();
      } catch (err) {
        e.enabled = !enabled;
        t?.discard();
        throw err;
      }
      t?.commit();
    });
  }

  async function remove(key) {
    await load();
    return enqueue(async () => {
      const e = find(key);
      if (!e) throw new Error("no such pack");
      if (!isUser(e)) throw new Error("packs set by your organisation's policy cannot be removed");
      doc.packs = doc.packs.filter((x) => x !== e);
      try {
        await save();
      } catch (err) {
        doc.packs.push(e);
        throw err;
      }
      texts.delete(key);
      excluded.delete(key);
      await storage.remove(TEXT_PREFIX + key).catch(() => {});
    });
  }

  async function addKey(text) {
    await load();
    return enqueue(async () => {
      if (!policy.allowUserKeys) throw new Error("your organisation's policy does not allow trusting more keys");
      const line = keyLine(text);
      const id = line ? wasm.publicKeyId(line) : undefined;
      if (!id) throw new Error("not a minisign public key (paste the .pub file or its second line)");
      const existing = trustedKeys().get(id);
      if (existing || doc.userKeys.some((k) => k.key_id === id)) {
        throw new Error(existing?.source === "policy" ? `key ${id} is already trusted by your organisation's policy` : `key ${id} is already trusted`);
      }
      if (doc.userKeys.length >= MAX_USER_KEYS) throw new Error(`at most ${MAX_USER_KEYS} keys can be added`);
      doc.userKeys.push({ key: line, key_id: id, added_at: clock() });
      try {
        await save();
      } catch (err) {
        doc.userKeys.pop();
        throw err;
      }
      return id;
    });
  }

  async function removeKey(keyId) {
    await load();
    return enqueue(async () => {
      const i = doc.userKeys.findIndex((k) => k.key_id === keyId);
      if (i < 0) {
        if (trustedKeys().get(keyId)?.source === "policy") throw new Error("keys trusted by your organisation's policy cannot be removed");
        throw new Error("no such key");
      }
      const [k] = doc.userKeys.splice(i, 1);
      try {
        await save();
      } catch (err) {
        doc.userKeys.splice(i, 0, k);
        throw err;
      }
    });
  }

  // --- views ----------------------------------------------------------------------------------

  /** What the options page shows. */
  async function view() {
    const eng = await engine();
    const now = clock();
    const trusted = trustedKeys();
    const builtins = builtinMetas().map((m) => ({
      key: `builtin:${m.id}`, id: m.id, title: m.title, publisher: m.publisher, version: m.version, source: "builtin",
      mode: "enforced", enabled: true, status: "active", detail: null, key_id: null, url: null, last_check: null,
      last_error: null, next_check: null, can_toggle: false, can_remove: false, can_check: false, unsigned: false,
    }));
    const installed = statuses(null, now).map(({ entry: e, status, detail }) => ({
      key: e.key, id: e.id, title: e.title, publisher: e.publisher, version: e.version, source: e.source, mode: e.mode,
      enabled: enabledNow(e), status, detail, key_id: e.key_id, url: e.url, signature_url: e.url ? signatureUrl(e) : null,
      file_name: e.file_name, replaces_builtin: e.replaces_builtin, valid_until: e.valid_until,
      last_check: e.last_check, last_error: e.last_error, next_check: e.next_check,
      can_toggle: !(e.source === "policy" && e.mode === "enforced") && !(isUser(e) && !policy.allowUserPacks),
      can_remove: isUser(e),
      can_check: e.url !== null && !(isUser(e) && !policy.allowUserPacks),
      unsigned: e.source === "user-file",
    }));
    const keys = [];
    for (const k of policy.trustedKeys) {
      const id = wasm.publicKeyId(k);
      if (id && !keys.some((x) => x.key_id === id)) keys.push({ key_id: id, key: k, source: "policy", removable: false, active: true });
    }
    for (const k of doc.userKeys) {
      if (keys.some((x) => x.key_id === k.key_id)) continue;
      keys.push({ key_id: k.key_id, key: k.key, source: "user", removable: true, active: policy.allowUserKeys && trusted.has(k.key_id) });
    }
    let rules = null;
    try {
      rules = eng.scanner.ruleCount();
    } catch {
      rules = null;
    }
    return {
      packs: [...builtins, ...installed],
      keys,
      policy: { ...policyInfo, effective: policy },
      allowUserPacks: policy.allowUserPacks,
      allowUserKeys: policy.allowUserKeys,
      engine: { rules },
    };
  }

  return {
    load,
    engine,
    view,
    setPolicy,
    /** The effective policy (defaults filled in). */
    policy: () => policy,
    check,
    /** Every subscription that is due (or was never checked). */
    checkDue: () => checkWhere((e, now) => e.last_check === null || e.next_check === null || e.next_check <= now),
    /** Every subscription not checked in the last minute (start-up, install). */
    checkAll: () => checkWhere((e, now) => e.last_check === null || now - e.last_check > 60_000),
    /** The earliest next check among subscriptions, or null. */
    async nextCheck() {
      await load();
      const times = doc.packs.filter((e) => e.url && !(isUser(e) && !policy.allowUserPacks)).map((e) => e.next_check ?? clock());
      return times.length ? Math.min(...times) : null;
    },
    subscribe,
    importFile,
    setEnabled,
    remove,
    addKey,
    removeKey,
  };
}

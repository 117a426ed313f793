// Candor enterprise policy: reads the managed storage area defensively (issue #5).
//
// The contract is extension/managed_schema.json and docs/rule-packs.md §6. Chrome and Edge deliver
// the values through `storage.managed` (Admin console, Group Policy, Linux policy files), already
// filtered against the schema; Firefox delivers the same keys from policies.json
// (`3rdparty.Extensions`) without checking them. Either way every key is validated here on its
// own: a key of the wrong type is ignored, a list keeps its valid entries, and the reason is kept
// (`problems`) for the options page. Nothing here throws: a missing or malformed policy never
// stops scanning.
//
// The last good policy is cached in storage.local (`policyCache`) and used when the managed area
// is unavailable (API absent, a read that throws, a value that is not an object). An area that
// answers with an object — even an empty one — is authoritative, and so is Firefox's "Managed
// storage manifest not found", which means no policy is set for the extension.
//
// This module has no browser globals at import time, so Node tests can load it.

import { checkThresholds, MAX_VERIFICATION_DAYS } from "./settings.js";

export const POLICY_CACHE_KEY = "policyCache";
export const MAX_RETENTION_DAYS = 3650;
/** Most policy pack subscriptions, trusted keys, disabled rules and sites taken (each). */
export const MAX_POLICY_ITEMS = 200;
/** Longest string taken from a policy value. */
const MAX_STRING = 2048;
/** How long a managed-area read may take before the cache is used instead. */
const READ_TIMEOUT_MS = 5000;

export const POLICY_KEYS = [
  "packs", "trustedKeys", "disabledRules", "allowUserPacks", "allowUserKeys", "disabledSites", "personaRetentionDays",
  "thresholds", "verificationRetentionDays",
];

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const shortString = (v) => typeof v === "string" && v.trim().length > 0 && v.length <= MAX_STRING;

/** True when `s` is an absolute https URL with a host. */
export function isHttpsUrl(s) {
  if (typeof s !== "string" || s.length > MAX_STRING) return false;
  try {
    const u = new URL(s);
    return u.protocol === "https:" && u.hostname.length > 0 && u.username === "" && u.password === "";
  } catch {
    return false;
  }
}

/** Validates one list-valued key: keeps the entries `clean` accepts, reports the others. */
function list(value, key, problems, clean) {
  if (!Array.isArray(value)) {
    problems.push({ key, message: `${key} must be a list; ignored` });
    return undefined;
  }
  const out = [];
  const seen = new Set();
  value.forEach((item, i) => {
    const result = clean(item);
    if (typeof result === "string" && result.startsWith("!")) {
      problems.push({ key, message: `${key}[${i}]: ${result.slice(1)}; ignored` });
      return;
    }
    const id = typeof result === "string" ? result : JSON.stringify(result);
    if (seen.has(id)) return;
    seen.add(id);
    if (out.length < MAX_POLICY_ITEMS) out.push(result);
    else if (out.length === MAX_POLICY_ITEMS) problems.push({ key, message: `${key}: more than ${MAX_POLICY_ITEMS} entries; the rest are ignored` });
  });
  return out;
}

/**
 * Validates a raw managed-policy object. Returns {policy, problems}: `policy` holds only the keys
 * that were set and valid (entries of lists that were invalid are dropped), `problems` one
 * `{key, message}` per thing ignored. `keyId(text)` (the wasm `publicKeyId`) checks trusted keys
 * when given; without it a key only has to be a string.
 */
export function validatePolicy(raw, { keyId = null } = {}) {
  const policy = {};
  const problems = [];
  if (!isObject(raw)) {
    if (raw !== undefined && raw !== null) problems.push({ key: "", message: "the policy is not an object; ignored" });
    return { policy, problems };
  }
  for (const key of Object.keys(raw)) {
    if (!POLICY_KEYS.includes(key)) problems.push({ key, message: `unknown policy key ${key}; ignored` });
  }
  const has = (k) => Object.hasOwn(raw, k) && raw[k] !== undefined && raw[k] !== null;

  if (has("packs")) {
    const packs = list(raw.packs, "packs", problems, (p) => {
      if (!isObject(p)) return "!not an object";
      if (!isHttpsUrl(p.url)) return "!url must be an https URL";
      if (p.signature_url !== undefined && p.signature_url !== null && !isHttpsUrl(p.signature_url)) {
        return "!signature_url must be an https URL";
      }
      const mode = p.mode ?? "default";
      if (mode !== "enforced" && mode !== "default") return '!mode must be "enforced" or "default"';
      return { url: p.url, signature_url: p.signature_url ?? null, mode };
    });
    if (packs) {
      // One subscription per URL: the first entry wins.
      const byUrl = new Map();
      for (const p of packs) if (!byUrl.has(p.url)) byUrl.set(p.url, p);
      policy.packs = [...byUrl.values()];
    }
  }
  if (has("trustedKeys")) {
    const keys = list(raw.trustedKeys, "trustedKeys", problems, (k) => {
      if (!shortString(k)) return "!not a key";
      const text = k.trim();
      if (keyId !== null && !keyId(text)) return "!not a minisign public key";
      return text;
    });
    if (keys) policy.trustedKeys = keys;
  }
  for (const key of ["disabledRules", "disabledSites"]) {
    if (!has(key)) continue;
    const values = list(raw[key], key, problems, (v) => {
      if (!shortString(v) || v.length > 200) return "!not a non-empty string";
      return key === "disabledSites" ? v.trim().toLowerCase() : v.trim();
    });
    if (values) policy[key] = values;
  }
  for (const key of ["allowUserPacks", "allowUserKeys"]) {
    if (!has(key)) continue;
    if (typeof raw[key] === "boolean") policy[key] = raw[key];
    else problems.push({ key, message: `${key} must be true or false; ignored` });
  }
  if (has("personaRetentionDays")) {
    const v = raw.personaRetentionDays;
    if (Number.isInteger(v) && v >= 0 && v <= MAX_RETENTION_DAYS) policy.personaRetentionDays = v;
    else problems.push({ key: "personaRetentionDays", message: `personaRetentionDays must be a whole number from 0 to ${MAX_RETENTION_DAYS}; ignored` });
  }
  if (has("thresholds")) {
    const ok = checkThresholds(raw.thresholds);
    if (ok === true) policy.thresholds = { medium: raw.thresholds.medium, high: raw.thresholds.high };
    else problems.push({ key: "thresholds", message: `${ok}; ignored` });
  }
  if (has("verificationRetentionDays")) {
    const v = raw.verificationRetentionDays;
    if (Number.isInteger(v) && v >= 1 && v <= MAX_VERIFICATION_DAYS) policy.verificationRetentionDays = v;
    else problems.push({ key: "verificationRetentionDays", message: `verificationRetentionDays must be a whole number from 1 to ${MAX_VERIFICATION_DAYS}; ignored` });
  }
  return { policy, problems };
}

/** The policy with every default filled in: what the extension acts on. */
export function effectivePolicy(policy = {}) {
  return {
    packs: policy.packs ?? [],
    trustedKeys: policy.trustedKeys ?? [],
    disabledRules: policy.disabledRules ?? [],
    allowUserPacks: policy.allowUserPacks ?? true,
    allowUserKeys: policy.allowUserKeys ?? true,
    disabledSites: policy.disabledSites ?? [],
    personaRetentionDays: policy.personaRetentionDays ?? null,
    thresholds: policy.thresholds ?? null,
    verificationRetentionDays: policy.verificationRetentionDays ?? null,
  };
}

function errorMessage(err) {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** `promise`, or a rejection after `ms`. */
function withTimeout(promise, ms) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Firefox's answer when no policies.json entry exists for the extension: no policy is set. */
const NO_POLICY = /managed storage manifest not found/i;

/**
 * Reads the policy. `managed` is `storage.managed` (may be missing), `local` is `storage.local`.
 * Resolves (never rejects) to {policy, problems, source: "managed" | "cache" | "none", error}:
 * `source` is where the policy came from, `error` why the managed area could not be read (then
 * the cache, if any, is used).
 */
export async function loadPolicy({ managed, local, keyId = null, timeoutMs = READ_TIMEOUT_MS }) {
  let raw;
  let error = null;
  try {
    if (!managed || typeof managed.get !== "function") throw new Error("managed storage is not available");
    try {
      raw = await withTimeout(Promise.resolve(managed.get()), timeoutMs);
    } catch (err) {
      if (NO_POLICY.test(errorMessage(err))) raw = {};
      else throw err;
    }
    if (!isObject(raw)) throw new Error("managed storage did not answer with an object");
  } catch (err) {
    error = errorMessage(err);
    raw = undefined;
  }

  let cached = null;
  try {
    cached = (await local.get(POLICY_CACHE_KEY))?.[POLICY_CACHE_KEY] ?? null;
  } catch {
    cached = null;
  }

  if (raw !== undefined) {
    const { policy, problems } = validatePolicy(raw, { keyId });
    const same = isObject(cached) && JSON.stringify([cached.policy, cached.problems]) === JSON.stringify([policy, problems]);
    if (!same) {
      try {
        await local.set({ [POLICY_CACHE_KEY]: { version: 1, policy, problems, saved_at: Date.now() } });
      } catch {
        // A cache that cannot be written only matters if the managed area later fails too.
      }
    }
    return { policy, problems, source: Object.keys(raw).length ? "managed" : "none", error: null };
  }

  // The managed area is unavailable: the last good policy, validated again (storage can be damaged).
  if (isObject(cached) && isObject(cached.policy)) {
    const { policy, problems } = validatePolicy(cached.policy, { keyId });
    const kept = Array.isArray(cached.problems) ? cached.problems.filter((p) => isObject(p) && typeof p.message === "string") : [];
    return { policy, problems: [...kept, ...problems], source: Object.keys(policy).length ? "cache" : "none", error };
  }
  return { policy: {}, problems: [], source: "none", error };
}

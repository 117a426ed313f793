// Candor user settings: validation, defaults, enterprise-policy overrides and storage.
//
// Stored in storage.local under `settings` (one object). What the user may set, each validated
// here before anything is written (`candor/settings/set` applies all keys or none):
//   personaRetentionDays       0..3650, default 90 (persona-store.js owns what it means)
//   uiLanguage                 "auto" | "en" | "de", default "auto" (i18n.js)
//   thresholds                 {medium, high} points, 1 <= medium < high <= 60, default {3, 9}
//                              (the engine's default levels, crate/src/score.rs)
//   disabledSites              host names ("www.example.com" or "*.example.com"), lower case,
//                              at most 500: pages there are not scanned
//   verificationRetentionDays  1..3650, default 365 (the verification log, content side)
// Enterprise policy may set `thresholds`, `verificationRetentionDays` and `personaRetentionDays`:
// then the policy's value is the effective one and the user's is refused. The policy's own
// `disabledSites` is added to the user's when deciding whether a page is scanned.
//
// No browser globals at import time, so Node tests can load it.

import { retentionDays } from "./persona-store.js";
import { LANGUAGES } from "./i18n.js";

export const SETTINGS_KEY = "settings";
export const MAX_DISABLED_SITES = 500;
export const MAX_THRESHOLD = 60;
export const MAX_VERIFICATION_DAYS = 3650;

export const DEFAULTS = Object.freeze({
  personaRetentionDays: 90,
  uiLanguage: "auto",
  thresholds: Object.freeze({ medium: 3, high: 9 }),
  disabledSites: Object.freeze([]),
  verificationRetentionDays: 365,
});

/** The settings policy may enforce, with the policy key that carries each. */
const POLICY_SETTINGS = ["personaRetentionDays", "thresholds", "verificationRetentionDays"];

/** A host entry: lower-case DNS labels, at least two, optionally behind one leading `*.`. */
const HOST_RE = /^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** True when `v` is a host entry disabledSites accepts. */
export function isHostEntry(v) {
  return typeof v === "string" && v.length <= 253 && HOST_RE.test(v);
}

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/** Validates {medium, high}; true or the problem. */
export function checkThresholds(v) {
  if (!isObject(v)) return "thresholds must be an object {medium, high}";
  const extra = Object.keys(v).filter((k) => k !== "medium" && k !== "high");
  if (extra.length) return `thresholds has an unexpected field ${extra[0]}`;
  const { medium, high } = v;
  if (!Number.isInteger(medium) || !Number.isInteger(high)) return "thresholds.medium and thresholds.high must be whole numbers";
  if (medium < 1 || high > MAX_THRESHOLD || medium >= high) {
    return `thresholds must satisfy 1 <= medium < high <= ${MAX_THRESHOLD}`;
  }
  return true;
}

/** Each setting's validator: true, or the problem (a sentence naming the setting). */
export const VALIDATORS = {
  personaRetentionDays: (v) => retentionDays(v) !== null || "personaRetentionDays must be an integer from 0 to 3650",
  uiLanguage: (v) => v === "auto" || LANGUAGES.includes(v) || `uiLanguage must be one of auto, ${LANGUAGES.join(", ")}`,
  thresholds: checkThresholds,
  disabledSites: (v) => {
    if (!Array.isArray(v)) return "disabledSites must be a list of host names";
    if (v.length > MAX_DISABLED_SITES) return `disabledSites holds at most ${MAX_DISABLED_SITES} host names`;
    const bad = v.findIndex((h) => !isHostEntry(h));
    if (bad >= 0) return `disabledSites[${bad}] is not a lower-case host name`;
    if (new Set(v).size !== v.length) return "disabledSites lists a host twice";
    return true;
  },
  verificationRetentionDays: (v) =>
    (Number.isInteger(v) && v >= 1 && v <= MAX_VERIFICATION_DAYS) || `verificationRetentionDays must be an integer from 1 to ${MAX_VERIFICATION_DAYS}`,
};

/**
 * Checks a partial settings object as `candor/settings/set` receives it. Returns null when every
 * key is known and valid, else the first problem.
 */
export function invalidSettingsObject(settings) {
  if (!isObject(settings)) return "settings must be an object";
  const keys = Object.keys(settings);
  if (keys.length === 0) return "settings is empty";
  for (const k of keys) {
    if (!Object.hasOwn(VALIDATORS, k)) return `unknown setting ${k}`;
    const ok = VALIDATORS[k](settings[k]);
    if (ok !== true) return ok;
  }
  return null;
}

/** The keys of `settings` that `policy` (validated, policy.js) enforces. */
export function managedKeys(policy = {}) {
  const out = {};
  for (const k of POLICY_SETTINGS) if (policy[k] !== undefined && policy[k] !== null) out[k] = true;
  return out;
}

/**
 * The settings in effect: the stored ones where valid, else the defaults, with what the policy
 * enforces on top. A damaged stored value falls back to its default rather than failing.
 */
export function effectiveSettings(stored, policy = {}) {
  const own = isObject(stored) ? stored : {};
  const settings = {};
  for (const [k, fallback] of Object.entries(DEFAULTS)) {
    const v = own[k];
    settings[k] = v !== undefined && VALIDATORS[k](v) === true ? structuredClone(v) : structuredClone(fallback);
  }
  for (const k of Object.keys(managedKeys(policy))) settings[k] = structuredClone(policy[k]);
  return settings;
}

/** True when `hostname` is covered by a host entry (`a.b` exactly, `*.b` for b and its subdomains). */
export function hostCovered(entry, hostname) {
  if (!entry.startsWith("*.")) return entry === hostname;
  const domain = entry.slice(2);
  return hostname === domain || hostname.endsWith(`.${domain}`);
}

/**
 * The settings store. `area` is storage.local; `persona` the persona store (its setRetention
 * writes personaRetentionDays and wipes/prunes the memory); `policy()` the validated policy in
 * effect. All writes go through one queue, so two saves never lose each other's keys.
 */
export function createSettingsStore({ area, persona, policy }) {
  let queue = Promise.resolve();
  const enqueue = (fn) => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => {});
    return run;
  };

  async function stored() {
    const got = await area.get(SETTINGS_KEY);
    return isObject(got[SETTINGS_KEY]) ? got[SETTINGS_KEY] : {};
  }

  return {
    /** {settings (effective, defaults filled in), managed: {key: true}} */
    async get() {
      const p = policy();
      return { settings: effectiveSettings(await stored(), p), managed: managedKeys(p) };
    },

    /**
     * Applies `changes` (already validated by invalidSettingsObject): refused as a whole when the
     * policy enforces any of its keys. Resolves to the stored settings after the write.
     */
    set(changes) {
      return enqueue(async () => {
        const managed = managedKeys(policy());
        const enforced = Object.keys(changes).filter((k) => managed[k]);
        if (enforced.length) {
          if (enforced.includes("personaRetentionDays")) {
            throw new Error("persona memory retention is set by your organisation's policy");
          }
          throw new Error(`${enforced.join(", ")} ${enforced.length > 1 ? "are" : "is"} set by your organisation's policy`);
        }
        const { personaRetentionDays, ...rest } = changes;
        if (Object.keys(rest).length) {
          await area.set({ [SETTINGS_KEY]: { ...(await stored()), ...structuredClone(rest) } });
        }
        // Last: it re-reads the settings just written, and wipes or prunes the memory.
        if (personaRetentionDays !== undefined) return persona.setRetention(personaRetentionDays);
        return stored();
      });
    },
  };
}

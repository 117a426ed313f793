// The latest report of each browser tab, for the popup and the side panel.
//
// The background remembers, per tab id, what the content script's last scan gave:
//   {url, report, verifications, identities, scanned_at}       a scanned page
//   {url, report: null, disabled: true, scanned_at}            Candor is off on that site
// `identities[i]` is the verification-log identity of `report.candidates[i]` ({site, key,
// profile_id?, name?, url, identifiers?}; see candidateIdentity) — computed before the persona
// fingerprints are stripped from the report, so extension pages can save a verification under
// the same key the engine remembers the persona by.
//
// Entries live in memory and in `storage.session` (one key per tab), so a service worker that was
// stopped and restarted still answers; the session area is cleared when the browser closes, and
// tab ids are not reused within a session. A session area that refuses a write (quota) costs
// only the restart case: the in-memory entry still answers, and a warning is logged.
//
// No browser globals at import time, so Node tests can load it.

/** storage.session key prefix of one tab's entry. */
export const TAB_KEY_PREFIX = "tabReport:";

/** The verification log's limits (verification-store.js): longest text, identifiers kept, their shape. */
const MAX_TEXT = 2048;
const MAX_IDENTIFIERS = 64;
const IDENTIFIER_RE = /^[a-z]{1,16}:[0-9a-f]{16,128}$/;

const cut = (s) => s.slice(0, MAX_TEXT);
const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const text = (v) => (typeof v === "string" && v.length > 0 ? v : null);

/**
 * The identity a verification record is saved under for one report candidate (contract of
 * `candor/verification/save`): the persona memory's key when the scan had one, else
 * `${site}:${profile_id}`, else the page URL.
 */
export function candidateIdentity(report, candidate, pageUrl) {
  const site = cut(text(report?.site) ?? "generic");
  const profileId = text(candidate?.profile_id);
  const personaKey = text(candidate?.persona?.key);
  const key = cut(personaKey ?? (profileId ? `${site}:${profileId}` : pageUrl));
  const identity = { site, key };
  if (pageUrl.length <= MAX_TEXT) identity.url = pageUrl;
  if (profileId) identity.profile_id = cut(profileId);
  if (text(candidate?.name)) identity.name = cut(candidate.name);
  const ids = candidate?.persona?.fingerprint?.identifiers;
  if (Array.isArray(ids)) {
    const kept = ids.filter((s) => typeof s === "string" && IDENTIFIER_RE.test(s)).slice(0, MAX_IDENTIFIERS);
    if (kept.length > 0) identity.identifiers = kept;
  }
  return identity;
}

/**
 * `session`: storage.session (or null where there is none); `onChange(tabId)`: called after an
 * entry is stored or dropped (the background broadcasts `candor/tab/updated`).
 */
export function createTabReports({ session, onChange = () => {} }) {
  const entries = new Map();
  const keyOf = (tabId) => `${TAB_KEY_PREFIX}${tabId}`;

  async function persist(tabId, entry) {
    if (!session) return;
    try {
      if (entry === null) await session.remove(keyOf(tabId));
      else await session.set({ [keyOf(tabId)]: entry });
    } catch (err) {
      console.warn(`Candor: cannot keep tab ${tabId}'s report in session storage:`, err?.message ?? err);
    }
  }

  return {
    /** Stores `entry` for `tabId` (replacing the previous one). */
    async put(tabId, entry) {
      if (!Number.isInteger(tabId) || tabId < 0 || !isObject(entry)) return;
      entries.set(tabId, entry);
      await persist(tabId, entry);
      onChange(tabId);
    },

    /** Drops `tabId`'s entry (tab closed, or navigating away: its report no longer applies). */
    async drop(tabId) {
      entries.delete(tabId);
      await persist(tabId, null);
      onChange(tabId);
    },

    /** The entry of `tabId`, or null; after a worker restart it comes from storage.session. */
    async get(tabId) {
      if (entries.has(tabId)) return entries.get(tabId);
      if (!session) return null;
      try {
        const got = await session.get(keyOf(tabId));
        const entry = isObject(got?.[keyOf(tabId)]) ? got[keyOf(tabId)] : null;
        if (entry !== null && !entries.has(tabId)) entries.set(tabId, entry);
        return entries.get(tabId) ?? null;
      } catch {
        return null;
      }
    },
  };
}

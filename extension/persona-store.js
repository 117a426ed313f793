// Candor persona memory: the per-install store of the candidates this browser has seen (issue #4).
//
// storage.local holds two keys:
//   persona  = {version: 1, secret: <64 hex digits>, entries: {[key]: entry}}
//   settings = {personaRetentionDays: 0..3650, ...}   (0 turns memory off; default 90)
// Enterprise policy may impose the retention (`personaRetentionDays`, set by the background with
// setPolicyRetention): it then overrides the user's setting, which is kept but not used, and
// setRetention is refused.
// An entry is what the engine's report gives in `candidates[].persona` plus where it was seen:
//   {key, name, site, url, seen_at, fingerprint: {identifiers: ["email:<hmac>", ...], text: [u32 × 64] | null}}
// Identifiers are keyed hashes (HMAC-SHA-256 under `secret`) and texts MinHash signatures: the
// store never holds a raw e-mail address, phone number or handle. The secret stays in storage
// and in the background's engine: no message returns it and exports omit it, so an exported file
// cannot be used to test guesses against the hashes. The fingerprints themselves are stripped
// from reports before they reach a content script.
//
// Concurrency. The background is the only writer. The in-memory copy (`state`) is the source of
// truth for this worker's lifetime; every change to it is persisted by a write task on a single
// queue (one storage write in flight at a time, later changes coalesced into the next write of the
// whole document), so two scans finishing together can never overwrite each other's entries.
// storage.onChanged from elsewhere (another context, a debugging session) reloads the copy, but
// only once this worker has no unsaved change and no write in flight.
//
// Failure. A failed write (quota) leaves storage as it was, so no existing entry is lost; the
// error is returned to the caller, never thrown, and the write is retried with the next change.

export const PERSONA_KEY = "persona";
export const SETTINGS_KEY = "settings";
export const FORMAT_VERSION = 1;
export const EXPORT_FORMAT = "candor-persona-memory";
export const DEFAULT_RETENTION_DAYS = 90;
export const MAX_RETENTION_DAYS = 3650;
/** Most entries kept; the oldest sightings go first. ~1 KB each, well inside storage.local's 10 MB. */
export const MAX_ENTRIES = 5000;
/** A re-sighting with nothing new only refreshes `seen_at` (and costs a write) after this long. */
export const REFRESH_SECONDS = 3600;

const DAY = 86400;
const SECRET_RE = /^[0-9a-f]{64}$/;
const IDENTIFIER_RE = /^(?:email|phone|handle|photo):[0-9a-f]{32}$/; // the kinds the engine emits (persona.rs)
const MINHASH_SIZE = 64;
const MAX_IDENTIFIERS = 64;
const MAX_TEXT = 2048; // longest name, site, key or URL kept

/** 64 hex digits from the platform's CSPRNG. */
export function newSecret() {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Validates `settings.personaRetentionDays`; null when it is not an integer in 0..3650. */
export function retentionDays(value) {
  return Number.isInteger(value) && value >= 0 && value <= MAX_RETENTION_DAYS ? value : null;
}

/** The page URL as remembered: no query, no fragment (they carry tokens and search terms). */
export function bareUrl(url) {
  try {
    const u = new URL(url);
    u.search = "";
    u.hash = "";
    return u.href;
  } catch {
    return null;
  }
}

const shortString = (v) => (typeof v === "string" && v.length > 0 && v.length <= MAX_TEXT ? v : null);

/** A clean fingerprint, or null when `fp` is malformed. */
function cleanFingerprint(fp) {
  if (fp === null || typeof fp !== "object") return null;
  const ids = Array.isArray(fp.identifiers) ? fp.identifiers : null;
  if (ids === null || !ids.every((i) => typeof i === "string" && IDENTIFIER_RE.test(i))) return null;
  let text = null;
  if (fp.text != null) {
    if (!Array.isArray(fp.text) || fp.text.length !== MINHASH_SIZE) return null;
    if (!fp.text.every((n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff)) return null;
    text = fp.text.slice();
  }
  return { identifiers: [...new Set(ids)].sort().slice(0, MAX_IDENTIFIERS), text };
}

/** A clean stored entry, or null when `e` is malformed (dropped on load). */
function cleanEntry(e) {
  if (e === null || typeof e !== "object") return null;
  const key = shortString(e.key);
  const site = shortString(e.site);
  const fingerprint = cleanFingerprint(e.fingerprint);
  if (key === null || site === null || fingerprint === null) return null;
  if (!Number.isFinite(e.seen_at)) return null;
  return {
    key,
    name: shortString(e.name),
    site,
    url: shortString(e.url),
    seen_at: Math.floor(e.seen_at),
    fingerprint,
  };
}

const canMatch = (fp) => fp.identifiers.length > 0 || fp.text !== null;

const sameList = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const sameText = (a, b) => (a === null || b === null ? a === b : sameList(a, b));

function errorMessage(err) {
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * The persona store over a storage area (`browser.storage.local`). `onChanged` is the
 * `storage.onChanged` event (optional). `clock()` gives Unix seconds.
 */
export function createPersonaStore(area, { onChanged = null, clock = () => Math.floor(Date.now() / 1000) } = {}) {
  /** {secret, entries: Map<key, entry>, retention, persisted} once loaded. */
  let state = null;
  let loading = null;
  /** Bumped whenever what the engine compares against changes (entries, fingerprints, secret). */
  let generation = 0;
  /** The in-memory copy has changes that are not in storage yet. */
  let dirty = false;
  /** A persona write task is queued and has not started: later changes ride on it. */
  let writeQueued = null;
  /** Message of the last failed persona write while changes remain unsaved, else null. */
  let writeError = null;
  /** storage.onChanged reported an outside change while we were busy: re-read once idle. */
  let resyncWanted = false;
  let tail = Promise.resolve();
  let pending = 0;
  /** Retention set by enterprise policy (personaRetentionDays), or null: it overrides the user's. */
  let policyRetention = null;

  /** Runs `task` after every earlier task; the returned promise settles with it. */
  function enqueue(task) {
    pending += 1;
    const run = tail.then(task).finally(() => {
      pending -= 1;
      if (pending === 0 && resyncWanted) resync();
    });
    tail = run.catch(() => {});
    return run;
  }

  function fromStorage(doc, settings) {
    const userRetention = retentionDays(settings?.personaRetentionDays) ?? DEFAULT_RETENTION_DAYS;
    const retention = policyRetention ?? userRetention;
    const entries = new Map();
    let secret = null;
    if (doc && typeof doc === "object" && doc.version === FORMAT_VERSION && SECRET_RE.test(doc.secret ?? "")) {
      secret = doc.secret;
      const list = doc.entries && typeof doc.entries === "object" ? Object.values(doc.entries) : [];
      const clean = list.map(cleanEntry).filter((e) => e !== null && canMatch(e.fingerprint));
      clean.sort((a, b) => a.seen_at - b.seen_at); // Map order = oldest first
      for (const e of clean) entries.set(e.key, e);
    }
    // No document, an unreadable one, or one from another format version: start afresh. Entries
    // are useless without the secret that keyed them.
    const persisted = secret !== null;
    return { secret: secret ?? newSecret(), entries, retention, userRetention, persisted };
  }

  function toStorage() {
    const entries = {};
    for (const [key, e] of state.entries) entries[key] = e;
    return { version: FORMAT_VERSION, secret: state.secret, entries };
  }

  /** Persists the whole document after earlier writes; resolves to the error message or null. */
  function scheduleWrite() {
    dirty = true;
    writeQueued ??= enqueue(async () => {
      writeQueued = null;
      if (!dirty) return writeError;
      dirty = false;
      try {
        await area.set({ [PERSONA_KEY]: toStorage() });
        state.persisted = true;
        writeError = null;
      } catch (err) {
        dirty = true; // still unsaved: the next change (or wipe) writes it again
        writeError = errorMessage(err);
      }
      return writeError;
    });
    return writeQueued;
  }

  /** Drops entries past the retention and the oldest beyond MAX_ENTRIES. True if any went. */
  function prune(now) {
    const before = state.entries.size;
    if (state.retention === 0) {
      state.entries.clear();
    } else {
      const cutoff = now - state.retention * DAY;
      for (const [key, e] of state.entries) if (e.seen_at < cutoff) state.entries.delete(key);
      if (state.entries.size > MAX_ENTRIES) {
        const oldest = [...state.entries.values()].sort((a, b) => a.seen_at - b.seen_at);
        for (const e of oldest.slice(0, state.entries.size - MAX_ENTRIES)) state.entries.delete(e.key);
      }
    }
    if (state.entries.size === before) return false;
    generation += 1;
    return true;
  }

  /** Loads once per worker lifetime (memoised; a failure lets the next call try again). */
  function load() {
    if (state) return Promise.resolve(state);
    loading ??= area
      .get([PERSONA_KEY, SETTINGS_KEY])
      .then((got) => {
        if (!state) {
          state = fromStorage(got[PERSONA_KEY], got[SETTINGS_KEY]);
          generation += 1;
          const pruned = prune(clock());
          // A new secret is written once, when memory is first used; pruning is persisted too.
          if ((state.retention > 0 && !state.persisted) || (pruned && state.persisted)) scheduleWrite();
        }
        return state;
      })
      .finally(() => {
        loading = null;
      });
    return loading;
  }

  /** True when `doc` holds what the in-memory copy holds (same secret, keys and sightings). */
  function matchesState(doc) {
    if (!doc || doc.secret !== state.secret) return false;
    const stored = doc.entries && typeof doc.entries === "object" ? doc.entries : {};
    const keys = Object.keys(stored);
    if (keys.length !== state.entries.size) return false;
    return keys.every((k) => state.entries.get(k)?.seen_at === stored[k]?.seen_at);
  }

  /**
   * Replaces the in-memory copy with `doc` (read from storage, written by someone else), unless
   * this worker has unsaved changes or other queued work (`busy` counts the caller's own task),
   * or nothing differs.
   */
  function adopt(doc, busy) {
    if (!state || dirty || pending > busy || matchesState(doc)) return;
    state = fromStorage(doc, { personaRetentionDays: state.userRetention });
    generation += 1;
  }

  function resync() {
    resyncWanted = false;
    if (!state) return;
    enqueue(async () => {
      const got = await area.get(PERSONA_KEY);
      adopt(got[PERSONA_KEY], 1);
    }).catch(() => {});
  }

  onChanged?.addListener((changes, areaName) => {
    if (areaName !== "local" || !state) return;
    if (SETTINGS_KEY in changes) {
      state.userRetention = retentionDays(changes[SETTINGS_KEY].newValue?.personaRetentionDays) ?? DEFAULT_RETENTION_DAYS;
      const days = policyRetention ?? state.userRetention;
      if (days !== state.retention) {
        state.retention = days;
        if (prune(clock())) scheduleWrite();
      }
    }
    if (PERSONA_KEY in changes) {
      // Usually the echo of our own last write, which matches the copy. Anything else is read
      // back from storage once this worker is idle, never taken from the event: a late echo of
      // an older write of ours must not roll the copy back.
      if (dirty || pending > 0) resyncWanted = true;
      else if (!matchesState(changes[PERSONA_KEY].newValue)) resync();
    }
  });

  /**
   * Empties the memory under a new secret. If the new document cannot be written (quota), the old
   * one is removed instead: a wipe never leaves the old entries in storage.
   */
  async function wipe() {
    await load();
    state.entries.clear();
    state.secret = newSecret();
    generation += 1;
    const error = await scheduleWrite();
    if (error === null) return null;
    try {
      await enqueue(() => area.remove(PERSONA_KEY));
      state.persisted = false;
      scheduleWrite(); // the new secret, once there is room again
      return null;
    } catch (err) {
      return errorMessage(err);
    }
  }

  return {
    /** Loads the memory; resolves to {on, secret, generation} (rejects only if storage fails). */
    async engineMemory() {
      const s = await load();
      // Entries that expired while this worker was alive are never compared.
      if (s.retention > 0 && prune(clock())) scheduleWrite();
      return { on: s.retention > 0, secret: s.secret, generation };
    },

    /** The entries as the engine's setMemory takes them. */
    engineEntries() {
      return state ? [...state.entries.values()] : [];
    },

    /** The hashed identifiers remembered for persona `key` ([] when unknown or memory is off). */
    async identifiersOf(key) {
      const s = await load();
      return s.entries.get(key)?.fingerprint.identifiers.slice() ?? [];
    },

    /**
     * Frees at least `bytes` of storage (or all it holds) by forgetting the oldest sightings, for
     * the verification log, which must not be refused for lack of room while memory has some.
     * Resolves to true when entries were forgotten and the smaller document was written.
     */
    async evictOldest(bytes) {
      const s = await load();
      let freed = 0;
      let evicted = 0;
      for (const [key, e] of s.entries) {
        if (freed >= bytes) break;
        freed += key.length + JSON.stringify(e).length;
        s.entries.delete(key);
        evicted += 1;
      }
      if (evicted === 0) return false;
      generation += 1;
      return (await scheduleWrite()) === null;
    },

    /**
     * Remembers the candidates of a report (their `persona` records, computed by an engine
     * given `secret` — see engineMemory), then prunes. Never throws;
     * resolves to {error: reason | null}: with a reason, the save failed and storage still holds
     * the older state (the change stays in this worker's copy and is written with the next one).
     */
    async remember(report, pageUrl, secret) {
      try {
        const s = await load();
        if (s.retention === 0 || report?.page_kind === "job_posting") return { error: null };
        // Fingerprints keyed under a secret a wipe has since replaced would never match again.
        if (secret !== s.secret) return { error: null };
        const records = (Array.isArray(report?.candidates) ? report.candidates : []).filter((c) => c?.persona);
        if (records.length === 0 && !dirty) return { error: null }; // nothing to remember: no write
        const now = clock();
        let changed = false;
        const site = shortString(report?.site) ?? "unknown";
        const url = bareUrl(pageUrl);
        for (const c of records) {
          const key = shortString(c.persona.key);
          const fp = cleanFingerprint(c.persona.fingerprint);
          if (key === null || fp === null) continue;
          const old = s.entries.get(key);
          // One profile seen on several pages (contact tab, résumé tab) keeps everything seen.
          const identifiers = old ? [...new Set([...old.fingerprint.identifiers, ...fp.identifiers])].sort().slice(0, MAX_IDENTIFIERS) : fp.identifiers;
          const fingerprint = { identifiers, text: fp.text ?? old?.fingerprint.text ?? null };
          if (!canMatch(fingerprint)) continue; // nothing another profile could share
          const entry = { key, name: shortString(c.name), site, url, seen_at: now, fingerprint };
          const sameContent = old && old.name === entry.name && old.site === site && old.url === url &&
            sameList(old.fingerprint.identifiers, identifiers) && sameText(old.fingerprint.text, fingerprint.text);
          if (sameContent && now - old.seen_at < REFRESH_SECONDS) continue;
          s.entries.delete(key); // re-insert: the Map stays ordered by sighting
          s.entries.set(key, entry);
          if (!sameContent) generation += 1; // a new date alone does not need a new engine copy
          changed = true;
        }
        if (prune(now)) changed = true;
        if (!changed && !dirty) return { error: null };
        return { error: await scheduleWrite() };
      } catch (err) {
        return { error: errorMessage(err) };
      }
    },

    /**
     * {count, oldest (Unix seconds | null), retentionDays, retentionManaged}: `retentionManaged`
     * when enterprise policy sets the retention (the user's setting is then not used).
     */
    async stats() {
      const s = await load();
      if (prune(clock())) scheduleWrite();
      let oldest = null;
      for (const e of s.entries.values()) if (oldest === null || e.seen_at < oldest) oldest = e.seen_at;
      return { count: s.entries.size, oldest, retentionDays: s.retention, retentionManaged: policyRetention !== null };
    },

    /**
     * Sets the retention enterprise policy imposes (`personaRetentionDays`), or null when policy
     * sets none (the user's setting applies again). 0 turns memory off and forgets its entries.
     */
    setPolicyRetention(days) {
      const next = days === null || days === undefined ? null : retentionDays(days);
      if (next === policyRetention) return;
      policyRetention = next;
      if (!state) return;
      const effective = policyRetention ?? state.userRetention;
      if (effective === state.retention) return;
      state.retention = effective;
      if (prune(clock())) scheduleWrite();
    },

    /** The export document: entries without the secret. */
    async exportDocument() {
      const s = await load();
      if (prune(clock())) scheduleWrite();
      const entries = [...s.entries.values()].sort((a, b) => a.seen_at - b.seen_at).map((e) => structuredClone(e));
      return { format: EXPORT_FORMAT, version: FORMAT_VERSION, exported_at: new Date(clock() * 1000).toISOString(), entries };
    },

    /**
     * Forgets every entry and rotates the secret, so nothing hashed under the old one can be
     * matched again. Resolves to the error message or null.
     */
    wipe,

    /**
     * Sets `personaRetentionDays` (validated by the caller), keeping the other settings. 0 turns
     * memory off and forgets everything (entries and secret); a shorter retention prunes at once.
     * Resolves to the settings written; rejects when storage refuses them.
     */
    async setRetention(days) {
      if (policyRetention !== null) throw new Error("persona memory retention is set by your organisation's policy");
      await load();
      const settings = await enqueue(async () => {
        const got = await area.get(SETTINGS_KEY);
        const current = got[SETTINGS_KEY] && typeof got[SETTINGS_KEY] === "object" ? got[SETTINGS_KEY] : {};
        const next = { ...current, personaRetentionDays: days };
        await area.set({ [SETTINGS_KEY]: next });
        return next;
      });
      state.userRetention = days;
      state.retention = days;
      const error = days === 0 ? await wipe() : prune(clock()) ? await scheduleWrite() : null;
      if (error !== null) throw new Error(error);
      return settings;
    },
  };
}

// Candor verification log: what the recruiter recorded after the camera check (issue 6).
//
// Contract (background.js answers these; others build on them):
//   candor/verification/save   {candidate: {site, key, profile_id?, name?, url?, identifiers?: string[] (≤64)},
//                               outcome: "verified"|"refused"|"rescheduled"|"not_yet",
//                               steps: [{text, done}] (≤20), note?: string (≤2000)}
//                              → {ok: true, record} | {ok: false, error}
//       `key` is the report candidate's persona key when it has one, else `${site}:${profile_id}`,
//       else the page URL. Records are appended (a history), never overwritten.
//   candor/verification/for    {candidates: [{site, key, profile_id?, identifiers?}]} → {records: [latest | null, ...]}
//       A record matches a candidate when the key matches, or site + profile_id match, or they
//       share an identifier (the install-keyed hashes of e-mails, phones, handles and photo
//       addresses from persona memory — never raw PII): that is how the same persona is
//       recognised on another site.
//   candor/verification/history {candidate: {site, key, profile_id?, identifiers?}} → {records} newest first
//       every record that matches the candidate (the panel's history; same matching as `for`).
//   candor/verification/list   {} → {records} newest first              (extension pages only)
//   candor/verification/export {format: "csv"|"json"} → {text, filename, mime} (extension pages only)
//   candor/verification/wipe   {} → {ok}                                (extension pages only)
//   The scan response (`candor/scan`) carries `verifications: [latest record | null per report
//   candidate]` and `verificationSubjects: [{site, key, profile_id} per report candidate]` (what the
//   content script sends back as `candidate` when it saves: it never sees the fingerprints).
//
// A record: {id, site, key, profile_id, name, url, identifiers, outcome, steps: [{text, done}], note,
//            recorded_at (ISO 8601), recorded_by: "you"}
//
// Storage: storage.local key `verifications` = {version: 1, records: [record, ...]} oldest first.
// Retention: `settings.verificationRetentionDays` (integer 1–3650, default 365; the settings object
// persona-store uses). Records older than that are pruned when the store starts and on each save.
//
// Every operation reads storage afresh and runs on one queue (one write in flight), so records
// written by another context (the options page, a test) are never overwritten by a stale copy.
// Storage is shared with packs and persona memory (10 MB, no unlimitedStorage). These records are
// the hiring file, so when a save hits the quota, `makeRoom(bytes)` (persona memory evicting its
// oldest entries) is asked for space and the write is retried once; if it still fails the answer
// is {ok: false, error: "storage full: ..."} and nothing stored changes.

export const VERIFICATIONS_KEY = "verifications";
export const SETTINGS_KEY = "settings";
export const FORMAT_VERSION = 1;
export const EXPORT_FORMAT = "candor-verification-log";
export const OUTCOMES = ["verified", "refused", "rescheduled", "not_yet"];
export const DEFAULT_RETENTION_DAYS = 365;
export const MAX_RETENTION_DAYS = 3650;
export const MAX_STEPS = 20;
export const MAX_IDENTIFIERS = 64;
export const MAX_NOTE = 2000;
export const MAX_CANDIDATES = 200;
/** Longest site, key, profile id, name, URL or step text kept. */
export const MAX_TEXT = 2048;

const DAY_MS = 86_400_000;
const IDENTIFIER_RE = /^[a-z]{1,16}:[0-9a-f]{16,128}$/;
/** Column order of the CSV export. */
const CSV_COLUMNS = ["recorded_at", "outcome", "name", "site", "profile_id", "url", "key", "steps_done", "steps", "note", "recorded_by", "id"];

/** Validates `settings.verificationRetentionDays`; null when it is not an integer in 1..3650. */
export function retentionDays(value) {
  return Number.isInteger(value) && value >= 1 && value <= MAX_RETENTION_DAYS ? value : null;
}

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const text = (max) => (v) => (typeof v === "string" && v.length > 0 && v.length <= max) || `must be a non-empty string of at most ${max} characters`;

function checkObject(value, spec) {
  if (!isObject(value)) return "must be an object";
  const names = Object.keys(spec).map((n) => n.replace(/\?$/, ""));
  const extra = Object.keys(value).filter((k) => !names.includes(k));
  if (extra.length) return `has an unexpected field ${extra[0]}`;
  for (const [raw, check] of Object.entries(spec)) {
    const name = raw.replace(/\?$/, "");
    if (raw.endsWith("?") && (value[name] === undefined || value[name] === null)) continue;
    const ok = check(value[name]);
    if (ok !== true) return `${name} ${ok}`;
  }
  return true;
}

const identifiers = (v) =>
  (Array.isArray(v) && v.length <= MAX_IDENTIFIERS && v.every((i) => typeof i === "string" && IDENTIFIER_RE.test(i))) ||
  `must be at most ${MAX_IDENTIFIERS} hashed identifiers (kind:hex)`;

/** Validators for the message fields (background.js's `fields(...)` takes them as they are). */
export const validate = {
  candidate: (v) => {
    const ok = checkObject(v, {
      site: text(MAX_TEXT), key: text(MAX_TEXT), "profile_id?": text(MAX_TEXT), "name?": text(MAX_TEXT),
      "url?": text(MAX_TEXT), "identifiers?": identifiers,
    });
    return ok === true || `${ok}`;
  },
  outcome: (v) => OUTCOMES.includes(v) || `must be one of ${OUTCOMES.join(", ")}`,
  steps: (v) => {
    if (!Array.isArray(v) || v.length > MAX_STEPS) return `must be a list of at most ${MAX_STEPS} steps`;
    for (const [i, s] of v.entries()) {
      const ok = checkObject(s, { text: text(MAX_TEXT), done: (d) => typeof d === "boolean" || "must be true or false" });
      if (ok !== true) return `[${i}] ${ok}`;
    }
    return true;
  },
  note: (v) => (typeof v === "string" && v.length <= MAX_NOTE) || `must be a string of at most ${MAX_NOTE} characters`,
  candidates: (v) => {
    if (!Array.isArray(v) || v.length > MAX_CANDIDATES) return `must be a list of at most ${MAX_CANDIDATES} candidates`;
    for (const [i, c] of v.entries()) {
      const ok = checkObject(c, { site: text(MAX_TEXT), key: text(MAX_TEXT), "profile_id?": text(MAX_TEXT), "identifiers?": identifiers });
      if (ok !== true) return `[${i}] ${ok}`;
    }
    return true;
  },
  format: (v) => v === "csv" || v === "json" || 'must be "csv" or "json"',
};

const optional = (v) => (typeof v === "string" && v.length > 0 && v.length <= MAX_TEXT ? v : null);

/** A clean stored record, or null when `r` is malformed (dropped on read). */
function cleanRecord(r) {
  if (!isObject(r)) return null;
  const id = optional(r.id);
  const site = optional(r.site);
  const key = optional(r.key);
  const at = typeof r.recorded_at === "string" ? Date.parse(r.recorded_at) : NaN;
  if (id === null || site === null || key === null || !OUTCOMES.includes(r.outcome) || Number.isNaN(at)) return null;
  const steps = Array.isArray(r.steps)
    ? r.steps.filter((s) => isObject(s) && optional(s.text) !== null).slice(0, MAX_STEPS).map((s) => ({ text: s.text, done: s.done === true }))
    : [];
  return {
    id,
    site,
    key,
    profile_id: optional(r.profile_id),
    name: optional(r.name),
    url: optional(r.url),
    identifiers: Array.isArray(r.identifiers) ? r.identifiers.filter((i) => typeof i === "string" && IDENTIFIER_RE.test(i)).slice(0, MAX_IDENTIFIERS) : [],
    outcome: r.outcome,
    steps,
    note: typeof r.note === "string" ? r.note.slice(0, MAX_NOTE) : "",
    recorded_at: new Date(at).toISOString(),
    recorded_by: "you",
  };
}

/** True when `record` is about `candidate` (see the contract above). */
export function matches(record, candidate) {
  if (record.key === candidate.key) return true;
  if (candidate.profile_id && record.profile_id === candidate.profile_id && record.site === candidate.site) return true;
  const ids = candidate.identifiers ?? [];
  return ids.length > 0 && record.identifiers.some((i) => ids.includes(i));
}

/** One CSV cell: formula-injection safe (a leading = + - @ tab or CR gets a '), RFC 4180 quoted. */
export function csvCell(value) {
  let s = value == null ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

/** The CSV export: a header row, one row per record, CRLF line ends. */
export function toCsv(records) {
  const rows = [CSV_COLUMNS.map(csvCell).join(",")];
  for (const r of records) {
    const row = {
      ...r,
      steps_done: `${r.steps.filter((s) => s.done).length}/${r.steps.length}`,
      steps: r.steps.map((s) => `[${s.done ? "x" : " "}] ${s.text}`).join("\n"),
    };
    rows.push(CSV_COLUMNS.map((c) => csvCell(row[c])).join(","));
  }
  return rows.join("\r\n") + "\r\n";
}

function errorMessage(err) {
  return err instanceof Error ? err.message : String(err);
}

const isQuotaError = (err) => /quota/i.test(errorMessage(err));

function newId(now) {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return `v${now.toString(36)}-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/**
 * The verification log over a storage area (`browser.storage.local`). `clock()` gives epoch
 * milliseconds. `makeRoom(bytes)` frees about that much space elsewhere in the area when a save
 * hits the quota (resolves to true when it freed something).
 */
export function createVerificationStore(area, { clock = () => Date.now(), makeRoom = async () => false, policyRetentionDays = () => null, onChanged = null } = {}) {
  let tail = Promise.resolve();
  /**
   * The stored log, cleaned and sorted, before the retention cut — or null: read it again. Every
   * scan asks for the latest records, so the log is not read and cloned from storage each time.
   * Kept only when `onChanged` (storage.onChanged) says when someone else wrote the log.
   */
  let stored = null;
  onChanged?.addListener((changes, areaName) => {
    if (areaName === "local" && VERIFICATIONS_KEY in changes) stored = null;
  });

  /** Runs `task` after every earlier task. */
  function enqueue(task) {
    const run = tail.then(task);
    tail = run.catch(() => {});
    return run;
  }

  /** {records (oldest first, unexpired), pruned: whether any were dropped}. */
  async function read() {
    const got = await area.get(stored === null ? [VERIFICATIONS_KEY, SETTINGS_KEY] : [SETTINGS_KEY]);
    let log = stored;
    if (log === null) {
      const doc = got[VERIFICATIONS_KEY];
      const raw = isObject(doc) && Array.isArray(doc.records) ? doc.records : [];
      const clean = raw.map(cleanRecord).filter((r) => r !== null);
      clean.sort((a, b) => Date.parse(a.recorded_at) - Date.parse(b.recorded_at));
      log = { clean, rawLength: raw.length };
      if (onChanged) stored = log;
    }
    // The organisation's retention (enterprise policy) wins over the recruiter's own setting.
    const days = retentionDays(policyRetentionDays()) ?? retentionDays(got[SETTINGS_KEY]?.verificationRetentionDays) ?? DEFAULT_RETENTION_DAYS;
    const cutoff = clock() - days * DAY_MS;
    const records = log.clean.filter((r) => Date.parse(r.recorded_at) >= cutoff);
    return { records, pruned: records.length !== log.rawLength };
  }

  async function write(records) {
    await area.set({ [VERIFICATIONS_KEY]: { version: FORMAT_VERSION, records } });
    if (onChanged) stored = { clean: records.slice(), rawLength: records.length };
  }

  const newestFirst = (records) => records.slice().reverse();

  return {
    /** Drops expired (and malformed) records from storage. Resolves to the number dropped. */
    prune: () =>
      enqueue(async () => {
        const before = (await area.get(VERIFICATIONS_KEY))[VERIFICATIONS_KEY];
        const { records, pruned } = await read();
        if (!pruned) return 0;
        await write(records);
        return (Array.isArray(before?.records) ? before.records.length : 0) - records.length;
      }),

    /**
     * Appends a record for a validated save message. Never throws: resolves to {ok: true, record}
     * or {ok: false, error}; on failure storage is unchanged.
     */
    save: (msg) =>
      enqueue(async () => {
        const now = clock();
        const c = msg.candidate;
        const record = {
          id: newId(now),
          site: c.site,
          key: c.key,
          profile_id: c.profile_id ?? null,
          name: c.name ?? null,
          url: c.url ?? null,
          identifiers: [...new Set(c.identifiers ?? [])].slice(0, MAX_IDENTIFIERS),
          outcome: msg.outcome,
          steps: msg.steps.map((s) => ({ text: s.text, done: s.done })),
          note: msg.note ?? "",
          recorded_at: new Date(now).toISOString(),
          recorded_by: "you",
        };
        let records;
        try {
          ({ records } = await read());
        } catch (err) {
          return { ok: false, error: `cannot read the verification log: ${errorMessage(err)}` };
        }
        records.push(record);
        try {
          await write(records);
        } catch (err) {
          if (!isQuotaError(err)) return { ok: false, error: errorMessage(err) };
          let freed = false;
          try {
            freed = await makeRoom(JSON.stringify(record).length + 512);
          } catch {
            freed = false;
          }
          try {
            if (!freed) throw err;
            await write(records);
          } catch (again) {
            return { ok: false, error: `storage full: ${errorMessage(again)}` };
          }
        }
        return { ok: true, record: structuredClone(record) };
      }),

    /** The latest record for each candidate, or null. */
    latestFor: (candidates) =>
      enqueue(async () => {
        const all = newestFirst((await read()).records);
        return candidates.map((c) => all.find((r) => matches(r, c)) ?? null);
      }),

    /** Every record about `candidate`, newest first (at most `max`). */
    historyFor: (candidate, max = 100) =>
      enqueue(async () => newestFirst((await read()).records).filter((r) => matches(r, candidate)).slice(0, max)),

    /** All records, newest first. */
    list: () => enqueue(async () => newestFirst((await read()).records)),

    /** {text, filename, mime} of the whole log (oldest first) as CSV or JSON. */
    exportFile: (format) =>
      enqueue(async () => {
        const { records } = await read();
        const now = new Date(clock());
        const day = now.toISOString().slice(0, 10);
        if (format === "csv") {
          return { text: toCsv(records), filename: `candor-verifications-${day}.csv`, mime: "text/csv;charset=utf-8" };
        }
        const doc = { format: EXPORT_FORMAT, version: FORMAT_VERSION, exported_at: now.toISOString(), records };
        return { text: JSON.stringify(doc, null, 2) + "\n", filename: `candor-verifications-${day}.json`, mime: "application/json" };
      }),

    /** Forgets every record. */
    wipe: () =>
      enqueue(async () => {
        stored = null;
        await area.remove(VERIFICATIONS_KEY);
      }),
  };
}

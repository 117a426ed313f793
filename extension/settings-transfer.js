// Settings export and import (options page, "Import / export settings").
//
// The document: {format: "candor-settings", version: 1, exported_at (ISO 8601), settings,
// subscriptions: [{url, signature_url}], trusted_keys: [minisign public key text]}. It holds what
// the user chose, never persona memory, verification records or anything the policy imposes.
//
// An import is planned before anything is written: `planImport` validates the whole document
// (any invalid field refuses the whole file) and lists what would change and what is refused
// because the policy enforces it or does not allow it. The background applies a plan only when
// nothing in it is invalid.
//
// No browser globals at import time, so Node tests can load it.

import { effectiveSettings, invalidSettingsObject, managedKeys } from "./settings.js";
import { isHttpsUrl } from "./policy.js";

export const FORMAT = "candor-settings";
export const VERSION = 1;
/** Most subscriptions and keys one document may carry. */
export const MAX_ITEMS = 200;

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * The export document. `stored` is storage.local `settings`; `view` the pack registry's view
 * (`packs` with source, url, signature_url; `keys` with key, source).
 */
export function exportDocument(stored, view, now = new Date()) {
  return {
    format: FORMAT,
    version: VERSION,
    exported_at: now.toISOString(),
    settings: effectiveSettings(stored, {}),
    subscriptions: (view.packs ?? [])
      .filter((p) => p.source === "user-url" && p.url)
      .map((p) => ({ url: p.url, signature_url: p.signature_url ?? null })),
    trusted_keys: (view.keys ?? []).filter((k) => k.source === "user" && k.key).map((k) => k.key),
  };
}

/**
 * Validates `doc` and compares it with the current state. Returns
 * {invalid: [problem], changes: [...], refused: [...]}:
 *   changes  {kind: "setting", key, from, to} | {kind: "subscription", url, signature_url}
 *            | {kind: "key", key, key_id}
 *   refused  {kind, key | url | key_id, reason: "managed" | "blocked"}
 * `current` = {stored (settings object), view (registry view), policy (effective policy),
 * keyId (text → key id or null)}.
 */
export function planImport(doc, { stored, view, policy, keyId }) {
  const invalid = [];
  const changes = [];
  const refused = [];
  if (!isObject(doc)) return { invalid: ["the file is not a JSON object"], changes, refused };
  const known = ["format", "version", "exported_at", "settings", "subscriptions", "trusted_keys"];
  for (const k of Object.keys(doc)) if (!known.includes(k)) invalid.push(`unknown field ${k}`);
  if (doc.format !== FORMAT) invalid.push(`format must be "${FORMAT}"`);
  if (doc.version !== VERSION) invalid.push(`version must be ${VERSION}`);
  if (doc.exported_at !== undefined && (typeof doc.exported_at !== "string" || Number.isNaN(Date.parse(doc.exported_at)))) {
    invalid.push("exported_at must be a date");
  }

  const settings = doc.settings ?? {};
  if (!isObject(settings)) invalid.push("settings must be an object");
  else if (Object.keys(settings).length) {
    // Every key on its own, so that every problem is listed.
    for (const [k, v] of Object.entries(settings)) {
      const problem = invalidSettingsObject({ [k]: v });
      if (problem) invalid.push(problem);
    }
  }

  const subscriptions = doc.subscriptions ?? [];
  if (!Array.isArray(subscriptions) || subscriptions.length > MAX_ITEMS) invalid.push(`subscriptions must be a list of at most ${MAX_ITEMS}`);
  else {
    subscriptions.forEach((s, i) => {
      if (!isObject(s) || !isHttpsUrl(s.url)) invalid.push(`subscriptions[${i}].url must be an https URL`);
      else if (s.signature_url !== undefined && s.signature_url !== null && !isHttpsUrl(s.signature_url)) {
        invalid.push(`subscriptions[${i}].signature_url must be an https URL`);
      } else if (Object.keys(s).some((k) => k !== "url" && k !== "signature_url")) {
        invalid.push(`subscriptions[${i}] has an unknown field`);
      }
    });
  }

  const keys = doc.trusted_keys ?? [];
  const keyIds = [];
  if (!Array.isArray(keys) || keys.length > MAX_ITEMS) invalid.push(`trusted_keys must be a list of at most ${MAX_ITEMS}`);
  else {
    keys.forEach((k, i) => {
      const id = typeof k === "string" && k.length <= 4096 ? keyId(k.trim()) : null;
      if (!id) invalid.push(`trusted_keys[${i}] is not a minisign public key`);
      keyIds.push(id);
    });
  }
  if (invalid.length) return { invalid, changes: [], refused: [] };

  const managed = managedKeys(policy);
  const now = effectiveSettings(stored, policy);
  for (const [k, v] of Object.entries(settings)) {
    if (JSON.stringify(now[k]) === JSON.stringify(v)) continue;
    if (managed[k]) refused.push({ kind: "setting", key: k, reason: "managed" });
    else changes.push({ kind: "setting", key: k, from: now[k], to: v });
  }
  const haveUrls = new Set((view.packs ?? []).map((p) => p.url).filter(Boolean));
  for (const s of subscriptions) {
    if (haveUrls.has(s.url)) continue;
    haveUrls.add(s.url);
    if (policy.allowUserPacks === false) refused.push({ kind: "subscription", url: s.url, reason: "blocked" });
    else changes.push({ kind: "subscription", url: s.url, signature_url: s.signature_url ?? null });
  }
  const haveKeys = new Set((view.keys ?? []).map((k) => k.key_id));
  keys.forEach((k, i) => {
    const id = keyIds[i];
    if (haveKeys.has(id)) return;
    haveKeys.add(id);
    if (policy.allowUserKeys === false) refused.push({ kind: "key", key_id: id, reason: "blocked" });
    else changes.push({ kind: "key", key: k.trim(), key_id: id });
  });
  return { invalid, changes, refused };
}

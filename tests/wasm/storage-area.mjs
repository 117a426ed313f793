// In-memory stand-ins for `storage.local`, shared by the Node tests of the extension's stores.

/**
 * An in-memory storage.local as the browser behaves: asynchronous, with a quota (QUOTA_BYTES
 * errors), storage.onChanged events after each write (`onChanged`, `emit`), `peek` and a write log.
 */
export function storageArea({ quota = Infinity } = {}) {
  let data = new Map();
  const listeners = new Set();
  const bytes = (map) => [...map].reduce((n, [k, v]) => n + k.length + JSON.stringify(v).length, 0);
  const later = () => new Promise((resolve) => setTimeout(resolve, 1));
  const area = {
    quota,
    sets: 0,
    inFlight: 0,
    maxInFlight: 0,
    onChanged: { addListener: (f) => listeners.add(f) },
    /** Delivers a storage.onChanged event, as a late or replayed one would arrive. */
    emit: (changes) => listeners.forEach((f) => f(changes, "local")),
    peek: (key) => structuredClone(data.get(key)),
    async get(keys) {
      await later();
      const out = {};
      for (const k of keys == null ? [...data.keys()] : [keys].flat()) if (data.has(k)) out[k] = structuredClone(data.get(k));
      return out;
    },
    async set(items) {
      area.inFlight += 1;
      area.maxInFlight = Math.max(area.maxInFlight, area.inFlight);
      try {
        await later();
        const next = new Map(data);
        for (const [k, v] of Object.entries(items)) next.set(k, structuredClone(v));
        if (bytes(next) > area.quota) throw new Error("QUOTA_BYTES quota exceeded");
        const changes = {};
        for (const [k, v] of Object.entries(items)) changes[k] = { oldValue: data.get(k), newValue: structuredClone(v) };
        data = next;
        area.sets += 1;
        setTimeout(() => listeners.forEach((f) => f(changes, "local")), 0);
      } finally {
        area.inFlight -= 1;
      }
    },
    async remove(keys) {
      await later();
      const changes = {};
      for (const k of [keys].flat()) {
        if (data.has(k)) changes[k] = { oldValue: data.get(k) };
        data.delete(k);
      }
      setTimeout(() => listeners.forEach((f) => f(changes, "local")), 0);
    },
    bytesInUse: () => bytes(data),
  };
  return area;
}

/** The plainest storage.local: `data` is the live Map, read and written synchronously by tests. */
export function mapArea() {
  const data = new Map();
  return {
    data,
    async get(keys) {
      const list = keys === null ? [...data.keys()] : Array.isArray(keys) ? keys : [keys];
      const out = {};
      for (const k of list) if (data.has(k)) out[k] = structuredClone(data.get(k));
      return out;
    },
    async set(items) {
      for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v));
    },
    async remove(keys) {
      for (const k of Array.isArray(keys) ? keys : [keys]) data.delete(k);
    },
  };
}

//! Loading code that assigns over `Object.prototype`'s names under Tauri's `freezePrototype`.
//!
//! The app freezes `Object.prototype` before the page loads. Cytoscape.js copies methods onto its
//! classes' prototypes with `Object.assign`, `toString` among them; with `Object.prototype`
//! frozen, that assignment throws ("Cannot assign to read only property 'toString'") and the
//! module fails to load. While such a module is evaluated, `Object.assign` defines the property
//! instead when plain assignment is refused because of an inherited read-only property — what
//! assignment would do on an unfrozen prototype — and behaves exactly as before otherwise.
//! Modules keep the function they captured; the global is restored once the import settles.

type Assign = typeof Object.assign;

export function tolerantAssign(target: object, ...sources: unknown[]): object {
  const to = Object(target) as Record<PropertyKey, unknown>;
  for (const source of sources) {
    if (source === null || source === undefined) continue;
    const from = Object(source) as Record<PropertyKey, unknown>;
    for (const key of Reflect.ownKeys(from)) {
      if (!Object.getOwnPropertyDescriptor(from, key)?.enumerable) continue;
      const value = from[key];
      try {
        to[key] = value;
      } catch (err) {
        if (!(err instanceof TypeError) || Object.hasOwn(to, key)) throw err;
        Object.defineProperty(to, key, { value, writable: true, enumerable: true, configurable: true });
      }
    }
  }
  return to;
}

/** Runs `load` (a dynamic import) with the tolerant `Object.assign` when it is needed. */
export async function importUnderFrozenPrototype<T>(load: () => Promise<T>): Promise<T> {
  if (!Object.isFrozen(Object.prototype)) return load();
  const original: Assign = Object.assign;
  Object.assign = tolerantAssign as Assign;
  try {
    return await load();
  } finally {
    Object.assign = original;
  }
}

/**
 * Reads of content-addressed documents (item definitions, loot tables): a document never changes
 * under its id, so the first answer is kept for the client's lifetime.
 */
export function cachedForever<T>(fetch: (id: string) => Promise<T>): (id: string) => Promise<T> {
  const cache = new Map<string, T>();
  return async (id) => {
    const cached = cache.get(id);
    if (cached !== undefined) return cached;
    const value = await fetch(id);
    cache.set(id, value);
    return value;
  };
}

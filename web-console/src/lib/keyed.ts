/**
 * A keyed list: rows are created once per key and updated in place, so a row that changes
 * keeps its element (and can flash) instead of being rebuilt with the whole list.
 *
 * @example
 * const rows = keyedList(tbody, { key: (s) => s.itemId, create: () => h("tr"), update: (tr, s) => ... });
 * rows.set(stacks);
 */
export interface KeyedList<T> {
  /** Shows exactly these items, in this order. */
  set(items: readonly T[]): void;
  /** The element of a key currently shown. */
  get(key: string): HTMLElement | undefined;
}

export function keyedList<T>(
  container: HTMLElement,
  options: { key: (item: T) => string; create: (item: T) => HTMLElement; update: (el: HTMLElement, item: T) => void },
): KeyedList<T> {
  const rows = new Map<string, HTMLElement>();
  return {
    set(items) {
      const shown = new Set<string>();
      let cursor: ChildNode | null = container.firstChild;
      for (const item of items) {
        const key = options.key(item);
        shown.add(key);
        let el = rows.get(key);
        if (!el) {
          el = options.create(item);
          rows.set(key, el);
        }
        options.update(el, item);
        if (el === cursor) cursor = cursor.nextSibling;
        else container.insertBefore(el, cursor);
      }
      for (const [key, el] of rows) {
        if (shown.has(key)) continue;
        el.remove();
        rows.delete(key);
      }
    },
    get: (key) => rows.get(key),
  };
}

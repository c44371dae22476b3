import type { HoardClient } from "@hoard/client-sdk";
import { h, setText } from "./dom";
import { shortId } from "./format";

/**
 * Shows items by name. Definitions are immutable, so the SDK fetches each one once; until it
 * arrives the item shows as a short id, and every reference on the page is filled in then.
 */
export class ItemNames {
  private readonly names = new Map<string, string>();
  private readonly asked = new Set<string>();

  constructor(
    private readonly hoard: HoardClient,
    private readonly root: HTMLElement,
    private readonly onResolved: () => void,
  ) {}

  /** The name if known (for sorting), else undefined. */
  name(itemId: string): string | undefined {
    return this.names.get(itemId);
  }

  /** An element that shows the item's name (now or as soon as it is known). */
  ref(itemId: string): HTMLElement {
    const el = h("span", { class: "item", "data-item": itemId, title: itemId }, this.names.get(itemId) ?? shortId(itemId));
    this.resolve(itemId);
    return el;
  }

  private resolve(itemId: string): void {
    if (this.names.has(itemId) || this.asked.has(itemId)) return;
    this.asked.add(itemId);
    this.hoard.items.get(itemId).then(
      (item) => {
        this.names.set(itemId, item.definition.name);
        for (const el of this.root.querySelectorAll(`[data-item="${CSS.escape(itemId)}"]`)) setText(el, item.definition.name);
        this.onResolved();
      },
      () => {
        // Unknown or unreachable: the short id stays, which still identifies the item.
      },
    );
  }
}

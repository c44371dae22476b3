import type { HistoryEntry, HoardClient } from "@hoard/client-sdk";
import { h } from "../../lib/dom";
import { clockTime, shortId } from "../../lib/format";
import type { ItemNames } from "../../lib/item-names";
import { type KeyedList, keyedList } from "../../lib/keyed";
import { isReversible, isTrade, reverseQuestion } from "./actions-model";
import { describeEntry, describeOp, type Part } from "./describe";
import { reasonConfirm } from "./reason-confirm";

const pageSize = 50;
/**
 * Live entries keep coming; beyond this many rows the oldest leave the page ("Load older"
 * brings them back from the op log). A short table keeps every frame's layout cheap.
 */
const maxKept = 300;

/**
 * The audit trail of one player, newest first: who changed what, when. The latest page comes
 * from `inventory:history`; every later version arrives live from the watch; older pages
 * load on demand.
 */
export class HistoryList {
  readonly el: HTMLElement;
  private readonly entries = new Map<number, HistoryEntry>();
  private readonly rows: KeyedList<HistoryEntry>;
  private readonly older: HTMLButtonElement;
  private readonly empty: HTMLElement;

  /**
   * `canAct`: an admin token, which gets a "Reverse" button on each entry that can be undone
   * (a change, a trade, a checkout, not reversed yet); a viewer gets none.
   */
  constructor(private readonly options: { hoard: HoardClient; playerId: string; names: ItemNames; canAct: boolean }) {
    const body = h("tbody");
    this.rows = keyedList<HistoryEntry>(body, {
      key: (entry) => String(entry.version),
      create: (entry) => this.row(entry),
      update: () => {},
    });
    this.older = h("button", { type: "button", class: "link", hidden: true, onclick: () => void this.loadOlder() }, "Load older changes");
    this.empty = h("p", { class: "muted" }, "No changes yet.");
    this.el = h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "history", "data-testid": "history" },
        h("thead", null, h("tr", null, h("th", null, "Version"), h("th", null, "Who"), h("th", null, "What"))),
        body,
      ),
      this.empty,
      this.older,
    );
  }

  /** Loads the page that ends at `version` (the state the watch started from). */
  async loadLatest(version: number): Promise<void> {
    const { entries } = await this.options.hoard.inventory.history(this.options.playerId, {
      sinceVersion: Math.max(0, version - pageSize),
      limit: pageSize,
    });
    this.add(entries);
  }

  /** Adds entries (from a page or from the watch); returns the rows of the added ones (to flash). */
  add(entries: readonly HistoryEntry[]): HTMLElement[] {
    for (const entry of entries) this.entries.set(entry.version, entry);
    const versions = [...this.entries.keys()].sort((a, b) => b - a);
    for (const version of versions.slice(maxKept)) this.entries.delete(version);
    this.rows.set(versions.slice(0, maxKept).map((version) => this.entries.get(version) as HistoryEntry));
    for (const entry of this.entries.values()) if (entry.reverses !== undefined) this.markReversed(entry.reverses, entry.version);
    const oldest = versions.at(-1);
    this.older.hidden = oldest === undefined || oldest <= 1;
    this.empty.hidden = this.entries.size > 0;
    return entries.flatMap((entry) => this.rows.get(String(entry.version)) ?? []);
  }

  /** Forgets everything (after a snapshot resync the page reloads from the op log). */
  clear(): void {
    this.entries.clear();
    this.rows.set([]);
  }

  private async loadOlder(): Promise<void> {
    const oldest = Math.min(...this.entries.keys());
    if (!Number.isFinite(oldest) || oldest <= 1) return;
    this.older.disabled = true;
    try {
      const { entries } = await this.options.hoard.inventory.history(this.options.playerId, {
        sinceVersion: Math.max(0, oldest - 1 - pageSize),
        limit: pageSize,
      });
      this.add(entries.filter((entry) => entry.version < oldest));
    } finally {
      this.older.disabled = false;
    }
  }

  /** The row of `version` says it was reversed (by `by`), and loses its reverse button. */
  private markReversed(version: number, by: number): void {
    const row = this.rows.get(String(version));
    if (!row || row.dataset.reversedBy !== undefined) return;
    row.dataset.reversedBy = String(by);
    row.querySelector(".reverse-controls")?.remove();
    row.querySelector(".what")?.append(h("span", { class: "tag", "data-testid": "reversed-by" }, `reversed by v${by}`));
  }

  private row(entry: HistoryEntry): HTMLElement {
    const lines = describeEntry(entry);
    const what = h("td", { class: "what" });
    if (entry.reverses !== undefined) what.append(h("span", { class: "tag" }, `reverses v${entry.reverses}`));
    else if (entry.kind !== "inventory:apply") what.append(h("span", { class: "tag" }, entry.kind));
    if (lines.length === 0) what.append(h("span", { class: "muted" }, entry.kind === "players:create" ? "created" : "no change"));
    for (const line of lines) what.append(h("div", null, ...line.map((part) => this.part(part))));
    if (entry.reason !== undefined) what.append(h("div", { class: "reason", "data-testid": "reason" }, `“${entry.reason}”`));
    if (this.options.canAct && isReversible(entry)) what.append(this.reverseControls(entry));
    return h(
      "tr",
      { "data-version": entry.version },
      h(
        "td",
        { class: "when" },
        h("b", { class: "version" }, `v${entry.version}`),
        h("time", { datetime: entry.at, title: entry.at }, clockTime(entry.at)),
      ),
      h(
        "td",
        null,
        h(
          "span",
          { class: `actor role-${entry.actor.role}`, title: `${entry.actor.role}:${entry.actor.sub}` },
          `${entry.actor.role}:${entry.actor.sub}`,
        ),
        // The op id is what support staff look up when a game server reports a call.
        h("code", { class: "op-id", title: `op id ${entry.opId}` }, `op ${shortId(entry.opId, 10)}`),
      ),
      what,
    );
  }

  /** "Reverse…" (or "Reverse trade…", "Refund…"), then a reason and a confirmation naming the player, the version and what it undoes. */
  private reverseControls(entry: HistoryEntry): HTMLElement {
    const undoes = () =>
      entry.ops
        .map((op) =>
          describeOp(op)
            .map((part) => (typeof part === "string" ? part : (this.options.names.name(part.item) ?? part.item)))
            .join(""),
        )
        .join("; ");
    const { label } = reverseQuestion(this.options.playerId, entry, "");
    return reasonConfirm({
      label,
      testId: "reverse",
      question: async () => reverseQuestion(this.options.playerId, entry, undoes(), await this.counterpart(entry)).question,
      confirmLabel: `Undo v${entry.version}`,
      // The reversal arrives through the watch like any change, and marks this row then.
      run: (reason) => this.options.hoard.inventory.reverse(this.options.playerId, entry.version, reason),
    });
  }

  /** A trade entry's other player, from the trade record of the same commit (same op id, same time); undefined if not found. */
  private async counterpart(entry: HistoryEntry): Promise<string | undefined> {
    if (!isTrade(entry)) return undefined;
    try {
      const until = new Date(Date.parse(entry.at) + 1).toISOString();
      const { trades } = await this.options.hoard.trades.history(this.options.playerId, { since: entry.at, until });
      const trade = trades.find((record) => record.opId === entry.opId && record.outcome === "executed");
      return trade && (trade.from === this.options.playerId ? trade.to : trade.from);
    } catch {
      // The question still names this player; the node names both in its answer.
      return undefined;
    }
  }

  private part(part: Part): Node | string {
    return typeof part === "string" ? part : this.options.names.ref(part.item);
  }
}

import { type Cart, type CartChange, type CartLine, type HistoryEntry, HoardError } from "@hoard/protocol";
import { type Guarded, type GuardRef, type Guards, guardKey } from "../commit/plan";
import { SUPPLY_GUARD, type Supply, type SupplyData } from "./port";

/**
 * Pure rules of limited items (no I/O): what carts hold, release and sell of an item's supply,
 * inside the same commit as the cart (the supplies are the commit's guards). A cart line with
 * `reservedUntil` holds all its units; every cart change holds or releases the difference
 * (`holdFor`), so adding, updating, removing, clearing, repricing and the return sweep keep the
 * supply's `held` equal to what the carts hold; a checkout sells (`sell`), a refund takes back (`unsell`).
 */

/** What is left to hold or sell: never below 0; null when unlimited. */
export function availableOf(data: SupplyData): number | null {
  return data.supply === null ? null : Math.max(0, data.supply - data.held - data.sold);
}

/** The supplies one commit may change: those the service declared (read in the transaction). */
export class SupplyLedger {
  private readonly changed = new Map<string, SupplyData>();

  /** `declared`: the item ids whose supplies the commit declared as guards (absent ones are unlimited). */
  constructor(
    private readonly guards: Guards,
    private readonly declared: { has(itemId: string): boolean },
  ) {}

  /** Whether the item is limited now (a supply with a number). */
  isLimited(itemId: string): boolean {
    return (this.current(itemId)?.supply ?? null) !== null;
  }

  /** Refuses with SHOP_SOLD_OUT when a limited item has fewer than `units` available (for a line that holds nothing). */
  requireAvailable(itemId: string, units: number): void {
    const data = this.current(itemId);
    const available = data ? availableOf(data) : null;
    if (available !== null && available < units) throw soldOut(itemId, available, units);
  }

  /** Holds `units` more for a cart line: refused with SHOP_SOLD_OUT when fewer are available. */
  hold(itemId: string, units: number): void {
    if (!this.current(itemId)) throw notLimited(itemId);
    this.requireAvailable(itemId, units);
    this.adjust(itemId, { held: units });
  }

  /** Gives back units a cart line held. */
  release(itemId: string, units: number): void {
    this.adjust(itemId, { held: -units });
  }

  /** Sells a checked-out line: its held units, or (not reserved) units still available. */
  sell(itemId: string, units: number, reserved: boolean): void {
    if (!reserved) this.requireAvailable(itemId, units);
    this.adjust(itemId, { held: reserved ? -units : 0, sold: units });
  }

  /** Takes back sold units (a refunded checkout): they are available again. */
  unsell(itemId: string, units: number): void {
    this.adjust(itemId, { sold: -units });
  }

  /** The changed supplies, as guard writes (one version up each). */
  writes(): Guarded[] {
    return [...this.changed].map(([itemId, data]) => ({
      kind: SUPPLY_GUARD,
      id: itemId,
      version: (this.stored(itemId)?.version ?? 0) + 1,
      data,
    }));
  }

  /** Moves an item's counts (never below 0); an item without a supply is unlimited and keeps none. */
  private adjust(itemId: string, by: { held?: number; sold?: number }): void {
    const data = this.current(itemId);
    if (!data) return;
    const held = Math.max(0, data.held + (by.held ?? 0));
    this.changed.set(itemId, { ...data, held, sold: Math.max(0, data.sold + (by.sold ?? 0)) });
  }

  private current(itemId: string): SupplyData | undefined {
    return this.changed.get(itemId) ?? (this.stored(itemId)?.data as SupplyData | undefined);
  }

  private stored(itemId: string): Guarded | undefined {
    if (!this.declared.has(itemId)) throw new NotLoaded(itemId);
    return this.guards.get(guardKey({ kind: SUPPLY_GUARD, id: itemId }));
  }
}

/**
 * Thrown inside a cart commit that needs the price or the supply of an item the service did
 * not load (the cart gained it after the service read the cart): load again and retry.
 */
export class NotLoaded extends Error {
  constructor(readonly itemId: string) {
    super(`no price or supply loaded for ${itemId}`);
    this.name = "NotLoaded";
  }
}

/**
 * What a refunded checkout (`inventory:reverse` of a `cart:checkout` entry) gives back to the
 * shop: the units it granted of limited items are no longer sold. The refund's commit declares
 * and writes these supplies with the player.
 */
export function refundToSupply(entry: HistoryEntry): { guards: GuardRef[]; writes(guards: Guards): Guarded[] } {
  const units = new Map<string, number>();
  for (const op of entry.ops) if (op.type === "grant") units.set(op.itemId, (units.get(op.itemId) ?? 0) + op.quantity);
  const itemIds = new Set(units.keys());
  return {
    guards: supplyRefs(itemIds),
    writes(guards) {
      const ledger = new SupplyLedger(guards, itemIds);
      for (const [itemId, quantity] of units) ledger.unsell(itemId, quantity);
      return ledger.writes();
    },
  };
}

/** The supply guards (commit/plan.ts) of these items, for a commit to declare. */
export function supplyRefs(itemIds: Iterable<string>): GuardRef[] {
  return [...itemIds].map((id) => ({ kind: SUPPLY_GUARD, id }));
}

/** The units a line holds: all of them while it carries a reservation. */
export function heldBy(line: CartLine | null | undefined): number {
  return line?.reservedUntil === undefined ? 0 : line.itemCount;
}

/** Holds or releases what a cart change makes its lines hold more or less. */
export function holdFor(ledger: SupplyLedger, before: Cart | undefined, change: CartChange): void {
  for (const [itemId, line] of Object.entries(change.lines)) {
    const delta = heldBy(line) - heldBy(before?.lines[itemId]);
    if (delta > 0) ledger.hold(itemId, delta);
    else if (delta < 0) ledger.release(itemId, -delta);
  }
}

/** The lines whose reservation is due at `at`, without it (they stay in the cart, holding nothing); undefined when none is. */
export function dueReleases(cart: Cart | undefined, at: string): CartChange | undefined {
  const lines: Record<string, CartLine> = {};
  for (const [itemId, line] of Object.entries(cart?.lines ?? {})) {
    if (line.reservedUntil === undefined || line.reservedUntil > at) continue;
    const { reservedUntil: _released, ...rest } = line;
    lines[itemId] = rest;
  }
  return Object.keys(lines).length === 0 ? undefined : { lines };
}

/** The item ids of the lines that hold units. */
export function reservedItems(cart: Cart | undefined): string[] {
  return Object.entries(cart?.lines ?? {})
    .filter(([, line]) => line.reservedUntil !== undefined)
    .map(([itemId]) => itemId);
}

/** A supply as answered to callers. */
export function supplyView(supply: Supply) {
  return { ...supply, available: availableOf(supply) };
}

function soldOut(itemId: string, available: number, asked: number): HoardError {
  return new HoardError("SHOP_SOLD_OUT", `${itemId}: ${available} left, ${asked} asked`, { details: { itemId, available, asked } });
}

export function notLimited(itemId: string): HoardError {
  return new HoardError("SHOP_ITEM_NOT_LIMITED", `${itemId} has no shop supply to reserve from`, { details: { itemId } });
}

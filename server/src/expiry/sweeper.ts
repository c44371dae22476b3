import { type Actor, type Changes, type HistoryOp, HoardError, type Player } from "@hoard/protocol";
import { withCart } from "../cart/rules";
import { dueReleases, holdFor, reservedItems, SupplyLedger, supplyRefs } from "../cart/supply";
import { commitAndPublish } from "../commit/kernel";
import { nextExpiryOf } from "../commit/plan";
import { expireDue } from "../inventory/rules";
import type { InventoryDeps } from "../inventory/service";
import { everyInterval } from "../lib/periodic";
import type { Logger } from "../log";

/** Who removes expired units: the node itself, recorded in the op log as `server:system`. */
const EXPIRY_ACTOR: Actor = { role: "server", sub: "system" };
/** Players one pass handles (the index hands out the soonest first). */
const SWEEP_BATCH = 500;
/**
 * Passes one sweep makes while each finds a full batch due: a flash sale's holds, all due
 * within a second, are returned in one tick rather than 500 a tick. Bounded, so a backlog that
 * keeps failing cannot hold the sweep forever; the rest wait for the next tick.
 */
const MAX_PASSES = 20;
/** Players committed at once within a sweep. */
const PARALLEL = 64;
/** Reads again when the player changed between the sweep's read and its commit. */
const ATTEMPTS = 3;

export interface ExpiryDeps extends Pick<InventoryDeps, "store" | "publisher"> {
  log: Logger;
  /** The node's clock (ms since the epoch): the store stamps commits with the same one. */
  now: () => number;
}

/**
 * Ends what is past its time, one commit per player, pushed like any change: expiry lots leave
 * the inventory (kind `inventory:expire`), and cart lines whose reservation is over release
 * what they held to the shop's supply (kind `cart:release` when that is all the commit does;
 * the line stays in the cart, holding nothing).
 *
 * Exactly once on any number of nodes, by construction: the commit's op id is
 * `expiry:{playerId}:v{version}` — the player and the version the sweep read — and it commits
 * only while the player is still at that version. Two nodes that read the same version send the
 * same op id with the same fingerprint: the store applies the first and hands the second the
 * stored result (no new entry, no push). A node that read an older version is refused by the
 * version check and reads again. Nothing is removed before its time: the commit's own rule
 * (`expireDue`) judges each lot against the commit's time, not the sweep's.
 */
export class ExpirySweeper {
  constructor(private readonly deps: ExpiryDeps) {}

  /** Ends what is due now (up to MAX_PASSES batches); resolves to the units this node expired or released. */
  async sweep(): Promise<number> {
    let units = 0;
    for (let passes = 1; ; passes++) {
      const pass = await this.pass();
      units += pass.units;
      if (!pass.full || pass.ended === 0 || passes >= MAX_PASSES) return units;
    }
  }

  /** One batch of the players due now: the units ended, how many players it ended anything of, and whether the batch was full. */
  private async pass(): Promise<{ units: number; ended: number; full: boolean }> {
    const due = await this.deps.store.listDueExpiries(new Date(this.deps.now()).toISOString(), SWEEP_BATCH);
    let units = 0;
    let ended = 0;
    // Several players at once, so the embedded engine's group commit shares one fsync among them.
    for (let from = 0; from < due.length; from += PARALLEL) {
      const chunk = due.slice(from, from + PARALLEL);
      const outcomes = await Promise.allSettled(chunk.map((playerId) => this.expirePlayer(playerId)));
      outcomes.forEach((outcome, index) => {
        if (outcome.status === "fulfilled") {
          units += outcome.value;
          if (outcome.value > 0) ended++;
        } else this.deps.log.warn({ err: outcome.reason, playerId: chunk[index] }, "expiry of a player failed; the next sweep tries again");
      });
    }
    return { units, ended, full: due.length === SWEEP_BATCH };
  }

  /** Sweeps every `intervalMs` (one pass at a time); returns the stop function. */
  start(intervalMs: number): () => void {
    return everyInterval(
      intervalMs,
      () => this.sweep(),
      (error) => this.deps.log.warn({ err: error }, "expiry sweep failed"),
    );
  }

  private async expirePlayer(playerId: string): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      const read = await this.deps.store.getPlayer(playerId);
      // Gone, or ended meanwhile by a commit of its own (a checkout converted the reservation).
      if (!read || !endsDue(read, new Date(this.deps.now()).toISOString())) return 0;
      // The supplies of every line that holds: the version check below makes them the ones in the commit.
      const itemIds = reservedItems(read.cart);
      try {
        const committed = await commitAndPublish(this.deps, {
          actor: EXPIRY_ACTOR,
          kind: kindOf(read),
          input: { opId: `expiry:${playerId}:v${read.version}` },
          playerIds: [playerId],
          guards: supplyRefs(itemIds),
          apply: (players, at, guards) => {
            const player = players.get(playerId);
            if (player?.version !== read.version) throw new MovedOn(playerId);
            const ended = endDue(player, at, new SupplyLedger(guards, new Set(itemIds)));
            if (!ended) throw new HoardError("PLAYER_CONFLICT", `${playerId} has nothing due at ${at}`, { details: { playerId } });
            return {
              writes: [{ player: ended.player, ops: ended.ops, changes: ended.changes }],
              guards: ended.guards,
              result: { units: ended.units },
            };
          },
        });
        // A replay is another node's commit: its units are not this node's.
        return committed.replayed ? 0 : committed.result.units;
      } catch (error) {
        if (!(error instanceof MovedOn) || attempt >= ATTEMPTS) throw error;
      }
    }
  }
}

/**
 * What the commit is named after: what ends first, a reservation (`cart:release`) or a lot
 * (`inventory:expire`). A function of the version read alone, not of a clock, so every node that
 * read it sends the same request (the kind is part of the op's fingerprint).
 */
function kindOf(player: Player): string {
  const first = nextExpiryOf(player);
  return first !== undefined && dueReleases(player.cart, first) ? "cart:release" : "inventory:expire";
}

/** Whether anything the player holds is due at `at` (the sweep's clock; the commit judges again by its own). */
function endsDue(player: Player, at: string): boolean {
  const first = nextExpiryOf(player);
  return first !== undefined && first <= at;
}

/**
 * One version that removes the lots due at `at` and releases the reservations due then
 * (`expireDue` and the cart's `dueReleases`, each judged by the commit's own time).
 */
function endDue(player: Player, at: string, supplies: SupplyLedger) {
  const expired = expireDue(player, at);
  const release = dueReleases(player.cart, at);
  if (!expired && !release) return undefined;
  let next: Player = expired?.player ?? { ...player, version: player.version + 1, updatedAt: at };
  const changes: Changes = { ...expired?.changes };
  const ops: HistoryOp[] = [...(expired?.ops ?? [])];
  let units = (expired?.ops ?? []).reduce((sum, op) => sum + op.quantity, 0);
  if (release) {
    holdFor(supplies, player.cart, release);
    next = withCart(next, release);
    changes.cart = release;
    for (const itemId of Object.keys(release.lines)) units += player.cart?.lines[itemId]?.itemCount ?? 0;
  }
  return { player: next, ops, changes, guards: supplies.writes(), units };
}

/** The player changed after the sweep read it: a refusal (nothing written), read again. */
class MovedOn extends HoardError {
  constructor(playerId: string) {
    super("PLAYER_CONFLICT", `${playerId} changed while its expiry was being prepared`, { details: { playerId } });
  }
}

import { type Actor, HoardError } from "@hoard/protocol";
import { everyInterval } from "../lib/periodic";
import type { Logger } from "../log";
import { commitAndPublish } from "./commit";
import { expireDue } from "./rules";
import type { InventoryDeps } from "./service";

/** Who removes expired units: the node itself, recorded in the op log as `server:system`. */
export const EXPIRY_ACTOR: Actor = { role: "server", sub: "system" };
/** Players one sweep handles; the rest wait for the next tick (the index hands out the soonest first). */
const SWEEP_BATCH = 500;
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
 * Removes expiry lots past their time, one commit per player, and pushes it like any change.
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

  /** One pass over the players due now; resolves to the units this node expired. */
  async sweep(): Promise<number> {
    const due = await this.deps.store.listDueExpiries(new Date(this.deps.now()).toISOString(), SWEEP_BATCH);
    let units = 0;
    // Several players at once, so the embedded engine's group commit shares one fsync among them.
    for (let from = 0; from < due.length; from += PARALLEL) {
      const chunk = due.slice(from, from + PARALLEL);
      const outcomes = await Promise.allSettled(chunk.map((playerId) => this.expirePlayer(playerId)));
      outcomes.forEach((outcome, index) => {
        if (outcome.status === "fulfilled") units += outcome.value;
        else this.deps.log.warn({ err: outcome.reason, playerId: chunk[index] }, "expiry of a player failed; the next sweep tries again");
      });
    }
    return units;
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
      if (!read) return 0;
      try {
        const committed = await commitAndPublish(this.deps, {
          actor: EXPIRY_ACTOR,
          kind: "inventory:expire",
          input: { opId: `expiry:${playerId}:v${read.version}` },
          playerIds: [playerId],
          apply: (players, at) => {
            const player = players.get(playerId);
            if (player?.version !== read.version) throw new MovedOn(playerId);
            const due = expireDue(player, at);
            if (!due) throw new HoardError("PLAYER_CONFLICT", `${playerId} has nothing due at ${at}`, { details: { playerId } });
            const units = due.ops.reduce((sum, op) => sum + op.quantity, 0);
            return { writes: [{ player: due.player, ops: due.ops, changes: due.changes }], result: { units } };
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

/** The player changed after the sweep read it: a refusal (nothing written), read again. */
class MovedOn extends HoardError {
  constructor(playerId: string) {
    super("PLAYER_CONFLICT", `${playerId} changed while its expiry was being prepared`, { details: { playerId } });
  }
}

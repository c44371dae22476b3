import { type EventOutput, type ParsedInput, TradeOutcome } from "@hoard/protocol";
import type { Store } from "../store/port";

const DEFAULT_LIMIT = 10;

/**
 * The economy questions (admin), answered by the node from the store: trade records for the
 * flows, the players and item definitions for the holdings now.
 */
export class EconomyService {
  constructor(private readonly deps: { store: Store; imbalanceThreshold: number }) {}

  async tradeCounts(input: ParsedInput<"economy:tradeCounts">): Promise<EventOutput<"economy:tradeCounts">> {
    const period = periodOf(input);
    const counted = await this.deps.store.trades.countTrades(period);
    const byOutcome = Object.fromEntries(TradeOutcome.options.map((outcome) => [outcome, counted.byOutcome[outcome] ?? 0])) as Record<
      TradeOutcome,
      number
    >;
    const total = Object.values(byOutcome).reduce((sum, n) => sum + n, 0);
    return {
      since: period.since ?? null,
      until: period.until ?? null,
      total: total + counted.reversed,
      byOutcome,
      reversed: counted.reversed,
      suspicious: counted.suspicious,
    };
  }

  async topItems(input: ParsedInput<"economy:topItems">): Promise<EventOutput<"economy:topItems">> {
    const rows = await this.deps.store.trades.topTradedItems({
      ...periodOf(input),
      by: input.by ?? "trades",
      limit: input.limit ?? DEFAULT_LIMIT,
    });
    const definitions = await this.deps.store.getItems(rows.map((row) => row.itemId));
    return {
      items: rows.map((row) => {
        const definition = definitions.get(row.itemId)?.definition;
        return {
          ...row,
          ...(definition ? { name: definition.name } : {}),
          ...(definition?.value === undefined ? {} : { value: definition.value }),
        };
      }),
    };
  }

  async imbalancedTrades(input: ParsedInput<"economy:imbalancedTrades">): Promise<EventOutput<"economy:imbalancedTrades">> {
    const trades = await this.deps.store.trades.imbalancedTrades({
      ...periodOf(input),
      minImbalance: input.minImbalance ?? this.deps.imbalanceThreshold,
      limit: input.limit ?? DEFAULT_LIMIT,
    });
    return { trades };
  }

  async diverseInventories(input: ParsedInput<"economy:diverseInventories">): Promise<EventOutput<"economy:diverseInventories">> {
    return { players: await this.deps.store.trades.mostDiverseInventories({ limit: input.limit ?? DEFAULT_LIMIT }) };
  }

  async richestPlayers(input: ParsedInput<"economy:richestPlayers">): Promise<EventOutput<"economy:richestPlayers">> {
    const rows = await this.deps.store.trades.richestPlayers({ limit: input.limit ?? DEFAULT_LIMIT });
    return { players: rows.map((row) => ({ ...row, total: row.currency + row.itemValue })) };
  }
}

/** Record times are the server's ISO form; inputs are normalised to it so they compare as strings. */
function periodOf(input: { since?: string | undefined; until?: string | undefined }): { since?: string; until?: string } {
  return {
    ...(input.since === undefined ? {} : { since: new Date(input.since).toISOString() }),
    ...(input.until === undefined ? {} : { until: new Date(input.until).toISOString() }),
  };
}

import { chmodSync, closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { type HistoryEntry, HoardError, type Kit, type Player, type StoredItem } from "@hoard/protocol";
import Database from "better-sqlite3";
import { type Committed, type DomainRecord, type Guarded, type GuardRef, guardKey, type PlayerCommit } from "../../commit/plan";
import type { StockStore } from "../../stock/port";
import {
  assertNextVersion,
  committedOf,
  historyEntry,
  opKey,
  type Page,
  type PlayerSummary,
  type RecordQuery,
  type Store,
  storedOutcome,
} from "../port";
import { Checkpointer, type CheckpointOptions } from "./checkpointer";
import { SqliteExpiryIndex } from "./expiry-index";
import type { GuardTable } from "./guard-table";
import { SqliteLootTables } from "./loot-store";
import { linksAfter, spineAfter } from "./op-chain";
import { OpResults } from "./op-results";
import { PlayerRows } from "./player-rows";
import { SqlitePresenceHistory } from "./presence-store";
import { migrations } from "./schema";
import { SqliteShopCatalog } from "./shop-store";
import { SqliteStockStore } from "./stock-store";
import { SqliteTradeStore } from "./trade-store";
import { WalSync } from "./wal-sync";

export interface SqliteStoreOptions {
  /** A file path, or `:memory:`. */
  path: string;
  /** PRAGMA synchronous: FULL survives power loss; NORMAL survives a process crash. */
  synchronous?: "OFF" | "NORMAL" | "FULL" | "EXTRA";
  /** How long a writer waits for another process's lock before STORE_UNAVAILABLE. */
  busyTimeoutMs?: number;
  /** The most ops one group commit may hold. */
  maxBatch?: number;
  /** How many parsed player states to keep (checked by version on every read); 0 keeps none. */
  playerCacheSize?: number;
  /** When and how far a file's WAL is checkpointed from the worker thread (checkpointer.ts). */
  checkpoint?: CheckpointOptions;
  /** The clock commits are stamped with (ms since the epoch); tests inject one. */
  now?: () => number;
}

/** One unit of work waiting for the next group commit. */
interface Pending {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * The embedded engine (better-sqlite3, WAL). Writes are group-committed: every commit asked
 * for in the same turn of the event loop shares one IMMEDIATE transaction, each inside its own
 * savepoint, so one refused op rolls back alone while the fsync is shared. Several processes
 * may open the same file; IMMEDIATE takes the write lock before reading, so the versions read
 * are the versions written over.
 */
export class SqliteStore implements Store {
  readonly engine = "sqlite" as const;
  readonly shop: SqliteShopCatalog;
  readonly trades: SqliteTradeStore;
  readonly presenceHistory: SqlitePresenceHistory;
  readonly stock: StockStore;
  readonly lootTables: SqliteLootTables;
  private readonly db: Database.Database;
  private readonly opResults: OpResults;
  private readonly players: PlayerRows;
  private readonly expiries: SqliteExpiryIndex;
  private readonly now: () => number;
  /** Guard kinds by name, from the domain stores that own them. */
  private readonly guardTables: ReadonlyMap<string, GuardTable>;
  private readonly maxBatch: number;
  /** Checkpoints a file's WAL off the event loop; a memory store has no WAL. */
  readonly checkpointer: Checkpointer | undefined;
  /** Under FULL, the WAL's fsync after each group commit, on the thread pool. */
  private readonly walSync: WalSync | undefined;
  private queue: Pending[] = [];
  private flushScheduled = false;
  private closed = false;
  private readonly stmt;
  private readonly runBatch: (batch: Pending[]) => Array<{ ok: true; value: unknown } | { ok: false; error: unknown }>;

  constructor(options: SqliteStoreOptions) {
    if (options.path !== ":memory:") ownerOnly(options.path);
    this.db = new Database(options.path);
    this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    this.db.pragma("journal_mode = WAL");
    const synchronous = options.synchronous ?? "FULL";
    // FULL's one difference from NORMAL in WAL mode, the WAL's fsync at each commit, is made
    // off the event loop (wal-sync.ts); callers are still answered only after it.
    this.walSync = synchronous === "FULL" && options.path !== ":memory:" ? new WalSync(`${options.path}-wal`) : undefined;
    this.db.pragma(`synchronous = ${this.walSync ? "NORMAL" : synchronous}`);
    // Every op in a group commit runs in its own savepoint, whose undo pages SQLite keeps in a
    // statement journal: a temp file by default, two write() calls per page touched. In memory
    // it costs a few KiB per op and no system calls: ~15 % less CPU per mutation (bench/).
    this.db.pragma("temp_store = MEMORY");
    this.maxBatch = options.maxBatch ?? 256;
    this.migrate();
    // SQLite's own checkpoint would run inside a commit, on the event loop, every 1,000 pages.
    this.checkpointer =
      options.path === ":memory:"
        ? undefined
        : new Checkpointer(this.db, {
            path: options.path,
            synchronous,
            busyTimeoutMs: options.busyTimeoutMs ?? 5000,
            onRelease: () => this.scheduleFlush(),
            ...options.checkpoint,
          });
    this.presenceHistory = new SqlitePresenceHistory(this.db);

    const db = this.db;
    // SQLite's own LIKE and lower() fold ASCII only; a player's name may be any text.
    db.function("hoard_starts_folded", { deterministic: true }, (value: unknown, folded: unknown) =>
      typeof value === "string" && typeof folded === "string" && value.toLowerCase().startsWith(folded) ? 1 : 0,
    );
    this.shop = new SqliteShopCatalog(db, (work) => this.enqueue(work));
    this.trades = new SqliteTradeStore(db);
    this.guardTables = new Map(Object.entries({ ...this.trades.guardTables, ...this.shop.guardTables }));
    this.stmt = {
      insertItem: db.prepare("INSERT INTO items (id, definition, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING"),
      getItem: db.prepare("SELECT id, definition, created_at FROM items WHERE id = ?"),
      listItems: db.prepare("SELECT id, definition, created_at FROM items WHERE id > ? ORDER BY id LIMIT ?"),
      saveKit: db.prepare("INSERT INTO kits (name, kit) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET kit = excluded.kit"),
      getKit: db.prepare("SELECT kit FROM kits WHERE name = ?"),
      listKits: db.prepare("SELECT kit FROM kits ORDER BY name"),
      listPlayers: db.prepare(
        "SELECT id, version, json_extract(state, '$.name') AS name FROM players WHERE id > ? AND id >= ? AND id < ? ORDER BY id LIMIT ?",
      ),
      searchPlayers: db.prepare(
        // Ids are ASCII, so SQLite's LIKE (which folds ASCII only) is exact for them and runs in C;
        // a name is folded in JS only when the search has a letter beyond ASCII (@beyondAscii = 1).
        `SELECT id, version, name FROM (SELECT id, version, json_extract(state, '$.name') AS name FROM players WHERE id > @after AND id >= @from AND id < @to)
         WHERE id LIKE @pattern ESCAPE '\\' OR (CASE WHEN @beyondAscii THEN hoard_starts_folded(name, @folded) ELSE name LIKE @pattern ESCAPE '\\' END)
         ORDER BY id LIMIT @limit`,
      ),
      putRecord: db.prepare("INSERT INTO records (kind, id, at, data) VALUES (?, ?, ?, ?)"),
      putRecordPlayer: db.prepare("INSERT INTO record_players (kind, player_id, at, id) VALUES (?, ?, ?, ?)"),
      getRecord: db.prepare("SELECT data FROM records WHERE kind = ? AND id = ?"),
      listRecords: db.prepare(
        "SELECT data FROM records WHERE kind = ? AND at >= ? AND at < ? AND (at, id) > (?, ?) ORDER BY at, id LIMIT ?",
      ),
      listPlayerRecords: db.prepare(
        `SELECT r.data FROM record_players p JOIN records r ON r.kind = p.kind AND r.id = p.id
         WHERE p.kind = ? AND p.player_id = ? AND p.at >= ? AND p.at < ? AND (p.at, p.id) > (?, ?) ORDER BY p.at, p.id LIMIT ?`,
      ),
    };

    this.players = new PlayerRows(db, options.playerCacheSize ?? 1000);
    this.expiries = new SqliteExpiryIndex(db);
    this.now = options.now ?? Date.now;
    // A nested better-sqlite3 transaction is a savepoint: a throw rolls back that op only.
    const inSavepoint = db.transaction((run: () => unknown) => run());
    this.runBatch = db.transaction((batch: Pending[]) =>
      batch.map((pending) => {
        try {
          const value = inSavepoint(pending.run);
          this.players.keepStaged();
          return { ok: true as const, value };
        } catch (error) {
          this.players.dropStaged();
          return { ok: false as const, error };
        }
      }),
    ).immediate;
    this.opResults = new OpResults(db);
    this.lootTables = new SqliteLootTables(db, (work) => this.enqueue(work));
    this.stock = new SqliteStockStore({ db, opResults: this.opResults, enqueue: (work) => this.enqueue(work) });
  }

  /** Applies the migrations this file has not seen, under the write lock (other processes wait). */
  private migrate(): void {
    this.db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL) WITHOUT ROWID");
    this.db
      .transaction(() => {
        const applied = new Set(
          (this.db.prepare("SELECT name FROM schema_migrations").all() as Array<{ name: string }>).map((row) => row.name),
        );
        const record = this.db.prepare("INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)");
        for (const migration of migrations) {
          if (applied.has(migration.name)) continue;
          this.db.exec(migration.sql);
          record.run(migration.name, new Date().toISOString());
        }
      })
      .immediate();
  }

  async saveItem(item: StoredItem): Promise<{ item: StoredItem; created: boolean }> {
    const created = await this.enqueue(
      () => this.stmt.insertItem.run(item.id, JSON.stringify(item.definition), item.createdAt).changes === 1,
    );
    if (created) return { item, created: true };
    const existing = (await this.getItems([item.id])).get(item.id);
    return { item: existing ?? item, created: false };
  }

  async getItems(ids: readonly string[]): Promise<Map<string, StoredItem>> {
    const found = new Map<string, StoredItem>();
    for (const id of new Set(ids)) {
      const row = this.stmt.getItem.get(id) as ItemRow | undefined;
      if (row) found.set(id, itemFromRow(row));
    }
    return found;
  }

  async listItems(page: Page): Promise<StoredItem[]> {
    return (this.stmt.listItems.all(page.after ?? "", page.limit) as ItemRow[]).map(itemFromRow);
  }

  async saveKit(kit: Kit): Promise<void> {
    await this.enqueue(() => this.stmt.saveKit.run(kit.name, JSON.stringify(kit)));
  }

  async getKit(name: string): Promise<Kit | undefined> {
    const row = this.stmt.getKit.get(name) as { kit: string } | undefined;
    return row ? (JSON.parse(row.kit) as Kit) : undefined;
  }

  async listKits(): Promise<Kit[]> {
    return (this.stmt.listKits.all() as Array<{ kit: string }>).map((row) => JSON.parse(row.kit) as Kit);
  }

  async getPlayer(id: string): Promise<Player | undefined> {
    return this.players.read(id);
  }

  async listPlayers(page: Page & { prefix?: string; search?: string }): Promise<PlayerSummary[]> {
    const prefix = page.prefix ?? "";
    const folded = page.search?.toLowerCase();
    // Ids use only [A-Za-z0-9_-], all below "~": [prefix, prefix~) is exactly the prefix range.
    const range = [page.after ?? "", prefix, `${prefix}~`];
    const rows = (
      folded === undefined
        ? this.stmt.listPlayers.all(...range, page.limit)
        : this.stmt.searchPlayers.all({
            after: range[0],
            from: range[1],
            to: range[2],
            pattern: `${folded.replace(/[\\%_]/g, "\\$&")}%`,
            beyondAscii: /[^ -~]/.test(folded) ? 1 : 0,
            folded,
            limit: page.limit,
          })
    ) as Array<{
      id: string;
      version: number;
      name: string | null;
    }>;
    return rows.map((row) => (row.name === null ? { id: row.id, version: row.version } : { ...row, name: row.name }));
  }

  commitPlayers<R>(commit: PlayerCommit<R>): Promise<Committed<R>> {
    return this.enqueue(() => this.applyOne(commit as PlayerCommit<unknown>) as Committed<R>);
  }

  /**
   * Runs `work` in the next group commit, in a savepoint of its own: every domain's writes
   * (players, stock) share the transaction and its fsync. `work` is synchronous sqlite work.
   */
  private enqueue<T>(work: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new HoardError("SERVER_SHUTTING_DOWN", "the store is closed"));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run: work, resolve: resolve as (value: unknown) => void, reject });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.queue.length === 0) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  async readHistory(playerId: string, range: { sinceVersion: number; limit: number }): Promise<HistoryEntry[]> {
    const { head, spine } = this.players.spine(playerId);
    return this.opResults.history(playerId, head, spine, range);
  }

  async getRecord(kind: string, id: string): Promise<DomainRecord | undefined> {
    const row = this.stmt.getRecord.get(kind, id) as RecordRow | undefined;
    return row ? recordFromRow(row) : undefined;
  }

  async listRecords(kind: string, query: RecordQuery): Promise<DomainRecord[]> {
    const range = [query.since ?? "", query.until ?? "\uffff", query.after?.at ?? "", query.after?.id ?? "", query.limit] as const;
    const rows = (
      query.playerId === undefined
        ? this.stmt.listRecords.all(kind, ...range)
        : this.stmt.listPlayerRecords.all(kind, query.playerId, ...range)
    ) as RecordRow[];
    return rows.map(recordFromRow);
  }

  async listDueExpiries(at: string, limit: number): Promise<string[]> {
    return this.expiries.due(at, limit);
  }

  async pruneOpResults(before: Date): Promise<number> {
    // In a group commit: the cut and the mark of how far it went are written together.
    return this.enqueue(() => this.opResults.prune(before));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.queue.length > 0) this.flush();
    await this.walSync?.close();
    await this.checkpointer?.close();
    this.db.close();
  }

  private flush(): void {
    this.flushScheduled = false;
    // While the checkpoint worker copies the WAL's last frames, commits wait in the queue (the
    // worker's release schedules the next flush). Closing flushes regardless: the hold is only
    // there so the WAL can start over, never needed for correctness.
    if (this.checkpointer?.held && !this.closed) return;
    // While the WAL syncs, what arrives waits for it and then commits in one batch (its end
    // schedules the next flush): committing meanwhile would not answer anyone sooner.
    if (this.walSync?.busy && !this.closed) return;
    const batch = this.queue.splice(0, this.maxBatch);
    if (this.queue.length > 0) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    if (batch.length === 0) return;
    let outcomes: ReturnType<typeof this.runBatch>;
    try {
      outcomes = this.runBatch(batch);
      this.players.commitPending();
    } catch (error) {
      this.players.dropPending();
      // The whole transaction failed (lock wait timed out, disk error): nothing was written.
      const failure = isBusy(error)
        ? new HoardError("STORE_UNAVAILABLE", "the database is locked by another writer", { cause: error })
        : error;
      for (const pending of batch) pending.reject(failure);
      return;
    }
    this.checkpointer?.afterCommit();
    const answer = () =>
      outcomes.forEach((outcome, index) => {
        const pending = batch[index] as Pending;
        if (outcome.ok) pending.resolve(outcome.value);
        else pending.reject(outcome.error);
      });
    if (!this.walSync) {
      answer();
      return;
    }
    // Committed and visible, but not answered (acked, pushed) until it is on disk. A failed
    // sync leaves the commit unconfirmed: a repeat of each op id answers its stored result.
    this.walSync
      .afterCommit()
      .then(answer, (error: unknown) => {
        const failure = new HoardError("STORE_UNAVAILABLE", "the commit could not be synced to disk", { cause: error });
        for (const pending of batch) pending.reject(failure);
      })
      .finally(() => this.scheduleFlush());
  }

  /** Runs inside the batch transaction, in a savepoint of its own. */
  private applyOne(commit: PlayerCommit<unknown>): Committed<unknown> {
    const op = { key: opKey(commit.actor, commit.opId), opId: commit.opId, requestHash: commit.requestHash };
    const stored = this.opResults.replay(op);
    if (stored) return committedOf(stored);

    const players = new Map<string, Player>();
    for (const id of [...new Set(commit.playerIds)].sort()) {
      const player = this.players.read(id);
      if (player) players.set(id, player);
    }
    const guards = this.readGuards(commit.guards ?? []);
    const at = new Date(this.now()).toISOString();
    const plan = commit.apply(players, at, guards);
    const writes = [...plan.writes].sort((a, b) => compare(a.player.id, b.player.id));
    const spines = writes.map((write) => {
      const chain = this.players.spine(write.player.id);
      assertNextVersion(write.player, chain.head);
      return chain;
    });
    const linked = writes.map((write, i) => {
      const { head, spine } = spines[i] as (typeof spines)[number];
      return { entry: historyEntry(commit, write, at), ...linksAfter(head, spine) };
    });
    // The op's one record: its result and every entry it makes, linked into each player's chain.
    const outcome = storedOutcome(plan);
    const seq = this.opResults.save(op, outcome, linked);
    for (const [i, { player }] of writes.entries()) {
      const { head, spine } = spines[i] as (typeof spines)[number];
      // Compare-and-set on the version read above. Under the IMMEDIATE lock nobody else can
      // have written in between, so a miss here is a bug, not a race: fail the op loudly.
      const previous = players.get(player.id);
      if (!this.players.write(previous, player, spineAfter(head, spine, seq)))
        throw new HoardError("PLAYER_CONFLICT", undefined, { details: { playerId: player.id } });
      this.expiries.track(previous, player);
    }
    for (const doc of plan.guards ?? []) this.writeGuard(doc, guards, commit.guards ?? []);
    for (const record of plan.records ?? []) {
      this.stmt.putRecord.run(record.kind, record.id, record.at, JSON.stringify(record));
      for (const playerId of new Set(record.playerIds)) this.stmt.putRecordPlayer.run(record.kind, playerId, record.at, record.id);
    }
    return committedOf(
      outcome,
      linked.map((link) => link.entry),
    );
  }

  /** Declared guards, read in sorted order after the players (absent ones are left out). */
  private readGuards(refs: readonly GuardRef[]): Map<string, Guarded> {
    const guards = new Map<string, Guarded>();
    for (const key of [...new Set(refs.map(guardKey))].sort()) {
      const ref = refs.find((candidate) => guardKey(candidate) === key) as GuardRef;
      const doc = this.guardTable(ref.kind).read(ref.id);
      if (doc) guards.set(key, doc);
    }
    return guards;
  }

  /** Compare-and-set on the version read above; like a player write, a miss under the lock is a bug. */
  private writeGuard(doc: Guarded, read: ReadonlyMap<string, Guarded>, declared: readonly GuardRef[]): void {
    const key = guardKey(doc);
    if (!declared.some((ref) => guardKey(ref) === key)) throw new Error(`commit wrote guard ${key} it did not declare`);
    const expected = read.get(key)?.version ?? 0;
    if (doc.version !== expected + 1) throw new Error(`commit of guard ${key} must write version ${expected + 1}, not ${doc.version}`);
    if (!this.guardTable(doc.kind).write(doc, expected)) throw new Error(`guard ${key} changed under the write lock`);
  }

  private guardTable(kind: string): GuardTable {
    const table = this.guardTables.get(kind);
    if (!table) throw new Error(`no guard table for kind ${kind}`);
    return table;
  }
}

interface ItemRow {
  id: string;
  definition: string;
  created_at: string;
}

function itemFromRow(row: ItemRow): StoredItem {
  return { id: row.id, definition: JSON.parse(row.definition), createdAt: row.created_at };
}

interface RecordRow {
  data: string;
}

function recordFromRow(row: RecordRow): DomainRecord {
  return JSON.parse(row.data) as DomainRecord;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === "SQLITE_BUSY" || code === "SQLITE_LOCKED";
}

/**
 * The database holds every player's state: its files are for this user only. SQLite would
 * create the file 0644 (less the umask), and makes `-wal` and `-shm` with the mode of the
 * database file, so the file is made first, 0600; files left by an older version are tightened.
 * A directory made here is 0700.
 */
function ownerOnly(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, "a", 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      chmodSync(file, 0o600);
    } catch (error) {
      // Absent (no WAL yet), another user's file that this one may still open, or a file system
      // without modes: leave it.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "EPERM" && code !== "ENOTSUP") throw error;
    }
  }
}

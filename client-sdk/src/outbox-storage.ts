import type { OutboxEntry, OutboxStorage } from "./outbox.js";

/** The few synchronous fs calls the file store needs, from Node's own `fs`. */
interface NodeFs {
  readFileSync(path: string, encoding: "utf8"): string;
  openSync(path: string, flags: string): number;
  writeSync(fd: number, data: string): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
}

/**
 * Node: keeps the outbox in one JSON file, replaced whole on every change (written beside it,
 * flushed to disk, then renamed over it, so a crash leaves the old list or the new, never half).
 * Node's fs is taken at run time (`process.getBuiltinModule`, Node ≥ 20.16), so the SDK's
 * browser build never sees an import of it.
 *
 * @example
 * const hoard = new HoardClient(url, { token, outbox: { storage: fileOutboxStorage("./data/outbox.json") } });
 */
export function fileOutboxStorage(path: string): OutboxStorage {
  const getBuiltin = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (!getBuiltin) throw new Error("fileOutboxStorage needs Node ≥ 20.16 (process.getBuiltinModule); in a browser use localStorageOutbox");
  const fs = getBuiltin("node:fs") as NodeFs;
  return {
    load: () => {
      let text: string;
      try {
        text = fs.readFileSync(path, "utf8");
      } catch (error) {
        if ((error as { code?: string }).code === "ENOENT") return [];
        throw error;
      }
      return parseEntries(text, path);
    },
    save: (entries) => {
      const temporary = `${path}.tmp`;
      const fd = fs.openSync(temporary, "w");
      try {
        fs.writeSync(fd, JSON.stringify(entries));
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(temporary, path);
    },
  };
}

/**
 * Browsers: keeps the outbox in `localStorage` under `key` (shared by the origin's tabs; two
 * tabs delivering the same entry still apply it once, by its opId).
 *
 * @example
 * const hoard = new HoardClient(url, { token: fetchToken, outbox: { storage: localStorageOutbox("mygame.outbox") } });
 */
export function localStorageOutbox(
  key = "hoard.outbox",
  storage: Pick<Storage, "getItem" | "setItem"> = globalThis.localStorage,
): OutboxStorage {
  return {
    load: () => {
      const text = storage.getItem(key);
      return text === null ? [] : parseEntries(text, `localStorage[${key}]`);
    },
    save: (entries) => storage.setItem(key, JSON.stringify(entries)),
  };
}

function parseEntries(text: string, where: string): OutboxEntry[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value)) throw new Error(`${where} does not hold an outbox (a JSON array)`);
  return value as OutboxEntry[];
}

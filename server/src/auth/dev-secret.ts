import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * Dev mode: with no HOARD_SECRET, a random secret is generated once and kept beside the
 * database (`data/dev-secret`), so restarts and `npm run hoard -- token` agree on it. With an
 * in-memory database the secret lives only in memory.
 */
function devSecret(dbPath: string): { secret: string; file: string | undefined } {
  if (dbPath === ":memory:") return { secret: randomBytes(32).toString("hex"), file: undefined };
  const file = join(dirname(dbPath), "dev-secret");
  if (existsSync(file)) return { secret: readFileSync(file, "utf8").trim(), file };
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString("hex");
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { secret, file };
}

/** The secret that signs tokens: HOARD_SECRET, or in dev mode a generated one (and where it is kept). */
export function signingSecret(config: { secret: string | undefined; db: string }): {
  secret: string;
  devMode: boolean;
  devSecretFile: string | undefined;
} {
  if (config.secret !== undefined) return { secret: config.secret, devMode: false, devSecretFile: undefined };
  const dev = devSecret(config.db);
  return { secret: dev.secret, devMode: true, devSecretFile: dev.file };
}

import type { Migration } from "./schema";

export const presenceMigrations: Migration[] = [
  {
    name: "presence-001-samples",
    sql: `
    CREATE TABLE presence_samples (
      area_code TEXT NOT NULL,
      at TEXT NOT NULL,
      total INTEGER NOT NULL,
      modes TEXT NOT NULL,
      PRIMARY KEY (area_code, at)
    ) WITHOUT ROWID;
    CREATE INDEX presence_samples_at ON presence_samples (at);
    `,
  },
];

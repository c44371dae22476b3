import { describe, expect, it } from "vitest";
import { sourceFiles } from "./imports";
import { layoutOf } from "./layout";

/**
 * The folder-cycle wall on a fixture tree (fixtures/walls/, laid out as server/src is): it
 * finds a cycle through a root file, which a check of folders alone would miss, and no cycle
 * through a domain's port.ts, the seam both its domain and the store may import.
 */
const base = "test/architecture/fixtures/walls/";
const files = sourceFiles(base.slice(0, -1));
const { folderCycles, isDomain, isDomainPort } = layoutOf(base);

describe("the folder-cycle wall", () => {
  it("reads the fixture tree as the server's: domains, their ports, infrastructure", () => {
    expect(files.length).toBe(7);
    expect(files.filter(isDomain)).toEqual([`${base}shop/port.ts`, `${base}shop/service.ts`]);
    expect(files.filter(isDomainPort)).toEqual([`${base}shop/port.ts`]);
  });

  it("fails on infrastructure importing a root file that imports it, and names the imports", () => {
    expect(folderCycles(files)).toEqual([
      {
        members: ["actions.ts", "auth/"],
        edges: [
          ["actions.ts → auth/", `${base}actions.ts:2 imports "./auth/policy" (type only)`],
          ["auth/ → actions.ts", `${base}auth/session.ts:2 imports "../actions" (type only)`],
        ],
      },
    ]);
  });

  it("passes once that import is gone; a domain and the store meeting at the domain's port.ts is no cycle", () => {
    expect(folderCycles(files.filter((file) => !file.endsWith("auth/session.ts")))).toEqual([]);
  });
});

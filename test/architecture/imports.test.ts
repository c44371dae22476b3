import { describe, expect, it } from "vitest";
import { cycles, importsOf } from "./imports";

describe("the import scanner", () => {
  it("reads every kind of import and re-export, tells type-only ones apart, and resolves them", () => {
    const found = importsOf("test/architecture/fixtures/sample.ts.txt").map(({ line, specifier, typeOnly, target }) => ({
      line,
      specifier,
      typeOnly,
      target: target.kind === "file" ? target.path : `${target.kind}:${target.name}`,
    }));
    expect(found).toEqual([
      { line: 2, specifier: "../imports", typeOnly: false, target: "test/architecture/imports.ts" },
      { line: 6, specifier: "../walls.test", typeOnly: true, target: "test/architecture/walls.test.ts" },
      // `import { type D }` still loads its module (verbatimModuleSyntax keeps it).
      { line: 7, specifier: "../../../protocol/src/client.js", typeOnly: false, target: "protocol/src/client.ts" },
      { line: 8, specifier: "zod", typeOnly: false, target: "package:zod" },
      { line: 9, specifier: "./side-effect.css", typeOnly: false, target: "test/architecture/fixtures/side-effect.css" },
      { line: 10, specifier: "node:fs", typeOnly: false, target: "builtin:fs" },
      { line: 11, specifier: "path", typeOnly: false, target: "builtin:path" },
      { line: 12, specifier: "@hoard/protocol/client", typeOnly: false, target: "protocol/src/client.ts" },
      { line: 13, specifier: "uplot/dist/uPlot.esm.js", typeOnly: false, target: "package:uplot" },
      { line: 14, specifier: "../../../protocol/src/days", typeOnly: false, target: "protocol/src/days.ts" },
      { line: 15, specifier: "../../../protocol/src/stock", typeOnly: true, target: "protocol/src/stock.ts" },
      { line: 16, specifier: "@hoard/server", typeOnly: false, target: "server/src/index.ts" },
      { line: 21, specifier: "../../../server/src/main", typeOnly: false, target: "server/src/main.ts" },
      { line: 22, specifier: "../../../server/src/app", typeOnly: true, target: "server/src/app.ts" },
    ]);
  });

  it("finds the cycles of a graph, and none in a chain", () => {
    const graph = new Map([
      ["a", new Set(["b"])],
      ["b", new Set(["c"])],
      ["c", new Set(["a", "d"])],
      ["d", new Set<string>()],
    ]);
    expect(cycles(graph)).toEqual([["a", "b", "c"]]);
    graph.set("c", new Set(["d"]));
    expect(cycles(graph)).toEqual([]);
  });
});

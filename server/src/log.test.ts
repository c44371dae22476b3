import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, redact } from "./log";

describe("redact", () => {
  it("hides the password of a refused Redis AUTH or HELLO, keeping the rest of the command", () => {
    expect(redact({ name: "hello", args: ["3", "AUTH", "default", "hunter2"] })).toEqual({
      name: "hello",
      args: ["3", "AUTH", "[redacted]", "[redacted]"],
    });
    expect(redact({ command: { name: "auth", args: ["hunter2"] } })).toEqual({ command: { name: "auth", args: ["[redacted]"] } });
    expect(redact({ command: { name: "evalsha", args: ["abc", 0, "alice"] } })).toEqual({
      command: { name: "evalsha", args: ["abc", 0, "alice"] },
    });
  });

  it("hides values under secret keys and passwords in URLs, at any depth, without changing its input", () => {
    const input = { url: "redis://default:hunter2@cache:6379/0", nested: [{ password: "x", token: "y", note: "keep" }], n: 1 };
    const before = structuredClone(input);
    expect(redact(input)).toEqual({
      url: "redis://default:[redacted]@cache:6379/0",
      nested: [{ password: "[redacted]", token: "[redacted]", note: "keep" }],
      n: 1,
    });
    expect(input).toEqual(before);
  });

  it("is the logger's error serializer: a logged error carries no credential", () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = createLogger({ nodeId: "n1", level: "info", destination });
    const error = Object.assign(new Error("WRONGPASS invalid username-password pair"), {
      command: { name: "hello", args: ["3", "AUTH", "default", "hunter2"] },
    });
    log.warn({ err: error }, "redis error");
    expect(lines.join("")).not.toContain("hunter2");
    expect(JSON.parse(lines[0] as string).err).toMatchObject({
      message: error.message,
      command: { args: ["3", "AUTH", "[redacted]", "[redacted]"] },
    });
    expect(error.command.args[3]).toBe("hunter2");
  });
});

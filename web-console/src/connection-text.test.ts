import { HoardError } from "@hoard/client-sdk";
import { describe, expect, it } from "vitest";
import { connectionProblem } from "./connection-text";

const at = new Date(0);

describe("connectionProblem", () => {
  it("says nothing while connected or still connecting", () => {
    expect(connectionProblem("connected", { reason: "transport close", at })).toBeUndefined();
    expect(connectionProblem("connecting", undefined)).toBeUndefined();
  });

  it("does not blame the token when the node hung up or went away", () => {
    for (const reason of ["io server disconnect", "transport close", "ping timeout"]) {
      const text = connectionProblem("reconnecting", { reason, at }) ?? "";
      expect(text).toContain("reconnecting");
      expect(text).not.toContain("token");
    }
  });

  it("blames the token only when it expired or the node refused it", () => {
    const expired = new HoardError("AUTH_TOKEN_EXPIRED");
    expect(connectionProblem("reconnecting", { reason: "io server disconnect", error: expired, at })).toContain("token expired");
    expect(connectionProblem("closed", { reason: "refused", error: expired, at })).toContain("refused the token (AUTH_TOKEN_EXPIRED)");
    expect(connectionProblem("closed", undefined)).toBe("Disconnected from the node.");
  });
});

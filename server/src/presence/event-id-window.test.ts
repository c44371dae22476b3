import { describe, expect, it } from "vitest";
import { EventIdWindow } from "./event-id-window";

describe("EventIdWindow", () => {
  it("remembers a key for at least one window and forgets it after two", () => {
    const window = new EventIdWindow(1000);
    expect(window.firstSeen("a", 1999)).toBe(true);
    expect(window.firstSeen("a", 1999)).toBe(false);
    expect(window.firstSeen("a", 2998)).toBe(false); // next window still checks the previous one
    expect(window.firstSeen("a", 4000)).toBe(true);
  });

  it("does not forget when the clock steps back", () => {
    const window = new EventIdWindow(1000);
    window.firstSeen("a", 5000);
    expect(window.firstSeen("a", 3000)).toBe(false);
  });
});

import type { HoardClient } from "@hoard/client-sdk";
import { errorBox, replaceChildren } from "./dom";

/**
 * Reads every `everyMs`, one read at a time (the next is scheduled when the last ends): `read`
 * fetches, `show` draws, and a failure is shown in `problem` until a read succeeds again. With
 * `hoard`, a reconnect reads at once (the view catches up without waiting for its next turn).
 * Nothing is drawn after the returned `stop()`.
 */
export function poll<T>(options: {
  everyMs: number;
  problem: Element;
  read: () => Promise<T>;
  show: (value: T) => void;
  hoard?: HoardClient;
  /** Told about each failed read (after the problem is shown), e.g. to put a gap in a chart. */
  failed?: (error: unknown) => void;
}): () => void {
  let stopped = false;
  let reading = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    clearTimeout(timer);
    reading = true;
    try {
      const value = await options.read();
      if (stopped) return;
      options.show(value);
      options.problem.replaceChildren();
    } catch (error) {
      if (!stopped) {
        replaceChildren(options.problem, errorBox(error));
        options.failed?.(error);
      }
    } finally {
      reading = false;
      if (!stopped) timer = setTimeout(() => void tick(), options.everyMs);
    }
  };
  void tick();
  const stopStatus = options.hoard?.on("status", (status) => {
    if (status === "connected" && !reading && !stopped) void tick();
  });
  return () => {
    stopped = true;
    clearTimeout(timer);
    stopStatus?.();
  };
}

import { errorBox, replaceChildren } from "./dom";

/**
 * Reads every `everyMs`, one read at a time (the next is scheduled when the last ends): `read`
 * fetches, `show` draws, and a failure is shown in `problem` until a read succeeds again.
 * Nothing is drawn after the returned `stop()`.
 */
export function poll<T>(options: { everyMs: number; problem: Element; read: () => Promise<T>; show: (value: T) => void }): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    try {
      const value = await options.read();
      if (stopped) return;
      options.show(value);
      options.problem.replaceChildren();
    } catch (error) {
      if (!stopped) replaceChildren(options.problem, errorBox(error));
    } finally {
      if (!stopped) timer = setTimeout(() => void tick(), options.everyMs);
    }
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

import { errorBox, replaceChildren } from "../../lib/dom";

/** At most this many rows of one list are read (pages of 500): enough for a console, bounded for a browser. */
const maxRows = 5000;

/**
 * Every row of a paged list, page after page (`next` is the cursor), up to `maxRows`.
 *
 * @example const supplies = await readAll((page) => hoard.shop.supplies(page), (answer) => answer.supplies);
 */
export async function readAll<A extends { next: string | null }, T>(
  read: (page: { limit: number; after?: string }) => Promise<A>,
  rows: (answer: A) => readonly T[],
): Promise<T[]> {
  const all: T[] = [];
  let after: string | undefined;
  do {
    const answer = await read({ limit: 500, ...(after === undefined ? {} : { after }) });
    all.push(...rows(answer));
    after = answer.next ?? undefined;
  } while (after !== undefined && all.length < maxRows);
  return all;
}

/**
 * A section's load: `read`, then `show` what it read (clearing the section's problem), or the
 * error in `problem`; the section calls it on opening and after each act.
 */
export function sectionLoad<T>(problem: HTMLElement, read: () => Promise<T>, show: (value: T) => void): () => Promise<void> {
  return async () => {
    try {
      const value = await read();
      problem.replaceChildren();
      show(value);
    } catch (error) {
      replaceChildren(problem, errorBox(error));
    }
  };
}

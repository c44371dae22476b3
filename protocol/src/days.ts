/**
 * Calendar days as stock counts them: dates `YYYY-MM-DD` (1970 on), stored as days since
 * 1970-01-01. Pure, no zod: the client entry (`@hoard/protocol/client`) exports these.
 */

const DAY_MS = 86_400_000;
const dayRegex = /^(\d{4})-(\d{2})-(\d{2})$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Days since 1970-01-01 of a calendar date `YYYY-MM-DD` (1970 to 9999), or undefined when the
 * text is not a real date (2023-02-29, 2024-13-01, 24-1-1).
 *
 * @example
 * dayNumber("1970-01-02"); // 1
 */
export function dayNumber(day: string): number | undefined {
  const match = dayRegex.exec(day);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const date = Number(match[3]);
  if (year < 1970 || month < 1 || month > 12 || date < 1 || date > daysInMonth(year, month)) return undefined;
  return Date.UTC(year, month - 1, date) / DAY_MS;
}

/** The calendar date of a day number: the inverse of `dayNumber`. */
export function dayOfNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The days of an inclusive range, in order. */
export function daysBetween(from: string, to: string): string[] {
  const first = dayNumber(from);
  const last = dayNumber(to);
  if (first === undefined || last === undefined) return [];
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => dayOfNumber(first + i));
}

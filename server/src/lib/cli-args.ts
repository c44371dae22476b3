import { parseArgs } from "node:util";

/** A mistake on the command line: one line and the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
  }
}

/**
 * Parses a command's options strictly (an unknown option is a UsageError, never a stack) with
 * `--help` on every command.
 */
export function parseCommand<O extends Record<string, { type: "string" | "boolean" }>>(
  args: string[],
  options: O,
  commandUsage: string,
): { values: { [K in keyof O]?: O[K]["type"] extends "boolean" ? boolean : string }; positionals: string[] } | "help" {
  try {
    const parsed = parseArgs({ args, options: { ...options, help: { type: "boolean" } }, allowPositionals: true, strict: true });
    if ((parsed.values as { help?: boolean }).help) return "help";
    return parsed as { values: { [K in keyof O]?: O[K]["type"] extends "boolean" ? boolean : string }; positionals: string[] };
  } catch (error) {
    // node:util throws ERR_PARSE_ARGS_* with a readable message: keep the message, drop the stack.
    throw new UsageError((error as Error).message, commandUsage);
  }
}

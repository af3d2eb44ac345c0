/** What a CLI command sees of the outside world (so tests and `start` can reuse commands). */
export interface CliIO {
  readonly cwd: string;
  out(text: string): void;
  err(text: string): void;
  readonly signal: AbortSignal;
}

export interface CliCommand {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  /** Returns the process exit code. Exit 2 means bad usage or bad configuration. */
  run(args: readonly string[], io: CliIO): Promise<number>;
}

/** Thrown for bad usage; the CLI prints the message and exits 2. */
export class UsageError extends Error {}

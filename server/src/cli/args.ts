import { UsageError } from './types';

/** Command-line words read one at a time; an option's value is the word after it. */
export class ArgWords {
  private index = 0;

  constructor(private readonly words: readonly string[]) {}

  next(): string | undefined {
    return this.words[this.index++];
  }

  /** The value of `option`: `inline` when given (`-DNAME`, `--x=v`), else the next word. */
  value(option: string, inline = ''): string {
    if (inline) return inline;
    const v = this.next();
    if (v === undefined) throw new UsageError(`${option} needs a value`);
    return v;
  }

  /** A whole number >= 0 as the value of `option`. */
  count(option: string): number {
    const n = Number(this.value(option));
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`${option} needs a whole number`);
    return n;
  }

  /** Every word not read yet (a command after `--`). */
  rest(): string[] {
    const rest = this.words.slice(this.index);
    this.index = this.words.length;
    return rest;
  }
}

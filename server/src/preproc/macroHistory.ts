import type { MacroTable } from './macroTable';
import type { MacroDef } from './types';

/**
 * Every change of a macro while a file is evaluated, keyed by the file's line
 * (changes made inside an included header are recorded at the #include line).
 * Answers "which definition is in effect at line L" without table snapshots.
 */
export class MacroHistory {
  private readonly events = new Map<string, { lines: number[]; defs: Array<MacroDef | undefined> }>();

  constructor(private readonly initial: MacroTable) {}

  record(line: number, name: string, def: MacroDef | undefined): void {
    let e = this.events.get(name);
    if (!e) {
      e = { lines: [], defs: [] };
      this.events.set(name, e);
    }
    e.lines.push(line);
    e.defs.push(def);
  }

  /** Every definition in effect at some point: the initial table's and each one recorded since. */
  definitions(): MacroDef[] {
    const out: MacroDef[] = [];
    for (const name of this.initial.names()) out.push(this.initial.get(name)!);
    for (const e of this.events.values()) for (const d of e.defs) if (d) out.push(d);
    return out;
  }

  /** The definition in effect at `line`: the last change on an earlier line, else the initial table. */
  at(name: string, line: number): MacroDef | undefined {
    const e = this.events.get(name);
    if (!e) return this.initial.get(name);
    // Last event with eventLine < line (lines are recorded in increasing order).
    let lo = 0;
    let hi = e.lines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (e.lines[mid]! < line) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? this.initial.get(name) : e.defs[lo - 1];
  }
}

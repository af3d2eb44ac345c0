import { parseDefine } from './define';
import type { MacroDef } from './types';

/** File name given to definitions that come from the configuration, not a source file. */
export const COMMAND_LINE_FILE = '<command-line>';

/**
 * Macro definitions by name. Copy-on-write: clone() shares the underlying map
 * until one side writes, so snapshots for headers and hovers are cheap.
 */
export class MacroTable {
  private map: Map<string, MacroDef>;
  /** True while `map` may be referenced by another table; writes copy it first. */
  private shared: boolean;

  constructor(map?: Map<string, MacroDef>) {
    this.map = map ?? new Map();
    this.shared = map !== undefined;
  }

  /**
   * Builds a table from `NAME -> body` pairs like -D options. A key of the form
   * `NAME(a,b)` defines a function-like macro; an invalid key is skipped.
   */
  static from(defines: Record<string, string>): MacroTable {
    const table = new MacroTable();
    for (const [key, value] of Object.entries(defines)) {
      const def = parseDefine(`${key} ${value}`, COMMAND_LINE_FILE, 0);
      if ('error' in def) continue;
      table.define(def);
    }
    return table;
  }

  get(name: string): MacroDef | undefined {
    return this.map.get(name);
  }

  has(name: string): boolean {
    return this.map.has(name);
  }

  define(def: MacroDef): void {
    this.own();
    this.map.set(def.name, def);
  }

  undef(name: string): void {
    if (!this.map.has(name)) return;
    this.own();
    this.map.delete(name);
  }

  clone(): MacroTable {
    this.shared = true;
    return new MacroTable(this.map);
  }

  names(): Iterable<string> {
    return this.map.keys();
  }

  get size(): number {
    return this.map.size;
  }

  private own(): void {
    if (this.shared) {
      this.map = new Map(this.map);
      this.shared = false;
    }
  }
}

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Parser, Query, Tree } from 'web-tree-sitter';
import type { BuildName, HakmemConfig } from '../config/config';
import { GlobSet } from '../config/glob';
import { extractFacts, FACTS_QUERY } from '../facts/extract';
import { updateFacts } from '../facts/incremental';
import type { FileFacts } from '../facts/types';
import { computeHotPath, type HotPathModel } from '../hotpath/graph';
import type { CLanguage } from '../parse/treeSitter';
import { analyzePointers, extractPointerFacts, parsePointerConfig, type PointerConfig, type PointerFileFacts, type PointerModel } from '../pointers';
import { defaultPredefines, evaluatePreprocessor, MacroTable, type PreprocResult } from '../preproc';
import { findingsForFile, pointerFindings, type Finding } from './findings';

/** Files larger than this are skipped (with a note) rather than parsed. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;
const SOURCE_EXTENSIONS = /\.(c|h|inc|cc)$/;

export interface SkippedFile {
  readonly path: string;
  readonly reason: string;
}

interface Entry {
  text: string;
  facts: FileFacts;
  pointerFacts: PointerFileFacts;
  preproc: PreprocResult;
  /** Headers this file's preprocessing read (an edit to one re-evaluates this file). */
  deps: Set<string>;
}

const POINTER_ANNOTATION = /hakmem:(base|user)\b/;

function noPointerFacts(path: string): PointerFileFacts {
  return { path, functions: [], prototypes: [], annotations: [], macros: {}, macroNames: [], constants: {} };
}

/** True when the buffer looks binary (a NUL byte in its first 8 KiB). */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

/** Every C source and header under `root`, minus the configured exclusions. */
export function discoverSources(config: HakmemConfig, root: string = config.root): string[] {
  const exclude = new GlobSet(config.exclude);
  const out: string[] = [];
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names.sort()) {
      const full = join(dir, name);
      const rel = relative(config.root, full);
      if (exclude.matches(rel) || exclude.matches(rel + '/')) continue;
      let st;
      try {
        st = statSync(full);
      } catch {
        continue;
      }
      if (st.isDirectory()) {
        if (name.startsWith('.') || exclude.matches(`${rel}/x`)) continue;
        walk(full);
      } else if (SOURCE_EXTENSIONS.test(name)) {
        out.push(full);
      }
    }
  };
  if (existsSync(root) && statSync(root).isFile()) return [resolve(root)];
  walk(root);
  return out;
}

/**
 * The analysed workspace for one build: every file's facts, the call graph
 * and the findings. Open editors override disk contents through setText.
 */
export class Workspace {
  private readonly entries = new Map<string, Entry>();
  private readonly overlays = new Map<string, string>();
  private readonly diskCache = new Map<string, string | null>();
  private readonly parser: Parser;
  private readonly query: Query;
  private readonly baseMacros: MacroTable;
  private cachedModel: HotPathModel | undefined;
  private cachedPointers: PointerModel | undefined;
  private readonly pointerConfig: PointerConfig;
  /**
   * Without a "pointers" section or hakmem:base/user annotations no BASE kind can
   * arise, so no USER/BASE finding is possible: the extraction is skipped.
   */
  private pointersEnabled: boolean;
  private measuredHot: ReadonlyMap<string, number> = new Map();
  readonly skipped: SkippedFile[] = [];

  constructor(
    readonly config: HakmemConfig,
    lang: CLanguage,
    readonly build: BuildName = 'release',
  ) {
    this.parser = lang.newParser();
    this.query = lang.query(FACTS_QUERY);
    const b = config.builds[build];
    const table = MacroTable.from({ ...defaultPredefines(), ...b.defines });
    for (const name of b.undefines) table.undef(name);
    this.baseMacros = table;
    // Config problems in "pointers" were reported by the config loader; what parses is used.
    this.pointerConfig = parsePointerConfig(config.pointers).config;
    this.pointersEnabled = config.pointers !== undefined;
  }

  dispose(): void {
    this.parser.delete();
    this.query.delete();
  }

  paths(): string[] {
    return [...this.entries.keys()];
  }

  facts(path: string): FileFacts | undefined {
    return this.entries.get(path)?.facts;
  }

  preproc(path: string): PreprocResult | undefined {
    return this.entries.get(path)?.preproc;
  }

  text(path: string): string | undefined {
    return this.entries.get(path)?.text ?? this.overlays.get(path);
  }

  /** Functions the latest profile measured hot (name → self %); they join the hot path. */
  setMeasuredHot(measured: ReadonlyMap<string, number>): void {
    this.measuredHot = measured;
    this.cachedModel = undefined;
  }

  model(): HotPathModel {
    this.cachedModel ??= computeHotPath(
      [...this.entries.values()].map((e) => e.facts),
      { entryPoints: this.config.entryPoints, coldPatterns: this.config.coldPatterns, measuredHot: this.measuredHot },
    );
    return this.cachedModel;
  }

  /** USER/BASE kinds over the whole workspace (a fixed point over function summaries). */
  pointerModel(): PointerModel {
    this.cachedPointers ??= analyzePointers(
      [...this.entries.values()].map((e) => e.pointerFacts),
      this.pointerConfig,
    );
    return this.cachedPointers;
  }

  findings(path: string): Finding[] {
    const entry = this.entries.get(path);
    if (!entry) return [];
    return [...findingsForFile(entry.facts, this.model(), this.config), ...pointerFindings(path, entry.facts, this.pointerModel(), this.config)].sort(
      (a, b) => a.span.line - b.span.line || a.span.column - b.span.column,
    );
  }

  allFindings(): Finding[] {
    return this.paths().flatMap((path) => this.findings(path));
  }

  /** Reads and analyses files from disk, yielding to the event loop between files. */
  async indexFiles(paths: readonly string[], onProgress?: (done: number, total: number, path: string) => void, signal?: AbortSignal): Promise<void> {
    for (let i = 0; i < paths.length; i++) {
      if (signal?.aborted) return;
      const path = paths[i]!;
      onProgress?.(i, paths.length, path);
      if (!this.overlays.has(path)) this.loadFromDisk(path);
      if (i % 4 === 3) await new Promise((r) => setImmediate(r));
    }
    onProgress?.(paths.length, paths.length, '');
  }

  /** (Re)reads one file from disk; removes it when it is gone or unreadable. Returns the paths whose analysis changed. */
  loadFromDisk(path: string): string[] {
    this.diskCache.delete(path);
    if (this.overlays.has(path)) return [];
    const text = this.readDisk(path);
    if (text === null) return this.remove(path);
    return this.analyse(path, text);
  }

  /** An open editor's text (and its incrementally parsed tree, which stays owned by the caller). */
  setText(path: string, text: string, tree?: Tree): string[] {
    this.overlays.set(path, text);
    return this.analyse(path, text, tree);
  }

  /** The editor closed: fall back to the file on disk. */
  closeText(path: string): string[] {
    this.overlays.delete(path);
    return this.loadFromDisk(path);
  }

  remove(path: string): string[] {
    this.overlays.delete(path);
    this.diskCache.delete(path);
    if (!this.entries.delete(path)) return [];
    this.invalidate();
    const dependents = this.dependents(path);
    for (const dep of dependents) this.analyseOne(dep, this.entries.get(dep)!.text);
    return [path, ...dependents];
  }

  private invalidate(): void {
    this.cachedModel = undefined;
    this.cachedPointers = undefined;
  }

  private readDisk(path: string): string | null {
    const cached = this.diskCache.get(path);
    if (cached !== undefined) return cached;
    let text: string | null = null;
    try {
      const st = statSync(path);
      if (!st.isFile()) {
        text = null;
      } else if (st.size > MAX_FILE_BYTES) {
        this.noteSkipped(path, `larger than ${MAX_FILE_BYTES / (1024 * 1024)} MB`);
      } else {
        const bytes = readFileSync(path);
        if (looksBinary(bytes)) this.noteSkipped(path, 'binary file');
        else text = bytes.toString('utf8');
      }
    } catch {
      text = null;
    }
    this.diskCache.set(path, text);
    return text;
  }

  private noteSkipped(path: string, reason: string): void {
    if (!this.skipped.some((s) => s.path === path)) this.skipped.push({ path, reason });
  }

  private sourceOf(path: string): string | null {
    return this.overlays.get(path) ?? this.readDisk(path);
  }

  private dependents(path: string): string[] {
    return [...this.entries].filter(([p, e]) => p !== path && e.deps.has(path)).map(([p]) => p);
  }

  private resolveInclude(fromFile: string | undefined, name: string, system: boolean, deps: Set<string>): { path: string; text: string } | undefined {
    const dirs = [...(system || !fromFile ? [] : [dirname(fromFile)]), ...this.config.includePaths];
    for (const dir of dirs) {
      const candidate = resolve(dir, name);
      const text = this.sourceOf(candidate);
      if (text !== null) {
        deps.add(candidate);
        return { path: candidate, text };
      }
    }
    return undefined;
  }

  private evaluate(path: string, text: string, deps: Set<string>): PreprocResult {
    return evaluatePreprocessor(text, {
      fileName: path,
      defines: this.baseMacros.clone(),
      resolveInclude: (name, system, from) => this.resolveInclude(from ?? path, name, system, deps),
    });
  }

  /** Analyses one file, then every file that includes it. Returns the paths whose analysis changed. */
  private analyse(path: string, text: string, tree?: Tree): string[] {
    this.analyseOne(path, text, tree);
    const changed = [path];
    for (const dep of this.dependents(path)) {
      const entry = this.entries.get(dep);
      if (!entry) continue;
      this.analyseOne(dep, entry.text);
      changed.push(dep);
    }
    this.invalidate();
    return changed;
  }

  private analyseOne(path: string, text: string, tree?: Tree): void {
    if (!this.pointersEnabled && POINTER_ANNOTATION.test(text)) {
      // The first annotation turns the analysis on: files analysed before need their pointer facts.
      this.pointersEnabled = true;
      for (const [other, entry] of this.entries) if (other !== path) this.analyseOne(other, entry.text);
    }
    const deps = new Set<string>();
    const preproc = this.evaluate(path, text, deps);
    const ownTree = tree ?? this.parser.parse(text);
    if (!ownTree) throw new Error(`could not parse ${path}`);
    try {
      // An edit inside one function body (typing) re-extracts that function only.
      const previous = tree ? this.entries.get(path) : undefined;
      const facts =
        (previous && updateFacts(previous.facts, previous.text, text, ownTree, this.query, preproc)) ||
        extractFacts(path, text, ownTree, this.query, preproc, this.build);
      const pointerFacts = this.pointersEnabled ? extractPointerFacts(path, text, ownTree, preproc, this.pointerConfig) : noPointerFacts(path);
      this.entries.set(path, { text, facts, pointerFacts, preproc, deps });
    } finally {
      if (!tree) ownTree.delete();
    }
  }
}

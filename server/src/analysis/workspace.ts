import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { Parser, Query } from 'web-tree-sitter';
import type { BuildName, HakmemConfig } from '../config/config';
import { GlobSet } from '../util/glob';
import { FACTS_QUERY } from '../facts/extract';
import type { FileFacts } from '../facts/types';
import { computeHotPath, type HotPathModel } from '../hotpath/graph';
import type { IncrementalTree } from '../parse/incrementalTree';
import type { CLanguage } from '../parse/treeSitter';
import { analyzePointers, type PointerConfig, type PointerFileFacts, type PointerModel } from '../pointers';
import type { MacroTable } from '../preproc';
import {
  analyseText,
  analyseView,
  buildMacros,
  mergeSlices,
  pointerConfigOf,
  sliceBoundaries,
  type AnalysisContext,
  type FileAnalysis,
} from './fileAnalysis';
import { IndexPool } from './pool';
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
  /** Headers this file's preprocessing read (an edit to one re-evaluates this file). */
  deps: Set<string>;
  /** The syntax view the facts were extracted from, when analysed whole here (the base of an incremental update). */
  view?: string;
}

const POINTER_ANNOTATION = /hakmem:(base|user)\b/;

/** [start, end) ranges cutting `text` into about `parts` slices at function ends (one range when it cannot be cut). */
function slicesOf(text: string, parts: number): Array<readonly [number, number]> {
  const bounds = [0, ...sliceBoundaries(text, parts), text.length];
  return bounds.slice(1).map((end, i) => [bounds[i]!, end] as const);
}
/** Below this much source text, starting worker threads costs more than it saves. */
const PARALLEL_INDEX_CHARS = 1_500_000;
/** A file at least this large is cut into slices indexed in parallel. */
const SLICE_CHARS = 1_000_000;
/** Indexing threads; HAKMEM_INDEX_WORKERS=0 (or 1) keeps indexing on the calling thread. */
const MAX_WORKERS = Math.max(0, Number(process.env.HAKMEM_INDEX_WORKERS ?? 2) || 0);

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
    /**
     * Index in worker threads, huge files in parallel slices: faster, but every
     * slice's tree is alive at once. The CLI wants the speed; the language server
     * keeps its memory down: it indexes here, a huge file slice after slice.
     */
    private readonly parallel = true,
  ) {
    this.parser = lang.newParser();
    this.query = lang.query(FACTS_QUERY);
    this.baseMacros = buildMacros(config, build);
    this.pointerConfig = pointerConfigOf(config);
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
      {
        entryPoints: this.config.entryPoints,
        recogniseEntryPoints: this.config.recogniseEntryPoints,
        coldPatterns: this.config.coldPatterns,
        measuredHot: this.measuredHot,
      },
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
    return [
      ...findingsForFile(entry.facts, this.model(), this.config),
      ...pointerFindings(path, entry.facts, this.pointerModel(), this.config),
    ].sort((a, b) => a.span.line - b.span.line || a.span.column - b.span.column);
  }

  allFindings(): Finding[] {
    return this.paths().flatMap((path) => this.findings(path));
  }

  /**
   * Reads and analyses files from disk. A large set goes to worker threads, a
   * huge file in slices cut at top-level boundaries; a small one is done here,
   * yielding to the event loop between files.
   */
  async indexFiles(
    paths: readonly string[],
    onProgress?: (done: number, total: number, path: string) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const texts: Array<[string, string]> = [];
    for (const path of paths) {
      if (this.overlays.has(path)) continue;
      this.diskCache.delete(path);
      const text = this.readDisk(path);
      if (text === null) this.remove(path);
      else texts.push([path, text]);
    }
    if (!this.pointersEnabled && texts.some(([, t]) => POINTER_ANNOTATION.test(t))) this.pointersEnabled = true;
    const bytes = texts.reduce((n, [, t]) => n + t.length, 0);
    const workers = Math.min(MAX_WORKERS, availableParallelism());
    const pool =
      this.parallel && bytes >= PARALLEL_INDEX_CHARS && workers > 1
        ? await IndexPool.create(workers, {
            config: this.config,
            build: this.build,
            pointersEnabled: this.pointersEnabled,
            overlays: [...this.overlays],
          })
        : undefined;
    if (!pool) {
      for (let i = 0; i < texts.length; i++) {
        if (signal?.aborted) return;
        const [path, text] = texts[i]!;
        onProgress?.(i, texts.length, path);
        if (text.length >= SLICE_CHARS) {
          // One slice's tree at a time: a 10 MB file never needs its whole tree in memory.
          this.enablePointersFor(text);
          const sharedView = {};
          this.store(
            path,
            text,
            mergeSlices(
              slicesOf(text, Math.ceil(text.length / SLICE_CHARS)).map((range) =>
                analyseText(this.context(), path, text, { range, sharedView }),
              ),
            ),
          );
        } else {
          this.analyseOne(path, text);
        }
        if (i % 4 === 3) await new Promise((r) => setImmediate(r));
      }
      onProgress?.(texts.length, texts.length, '');
      this.invalidate();
      return;
    }
    const stop = (): void => void pool.close();
    signal?.addEventListener('abort', stop);
    try {
      let done = 0;
      const results = await Promise.all(
        texts.map(async ([path, text]) => {
          const ranges = text.length >= SLICE_CHARS ? slicesOf(text, workers) : [undefined];
          const slices = await Promise.all(ranges.map((range) => pool.run({ path, text, ...(range ? { range } : {}) })));
          onProgress?.(++done, texts.length, path);
          return mergeSlices(slices);
        }),
      );
      // Stored in the given order, so the call graph (and every chain) does not depend on which worker finished first.
      texts.forEach(([path, text], i) => this.store(path, text, results[i]!));
    } catch (e) {
      if (!signal?.aborted) throw e;
    } finally {
      signal?.removeEventListener('abort', stop);
      await pool.close();
    }
    this.invalidate();
  }

  /** (Re)reads one file from disk; removes it when it is gone or unreadable. Returns the paths whose analysis changed. */
  loadFromDisk(path: string): string[] {
    this.diskCache.delete(path);
    if (this.overlays.has(path)) return [];
    const text = this.readDisk(path);
    if (text === null) return this.remove(path);
    return this.analyse(path, text);
  }

  /** An open editor's text (and the document's syntax tree, kept current here and owned by the caller). */
  setText(path: string, text: string, syntax?: IncrementalTree): string[] {
    this.overlays.set(path, text);
    // Opening a file that was indexed from the same text changes nothing.
    if (this.entries.get(path)?.text === text) return [];
    return this.analyse(path, text, syntax);
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

  /** Analyses one file, then every file that includes it. Returns the paths whose analysis changed. */
  private analyse(path: string, text: string, syntax?: IncrementalTree): string[] {
    this.analyseOne(path, text, syntax);
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

  private context(): AnalysisContext {
    return {
      parser: this.parser,
      query: this.query,
      build: this.build,
      config: this.config,
      pointerConfig: this.pointerConfig,
      pointersEnabled: this.pointersEnabled,
      baseMacros: this.baseMacros,
      readSource: (p) => this.sourceOf(p),
    };
  }

  /** The first annotation turns the pointer analysis on: files analysed before need their pointer facts. */
  private enablePointersFor(text: string): void {
    if (this.pointersEnabled || !POINTER_ANNOTATION.test(text)) return;
    this.pointersEnabled = true;
    for (const [other, entry] of this.entries) this.analyseOne(other, entry.text);
  }

  private analyseOne(path: string, text: string, syntax?: IncrementalTree): void {
    this.enablePointersFor(text);
    const entry = syntax ? this.entries.get(path) : undefined;
    const previous = entry?.view !== undefined ? { facts: entry.facts, text: entry.view } : undefined;
    const result = analyseText(this.context(), path, text, { ...(syntax ? { syntax } : {}), ...(previous ? { previous } : {}) });
    this.store(path, text, result);
  }

  /** The syntax view of a text as this workspace's macros make it (what its tree is parsed from). */
  syntaxViewOf(path: string, text: string): string {
    return analyseView(this.context(), path, text);
  }

  private store(path: string, text: string, result: FileAnalysis): void {
    this.entries.set(path, {
      text,
      facts: result.facts,
      pointerFacts: result.pointerFacts,
      deps: new Set(result.deps),
      ...(result.view !== undefined ? { view: result.view } : {}),
    });
  }
}

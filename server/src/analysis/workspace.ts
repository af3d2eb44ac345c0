import type { Parser, Query } from 'web-tree-sitter';
import type { BuildName, HakmemConfig } from '../config/config';
import { FACTS_QUERY } from '../facts/extract';
import type { FileFacts } from '../facts/types';
import { computeHotPath, type HotPathModel } from '../hotpath/graph';
import type { IncrementalTree } from '../parse/incrementalTree';
import type { CLanguage } from '../parse/treeSitter';
import { analyzePointers, type PointerConfig, type PointerFileFacts, type PointerModel } from '../pointers';
import type { MacroTable } from '../preproc';
import { analyseText, analyseView, buildMacros, pointerConfigOf, type AnalysisContext, type FileAnalysis } from './fileAnalysis';
import { findingsForFile, pointerFindings, type Finding } from './findings';
import { analyseInSlices, indexingPool, indexOnPool, SLICE_CHARS } from './indexing';
import { DiskSources, type SkippedFile } from './sources';

export { discoverSources, looksBinary, MAX_FILE_BYTES, type SkippedFile } from './sources';

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

/**
 * The analysed workspace for one build: every file's facts, the call graph
 * and the findings. Open editors override disk contents through setText.
 */
export class Workspace {
  private readonly entries = new Map<string, Entry>();
  private readonly overlays = new Map<string, string>();
  private readonly disk = new DiskSources();
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
  /** Files left out (binary, too large), with why. */
  get skipped(): readonly SkippedFile[] {
    return this.disk.skipped;
  }

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
      this.disk.forget(path);
      const text = this.disk.read(path);
      if (text === null) this.remove(path);
      else texts.push([path, text]);
    }
    if (!this.pointersEnabled && texts.some(([, t]) => POINTER_ANNOTATION.test(t))) this.pointersEnabled = true;
    const parallel = this.parallel
      ? await indexingPool(
          texts.reduce((n, [, t]) => n + t.length, 0),
          { config: this.config, build: this.build, pointersEnabled: this.pointersEnabled, overlays: [...this.overlays] },
        )
      : undefined;
    if (!parallel) {
      await this.indexHere(texts, onProgress, signal);
    } else {
      const { pool, workers } = parallel;
      const stop = (): void => void pool.close();
      signal?.addEventListener('abort', stop);
      try {
        const results = await indexOnPool(pool, workers, texts, onProgress);
        // Stored in the given order, so the call graph (and every chain) does not depend on which worker finished first.
        texts.forEach(([path, text], i) => this.store(path, text, results[i]!));
      } catch (e) {
        if (!signal?.aborted) throw e;
      } finally {
        signal?.removeEventListener('abort', stop);
        await pool.close();
      }
    }
    this.invalidate();
  }

  /** Indexing on this thread, yielding to the event loop between files. */
  private async indexHere(
    texts: ReadonlyArray<readonly [string, string]>,
    onProgress?: (done: number, total: number, path: string) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    for (let i = 0; i < texts.length; i++) {
      if (signal?.aborted) return;
      const [path, text] = texts[i]!;
      onProgress?.(i, texts.length, path);
      if (text.length >= SLICE_CHARS) {
        this.enablePointersFor(text);
        this.store(path, text, analyseInSlices(this.context(), path, text));
      } else {
        this.analyseOne(path, text);
      }
      if (i % 4 === 3) await new Promise((r) => setImmediate(r));
    }
    onProgress?.(texts.length, texts.length, '');
  }

  /** (Re)reads one file from disk; removes it when it is gone or unreadable. Returns the paths whose analysis changed. */
  loadFromDisk(path: string): string[] {
    this.disk.forget(path);
    if (this.overlays.has(path)) return [];
    const text = this.disk.read(path);
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
    this.disk.forget(path);
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

  private sourceOf(path: string): string | null {
    return this.overlays.get(path) ?? this.disk.read(path);
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

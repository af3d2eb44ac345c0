import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { configFromRaw } from '../config/config';
import { CONFIG_FILE_NAME, readConfigSections, type ConfigSections } from '../config/file';
import { syntaxView } from '../parse/syntaxView';
import type { CLanguage } from '../parse/treeSitter';
import { defaultPredefines, evaluatePreprocessor, fileIncludeResolver, MacroTable } from '../preproc';
import { analyzePointers } from './analyze';
import { parsePointerConfig, type PointerConfigError } from './config';
import { extractPointerFacts } from './extract';
import type { PointerConfig, PointerFileFacts, PointerModel } from './types';

const SOURCE = /\.(c|h|inc)$/;

function sources(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.') || name === 'build' || name === 'node_modules') continue;
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (SOURCE.test(name)) out.push(full);
    }
  };
  walk(root);
  return out;
}

export interface FolderAnalysis {
  readonly config: PointerConfig;
  readonly configErrors: readonly PointerConfigError[];
  readonly files: readonly PointerFileFacts[];
  readonly model: PointerModel;
  /** Milliseconds spent in parse + preprocess + extraction, and in the workspace analysis. */
  readonly timing: { readonly extractMs: number; readonly parseMs: number; readonly analyzeMs: number };
}

/**
 * Analyses every C file under `root` on its own (release defines, the
 * folder's .hakmem.json "pointers" section and includePaths). The editor and
 * the CLI go through the workspace layer; this serves tests and benchmarks.
 */
export function analyzeFolder(
  lang: CLanguage,
  root: string,
  defines: Record<string, string> = { HAKMEM_BUILD_RELEASE: '1', NDEBUG: '1' },
): FolderAnalysis {
  const configPath = join(root, CONFIG_FILE_NAME);
  const file: ConfigSections = existsSync(configPath) ? readConfigSections(configPath) : { sections: {} };
  const settings = configFromRaw(root, file.sections);
  const parsed = parsePointerConfig(settings.pointers);
  const config = parsed.config;
  const errors = [...(file.error ? [{ key: '', message: file.error }] : []), ...parsed.errors];
  const includePaths = [root, ...settings.includePaths];
  const resolver = fileIncludeResolver(includePaths);
  const parser = lang.newParser();
  const files: PointerFileFacts[] = [];
  let extractMs = 0;
  let parseMs = 0;
  try {
    for (const path of sources(root)) {
      const text = readFileSync(path, 'utf8');
      const preproc = evaluatePreprocessor(text, {
        fileName: path,
        defines: MacroTable.from({ ...defaultPredefines(), ...defines }),
        resolveInclude: resolver,
      });
      const view = syntaxView(text, preproc);
      const t0 = performance.now();
      const tree = parser.parse(view);
      const t1 = performance.now();
      parseMs += t1 - t0;
      if (!tree) continue;
      try {
        const t2 = performance.now();
        files.push(extractPointerFacts(path, view, tree, preproc, config));
        extractMs += performance.now() - t2;
      } finally {
        tree.delete();
      }
    }
  } finally {
    parser.delete();
  }
  const t3 = performance.now();
  const model = analyzePointers(files, config);
  const analyzeMs = performance.now() - t3;
  return { config, configErrors: errors, files, model, timing: { extractMs, parseMs, analyzeMs } };
}

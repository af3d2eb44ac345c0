import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { defaultConfig, type BuildName, type HakmemConfig } from '../config/config';
import { findConfigFile } from '../config/file';
import { CONFIG_FILE_NAME, type ConfigProblem } from '../config/load';
import { loadWorkspaceConfigText } from '../configSections';
import { reachNotice, type ReachNotice } from '../hotpath/reachNotice';
import { loadC } from '../parse/treeSitter';
import type { Finding } from './findings';
import { discoverSources, Workspace, type SkippedFile } from './workspace';

export interface LintResult {
  readonly root: string;
  readonly config: HakmemConfig;
  readonly findings: readonly Finding[];
  readonly files: number;
  readonly skipped: readonly SkippedFile[];
  /** Said when the entry points reach almost nothing (findings are then meaningless). */
  readonly notices: readonly ReachNotice[];
}

export class ConfigError extends Error {
  constructor(
    readonly path: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(`${path}: ${problems[0]?.message ?? 'invalid configuration'}`);
  }
}

/** The workspace root for a path: the nearest folder above it holding .hakmem.json, else `fallback`. */
export function findWorkspaceRoot(start: string, fallback: string): string {
  const found = findConfigFile(existsSync(start) && statSync(start).isFile() ? dirname(start) : start);
  return found ? dirname(found) : fallback;
}

/** Loads the root's .hakmem.json; a broken one is an error here (the CLI exits 2), unlike in the editor. */
export function loadWorkspaceConfig(root: string): HakmemConfig {
  const path = join(root, CONFIG_FILE_NAME);
  if (!existsSync(path)) return defaultConfig(root);
  const loaded = loadWorkspaceConfigText(root, readFileSync(path, 'utf8'));
  if (loaded.problems.length > 0) throw new ConfigError(path, loaded.problems);
  return loaded.config;
}

function isInside(path: string, scope: string): boolean {
  return path === scope || path.startsWith(scope.endsWith(sep) ? scope : scope + sep);
}

/**
 * Lints `paths` (files or folders): the whole workspace is indexed so the call
 * graph is complete, and findings are reported for the requested paths only.
 */
export async function lintPaths(paths: readonly string[], options: { cwd: string; build: BuildName }): Promise<LintResult> {
  const targets = (paths.length ? paths : ['.']).map((p) => resolve(options.cwd, p));
  for (const t of targets) if (!existsSync(t)) throw new Error(`no such file or folder: ${relative(options.cwd, t) || t}`);
  const root = findWorkspaceRoot(targets[0]!, statSync(targets[0]!).isDirectory() ? targets[0]! : dirname(targets[0]!));
  const config = loadWorkspaceConfig(root);
  const lang = await loadC();
  const workspace = new Workspace(config, lang, options.build);
  try {
    const files = new Set(discoverSources(config));
    for (const t of targets) for (const f of discoverSources(config, t)) files.add(f);
    await workspace.indexFiles([...files]);
    const findings = workspace
      .allFindings()
      .filter((f) => targets.some((t) => isInside(f.path, t)))
      .sort((a, b) => a.path.localeCompare(b.path) || a.span.line - b.span.line || a.span.column - b.span.column);
    const notice = reachNotice(workspace.model());
    return { root, config, findings, files: files.size, skipped: workspace.skipped, notices: notice ? [notice] : [] };
  } finally {
    workspace.dispose();
  }
}

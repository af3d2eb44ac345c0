import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_ENTRY_POINTS, defaultConfig, type HakmemConfig } from '../config/config';
import { CONFIG_FILE_NAME } from '../config/load';
import { discoverSources, Workspace } from '../analysis/workspace';
import { describeEntryPoint } from '../hotpath/entryPoints';
import { loadC } from '../parse/treeSitter';
import { proposeColdPatterns } from './cold';
import { findGuardMacros, proposeGuard, type GuardMacro } from './guards';
import { scanLayout } from './layout';

/** A starting .hakmem.json for a tree, and what it was made from. */
export interface ConfigProposal {
  /** Where it would be written. */
  readonly path: string;
  /** True when a .hakmem.json is already there. */
  readonly exists: boolean;
  /** The JSON text (2-space indented, trailing newline). */
  readonly text: string;
  /** One line per decision, for the user to check before writing. */
  readonly summary: readonly string[];
}

interface BuildSection {
  defines: Record<string, string>;
  undefines?: string[];
}

function buildSection(guards: readonly GuardMacro[], pick: (g: GuardMacro) => string | undefined): BuildSection {
  const defines: Record<string, string> = {};
  const undefines: string[] = [];
  for (const g of guards) {
    const value = pick(g);
    if (value === undefined) undefines.push(g.name);
    else defines[g.name] = value;
  }
  return undefines.length ? { defines, undefines } : { defines };
}

/**
 * Looks at the tree under `root` as `hakmem lint` would and proposes a
 * configuration: its entry points, its debug guards' release values, cold
 * functions, include paths and the folders a Linux release does not build.
 */
export async function proposeConfig(
  root: string,
  options: {
    readonly signal?: AbortSignal;
    /** Index in worker threads (the CLI); the language server keeps its memory down. */ readonly parallel?: boolean;
  } = {},
): Promise<ConfigProposal> {
  const base = defaultConfig(root);
  const layout = scanLayout(root, base.exclude);
  const texts = layout.files.map((f) => {
    try {
      return readFileSync(join(root, f), 'utf8');
    } catch {
      return '';
    }
  });
  const guards = findGuardMacros(texts);
  const guard = proposeGuard(guards);
  const release = buildSection(guards, (g) => g.release);
  const debug = buildSection(guards, (g) => g.debug);
  const config: HakmemConfig = {
    ...base,
    builds: {
      release: { defines: release.defines, undefines: release.undefines ?? [] },
      debug: { defines: debug.defines, undefines: debug.undefines ?? [] },
    },
    includePaths: layout.includePaths.map((p) => join(root, p)),
    exclude: [...base.exclude, ...layout.exclude],
  };

  const workspace = new Workspace(config, await loadC(), 'release', options.parallel ?? true);
  let entryPoints: string[];
  let described: string[];
  let coldPatterns: string[];
  try {
    await workspace.indexFiles(discoverSources(config), undefined, options.signal);
    const model = workspace.model();
    entryPoints = model.entryPoints.map((e) => e.name);
    described = model.entryPoints.map(describeEntryPoint);
    const attributeCold = [...model.cold].filter(([, reason]) => reason === 'attribute cold').map(([name]) => name);
    coldPatterns = proposeColdPatterns([...model.definitions.keys()], attributeCold, new Set(entryPoints));
  } finally {
    workspace.dispose();
  }
  const found = entryPoints.length > 0;
  const json: Record<string, unknown> = {
    entryPoints: found ? entryPoints : [...DEFAULT_ENTRY_POINTS],
    ...(coldPatterns.length ? { coldPatterns } : {}),
    guard,
    release,
    debug,
    ...(layout.includePaths.length ? { includePaths: layout.includePaths } : {}),
    ...(layout.exclude.length ? { exclude: layout.exclude } : {}),
  };
  const summary = [
    found
      ? `entry points: ${described.join(', ')}`
      : `no entry point recognised: the default names are listed; replace them with your allocator's API`,
    `guard (messages and the wrap quick fix): ${typeof guard === 'string' ? guard : `${guard.default}; counters ${guard['hot-path-counter']}`}`,
    `release build: ${guards.map((g) => (g.release === undefined ? `${g.name} undefined` : `${g.name}=${g.release}`)).join(', ')}`,
    ...(coldPatterns.length ? [`cold (added to the defaults): ${coldPatterns.join(', ')}`] : []),
    ...(layout.includePaths.length ? [`include paths: ${layout.includePaths.join(', ')}`] : []),
    ...(layout.exclude.length ? [`excluded: ${layout.exclude.join(', ')}`] : []),
  ];
  const path = join(root, CONFIG_FILE_NAME);
  return { path, exists: existsSync(path), text: JSON.stringify(json, null, 2) + '\n', summary };
}

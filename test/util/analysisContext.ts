// The analysis context a workspace gives each file, for tests that analyse
// files one by one (release build, sources read from disk unless told otherwise).
import { readFileSync } from 'node:fs';
import { buildMacros, pointerConfigOf, type AnalysisContext } from '../../server/src/analysis/fileAnalysis';
import type { HakmemConfig } from '../../server/src/config/config';
import { FACTS_QUERY } from '../../server/src/facts/extract';
import type { CLanguage } from '../../server/src/parse/treeSitter';

export function readSourceOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

export function analysisContext(
  lang: CLanguage,
  config: HakmemConfig,
  options: { readonly pointers?: boolean; readonly readSource?: (path: string) => string | null } = {},
): AnalysisContext {
  return {
    parser: lang.newParser(),
    query: lang.query(FACTS_QUERY),
    build: 'release',
    config,
    pointerConfig: pointerConfigOf(config),
    pointersEnabled: options.pointers ?? false,
    baseMacros: buildMacros(config, 'release'),
    readSource: options.readSource ?? readSourceOrNull,
  };
}

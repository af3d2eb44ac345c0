// The suite page as `hakmem bench suite --html FILE` writes it: script and data inlined.
import type { SuiteReport } from '../bench/suite/types';
import { inlineBundle } from './standalone';
import { suitePageHtml } from './suitePage';

export function standaloneSuitePage(report: SuiteReport, history: SuiteResultHistory = []): string {
  return suitePageHtml({ cspSource: '', script: inlineBundle('suite.js'), initialData: { type: 'suite', report, history } });
}

type SuiteResultHistory = readonly Pick<SuiteReport, 'time' | 'commit' | 'quick' | 'means'>[];

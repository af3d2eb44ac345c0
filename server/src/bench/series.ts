// The series of a suite: every available allocator crossed with every
// combination of the A/B knobs. An allocator that is not installed yields no
// series, only a note saying how to get it.
import { existsSync } from 'node:fs';
import { resolveAllocator } from './allocators';
import type { MissingAllocator } from './failures';
import type { Sample } from './record';

export interface Series {
  readonly label: string;
  readonly allocator: string;
  readonly library: string | null;
  readonly knobs: Record<string, string>;
  readonly samples: Sample[];
  failed: boolean;
}

/** Every combination of the matrix values, in declaration order. */
export function expandMatrix(matrix: Readonly<Record<string, readonly string[]>> | undefined): Record<string, string>[] {
  let combos: Record<string, string>[] = [{}];
  for (const [key, values] of Object.entries(matrix ?? {})) {
    if (values.length === 0) continue;
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  }
  return combos;
}

function missingHint(allocator: string, library: string, debianPackage: string): string {
  if (debianPackage) return `${allocator} is not installed: apt-get install ${debianPackage}`;
  if (allocator.startsWith('hakmem')) return `${library} is not built yet: make -C native`;
  return `${library} does not exist`;
}

/** The series to run, in allocator order then matrix order, and the allocators left out. */
export function resolveSeries(
  allocators: readonly string[],
  envMatrix: Readonly<Record<string, readonly string[]>> | undefined,
  nativeDir: string,
  cwd: string,
): { series: Series[]; missing: MissingAllocator[] } {
  const missing: MissingAllocator[] = [];
  const series: Series[] = [];
  const variants = expandMatrix(envMatrix);
  for (const name of allocators) {
    const choice = resolveAllocator(name, nativeDir, cwd);
    const absent =
      choice.missing ?? (choice.preload && !existsSync(choice.preload) ? { library: choice.preload, debianPackage: '' } : undefined);
    if (absent) {
      missing.push({ allocator: name, ...absent, hint: missingHint(choice.name, absent.library, absent.debianPackage) });
      continue;
    }
    for (const knobs of variants) {
      const label = [choice.name, ...Object.entries(knobs).map(([k, v]) => `${k}=${v}`)].join(' ');
      series.push({ label, allocator: choice.name, library: choice.preload ?? null, knobs, samples: [], failed: false });
    }
  }
  return { series, missing };
}

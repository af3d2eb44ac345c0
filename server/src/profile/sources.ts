import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { ProfileModel } from './model';
import type { CodeAddress } from './perfScript';

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
}

/** Addresses per addr2line call, so a command line stays well under the kernel's limit. */
const BATCH = 2000;

/**
 * Asks addr2line (binutils) where functions start: one call per module (and
 * batch), for functions the profile does not place yet. Modules that no longer
 * exist, have no debug info or make addr2line fail are skipped silently: source
 * locations are a convenience, never a reason to fail an import.
 */
export async function locateWithAddr2line(
  model: ProfileModel,
  addresses: ReadonlyMap<number, CodeAddress>,
  signal?: AbortSignal,
): Promise<Map<number, SourceLocation>> {
  const byModule = new Map<string, { func: number; address: number }[]>();
  for (const [func, at] of addresses) {
    if (model.funcFile[func]! >= 0 || at.address < 0) continue;
    let list = byModule.get(at.module);
    if (!list) byModule.set(at.module, (list = []));
    list.push({ func, address: at.address });
  }
  const found = new Map<number, SourceLocation>();
  for (const [module, list] of byModule) {
    if (!existsSync(module)) continue;
    for (let i = 0; i < list.length; i += BATCH) {
      const batch = list.slice(i, i + BATCH);
      const lines = await addr2line(
        module,
        batch.map((b) => '0x' + b.address.toString(16)),
        signal,
      );
      if (!lines) break;
      batch.forEach((b, k) => {
        const location = parseLocation(lines[k]);
        if (location) found.set(b.func, location);
      });
    }
  }
  return found;
}

/** `file:line` or `file:line (discriminator n)`; `??:0` means unknown. */
function parseLocation(text: string | undefined): SourceLocation | undefined {
  const m = text ? /^(.+):(\d+)(?: \(discriminator \d+\))?$/.exec(text.trim()) : null;
  if (!m || m[1] === '??' || m[2] === '0') return undefined;
  return { file: m[1]!, line: Number(m[2]) };
}

function addr2line(module: string, addresses: string[], signal?: AbortSignal): Promise<string[] | undefined> {
  return new Promise((resolve) => {
    execFile('addr2line', ['-e', module, ...addresses], { signal, maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
      resolve(error ? undefined : stdout.split('\n'));
    });
  });
}

/** A copy of the model whose functions carry the given source locations (node arrays are shared). */
export function withSources(model: ProfileModel, locations: ReadonlyMap<number, SourceLocation>): ProfileModel {
  if (locations.size === 0) return model;
  const strings = [...model.strings];
  const ids = new Map<string, number>();
  const funcFile = Int32Array.from(model.funcFile);
  const funcLine = Int32Array.from(model.funcLine);
  for (const [func, { file, line }] of locations) {
    let id = ids.get(file);
    if (id === undefined) {
      id = strings.length;
      strings.push(file);
      ids.set(file, id);
    }
    funcFile[func] = id;
    funcLine[func] = line;
  }
  return { ...model, strings, funcFile, funcLine };
}

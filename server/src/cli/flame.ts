import { writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { ArgWords } from './args';
import { diffProfiles } from '../profile/diff';
import { foldedText } from '../profile/folded';
import { importProfile } from '../profile/import';
import type { ProfileModel } from '../profile/model';
import { standalonePage } from '../pages/standalone';
import { hotspotReport } from '../profile/report';
import { ProfileFormatError } from '../profile/sniff';
import { speedscopeJson } from '../profile/speedscope';
import { UsageError, type CliCommand, type CliIO } from './types';

interface FlameArgs {
  input: string;
  output?: string;
  as: 'html' | 'folded' | 'speedscope';
  diff?: string;
  title?: string;
  top: number;
}

function parseArgs(args: readonly string[]): FlameArgs {
  let input: string | undefined;
  const out: Partial<FlameArgs> = { as: 'html', top: 0 };
  const words = new ArgWords(args);
  for (let a = words.next(); a !== undefined; a = words.next()) {
    const value = (): string => words.value(a!);
    if (a === '-o' || a === '--output') out.output = value();
    else if (a === '--folded') out.as = 'folded';
    else if (a === '--speedscope') out.as = 'speedscope';
    else if (a === '--diff') out.diff = value();
    else if (a === '--title') out.title = value();
    else if (a === '--top') out.top = words.count(a);
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
    else if (input === undefined) input = a;
    else throw new UsageError(`unexpected argument ${a}`);
  }
  if (!input) throw new UsageError('no input profile given');
  return { ...(out as FlameArgs), input };
}

/** Imports a profile, reporting unreadable or unknown files as bad usage (exit 2). */
export async function loadProfile(path: string, io: CliIO): Promise<ProfileModel | undefined> {
  try {
    return await importProfile(path, { signal: io.signal });
  } catch (e) {
    if (e instanceof ProfileFormatError) {
      io.err(`hakmem flame: ${e.message}\n`);
      return undefined;
    }
    throw e;
  }
}

export const command: CliCommand = {
  name: 'flame',
  usage: 'hakmem flame <input> [-o out.html] [--folded | --speedscope] [--diff <before>] [--title <text>] [--top N]',
  summary: [
    'Turns a profile (perf.data, perf script text, folded stacks, callgrind.out or speedscope JSON;',
    'recognised from its content) into a self-contained flamegraph page that works from file://,',
    'or into folded stacks (--folded) or speedscope JSON (--speedscope). --diff <before> makes a',
    'differential page of <input> against <before>: red where <input> spends more, blue less.',
    'Without -o, a page is written to <input>.html and text formats to standard output.',
  ].join('\n'),
  async run(args, io) {
    const opts = parseArgs(args);
    const input = resolve(io.cwd, opts.input);
    const after = await loadProfile(input, io);
    if (!after) return 2;
    let model = after;
    let title = opts.title ?? basename(input);
    if (opts.diff) {
      const before = await loadProfile(resolve(io.cwd, opts.diff), io);
      if (!before) return 2;
      model = diffProfiles(before, after);
      title = opts.title ?? `${basename(opts.diff)} → ${basename(input)}`;
    }
    if (opts.as !== 'html') {
      const text = opts.as === 'folded' ? foldedText(model) : speedscopeJson(model, title);
      if (opts.output) await writeFile(resolve(io.cwd, opts.output), text);
      else io.out(text);
      return 0;
    }
    const output = resolve(io.cwd, opts.output ?? `${basename(input)}.html`);
    await writeFile(output, standalonePage(model, title));
    io.out(`wrote ${output}\n`);
    if (opts.top > 0) io.out(hotspotReport(model, opts.top));
    return 0;
  },
};

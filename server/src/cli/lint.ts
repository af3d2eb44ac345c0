import { ArgWords } from './args';
import { ConfigError, lintPaths } from '../analysis/lint';
import type { BuildName } from '../config/config';
import { lintJson, lintNoticesText, lintSarif, lintText } from './lintFormat';
import { UsageError, type CliCommand } from './types';

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

export function parseLintArgs(args: readonly string[]): { paths: string[]; format: Format; build: BuildName } {
  const paths: string[] = [];
  let format: Format = 'text';
  let build: BuildName = 'release';
  const words = new ArgWords(args);
  for (let a = words.next(); a !== undefined; a = words.next()) {
    const eq = a.indexOf('=');
    const value = (): string => words.value(eq >= 0 ? a!.slice(0, eq) : a!, eq >= 0 ? a!.slice(eq + 1) : '');
    if (a === '--format' || a.startsWith('--format=')) {
      const v = value();
      if (!(FORMATS as readonly string[]).includes(v)) throw new UsageError(`--format must be text, json or sarif (got '${v}')`);
      format = v as Format;
    } else if (a === '--build' || a.startsWith('--build=')) {
      const v = value();
      if (v !== 'release' && v !== 'debug') throw new UsageError(`--build must be release or debug (got '${v}')`);
      build = v;
    } else if (a.startsWith('-')) {
      throw new UsageError(`unknown option '${a}'`);
    } else {
      paths.push(a);
    }
  }
  return { paths, format, build };
}

export const command: CliCommand = {
  name: 'lint',
  usage: 'hakmem lint [PATH...] [--format text|json|sarif] [--build release|debug]',
  summary:
    'Finds what slows or corrupts the release build of an allocator: output, getenv, locks, syscalls and counters on the hot path, allocator re-entrancy.\n' +
    'Exit status: 0 nothing at warning level or above, 1 findings, 2 bad usage or bad configuration.',
  async run(args, io) {
    const { paths, format, build } = parseLintArgs(args);
    let result;
    try {
      result = await lintPaths(paths, { cwd: io.cwd, build });
    } catch (e) {
      if (e instanceof ConfigError || (e instanceof Error && e.message.startsWith('no such file'))) {
        io.err(`hakmem lint: ${e.message}\n`);
        return 2;
      }
      throw e;
    }
    if (format === 'text') io.err(lintNoticesText(result));
    io.out(format === 'json' ? lintJson(result) + '\n' : format === 'sarif' ? lintSarif(result) + '\n' : lintText(result));
    return result.findings.some((f) => f.severity === 'error' || f.severity === 'warning') ? 1 : 0;
  },
};

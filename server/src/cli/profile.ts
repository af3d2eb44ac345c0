import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ArgWords } from './args';
import { findBenchWorkspace } from '../bench/workspace';
import { CaptureError, type CaptureFiles, type ProfileTool } from '../profile/capture';
import type { ProfileModel } from '../profile/model';
import { profileBenchmark, profileCommand, ProfilePrepareError } from '../bench/profileBenchmark';
import { standalonePage } from '../pages/standalone';
import { hotspotReport } from '../profile/report';
import { UsageError, type CliCommand } from './types';

interface ProfileArgs {
  benchmark?: string;
  command: string[];
  allocator?: string;
  tool: ProfileTool;
  args?: string[];
  output?: string;
  outDir?: string;
  top: number;
  quick: boolean;
  noBuild: boolean;
}

function parseArgs(args: readonly string[]): ProfileArgs {
  const out: ProfileArgs = { command: [], tool: 'perf', top: 10, quick: false, noBuild: false };
  const words = new ArgWords(args);
  for (let a = words.next(); a !== undefined; a = words.next()) {
    const value = (): string => words.value(a!);
    if (a === '--') {
      out.command = words.rest();
      break;
    }
    if (a === '--allocator') out.allocator = value();
    else if (a === '--tool') {
      const t = value();
      if (t !== 'perf' && t !== 'callgrind') throw new UsageError(`--tool must be perf or callgrind, not '${t}'`);
      out.tool = t;
    } else if (a === '--args') out.args = value().split(/\s+/).filter(Boolean);
    else if (a === '-o' || a === '--output') out.output = value();
    else if (a === '--out-dir') out.outDir = value();
    else if (a === '--top') out.top = words.count(a);
    else if (a === '--quick') out.quick = true;
    else if (a === '--no-build') out.noBuild = true;
    else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else if (out.benchmark === undefined) out.benchmark = a;
    else throw new UsageError(`unexpected argument ${a}`);
  }
  if (!out.benchmark && out.command.length === 0) throw new UsageError('name a benchmark, or give a command after --');
  if (out.benchmark && out.command.length > 0) throw new UsageError('give either a benchmark or a command after --, not both');
  return out;
}

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

export const command: CliCommand = {
  name: 'profile',
  usage:
    'hakmem profile <benchmark> [--allocator <name|path.so>] [--tool perf|callgrind] [--args "<args>" | --quick] [--no-build] [-o out.html] [--out-dir <dir>] [--top N]\n' +
    '       hakmem profile [options] -- <command...>',
  summary: [
    'Profiles a benchmark (rebuilt first with the library it loads, unless --no-build; run with its own',
    'arguments, its small ones with --quick, or --args) or any command, with perf (cpu-clock, call graphs)',
    'or callgrind. A perf run too short for 2,000 samples is recorded again, repeated back to back;',
    'a profile under 1,000 samples is reported with a warning.',
    'Writes the raw profile, folded stacks and a flamegraph page to --out-dir',
    '(default .hakmem/profiles/<name>-<time>) and prints the hottest functions.',
    'The allocator (default: the bundled profiling build, hakmem-prof) is loaded with LD_PRELOAD.',
  ].join('\n'),
  async run(args, io) {
    const opts = parseArgs(args);
    const name = opts.benchmark ?? (opts.command[0]!.split('/').pop() || 'command');
    // The folder's own benchmarks (its .hakmem.json), or the bundled ones.
    const ws = findBenchWorkspace(io.cwd);
    const outDir = resolve(io.cwd, opts.outDir ?? join('.hakmem', 'profiles', `${name}-${stamp()}`));
    await mkdir(outDir, { recursive: true });
    const allocatorName = opts.allocator ?? (opts.benchmark ? 'hakmem-prof' : undefined);
    let result: { model: ProfileModel; files: CaptureFiles; samples?: number; runs: number; warning?: string };
    try {
      if (opts.benchmark) {
        const spec = ws.benchmarks.find((p) => p.name === opts.benchmark);
        if (!spec)
          throw new UsageError(`unknown benchmark '${opts.benchmark}' (expected one of ${ws.benchmarks.map((p) => p.name).join(', ')})`);
        result = await profileBenchmark({
          spec,
          allocator: allocatorName!,
          nativeDir: ws.nativeDir,
          cwd: io.cwd,
          tool: opts.tool,
          outDir,
          ...(opts.args ? { args: opts.args } : opts.quick ? { args: spec.quickArgs } : {}),
          build: !opts.noBuild,
          signal: io.signal,
          onProgress: (m) => io.err(`${m}\n`),
        });
      } else {
        result = await profileCommand({
          command: opts.command,
          ...(allocatorName ? { allocator: allocatorName } : {}),
          nativeDir: ws.nativeDir,
          cwd: io.cwd,
          tool: opts.tool,
          outDir,
          signal: io.signal,
          onProgress: (m) => io.err(`${m}\n`),
        });
      }
    } catch (e) {
      if (e instanceof ProfilePrepareError) {
        for (const d of e.build?.diagnostics.filter((x) => x.severity !== 'note') ?? [])
          io.err(`${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}\n`);
        io.err(`hakmem profile: ${e.message}\n`);
        return 2;
      }
      if (e instanceof CaptureError) {
        io.err(`hakmem profile: ${e.message}\n`);
        return e.setup ? 2 : 1;
      }
      throw e;
    }
    if (result.warning) io.err(`hakmem profile: warning: ${result.warning}\n`);
    const title = `${name}${allocatorName ? ` (${allocatorName})` : ''} — ${opts.tool}`;
    const page = resolve(io.cwd, opts.output ?? join(outDir, 'flame.html'));
    await mkdir(dirname(page), { recursive: true });
    await writeFile(page, standalonePage(result.model, title));
    io.out(`profile: ${result.files.raw}\nfolded:  ${result.files.folded}\npage:    ${page}\n`);
    if (result.samples !== undefined)
      io.out(`samples: ${result.samples}${result.runs > 1 ? ` from ${result.runs} runs back to back` : ''}\n`);
    io.out('\n');
    if (opts.top > 0) io.out(hotspotReport(result.model, opts.top));
    return 0;
  },
};

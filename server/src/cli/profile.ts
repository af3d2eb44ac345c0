import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ArgWords } from './args';
import { resolveAllocator } from '../bench/allocators';
import { findBenchWorkspace } from '../bench/workspace';
import { captureProfile, CaptureError, type ProfileTool } from '../profile/capture';
import { hotspotReport, standalonePage } from '../profile/report';
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
}

function parseArgs(args: readonly string[]): ProfileArgs {
  const out: ProfileArgs = { command: [], tool: 'perf', top: 10 };
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
    else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else if (out.benchmark === undefined) out.benchmark = a;
    else throw new UsageError(`unexpected argument ${a}`);
  }
  if (!out.benchmark && out.command.length === 0) throw new UsageError('name a benchmark, or give a command after --');
  if (out.benchmark && out.command.length > 0) throw new UsageError('give either a benchmark or a command after --, not both');
  return out;
}

/** The bundled allocator's folder: native/ in or above the working directory, else beside the installed CLI. */

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

export const command: CliCommand = {
  name: 'profile',
  usage:
    'hakmem profile <benchmark> [--allocator <name|path.so>] [--tool perf|callgrind] [--args "<args>"] [-o out.html] [--out-dir <dir>] [--top N]\n' +
    '       hakmem profile [options] -- <command...>',
  summary: [
    'Profiles a bundled benchmark (larson, random_mixed, fixed_size, mid_large_mt; run with its quick',
    'arguments unless --args) or any command, with perf (cpu-clock, call graphs) or callgrind.',
    'Writes the raw profile, folded stacks and a flamegraph page to --out-dir',
    '(default .hakmem/profiles/<name>-<time>) and prints the hottest functions.',
    'The allocator (default: the bundled profiling build, hakmem-prof) is loaded with LD_PRELOAD.',
  ].join('\n'),
  async run(args, io) {
    const opts = parseArgs(args);
    let cmd: string[];
    let cwd = io.cwd;
    const env: NodeJS.ProcessEnv = { ...process.env };
    const name = opts.benchmark ?? (opts.command[0]!.split('/').pop() || 'command');
    // The folder's own benchmarks (its .hakmem.json), or the bundled ones.
    const ws = findBenchWorkspace(io.cwd);
    const nativeDir = ws.nativeDir;
    if (opts.benchmark) {
      const presets = ws.benchmarks;
      const preset = presets.find((p) => p.name === opts.benchmark);
      if (!preset) throw new UsageError(`unknown benchmark '${opts.benchmark}' (expected one of ${presets.map((p) => p.name).join(', ')})`);
      if (!existsSync(preset.binary)) {
        io.err(`hakmem profile: ${preset.binary} is missing: build it with \`${preset.build ?? 'make bench'}\` in ${preset.cwd}\n`);
        return 2;
      }
      cmd = [preset.binary, ...(opts.args ?? preset.quickArgs)];
      cwd = preset.cwd;
      Object.assign(env, preset.env);
    } else {
      cmd = opts.command;
    }
    const allocatorName = opts.allocator ?? (opts.benchmark ? 'hakmem-prof' : undefined);
    if (allocatorName) {
      let allocator;
      try {
        allocator = resolveAllocator(allocatorName, nativeDir, io.cwd);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      if (allocator.missing) {
        const how = allocator.missing.debianPackage ? `install the Debian package ${allocator.missing.debianPackage}` : 'check the path';
        io.err(`hakmem profile: allocator ${allocator.name} is not available (${allocator.missing.library}): ${how}\n`);
        return 2;
      }
      if (allocator.preload) {
        if (!existsSync(allocator.preload)) {
          io.err(`hakmem profile: ${allocator.preload} is missing: build it with \`make -C ${nativeDir}\`\n`);
          return 2;
        }
        env.LD_PRELOAD = allocator.preload;
      }
    }
    const outDir = resolve(io.cwd, opts.outDir ?? join('.hakmem', 'profiles', `${name}-${stamp()}`));
    await mkdir(outDir, { recursive: true });
    let result;
    try {
      result = await captureProfile({
        command: cmd,
        env,
        cwd,
        tool: opts.tool,
        outDir,
        signal: io.signal,
        onProgress: (m) => io.err(`${m}\n`),
      });
    } catch (e) {
      if (e instanceof CaptureError) {
        io.err(`hakmem profile: ${e.message}\n`);
        return e.setup ? 2 : 1;
      }
      throw e;
    }
    const title = `${name}${allocatorName ? ` (${allocatorName})` : ''} — ${opts.tool}`;
    const page = resolve(io.cwd, opts.output ?? join(outDir, 'flame.html'));
    await mkdir(dirname(page), { recursive: true });
    await writeFile(page, standalonePage(result.model, title));
    io.out(`profile: ${result.files.raw}\nfolded:  ${result.files.folded}\npage:    ${page}\n\n`);
    if (opts.top > 0) io.out(hotspotReport(result.model, opts.top));
    return 0;
  },
};

import { dirname, isAbsolute, resolve } from 'node:path';
import { findBenchWorkspace } from '../bench/workspace';
import { findConfigFile } from '../config/file';
import { crashSarif, problemsSarif } from '../triage/sarif';
import { sanitizedRun, sanitizerProblem, type SanitizeResult, type Sanitizer } from '../triage/sanitize';
import { crashText, frameText } from '../triage/report';
import { triageRun, type TriageResult } from '../triage/run';
import { shrinkRun, type ShrinkResult } from '../triage/shrink';
import { ArgWords } from './args';
import { UsageError, type CliCommand, type CliIO } from './types';

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

interface TriageArgs {
  readonly allocator: string;
  readonly format: Format;
  readonly timeoutMs: number;
  readonly env: Record<string, string>;
  readonly command: string[];
  /** Set with --shrink: look for the smallest failing run within this many milliseconds. */
  readonly shrinkBudgetMs?: number;
  readonly keep: number[];
  readonly sanitize?: Sanitizer;
}

export function parseTriageArgs(args: readonly string[]): TriageArgs {
  let allocator = 'system';
  let format: Format = 'text';
  let timeout = 120;
  const env: Record<string, string> = {};
  let shrink = false;
  let budget = 120;
  let keep: number[] = [];
  let sanitize: Sanitizer | undefined;
  const words = new ArgWords(args);
  for (let a = words.next(); a !== undefined; a = words.next()) {
    if (a === '--') {
      const command = words.rest();
      if (command.length === 0) throw new UsageError('no command after --');
      return {
        allocator,
        format,
        timeoutMs: timeout * 1000,
        env,
        command,
        keep,
        ...(sanitize ? { sanitize } : {}),
        ...(shrink ? { shrinkBudgetMs: budget * 1000 } : {}),
      };
    }
    const eq = a.indexOf('=');
    const name = eq >= 0 ? a.slice(0, eq) : a;
    const value = (): string => words.value(name, eq >= 0 ? a.slice(eq + 1) : '');
    if (name === '--allocator') allocator = value();
    else if (name === '--format') {
      const v = value();
      if (!(FORMATS as readonly string[]).includes(v)) throw new UsageError(`--format must be text, json or sarif (got '${v}')`);
      format = v as Format;
    } else if (name === '--timeout') {
      const v = Number(value());
      if (!Number.isFinite(v) || v <= 0) throw new UsageError('--timeout needs a number of seconds above 0');
      timeout = v;
    } else if (name === '--shrink') {
      if (eq >= 0) throw new UsageError('--shrink takes no value');
      shrink = true;
    } else if (name === '--sanitize') {
      const v = value();
      if (v !== 'address' && v !== 'thread') throw new UsageError(`--sanitize must be address (ASan+UBSan) or thread (TSan), not '${v}'`);
      sanitize = v;
    } else if (name === '--budget') {
      const v = Number(value());
      if (!Number.isFinite(v) || v <= 0) throw new UsageError('--budget needs a number of seconds above 0');
      budget = v;
    } else if (name === '--keep') {
      const v = value();
      keep = v.split(',').map((x) => Number(x));
      if (keep.some((n) => !Number.isInteger(n) || n < 0))
        throw new UsageError(`--keep expects argument positions such as 0,2, not '${v}'`);
    } else if (name === '--env') {
      const kv = value();
      const k = kv.indexOf('=');
      if (k <= 0) throw new UsageError(`--env expects NAME=value, not '${kv}'`);
      env[kv.slice(0, k)] = kv.slice(k + 1);
    } else throw new UsageError(`unknown option '${a}' (the command to run goes after --)`);
  }
  throw new UsageError('which command? put it after --');
}

function endingText(r: TriageResult): string {
  switch (r.outcome) {
    case 'ok':
      return 'hakmem triage: the program exited normally (status 0)\n';
    case 'exit':
      return `hakmem triage: the program failed with exit status ${r.exitStatus}, without a crash\n`;
    default:
      return r.crash ? '' : `hakmem triage: ${r.outcome}${r.signal ? ` (${r.signal})` : ''}\n`;
  }
}

function shellWord(w: string): string {
  return /^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

function shrinkText(s: ShrinkResult): string {
  if (!s.signature) return 'hakmem triage: the run did not fail, nothing to shrink\n';
  const how = s.stoppedBy === 'budget' ? ' (time budget reached)' : s.stoppedBy === 'cancelled' ? ' (cancelled)' : '';
  const same = s.smallest.join(' ') === s.original.join(' ');
  return (
    `hakmem triage: ${same ? 'no smaller run fails the same way' : 'smallest run that fails the same way'} after ${s.attempts} runs${how} (${s.signature}):\n` +
    `  ${s.smallest.map(shellWord).join(' ')}\n\n`
  );
}

function sanitizedText(r: SanitizeResult): string {
  const lines: string[] = [];
  for (const rep of r.reports) {
    lines.push(rep.headline);
    if (rep.at) lines.push(`  at ${rep.at.file}:${rep.at.line}`);
    for (const s of rep.stacks) {
      lines.push(`  ${s.title}:`);
      for (const f of s.frames) lines.push(`    ${frameText(f)}`);
    }
    lines.push('');
  }
  if (r.reports.length === 0) lines.push(`hakmem triage: no sanitizer report (exit status ${r.exitStatus ?? r.signalName})`);
  return lines.join('\n') + '\n';
}

async function runSanitized(opts: TriageArgs, sanitizer: Sanitizer, io: CliIO, nativeDir: string, root: string): Promise<number> {
  const [program, ...rest] = opts.command;
  const r = await sanitizedRun({
    sanitizer,
    nativeDir,
    program: isAbsolute(program!) ? program! : resolve(io.cwd, program!),
    args: rest,
    cwd: io.cwd,
    env: opts.env,
    timeoutMs: opts.timeoutMs,
    signal: io.signal,
  });
  if (r.error) {
    io.err(`hakmem triage: ${r.error}\n`);
    return 2;
  }
  const problems = r.reports.flatMap((rep) => sanitizerProblem(rep, root) ?? []);
  if (opts.format === 'json')
    io.out(
      JSON.stringify(
        { version: 1, root, sanitizer, binary: r.binary, exitStatus: r.exitStatus, signal: r.signalName, reports: r.reports, problems },
        null,
        2,
      ) + '\n',
    );
  else if (opts.format === 'sarif') io.out(problemsSarif(problems, root, []) + '\n');
  else io.out(sanitizedText(r));
  return r.reports.length === 0 && r.exitStatus === 0 ? 0 : 1;
}

async function run(args: readonly string[], io: CliIO): Promise<number> {
  const opts = parseTriageArgs(args);
  const ws = findBenchWorkspace(io.cwd);
  const configPath = findConfigFile(io.cwd);
  const root = configPath ? dirname(configPath) : io.cwd;
  if (opts.sanitize) return runSanitized(opts, opts.sanitize, io, ws.nativeDir, root);
  let result: TriageResult;
  let shrunk: ShrinkResult | undefined;
  const runOptions = {
    command: opts.command,
    cwd: io.cwd,
    allocator: opts.allocator,
    nativeDir: ws.nativeDir,
    env: opts.env,
    timeoutMs: opts.timeoutMs,
    signal: io.signal,
  };
  try {
    if (opts.shrinkBudgetMs !== undefined) {
      shrunk = await shrinkRun({
        ...runOptions,
        root,
        keep: opts.keep,
        budgetMs: opts.shrinkBudgetMs,
        onProgress: (message, fraction) => io.err(`[${String(Math.round(fraction * 100)).padStart(3)}%] ${message}\n`),
      });
      result = shrunk.failing!;
    } else result = await triageRun(runOptions);
  } catch (e) {
    // An unknown allocator name.
    throw new UsageError((e as Error).message);
  }
  if (result.outcome === 'cancelled') {
    io.err('hakmem triage: cancelled\n');
    return 130;
  }
  if (result.outcome === 'spawn') {
    io.err(`hakmem triage: ${result.error}\n`);
    return 2;
  }
  const shrinkJson = shrunk
    ? {
        shrink: {
          original: shrunk.original,
          smallest: shrunk.smallest,
          attempts: shrunk.attempts,
          stoppedBy: shrunk.stoppedBy,
          signature: shrunk.signature ?? null,
        },
      }
    : {};
  if (shrunk && opts.format === 'text') io.out(shrinkText(shrunk));
  if (opts.format === 'json') io.out(JSON.stringify({ version: 1, root, ...shrinkJson, ...result }, null, 2) + '\n');
  else if (opts.format === 'sarif') io.out(crashSarif(result.crash, root) + '\n');
  else {
    if (result.stderrTail && result.outcome !== 'ok') io.err(`${result.stderrTail}\n`);
    io.out(endingText(result) + (result.crash ? crashText(result.crash) : ''));
  }
  return result.outcome === 'ok' ? 0 : 1;
}

export const command: CliCommand = {
  name: 'triage',
  usage:
    'hakmem triage [--allocator NAME|PATH] [--format text|json|sarif] [--timeout SECONDS] [--env NAME=value]\n' +
    '              [--shrink [--budget SECONDS] [--keep POS,…]] [--sanitize address|thread] -- <command…>',
  summary:
    'Runs a program under an allocator (default system; hakmem, hakmem-debug, mimalloc, jemalloc, tcmalloc or a library path)\n' +
    'and, when it crashes, aborts or hangs past the timeout, prints every thread stack with function, file and line (gdb).\n' +
    'With --shrink, halves each whole-number argument (but those at the --keep positions, 0 = first argument) while the run\n' +
    'still fails the same way, within --budget seconds (default 120), and prints the smallest failing command line.\n' +
    'With --sanitize, builds the bundled allocator with ASan+UBSan (address) or TSan (thread) into the program (a bundled\n' +
    'benchmark or a one-file .c program), runs it with the same arguments and prints each report with its stacks.\n' +
    'Exit status: 0 the program exited normally, 1 it crashed, aborted, hung or failed, 2 bad usage or it could not start.',
  run,
};

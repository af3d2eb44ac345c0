// `hakmem preproc`: which lines of a file a build compiles, its #includes, and
// what a macro means at a line, from the preprocessor engine.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { defaultConfig } from '../config/config';
import { findConfigFile } from '../config/file';
import { loadWorkspaceConfigText } from '../configSections';
import {
  defaultPredefines,
  evaluatePreprocessor,
  fileIncludeResolver,
  macroSignature,
  MacroTable,
  type BuildKind,
  type ConditionalRecord,
  type IncludeRecord,
  type MacroDef,
  type PreprocProblem,
  type PreprocResult,
} from '../preproc';
import { ArgWords } from './args';
import { UsageError, type CliCommand, type CliIO } from './types';

interface PreprocArgs {
  files: string[];
  build: BuildKind;
  defines: Record<string, string>;
  undefines: string[];
  includePaths: string[];
  format: 'text' | 'json';
  macros: string[];
}

function parseArgs(args: readonly string[]): PreprocArgs {
  const out: PreprocArgs = { files: [], build: 'release', defines: {}, undefines: [], includePaths: [], format: 'text', macros: [] };
  const words = new ArgWords(args);
  for (let a = words.next(); a !== undefined; a = words.next()) {
    const value = (inline: string): string => words.value(a!, inline);
    if (a === '--build') {
      const b = value('');
      if (b !== 'release' && b !== 'debug') throw new UsageError('--build must be release or debug');
      out.build = b;
    } else if (a === '--format') {
      const f = value('');
      if (f !== 'text' && f !== 'json') throw new UsageError('--format must be text or json');
      out.format = f;
    } else if (a.startsWith('-D')) {
      const d = value(a.slice(2));
      const eq = d.indexOf('=');
      if (eq === 0) throw new UsageError(`-D needs a macro name: ${d}`);
      if (eq < 0) out.defines[d] = '1';
      else out.defines[d.slice(0, eq)] = d.slice(eq + 1);
    } else if (a.startsWith('-U')) out.undefines.push(value(a.slice(2)));
    else if (a.startsWith('-I')) out.includePaths.push(value(a.slice(2)));
    else if (a === '--macro') out.macros.push(value(''));
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
    else out.files.push(a);
  }
  if (out.files.length === 0) throw new UsageError('no source file given');
  return out;
}

interface BuildSetup {
  defines: MacroTable;
  includePaths: string[];
}

/**
 * Defines of the build from the .hakmem.json of the file's workspace (the nearest one above the
 * file, wherever the command runs from; else the defaults), then -D/-U from the command line.
 */
function configuredDefines(file: string, args: PreprocArgs, io: CliIO): BuildSetup | undefined {
  const configPath = findConfigFile(dirname(file));
  const root = configPath ? dirname(configPath) : io.cwd;
  let config = defaultConfig(root);
  if (configPath) {
    let text: string;
    try {
      text = readFileSync(configPath, 'utf8');
    } catch (e) {
      io.err(`hakmem preproc: cannot read ${configPath}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
      return undefined;
    }
    const loaded = loadWorkspaceConfigText(root, text);
    if (loaded.problems.length > 0) {
      io.err(`hakmem preproc: ${configPath}: ${loaded.problems[0]!.key} ${loaded.problems[0]!.message}\n`);
      return undefined;
    }
    config = loaded.config;
  }
  const build = config.builds[args.build];
  const includePaths = config.includePaths;
  const table = MacroTable.from({ ...defaultPredefines(), ...build.defines, ...args.defines });
  for (const u of [...build.undefines, ...args.undefines]) table.undef(u);
  return { defines: table, includePaths: [...args.includePaths.map((p) => resolve(io.cwd, p)), ...includePaths] };
}

/** One file's result with 1-based lines, as printed (text) or emitted (json). */
interface PreprocReport {
  file: string;
  build: BuildKind;
  lineCount: number;
  inactiveRanges: Array<{ startLine: number; endLine: number }>;
  conditionals: ConditionalRecord[];
  includes: IncludeRecord[];
  problems: PreprocProblem[];
  macros: Array<{ name: string; line: number | undefined; definition: MacroDef | null }>;
}

function report(file: string, r: PreprocResult, args: PreprocArgs): PreprocReport {
  const lastLine = r.lineCount - 1;
  return {
    file,
    build: args.build,
    lineCount: r.lineCount,
    inactiveRanges: r.inactiveRanges.map((x) => ({ startLine: x.startLine + 1, endLine: x.endLine + 1 })),
    conditionals: r.conditionals.map((c) => ({ ...c, line: c.line + 1, endLine: c.endLine + 1 })),
    includes: r.includes.map((i) => ({ ...i, line: i.line + 1 })),
    problems: r.problems.map((p) => ({ ...p, line: p.line + 1 })),
    macros: args.macros.map((spec) => {
      const [name = '', at] = spec.split('@');
      const line = at === undefined || !/^\d+$/.test(at) ? lastLine + 1 : Math.max(0, Number(at) - 1);
      return { name, line: line > lastLine ? undefined : line + 1, definition: r.macroAt(name, line) ?? null };
    }),
  };
}

function printText(r: PreprocReport, io: CliIO): void {
  const lines: string[] = [`${r.file}: ${r.build} build, ${r.lineCount} lines, ${r.inactiveRanges.length} inactive ranges`];
  for (const x of r.inactiveRanges) lines.push(`  inactive ${x.startLine}-${x.endLine}`);
  for (const c of r.conditionals)
    lines.push(`  ${c.line}: #${c.kind}${c.condition ? ' ' + c.condition : ''} -> ${c.value ? 'taken' : 'not taken'}`);
  for (const i of r.includes)
    lines.push(`  ${i.line}: #include ${i.system ? `<${i.name}>` : `"${i.name}"`}${i.resolved ? ` -> ${i.resolved}` : ' (not found)'}`);
  for (const m of r.macros) {
    const d = m.definition;
    const where = m.line === undefined ? 'at end' : `at line ${m.line}`;
    lines.push(d ? `  ${macroSignature(d)} ${where}: ${d.body}  [${d.file ?? '?'}:${d.line + 1}]` : `  ${m.name} ${where}: not defined`);
  }
  for (const p of r.problems) lines.push(`${r.file}:${p.line}: ${p.message}`);
  io.out(lines.join('\n') + '\n');
}

export const command: CliCommand = {
  name: 'preproc',
  usage: 'hakmem preproc FILE... [--build release|debug] [-D NAME[=VALUE]] [-U NAME] [-I DIR] [--macro NAME[@LINE]] [--format text|json]',
  summary:
    'Shows which lines of FILE are compiled in the build (inactive ranges, each #if and whether it was taken), ' +
    'the #includes, and the definition of macros at a line. Exits 1 when the preprocessor found problems.',
  async run(argv, io) {
    const args = parseArgs(argv);
    const reports: PreprocReport[] = [];
    let problems = 0;
    for (const f of args.files) {
      const path = resolve(io.cwd, f);
      const setup = configuredDefines(path, args, io);
      if (!setup) return 2;
      const resolveInclude = fileIncludeResolver(setup.includePaths);
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (e) {
        io.err(`hakmem preproc: cannot read ${f}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
        return 2;
      }
      const r = evaluatePreprocessor(text, { fileName: path, defines: setup.defines, resolveInclude });
      problems += r.problems.length;
      const rep = report(relative(io.cwd, path) || f, r, args);
      if (args.format === 'text') printText(rep, io);
      else reports.push(rep);
    }
    if (args.format === 'json') io.out(JSON.stringify({ version: 1, files: reports }, null, 2) + '\n');
    return problems > 0 ? 1 : 0;
  },
};

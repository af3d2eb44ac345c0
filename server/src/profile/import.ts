import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { CallgrindParser } from './callgrind';
import { FoldedParser } from './foldedParser';
import { forEachLine, forEachLineChunk, forEachLineOfStream } from './lines';
import type { ProfileModel } from './model';
import { PerfScriptParser } from './perfScript';
import { deserialiseModel } from './serialise';
import { ProfileFormatError, sniffFile, type ProfileFormat } from './sniff';
import { locateWithAddr2line, withSources } from './sources';
import { importSpeedscope } from './speedscope';
import { perfProblem } from './tools';

export interface ImportOptions {
  readonly signal?: AbortSignal;
  /** Bytes read so far, for progress reports on large files. */
  readonly onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Look up where perf-sampled functions start with addr2line (default true). */
  readonly locateSources?: boolean;
  /** Force a format instead of recognising it from the content. */
  readonly format?: ProfileFormat;
}

/** Reads a profile in any supported format (recognised from its content) into the model. */
export async function importProfile(path: string, options: ImportOptions = {}): Promise<ProfileModel> {
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new ProfileFormatError(`${path} is not a file`);
    size = s.size;
  } catch (e) {
    if (e instanceof ProfileFormatError) throw e;
    throw new ProfileFormatError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const format = options.format ?? (await sniffFile(path));
  if (!format) {
    throw new ProfileFormatError(
      `${path}: unknown profile format (expected perf.data, perf script output, folded stacks, callgrind.out or speedscope JSON)`,
    );
  }
  const read = { signal: options.signal, onProgress: (n: number) => options.onProgress?.(n, size) };
  try {
    switch (format) {
      case 'perf-script': {
        const parser = new PerfScriptParser();
        // Frame lines are folded from the file's bytes: most are known frames, which need no string.
        await forEachLineChunk(path, (bytes, end) => parser.chunk(bytes, 0, end), read);
        return await located(parser, options);
      }
      case 'perf-data':
        return await importPerfData(path, options);
      case 'folded': {
        const parser = new FoldedParser();
        await forEachLine(path, (l) => parser.line(l), read);
        return parser.finish();
      }
      case 'callgrind': {
        const parser = new CallgrindParser();
        await forEachLine(path, (l) => parser.line(l), read);
        return parser.finish();
      }
      case 'speedscope':
        return importSpeedscope(await readFile(path, 'utf8'));
      case 'hakmem-profile':
        return deserialiseModel(JSON.parse(await readFile(path, 'utf8')));
    }
  } catch (e) {
    if (e instanceof Error && e.name === 'AbortError') throw e;
    if (e instanceof ProfileFormatError) throw e;
    throw new ProfileFormatError(`${path}: ${(e as Error).message}`);
  }
}

async function located(parser: PerfScriptParser, options: ImportOptions): Promise<ProfileModel> {
  const { model, addresses } = parser.finish();
  if (options.locateSources === false) return model;
  return withSources(model, await locateWithAddr2line(model, addresses, options.signal));
}

/** perf.data is binary: `perf script` turns it into text, streamed straight into the parser. */
export async function importPerfData(path: string, options: ImportOptions = {}): Promise<ProfileModel> {
  const problem = perfProblem();
  if (problem) throw new ProfileFormatError(problem);
  const child = spawn('perf', ['script', '-i', path], { stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 4096) stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  child.on('error', () => undefined);
  const parser = new PerfScriptParser();
  await forEachLineOfStream(child.stdout, (l) => parser.line(l));
  const code = await exited;
  options.signal?.throwIfAborted();
  if (code !== 0) throw new ProfileFormatError(`perf script -i ${path} failed: ${stderr.trim().split('\n').pop() ?? `exit ${code}`}`);
  return located(parser, options);
}

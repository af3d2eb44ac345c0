// The supervisor every benchmark and build runs under (server/supervisor/
// hakmem-supervise.c): a child subreaper that kills whatever the command left
// behind — setsid() escapes and double forks included — and dies with its
// parent, so nothing outlives a timeout, a cancel, or a `kill -9` of the CLI or
// the language server. It is compiled from its source on first use, with the
// C compiler allocator work needs anyway, into a per-user cache; without a
// compiler the runner falls back to process groups alone (and says so once).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const SOURCE_NAME = 'hakmem-supervise.c';

/** The supervisor's source: server/supervisor/ above this module (src, out and dist alike). */
function findSource(start: string = __dirname): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    for (const candidate of [join(dir, 'supervisor', SOURCE_NAME), join(dir, 'server', 'supervisor', SOURCE_NAME)]) {
      if (existsSync(candidate)) return candidate;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

export interface Supervisor {
  /** The compiled program, or undefined when it could not be had. */
  readonly path?: string;
  /** Why there is none (no source, no compiler, a compile error). */
  readonly unavailable?: string;
}

let cached: Supervisor | undefined;

/** The supervisor program, compiled once per source version and user. Never throws. */
export function supervisor(): Supervisor {
  if (cached) return cached;
  cached = compile();
  return cached;
}

function compile(): Supervisor {
  if (process.platform !== 'linux') return { unavailable: 'the supervisor needs Linux (prctl, /proc)' };
  const source = findSource();
  if (!source) return { unavailable: `${SOURCE_NAME} is not installed beside the server` };
  const text = readFileSync(source);
  const version = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `hakmem-supervise-${process.getuid?.() ?? 'user'}`, version);
  const program = join(dir, 'hakmem-supervise');
  if (existsSync(program)) return { path: program };
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Compiled under a unique name and renamed, so two servers starting at once never run half a file.
    const fresh = `${program}.${process.pid}`;
    execFileSync(process.env['CC'] || 'cc', ['-std=c11', '-O2', '-o', fresh, source], { stdio: 'pipe', timeout: 60_000 });
    renameSync(fresh, program);
    return { path: program };
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    const detail = err.stderr?.toString().trim().split('\n')[0] || err.message;
    return { unavailable: `cannot compile ${source} (${detail}); install gcc (apt-get install -y gcc)` };
  }
}

/** Makes the supervisor write the command's pid and a newline to the given descriptor once it forks. */
export const PID_FD_OPTION = '--pid-fd';

/** What the supervisor prints when the command itself cannot be started (it then exits 127). */
export const CANNOT_RUN = /^hakmem-supervise: cannot run [^\n]*: ([^\n]+)$/m;

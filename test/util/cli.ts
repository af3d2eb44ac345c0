import { spawnSync } from 'node:child_process';
import { cliPath } from './paths';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the bundled `hakmem` CLI (server/dist/cli.js) in `cwd`, with a time limit. */
export function runCli(args: string[], cwd: string): CliRun {
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// What a failed test leaves behind in test-results/e2e/<test name>/: a
// screenshot, the extension's log (the "HAKMEM" output channel as code-server
// writes it under the user-data dir), the extension host log, code-server's
// own output and the browser console.
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from '../../util/paths';

export const resultsDir = join(repoRoot, 'test-results', 'e2e');

export function artifactDir(testName: string): string {
  const safe =
    testName
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 100) || 'test';
  return join(resultsDir, safe);
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const files: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) files.push(...walk(full));
    else files.push(full);
  }
  return files;
}

/** Log files worth keeping: the extension's own channel and the extension host around it. */
function isExtensionLog(rel: string): boolean {
  return /hakmem/i.test(rel) || /(^|\/)exthost\d*\.log$/.test(rel) || /(^|\/)remoteagent\.log$/.test(rel);
}

/** Copies the extension's logs from code-server's logs folder; returns how many were copied. */
export function copyExtensionLogs(userDataDir: string, dest: string): number {
  const logs = join(userDataDir, 'logs');
  let copied = 0;
  for (const file of walk(logs)) {
    const rel = relative(logs, file);
    if (!isExtensionLog(rel)) continue;
    mkdirSync(dest, { recursive: true });
    copyFileSync(file, join(dest, rel.replace(/\//g, '__')));
    copied++;
  }
  return copied;
}

export interface FailureRecord {
  testName: string;
  page?: Page;
  userDataDir?: string;
  codeServerOutput: string;
  browserConsole: string[];
  error: unknown;
}

/** Saves everything useful for diagnosing a failure; never throws (the original error matters more). */
export async function saveFailureArtifacts(record: FailureRecord): Promise<string> {
  const dir = artifactDir(record.testName);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const notes: string[] = [];
  if (record.page) {
    try {
      await record.page.screenshot({ path: join(dir, 'screenshot.png'), timeout: 10_000 });
    } catch (e) {
      notes.push(`screenshot failed: ${(e as Error).message}`);
    }
  }
  if (record.userDataDir) {
    const n = copyExtensionLogs(record.userDataDir, join(dir, 'logs'));
    if (n === 0) notes.push(`no extension logs found under ${join(record.userDataDir, 'logs')}`);
  }
  writeFileSync(join(dir, 'code-server.log'), record.codeServerOutput);
  writeFileSync(join(dir, 'browser-console.log'), record.browserConsole.join('\n') + '\n');
  const error = record.error instanceof Error ? (record.error.stack ?? record.error.message) : String(record.error);
  writeFileSync(join(dir, 'error.txt'), [error, ...notes].join('\n') + '\n');
  return dir;
}

// `npm test`: set-up (npm packages, Debian packages, build), then every test
// file under out/test (compiled from test/**/*.test.ts) with node's runner.
// HAKMEM_TEST_ONLY=unit,protocol limits the run to those folders.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { root, setup } from '../server/scripts/setup.mjs';

setup();

const only = (process.env.HAKMEM_TEST_ONLY ?? '').split(',').filter(Boolean);
const outTest = join(root, 'out/test');

function collect(dir) {
  const files = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) files.push(...collect(full));
    else if (name.endsWith('.test.js')) files.push(full);
  }
  return files;
}

const files = collect(outTest)
  // Output left behind by a deleted test is not a test.
  .filter((f) => existsSync(join(root, 'test', relative(outTest, f).replace(/\.js$/, '.ts'))))
  .filter((f) => only.length === 0 || only.includes(relative(outTest, f).split('/')[0]))
  .sort();
if (files.length === 0) {
  console.error('no test files found under out/test');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...files], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);

// `npm test`: set-up (npm packages, Debian packages, build), then every test
// file under out/test (compiled from test/**/*.test.ts) with node's runner.
// HAKMEM_TEST_ONLY=unit,protocol limits the run to those folders.
// `npm run test:unit` (--unit): no set-up, only `tsc -b`, then test/unit, whose
// tests need nothing but node_modules and the compiled TypeScript.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { compileTypeScript, root, setup } from '../server/scripts/setup.mjs';

const unitOnly = process.argv.includes('--unit');

/** What the unit tests read from node_modules: the compiler and the C grammar. */
const unitNeeds = ['typescript/bin/tsc', 'web-tree-sitter/web-tree-sitter.wasm', 'tree-sitter-c/tree-sitter-c.wasm'];

function prepareUnit() {
  const missing = unitNeeds.filter((p) => !existsSync(join(root, 'node_modules', p)));
  if (missing.length > 0) {
    console.error(
      `hakmem: node_modules lacks ${missing.join(', ')}: run \`npm run build\` (it runs npm ci) once, then \`npm run test:unit\``,
    );
    process.exit(1);
  }
  try {
    compileTypeScript();
  } catch (e) {
    console.error(`hakmem: ${e.message}`);
    process.exit(1);
  }
}

if (unitOnly) prepareUnit();
else setup();

const only = unitOnly ? ['unit'] : (process.env.HAKMEM_TEST_ONLY ?? '').split(',').filter(Boolean);
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

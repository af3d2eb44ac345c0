// Bundles the extension client, the language server, the CLI and the webview
// front ends with esbuild, and copies the tree-sitter wasm files beside the
// server bundle, and packages the sample allocator (native/'s sources) beside
// them. Entries that do not exist yet are skipped.
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { existsSync, mkdirSync, copyFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(join(root, 'package.json'));

const clientEntries = [{ in: 'client/src/extension.ts', out: 'client/dist/extension.js' }];
const serverEntries = [
  { in: 'server/src/lsp/main.ts', out: 'server/dist/server.js' },
  { in: 'server/src/cli/main.ts', out: 'server/dist/cli.js' },
  { in: 'server/src/analysis/worker.ts', out: 'server/dist/worker.js' },
];
const browserEntries = [
  { in: 'media/src/results/main.ts', out: 'media/dist/results.js' },
  { in: 'media/src/flame/main.ts', out: 'media/dist/flame.js' },
  { in: 'media/src/suite/main.ts', out: 'media/dist/suite.js' },
];

const production = process.argv.includes('--production');

// A production build ships no source maps: drop the ones a development build left behind.
if (production) {
  for (const dir of ['client/dist', 'server/dist', 'media/dist']) {
    if (!existsSync(join(root, dir))) continue;
    for (const f of readdirSync(join(root, dir))) if (f.endsWith('.map')) rmSync(join(root, dir, f));
  }
}

async function bundle(entries, options) {
  await Promise.all(
    entries
      .filter((e) => existsSync(join(root, e.in)))
      .map((e) =>
        build({
          entryPoints: [join(root, e.in)],
          outfile: join(root, e.out),
          bundle: true,
          sourcemap: production ? false : 'linked',
          minify: production,
          logLevel: 'warning',
          ...options,
        }),
      ),
  );
}

/**
 * vscode-languageserver pins its own vscode-languageserver-protocol, older than
 * the client's. The shared protocol module (server/src/protocol) imports the
 * client's; in the server bundles it resolves to the language server's copy, so
 * they carry one (the RequestType classes behave the same in both).
 */
const oneProtocolCopy = {
  name: 'one-protocol-copy',
  setup(b) {
    const languageServer = createRequire(require.resolve('vscode-languageserver'));
    const protocol = languageServer.resolve('vscode-languageserver-protocol');
    b.onResolve({ filter: /^vscode-languageserver-protocol$/ }, () => ({ path: protocol }));
  },
};

// jsonc-parser's UMD build hides its requires from the bundler: take its ESM build.
// web-tree-sitter's ESM build reads import.meta.url, which a CommonJS bundle must provide.
const nodeOptions = {
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
  define: { 'import.meta.url': '__hakmemImportMetaUrl' },
  banner: { js: "const __hakmemImportMetaUrl = require('url').pathToFileURL(__filename).href;" },
};
await Promise.all([bundle(clientEntries, nodeOptions), bundle(serverEntries, { ...nodeOptions, plugins: [oneProtocolCopy] })]);
await bundle(browserEntries, { platform: 'browser', format: 'iife', target: 'chrome110' });

mkdirSync(join(root, 'server/dist'), { recursive: true });
copyFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), join(root, 'server/dist/web-tree-sitter.wasm'));
copyFileSync(
  join(dirname(require.resolve('tree-sitter-c/package.json')), 'tree-sitter-c.wasm'),
  join(root, 'server/dist/tree-sitter-c.wasm'),
);

// The sample allocator travels in server/dist/sample (in the .vsix and the npm
// package alike), made by the command users run, so the list of what it holds
// (server/src/init/sample.json) and the copy are the product's own.
const sample = join(root, 'server/dist/sample');
rmSync(sample, { recursive: true, force: true });
const copied = spawnSync(process.execPath, [join(root, 'server/dist/cli.js'), 'init', '--sample', sample], { encoding: 'utf8' });
if (copied.status !== 0) {
  console.error(`packaging the sample allocator failed: ${copied.stderr || copied.error?.message}`);
  process.exit(1);
}

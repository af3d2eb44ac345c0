// `npm run lint`: typescript-eslint's recommended rules, and the layers of
// ARCHITECTURE.md as import boundaries, so a violation fails the lint:
// - only client/ imports `vscode`;
// - the engines (server/src/* but lsp/ and cli/) import neither the language
//   server, nor the CLI, nor the client;
// - the pages (media/) run in a webview, so they import no Node module.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeModules = [...builtinModules.filter((m) => !m.startsWith('_')), ...builtinModules.map((m) => `node:${m}`)];

const vscodeOnlyInClient = {
  name: 'vscode',
  message: 'Only client/ imports vscode: the server, the CLI and the pages run without VS Code.',
};

const engineBoundary = {
  regex: '^(\\./|(\\.\\./)+)(lsp|cli|client)(/|$)',
  message: 'Engines do not import the language server, the CLI or the client: those layers call the engines, not the reverse.',
};

export default tseslint.config(
  {
    ignores: ['**/node_modules/', 'out/', '**/dist/', 'native/', 'test/fixtures/', '.cache/', '.hakmem/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: {
        console: 'readonly',
        process: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-restricted-imports': ['error', { paths: [vscodeOnlyInClient] }],
    },
  },
  {
    files: ['client/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['server/src/**/*.ts'],
    ignores: ['server/src/lsp/**', 'server/src/cli/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [vscodeOnlyInClient], patterns: [engineBoundary] }] },
  },
  {
    files: ['media/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [vscodeOnlyInClient, ...nodeModules.map((name) => ({ name, message: 'The pages run in a webview: no Node modules.' }))],
        },
      ],
    },
  },
);

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { LintResult } from '../../server/src/analysis/lint';
import { lintSarif } from '../../server/src/cli/lintFormat';
import { defaultConfig } from '../../server/src/config/config';
import { FUNCTION_RULES, POINTER_RULES, RULES } from '../../server/src/rules';
import { DEFAULT_SEVERITY, RULE_CODES } from '../../server/src/rules/codes';
import { repoRoot } from '../util/paths';

const SEVERITIES = ['error', 'warning', 'information', 'hint'];

describe('rule declarations', () => {
  it('keep the public codes in their SARIF order', () => {
    assert.deepEqual(RULE_CODES, [
      'hot-path-io',
      'hot-path-getenv',
      'hot-path-lock',
      'hot-path-syscall',
      'hot-path-counter',
      'user-base-mismatch',
      'double-conversion',
      'raw-next-access',
      'allocator-reentrancy',
    ]);
  });

  it('declare every code exactly once, with a default severity and a description', () => {
    assert.equal(new Set(RULES.map((rule) => rule.code)).size, RULES.length);
    for (const rule of RULES) {
      assert.ok(SEVERITIES.includes(rule.defaultSeverity), rule.code);
      assert.equal(DEFAULT_SEVERITY[rule.code], rule.defaultSeverity, rule.code);
      assert.ok(rule.description.trim().length > 0, rule.code);
    }
  });

  it('list the pointer rules beside the per-function rules', () => {
    assert.deepEqual(
      POINTER_RULES.map((rule) => rule.code),
      ['user-base-mismatch', 'double-conversion', 'raw-next-access'],
    );
    assert.deepEqual([...FUNCTION_RULES, ...POINTER_RULES].map((rule) => rule.code).sort(), [...RULE_CODES].sort());
  });

  it('are the SARIF rule list', () => {
    const result: LintResult = { root: '/w', config: defaultConfig('/w'), findings: [], files: 0, skipped: [], notices: [] };
    const sarif = JSON.parse(lintSarif(result)) as { runs: Array<{ tool: { driver: { rules: unknown[] } } }> };
    const level = { error: 'error', warning: 'warning', information: 'note', hint: 'note' } as const;
    assert.deepEqual(
      sarif.runs[0]!.tool.driver.rules,
      RULES.map((rule) => ({
        id: rule.code,
        shortDescription: { text: rule.description },
        defaultConfiguration: { level: level[rule.defaultSeverity] },
      })),
    );
  });
});

describe('the README rules table', () => {
  it('lists every rule code with its default severity, as declared', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const listed = new Map<string, string>();
    // Rows like: | `code`, `code` | what it finds | severity / severity |
    for (const m of readme.matchAll(/^\| ((?:`[a-z-]+`(?:, )?)+) \| .* \| ([a-z /]+) \|$/gm)) {
      const codes = [...m[1]!.matchAll(/`([a-z-]+)`/g)].map((c) => c[1]!);
      const severities = m[2]!.split(' / ');
      codes.forEach((code, i) => listed.set(code, severities[Math.min(i, severities.length - 1)]!));
    }
    for (const rule of RULES) assert.equal(listed.get(rule.code), rule.defaultSeverity, `README row for ${rule.code}`);
    assert.deepEqual(
      [...listed.keys()].filter((c) => !RULES.some((r) => r.code === c)),
      [],
      'README lists no unknown code',
    );
  });
});

// SARIF 2.1.0 logs for code-scanning uploads (CI shows results as annotations).
// One writer for every command that reports locations in source files.
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';

export const TOOL_VERSION = '0.1.0';

export type SarifLevel = 'error' | 'warning' | 'note';

/** 1-based region of a file. */
export interface SarifRegion {
  readonly startLine: number;
  readonly startColumn?: number;
  readonly endLine?: number;
  readonly endColumn?: number;
}

export interface SarifLocationInput {
  /** Absolute path. */
  readonly path: string;
  readonly region: SarifRegion;
  readonly message?: string;
}

export interface SarifResultInput {
  readonly ruleId: string;
  readonly level: SarifLevel;
  readonly message: string;
  readonly location: SarifLocationInput;
  readonly related: readonly SarifLocationInput[];
}

export interface SarifRuleInput {
  readonly id: string;
  readonly description: string;
  readonly level: SarifLevel;
}

export interface SarifLogInput {
  /** Workspace root: locations are relative to it (%SRCROOT%). */
  readonly root: string;
  readonly rules: readonly SarifRuleInput[];
  readonly results: readonly SarifResultInput[];
  /** Notes about the run itself (toolExecutionNotifications). */
  readonly notifications: readonly { readonly id: string; readonly message: string }[];
}

function rel(root: string, path: string): string {
  return relative(root, path).split('\\').join('/') || path;
}

function location(root: string, l: SarifLocationInput): object {
  return {
    physicalLocation: { artifactLocation: { uri: rel(root, l.path), uriBaseId: '%SRCROOT%' }, region: l.region },
    ...(l.message ? { message: { text: l.message } } : {}),
  };
}

export function sarifLog(input: SarifLogInput): string {
  const ruleIds = input.rules.map((r) => r.id);
  return JSON.stringify(
    {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: 'hakmem',
              version: TOOL_VERSION,
              informationUri: 'https://hakmem.dev/devtools',
              rules: input.rules.map((rule) => ({
                id: rule.id,
                shortDescription: { text: rule.description },
                defaultConfiguration: { level: rule.level },
              })),
            },
          },
          invocations: [
            {
              executionSuccessful: true,
              toolExecutionNotifications: input.notifications.map((n) => ({
                level: 'note',
                message: { text: n.message },
                descriptor: { id: n.id },
              })),
            },
          ],
          originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(input.root + '/').href } },
          results: input.results.map((r) => ({
            ruleId: r.ruleId,
            ruleIndex: ruleIds.indexOf(r.ruleId),
            level: r.level,
            message: { text: r.message },
            locations: [location(input.root, r.location)],
            relatedLocations: r.related.map((l, i) => ({ id: i, ...location(input.root, l) })),
          })),
        },
      ],
    },
    null,
    2,
  );
}

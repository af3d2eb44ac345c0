import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver';
import type { Node as SyntaxNode, Tree } from 'web-tree-sitter';
import type { ReleaseGuard } from '../config/config';
import { DIAGNOSTIC_SOURCE } from './diagnostics';

/** Rules whose finding is debug-only code: wrapping it in the release guard is the fix. */
const WRAPPABLE = new Set(['hot-path-io', 'hot-path-getenv', 'hot-path-counter']);
/** Statements that can be removed from the release build without breaking what follows. */
const REMOVABLE_STATEMENT = /^(expression_statement|if_statement|for_statement|while_statement|do_statement|compound_statement)$/;

/** The whole statement holding a position, when it owns its lines (nothing else shares them). */
export function enclosingStatement(
  tree: Tree,
  text: string,
  line: number,
  column: number,
): { startLine: number; endLine: number } | undefined {
  let node: SyntaxNode | null = tree.rootNode.descendantForPosition({ row: line, column });
  while (node && !(node.parent?.type === 'compound_statement' && node.type !== 'comment')) node = node.parent;
  if (!node || !REMOVABLE_STATEMENT.test(node.type)) return undefined;
  const lines = text.split('\n');
  const before = lines[node.startPosition.row]!.slice(0, node.startPosition.column);
  const after = lines[node.endPosition.row]!.slice(node.endPosition.column);
  if (before.trim() !== '' || !/^\s*(\/\/.*|\/\*.*\*\/\s*)?$/.test(after)) return undefined;
  return { startLine: node.startPosition.row, endLine: node.endPosition.row };
}

/** Wraps whole lines in the guard: `#if …`/`#endif` around them, or a C `if (…) {` … `}` indented like them. */
export function wrapInGuardEdits(text: string, startLine: number, endLine: number, guard: ReleaseGuard): TextEdit[] {
  const all = text.split('\n');
  if (guard.kind === 'if') {
    const eol = (all[startLine] ?? '').endsWith('\r') ? '\r\n' : '\n';
    const lines = all.slice(startLine, endLine + 1).map((l) => l.replace(/\r$/, ''));
    const indent = /^[ \t]*/.exec(lines[0] ?? '')![0];
    const unit = indent.includes('\t') ? '\t' : '  ';
    const body = lines.map((l) => (l.trim() === '' ? l : unit + l));
    const lastEnd = lines[lines.length - 1]!.length;
    return [
      {
        range: { start: { line: startLine, character: 0 }, end: { line: endLine, character: lastEnd } },
        newText: `${indent}${guard.text} {${eol}${body.join(eol)}${eol}${indent}}`,
      },
    ];
  }
  const lineCount = all.length;
  const endEdit: TextEdit =
    endLine + 1 < lineCount
      ? { range: { start: { line: endLine + 1, character: 0 }, end: { line: endLine + 1, character: 0 } }, newText: '#endif\n' }
      : {
          range: {
            start: { line: endLine, character: text.split('\n')[endLine]!.length },
            end: { line: endLine, character: text.split('\n')[endLine]!.length },
          },
          newText: '\n#endif',
        };
  return [
    { range: { start: { line: startLine, character: 0 }, end: { line: startLine, character: 0 } }, newText: `${guard.text}\n` },
    endEdit,
  ];
}

export function ignoreLineEdit(text: string, line: number, code: string): TextEdit {
  const content = text.split('\n')[line] ?? '';
  const end = content.replace(/\r$/, '').length;
  const already = /hakmem-lint:\s*ignore\b/.test(content);
  return {
    range: { start: { line, character: end }, end: { line, character: end } },
    newText: already ? ` ${code}` : ` // hakmem-lint: ignore ${code}`,
  };
}

/** The title of the wrap quick fix: "Wrap in #if MI_DEBUG > 1 … #endif" or "Wrap in if (config_stats) { … }". */
export function wrapTitle(guard: ReleaseGuard): string {
  return guard.kind === 'if' ? `Wrap in ${guard.text} { … }` : `Wrap in ${guard.text} … #endif`;
}

export function codeActionsFor(
  uri: string,
  text: string,
  tree: Tree | undefined,
  diagnostics: readonly Diagnostic[],
  guardFor: (code: string) => ReleaseGuard,
): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const d of diagnostics) {
    if (d.source !== DIAGNOSTIC_SOURCE || typeof d.code !== 'string' || d.code === 'inactive' || d.code === 'config') continue;
    const code = d.code;
    const fix = (d.data as { fix?: { title: string; edits: TextEdit[] } } | undefined)?.fix;
    if (fix) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        isPreferred: true,
        edit: { changes: { [uri]: fix.edits } },
      });
    }
    if (WRAPPABLE.has(code) && tree) {
      const stmt = enclosingStatement(tree, text, d.range.start.line, d.range.start.character);
      if (stmt) {
        const guard = guardFor(code);
        actions.push({
          title: wrapTitle(guard),
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          isPreferred: true,
          edit: { changes: { [uri]: wrapInGuardEdits(text, stmt.startLine, stmt.endLine, guard) } },
        });
      }
    }
    actions.push({
      title: `Ignore ${code} on this line`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [d],
      edit: { changes: { [uri]: [ignoreLineEdit(text, d.range.start.line, code)] } },
    });
  }
  return actions;
}

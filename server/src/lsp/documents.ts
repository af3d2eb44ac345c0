import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import type { Parser, Tree } from 'web-tree-sitter';
import { Edit } from 'web-tree-sitter';

/**
 * An open C document. Its syntax tree is made on the first edit (or when a
 * quick fix needs it) and then kept current by incremental edits and reparses:
 * a file that is only looked at never holds a tree.
 */
export class OpenDocument {
  public tree: Tree | undefined;

  private constructor(public doc: TextDocument) {}

  static open(uri: string, languageId: string, version: number, text: string): OpenDocument {
    return new OpenDocument(TextDocument.create(uri, languageId, version, text));
  }

  ensureTree(parser: Parser): Tree | undefined {
    this.tree ??= parser.parse(this.doc.getText()) ?? undefined;
    return this.tree;
  }

  get text(): string {
    return this.doc.getText();
  }

  /** Applies LSP changes; each ranged change edits the old tree so the reparse is incremental. */
  update(changes: readonly TextDocumentContentChangeEvent[], version: number, parser: Parser | undefined): void {
    let fullReplace = false;
    for (const change of changes) {
      if ('range' in change && this.tree) {
        const startIndex = this.doc.offsetAt(change.range.start);
        const oldEndIndex = this.doc.offsetAt(change.range.end);
        const newEndIndex = startIndex + change.text.length;
        const lines = change.text.split('\n');
        const newEndPosition =
          lines.length === 1
            ? { row: change.range.start.line, column: change.range.start.character + change.text.length }
            : { row: change.range.start.line + lines.length - 1, column: lines[lines.length - 1]!.length };
        this.tree.edit(
          new Edit({
            startIndex,
            oldEndIndex,
            newEndIndex,
            startPosition: { row: change.range.start.line, column: change.range.start.character },
            oldEndPosition: { row: change.range.end.line, column: change.range.end.character },
            newEndPosition,
          }),
        );
      } else if (!('range' in change)) {
        fullReplace = true;
      }
      this.doc = TextDocument.update(this.doc, [change], version);
    }
    if (!parser) return;
    // Without a tree yet this is the first edit: a full parse, incremental from then on.
    const old = fullReplace ? undefined : this.tree;
    const next = parser.parse(this.doc.getText(), old ?? null) ?? undefined;
    this.tree?.delete();
    this.tree = next;
  }

  close(): void {
    this.tree?.delete();
    this.tree = undefined;
  }
}

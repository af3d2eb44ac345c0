import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import type { Parser, Tree } from 'web-tree-sitter';
import { Edit } from 'web-tree-sitter';

/** An open C document with its syntax tree, kept current by incremental edits and reparses. */
export class OpenDocument {
  private constructor(
    public doc: TextDocument,
    public tree: Tree | undefined,
  ) {}

  static open(uri: string, languageId: string, version: number, text: string, parser: Parser | undefined): OpenDocument {
    const doc = TextDocument.create(uri, languageId, version, text);
    return new OpenDocument(doc, parser ? (parser.parse(text) ?? undefined) : undefined);
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

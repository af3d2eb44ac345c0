import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { IncrementalTree } from '../parse/incrementalTree';

/**
 * An open C document. Its syntax tree is made by the analysis of its first
 * edit (or when a quick fix needs it) and then kept current incrementally: a
 * file that is only looked at never holds a tree. The tree is parsed from the
 * document's syntax view (macros rewritten), so only the workspace, which
 * knows the macros, updates it.
 */
export class OpenDocument {
  readonly syntax = new IncrementalTree();
  private edited = false;

  private constructor(public doc: TextDocument) {}

  static open(uri: string, languageId: string, version: number, text: string): OpenDocument {
    return new OpenDocument(TextDocument.create(uri, languageId, version, text));
  }

  get text(): string {
    return this.doc.getText();
  }

  /** The tree the analysis keeps current: from the first edit on. */
  get liveSyntax(): IncrementalTree | undefined {
    return this.edited || this.syntax.current ? this.syntax : undefined;
  }

  /** Applies LSP changes (the tree follows at the next analysis). */
  update(changes: readonly TextDocumentContentChangeEvent[], version: number): void {
    this.doc = TextDocument.update(this.doc, [...changes], version);
    this.edited = true;
  }

  close(): void {
    this.syntax.delete();
  }
}

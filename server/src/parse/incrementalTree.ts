import { Edit, type Parser, type Tree } from 'web-tree-sitter';
import { changedWindow } from '../facts/incremental';

interface Point {
  row: number;
  column: number;
}

/** The point of `index`, counting lines from a known point `from` at `fromIndex` (≤ index). */
function pointAt(text: string, index: number, fromIndex = 0, from: Point = { row: 0, column: 0 }): Point {
  let row = from.row;
  let lineStart = fromIndex - from.column;
  for (let i = text.indexOf('\n', fromIndex); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: index - lineStart };
}

/**
 * A syntax tree kept current across edits: each new text is parsed reusing the
 * tree of the text parsed before, edited where the two differ. The difference
 * is taken between the parsed texts themselves (syntax views), so a change of
 * the view outside the typed range (a macro now rewritten) is reparsed too.
 */
export class IncrementalTree {
  private tree: Tree | undefined;
  private parsed: string | undefined;

  /** The tree of `text`. */
  update(parser: Parser, text: string): Tree {
    if (this.tree && this.parsed === text) return this.tree;
    let old: Tree | undefined;
    if (this.tree && this.parsed !== undefined) {
      const w = changedWindow(this.parsed, text);
      const start = pointAt(text, w.start);
      this.tree.edit(
        new Edit({
          startIndex: w.start,
          oldEndIndex: w.oldEnd,
          newEndIndex: w.newEnd,
          startPosition: start,
          oldEndPosition: pointAt(this.parsed, w.oldEnd, w.start, start),
          newEndPosition: pointAt(text, w.newEnd, w.start, start),
        }),
      );
      old = this.tree;
    }
    const next = parser.parse(text, old ?? null);
    if (!next) throw new Error('tree-sitter returned no tree');
    old?.delete();
    this.tree = next;
    this.parsed = text;
    return next;
  }

  /** The latest tree and the text it was parsed from, if any. */
  get current(): { readonly tree: Tree; readonly text: string } | undefined {
    return this.tree && this.parsed !== undefined ? { tree: this.tree, text: this.parsed } : undefined;
  }

  delete(): void {
    this.tree?.delete();
    this.tree = undefined;
    this.parsed = undefined;
  }
}

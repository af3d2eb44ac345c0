import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Language, Parser, Query, type Tree } from 'web-tree-sitter';

export type { Tree, Node as SyntaxNode, Point } from 'web-tree-sitter';

/** Finds a wasm file beside the bundle (server/dist) or in its npm package (tsc output, tests). */
function locate(file: string, packageSpecifier: string): string {
  const besideBundle = join(__dirname, file);
  if (existsSync(besideBundle)) return besideBundle;
  return require.resolve(packageSpecifier);
}

export interface CLanguage {
  readonly language: Language;
  /** A new parser (parsers are not shareable across interleaved incremental parses). */
  newParser(): Parser;
  query(source: string): Query;
}

let loading: Promise<CLanguage> | undefined;

/** Loads web-tree-sitter and the C grammar once per process. */
export function loadC(): Promise<CLanguage> {
  loading ??= (async () => {
    await Parser.init({ locateFile: () => locate('web-tree-sitter.wasm', 'web-tree-sitter/web-tree-sitter.wasm') });
    const language = await Language.load(locate('tree-sitter-c.wasm', 'tree-sitter-c/tree-sitter-c.wasm'));
    return {
      language,
      newParser(): Parser {
        const parser = new Parser();
        parser.setLanguage(language);
        return parser;
      },
      query(source: string): Query {
        return new Query(language, source);
      },
    };
  })();
  return loading;
}

/** Parses text, reusing `oldTree` (already edited) for an incremental parse. */
export function parseText(parser: Parser, text: string, oldTree?: Tree): Tree {
  const tree = parser.parse(text, oldTree ?? null);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree;
}

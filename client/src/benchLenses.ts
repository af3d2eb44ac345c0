import * as vscode from 'vscode';
import type { Benchmarks } from './benchmarks';

const ACTIONS: ReadonlyArray<[title: string, command: string]> = [
  ['$(play) Run', 'hakmem.runBenchmark'],
  ['$(versions) Compare', 'hakmem.compareAllocators'],
  ['$(flame) Profile', 'hakmem.profileBenchmark'],
];

/** Run / Compare / Profile over a benchmark's source (at main) and over its Makefile target. */
export class BenchmarkLenses implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly benchmarks: Benchmarks) {}

  refresh(): void {
    this.changed.fire();
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    let list;
    try {
      list = await this.benchmarks.benchmarks();
    } catch {
      return [];
    }
    const lenses: vscode.CodeLens[] = [];
    const add = (line: number, name: string): void => {
      const range = new vscode.Range(line, 0, line, 0);
      for (const [title, command] of ACTIONS) lenses.push(new vscode.CodeLens(range, { title, command, arguments: [name] }));
    };
    const path = document.uri.fsPath;
    if (/(^|\/)(GNU)?[Mm]akefile$|\.mk$/.test(path)) {
      for (const b of list.benchmarks) {
        const binary = b.binary.split('/').pop() ?? b.name;
        for (let i = 0; i < document.lineCount; i++) {
          const text = document.lineAt(i).text;
          // A rule whose target names the benchmark's binary (possibly through a variable path).
          if (
            /^[^\t#=]*:(?!=)/.test(text) &&
            text
              .split(':')[0]!
              .split(/\s+/)
              .some((t) => t.endsWith(binary))
          ) {
            add(i, b.name);
            break;
          }
        }
      }
      return lenses;
    }
    for (const b of list.benchmarks) {
      if (b.source !== path) continue;
      const text = document.getText();
      const main = /^[ \t]*int[ \t]+main[ \t]*\(/m.exec(text);
      add(main ? document.positionAt(main.index).line : 0, b.name);
    }
    return lenses;
  }
}

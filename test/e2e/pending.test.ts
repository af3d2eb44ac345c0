// Cases that join the suite as the benchmark, profile and pointer-kind
// features land. Each names the Workbench helpers it will use; they are in
// harness/workbench.ts and were checked against a real workbench.
import { test } from 'node:test';

test.todo('a CodeLens "Run" on a benchmark opens the results panel with a verdict (workbench.codeLens, workbench.webview)');
test.todo('"Profile" opens the flamegraph panel and clicking a frame opens the function\'s source (workbench.codeLens, workbench.webview)');
test.todo('inlay hints show USER/BASE kinds on pointer variables (workbench.inlayHints)');

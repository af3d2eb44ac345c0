// Cases that join the suite as the pointer-kind feature lands. Each names the
// Workbench helpers it will use; they are in harness/workbench.ts and were
// checked against a real workbench.
import { test } from 'node:test';

test.todo('inlay hints show USER/BASE kinds on pointer variables (workbench.inlayHints)');

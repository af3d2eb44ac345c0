// How the run was measured, under the verdicts: runs used and why it stopped,
// the noise reduction, the design's looks. The words come from the server
// (the CLI prints the same lines).
import type { ResultsMessage } from '../../../server/src/protocol/resultsPage';
import { html } from './dom';

export function renderDesign(m: ResultsMessage, after: Element): void {
  const old = document.getElementById('design');
  old?.remove();
  if (!m.designLines || m.designLines.length === 0) return;
  const box = html('div', { id: 'design', class: 'detail', 'data-stopped': m.design?.stopped ?? '' });
  for (const line of m.designLines) html('p', {}, line, box);
  after.after(box);
}

import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { flamePageHtml } from '../../server/src/pages/flamePage';
import { repoRoot } from '../util/paths';

export { launchChromium } from '../util/chromium';

export const flameBundle = join(repoRoot, 'media', 'dist', 'flame.js');

/**
 * Serves the page the way the webview host does: flamePageHtml with a fresh
 * nonce, the server's origin as cspSource, and the bundle by URI.
 */
export async function serveFlamePage(): Promise<{ url: string; nonce: string; close(): Promise<void> }> {
  if (!existsSync(flameBundle)) throw new Error(`${flameBundle} is missing: run node server/scripts/build.mjs`);
  const nonce = randomBytes(16).toString('base64');
  let origin = '';
  const server: Server = createServer((req, res) => {
    if (req.url === '/flame.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(readFileSync(flameBundle));
    } else if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(flamePageHtml({ nonce, cspSource: origin, script: { uri: `${origin}/flame.js` } }));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: `${origin}/`, nonce, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Stands in for VS Code's webview API: records what the page posts and keeps its state. */
export const VSCODE_API_SHIM = `
  window.__posted = [];
  window.__state = window.__initialState;
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
    getState: () => window.__state,
    setState: (s) => { window.__state = JSON.parse(JSON.stringify(s)); },
  });
`;

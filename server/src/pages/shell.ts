// The HTML shell every page shares: the VS Code webviews, the standalone pages
// the CLI writes and the pages the browser tests load. Content Security Policy:
// nothing runs or loads unless it carries the page's nonce or comes from the
// webview's resource origin. Data never goes into markup unescaped: pages
// render names from profiled binaries and benchmark output, which may be hostile.
// No Node API: the extension client builds its webviews with it too.

/** The page's script: by URI (a webview loads media/dist), or inlined (a page that works from file://). */
export type PageScript = { readonly uri: string } | { readonly inline: string };

export interface PageShell {
  /** Random per load (base64); only the scripts and styles carrying it run. A fresh one when absent. */
  readonly nonce?: string;
  /** Where the page may load resources from: the webview's cspSource; '' for a standalone page. */
  readonly cspSource: string;
  readonly script: PageScript;
  readonly title: string;
}

export interface PageContent {
  readonly style: string;
  /** The markup inside <body>, already escaped; the script follows it. */
  readonly body: string;
}

const NONCE_BYTES = 18;

/** A nonce for one page load: random, and letters and digits only. */
export function makeNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  return btoa(String.fromCharCode(...bytes)).replace(/[^A-Za-z0-9]/g, '');
}

/** Text made safe for element content and for quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that cannot end the <script> element it sits in, nor start a comment in it. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A script's text made safe to inline: nothing in it can close the element. */
function inlineScriptText(text: string): string {
  return text.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--');
}

function contentSecurityPolicy(nonce: string, cspSource: string): string {
  const source = cspSource ? `${cspSource} ` : '';
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${source}'nonce-${nonce}'`,
    `img-src ${source}data:`,
    `font-src ${cspSource || "'none'"}`,
  ].join('; ');
}

function scriptElement(script: PageScript, nonce: string): string {
  return 'inline' in script
    ? `<script nonce="${nonce}">${inlineScriptText(script.inline)}</script>`
    : `<script nonce="${nonce}" src="${escapeHtml(script.uri)}"></script>`;
}

export function pageHtml(shell: PageShell, content: PageContent): string {
  const nonce = shell.nonce ?? makeNonce();
  // The nonce sits inside the policy and inside attributes: it must need no escaping.
  if (!/^[A-Za-z0-9+/=]+$/.test(nonce)) throw new Error('a page nonce is base64 text');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(nonce, shell.cspSource))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(shell.title)}</title>
<style nonce="${nonce}">${content.style}</style>
</head>
<body>
${content.body}
${scriptElement(shell.script, nonce)}
</body>
</html>
`;
}

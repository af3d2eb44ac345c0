// Every page comes from one shell: the same Content Security Policy, nonce and
// escaping for the results page, the flamegraph page and the CLI's exports.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flamePageHtml } from '../../server/src/pages/flamePage';
import { resultsPageHtml } from '../../server/src/pages/resultsPage';
import { makeNonce, pageHtml } from '../../server/src/pages/shell';

function policyOf(html: string): string {
  return /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!.replace(/&#39;/g, "'");
}

describe('page shell', () => {
  it('gives both pages the same nonce-only policy', () => {
    const options = { nonce: 'bm9uY2U=', cspSource: 'https://webview.example', script: { uri: 'https://webview.example/x.js' } };
    const results = resultsPageHtml(options);
    const flame = flamePageHtml(options);
    assert.equal(policyOf(results), policyOf(flame));
    assert.equal(
      policyOf(results),
      "default-src 'none'; script-src 'nonce-bm9uY2U='; style-src https://webview.example 'nonce-bm9uY2U='; img-src https://webview.example data:; font-src https://webview.example",
    );
    for (const html of [results, flame]) {
      assert.match(html, /<script nonce="bm9uY2U=" src="https:\/\/webview\.example\/x\.js"><\/script>/);
      assert.match(html, /<style nonce="bm9uY2U=">/);
    }
  });

  it('lets a standalone page load nothing from outside', () => {
    const html = resultsPageHtml({ nonce: 'abc', cspSource: '', script: { inline: 'console.log("</script><script>alert(1)</script>")' } });
    assert.equal(policyOf(html), "default-src 'none'; script-src 'nonce-abc'; style-src 'nonce-abc'; img-src data:; font-src 'none'");
    assert.equal((html.match(/<\/script/gi) ?? []).length, 1, 'the inlined text cannot close its element');
  });

  it('escapes the title and refuses a nonce that would need escaping', () => {
    const html = pageHtml({ nonce: 'abc', cspSource: '', script: { uri: 'x.js' }, title: '<b>"t"</b>' }, { style: '', body: '' });
    assert.match(html, /<title>&#60;b&#62;&#34;t&#34;&#60;\/b&#62;<\/title>/);
    assert.throws(
      () => pageHtml({ nonce: "a' 'unsafe-inline", cspSource: '', script: { uri: 'x.js' }, title: 't' }, { style: '', body: '' }),
      /base64/,
    );
  });

  it('makes a fresh letters-and-digits nonce when none is given', () => {
    const a = makeNonce();
    assert.match(a, /^[A-Za-z0-9]{16,}$/);
    assert.notEqual(a, makeNonce());
    const nonces = [
      resultsPageHtml({ cspSource: '', script: { uri: 'x.js' } }),
      resultsPageHtml({ cspSource: '', script: { uri: 'x.js' } }),
    ].map((html) => /script-src 'nonce-([^']+)'/.exec(policyOf(html))![1]);
    assert.notEqual(nonces[0], nonces[1]);
  });
});

// Pages that work from file:// with nothing beside them: the webview bundle is
// read from media/dist and inlined. For the CLI's HTML exports and the tests.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ProfileModel } from '../profile/model';
import { serialiseModel, type SerialisedProfile } from '../profile/serialise';
import { flamePageHtml } from './flamePage';
import type { PageScript } from './shell';

export type MediaBundle = 'flame.js' | 'results.js' | 'suite.js';

/** media/dist/<bundle>, found from wherever this module runs (the CLI bundle in server/dist, compiled tests in out/, the sources). */
export function mediaBundlePath(bundle: MediaBundle, start: string = __dirname): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'media', 'dist', bundle);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`media/dist/${bundle} is missing: build the bundles first (node server/scripts/build.mjs)`);
  }
}

export function inlineBundle(bundle: MediaBundle): PageScript {
  return { inline: readFileSync(mediaBundlePath(bundle), 'utf8') };
}

/** The flamegraph page with its script, styles and profile inlined. */
export function selfContainedFlamePage(
  data: SerialisedProfile,
  options: { readonly nonce?: string; readonly title?: string } = {},
): string {
  return flamePageHtml({ ...options, cspSource: '', script: inlineBundle('flame.js'), initialData: data });
}

/** The flamegraph page of a profile, as `hakmem flame` and `hakmem profile` write it. */
export function standalonePage(model: ProfileModel, title: string): string {
  return selfContainedFlamePage(serialiseModel(model, title), { title });
}

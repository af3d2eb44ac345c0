// Debian's Chromium, driven by playwright-core, with a fresh profile per run.
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, requireChromium } from '../../util/chromium';
import { makeTempDir, removeTempDir } from './processes';

export interface Browser {
  page: Page;
  context: BrowserContext;
  /** Closes Chromium (playwright stops its whole process group) and removes the profile. */
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  requireChromium();
  const profile = makeTempDir('hakmem-e2e-chromium-');
  let context: BrowserContext;
  try {
    // A persistent context is how playwright takes a chosen --user-data-dir.
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 900 },
      timeout: 60_000,
    });
  } catch (e) {
    removeTempDir(profile);
    throw e;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  let closed = false;
  return {
    page,
    context,
    close: async () => {
      if (closed) return;
      closed = true;
      await context.close().catch(() => undefined);
      removeTempDir(profile);
    },
  };
}

import type { CliCommand } from './types';

/** Every `hakmem` sub-command, loaded on demand so `hakmem lint` does not load the profiler. */
export const commands: Record<string, () => Promise<CliCommand>> = {
  lint: async () => (await import('./lint.js')).command,
  init: async () => (await import('./init.js')).command,
  start: async () => (await import('./start.js')).command,
  bench: async () => (await import('./bench.js')).command,
  profile: async () => (await import('./profile.js')).command,
  flame: async () => (await import('./flame.js')).command,
  preproc: async () => (await import('./preproc.js')).command,
  triage: async () => (await import('./triage.js')).command,
};

// The sections of .hakmem.json that their engines check beyond the schema. This
// module sits above config/ and the engines so that config/ imports no engine:
// the front ends (the language server, the CLI's lint) load the file through it.
import { parseBenchmarksConfig } from './bench/config';
import { loadConfigText, type ConfigSection, type LoadedConfig } from './config/load';
import { parsePointerConfig } from './pointers';

export const CONFIG_SECTIONS: readonly ConfigSection[] = [
  { name: 'pointers', check: (value) => parsePointerConfig(value).errors },
  // A benchmark's errors do not depend on where the bundled presets live, so none is looked for.
  { name: 'benchmarks', check: (value, root) => parseBenchmarksConfig(value, root).errors },
];

/** .hakmem.json text parsed, validated by the schema and checked by every engine's section. */
export function loadWorkspaceConfigText(root: string, text: string): LoadedConfig {
  return loadConfigText(root, text, CONFIG_SECTIONS);
}

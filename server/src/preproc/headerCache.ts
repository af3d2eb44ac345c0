import { scanDirectives, type ScanResult } from './scan';

const MAX_ENTRIES = 512;
const cache = new Map<string, { text: string; scan: ScanResult }>();

/**
 * Directive scan of a header, reused while its text is unchanged: a file is
 * re-evaluated on every keystroke and its headers rarely change meanwhile.
 */
export function scanHeader(path: string, text: string): ScanResult {
  const hit = cache.get(path);
  if (hit && hit.text === text) {
    // Re-insert to keep the map in least-recently-used order.
    cache.delete(path);
    cache.set(path, hit);
    return hit.scan;
  }
  const scan = scanDirectives(text);
  cache.set(path, { text, scan });
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  return scan;
}

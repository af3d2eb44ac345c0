import { ProfileBuilder, type ProfileModel } from '../../server/src/profile/model';

export const HOSTILE = '<img src=x onerror=alert(1)>';
export const SCRIPT_BREAKER = "</script><script>document.title='pwned'</script>";

/**
 * A synthetic profile of about `nodes` call-tree nodes: a deterministic random
 * tree over a pool of function names, with a hostile name and a "needle_*"
 * function family to search for.
 */
export function syntheticProfile(nodes: number, seed = 1): ProfileModel {
  let state = seed >>> 0 || 1;
  const random = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const b = new ProfileBuilder('samples');
  const pool = Array.from({ length: 4000 }, (_, i) => b.func(`module_${i % 37}::function_${i}`));
  const hostile = b.func(HOSTILE);
  const breaker = b.func(SCRIPT_BREAKER);
  const needle = [b.func('needle_alloc'), b.func('needle_free')];
  const stack: number[] = [];
  // Root children: a wide hostile frame, then random subtrees until the node budget is spent.
  b.addStack([hostile], 1, nodes / 2);
  b.addStack([breaker], 1, nodes / 4);
  let created = 3;
  while (created < nodes) {
    stack.length = 0;
    const depth = 2 + Math.floor(random() * 18);
    for (let d = 0; d < depth; d++) {
      const r = random();
      stack.push(r < 0.02 ? needle[d % 2]! : pool[Math.floor(Math.pow(random(), 2 + d * 0.3) * pool.length)]!);
    }
    b.addStack(stack, stack.length, 1 + Math.floor(random() * 20));
    created = b.nodeCountSoFar();
  }
  return b.finish();
}

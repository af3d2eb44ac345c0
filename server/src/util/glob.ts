/** Compiles a glob over names or paths: `**` crosses '/', `*` and `?` do not. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++;
        if (glob[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else {
          re += '.*';
        }
      } else {
        re += '[^/]*';
      }
    } else if (c === '?') {
      re += '[^/]';
    } else {
      re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`);
}

/** Matches names against a list of globs, compiled once. */
export class GlobSet {
  private readonly exact = new Set<string>();
  private readonly patterns: RegExp[] = [];

  constructor(globs: readonly string[]) {
    for (const g of globs) {
      if (/[*?]/.test(g)) this.patterns.push(globToRegExp(g));
      else this.exact.add(g);
    }
  }

  matches(name: string): boolean {
    return this.exact.has(name) || this.patterns.some((p) => p.test(name));
  }
}

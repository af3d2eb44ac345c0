import type { Expr, Stmt } from './types';

/** Names assigned anywhere in a body (what a label or an unstable loop must forget). */
export function collectAssigned(list: readonly Stmt[], out: Set<string>): void {
  const expr = (e: Expr | undefined): void => {
    if (!e) return;
    switch (e.k) {
      case 'assign':
        if (e.target.k === 'id') out.add(e.target.name);
        expr(e.target);
        expr(e.value);
        return;
      case 'addr':
        if (e.name) out.add(e.name);
        expr(e.e);
        return;
      case 'call':
        e.args.forEach(expr);
        return;
      case 'cast':
        expr(e.e);
        return;
      case 'arith':
        expr(e.ptr);
        return;
      case 'cond':
        expr(e.test);
        expr(e.a);
        expr(e.b);
        return;
      case 'logic':
        expr(e.left);
        expr(e.right);
        return;
      case 'field':
        expr(e.base);
        return;
      case 'rawlink':
        expr(e.ptr);
        return;
      case 'other':
        e.subs.forEach(expr);
        return;
      default:
        return;
    }
  };
  for (const s of list) {
    switch (s.k) {
      case 'decl':
        out.add(s.name);
        expr(s.init);
        break;
      case 'expr':
        expr(s.e);
        break;
      case 'ret':
        expr(s.e);
        break;
      case 'if':
        expr(s.test);
        collectAssigned(s.then, out);
        if (s.else) collectAssigned(s.else, out);
        break;
      case 'loop':
        collectAssigned(s.init, out);
        expr(s.test);
        expr(s.update);
        collectAssigned(s.body, out);
        break;
      case 'switch':
        expr(s.test);
        collectAssigned(s.body, out);
        break;
      case 'block':
        collectAssigned(s.body, out);
        break;
      default:
        break;
    }
  }
}

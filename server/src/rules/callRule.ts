import type { RuleCode } from './codes';
import { buildPhrase, calledAs, callsTo, hotPhrase, type FunctionRule, type RuleContext } from './rule';

/**
 * A hot-path rule that flags live calls reaching one of `names`; `advice` ends
 * the message ("blocks", "enters the kernel" … come from `verb`).
 */
export function hotCallRule(code: RuleCode, names: ReadonlySet<string>, verb: string, advice: string): FunctionRule {
  return {
    code,
    check(ctx: RuleContext) {
      if (!ctx.hot) return [];
      const hot = ctx.hot;
      return [...callsTo(ctx.fn, names)].map(({ call, target }) => ({
        code,
        span: call.span,
        reach: hot,
        message: `${calledAs(call, target)} ${verb} ${hotPhrase(hot)} of ${ctx.fn.name} (${buildPhrase(ctx)}); ${advice}`,
      }));
    },
  };
}

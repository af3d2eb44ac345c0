import type { RuleCode, Severity } from './codes';
import { calledAs, callsTo, placeFields, placeOf, placePhrase, type FunctionRule, type RuleContext, type RuleDeclaration } from './rule';

export interface HotCallOptions {
  /** Severity at most, when the call is only on the slow path (OS calls on refill and purge paths). */
  readonly slowPathCap?: Severity;
}

/**
 * A hot-path rule that flags live calls reaching one of `names`; `advice` ends
 * the message ("blocks", "enters the kernel" … come from `verb`).
 */
export function hotCallRule<Code extends RuleCode>(
  declaration: RuleDeclaration<Code>,
  names: ReadonlySet<string>,
  verb: string,
  advice: string | ((ctx: RuleContext, fastPath: boolean) => string),
  options: HotCallOptions = {},
): FunctionRule<Code> {
  const { code } = declaration;
  return {
    ...declaration,
    check(ctx: RuleContext) {
      if (!ctx.hot) return [];
      const out = [];
      for (const { call, target } of callsTo(ctx.fn, names)) {
        const place = placeOf(ctx, call);
        if (!place) continue;
        const tail = typeof advice === 'string' ? advice : advice(ctx, place.fast);
        const what = call.callee === 'syscall' && call.firstArgText ? `syscall(${call.firstArgText})` : calledAs(call, target);
        out.push({
          code,
          span: call.span,
          ...placeFields(place),
          message: `${what} ${verb} ${placePhrase(ctx, place)}; ${tail}`,
          ...(!place.fast && options.slowPathCap ? { severityCap: options.slowPathCap } : {}),
        });
      }
      return out;
    },
  };
}

import { calledAs, callsTo, placeFields, placeOf, placePhrase, type FunctionRule } from './rule';

const GETENV = new Set(['getenv', 'secure_getenv']);

/** getenv scans the whole environment on each call; a cached one-time read is fine. */
export const hotPathGetenv: FunctionRule<'hot-path-getenv'> = {
  code: 'hot-path-getenv',
  defaultSeverity: 'warning',
  description: 'getenv/secure_getenv on the hot path that is not a cached one-time read',
  check(ctx) {
    if (!ctx.hot) return [];
    const out = [];
    for (const { call, target } of callsTo(ctx.fn, GETENV)) {
      const place = call.cachedInit ? undefined : placeOf(ctx, call);
      if (!place) continue;
      out.push({
        code: 'hot-path-getenv' as const,
        span: call.span,
        ...placeFields(place),
        message: `${calledAs(call, target)}${call.firstStringArg ? `("${call.firstStringArg}")` : ''} scans the environment ${placePhrase(ctx, place)}; read it once at init and cache the value`,
      });
    }
    return out;
  },
};

import { buildPhrase, calledAs, callsTo, hotPhrase, type FunctionRule } from './rule';

const GETENV = new Set(['getenv', 'secure_getenv']);

/** getenv scans the whole environment on each call; a cached one-time read is fine. */
export const hotPathGetenv: FunctionRule = {
  code: 'hot-path-getenv',
  check(ctx) {
    if (!ctx.hot) return [];
    const hot = ctx.hot;
    return [...callsTo(ctx.fn, GETENV)]
      .filter(({ call }) => !call.cachedInit)
      .map(({ call, target }) => ({
        code: 'hot-path-getenv',
        span: call.span,
        reach: hot,
        message: `${calledAs(call, target)}${call.firstStringArg ? `("${call.firstStringArg}")` : ''} scans the environment on every call ${hotPhrase(hot)} of ${ctx.fn.name} (${buildPhrase(ctx)}); read it once at init and cache the value`,
      }));
  },
};

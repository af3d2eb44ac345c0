/**
 * The environment without what an enclosing `npm test` set (npm_node_execpath,
 * npm_config_*, NODE …): an inner npm would otherwise run install scripts with
 * the enclosing Node and settings (code-server's postinstall refuses anything
 * but Node 24; `npm pack` would read the outer run's prefix and cache).
 */
export function withoutNpmContext(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !/^npm_/i.test(k) && k !== 'NODE' && k !== 'INIT_CWD'));
}

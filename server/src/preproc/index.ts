// Line-level C preprocessor: which lines are compiled in a build configuration,
// and what macros mean there. Independent of the syntax tree.
export type { ConditionalRecord, IncludeRecord, IncludeResolver, MacroDef, PreprocOptions, PreprocProblem, PreprocResult } from './types';
export { COMMAND_LINE_FILE, MacroTable } from './macroTable';
export { evaluatePreprocessor } from './evaluate';
export { evaluateCondition } from './expression';
export { macroCalls, macroIsNoOp } from './macroAnalysis';
export { buildDefines, defaultPredefines, type BuildKind } from './predefines';
export { scanDirectives, type Directive, type ScanResult } from './scan';
export { macroSignature, parseDefine } from './define';
export { expandMacros } from './expand';
export { fileIncludeResolver } from './resolver';

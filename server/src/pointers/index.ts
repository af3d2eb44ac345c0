// USER/BASE pointer-kind analysis: per-file facts while the tree exists, then a
// workspace-level fixed point over function summaries.
export { extractPointerFacts } from './extract';
export { analyzePointers } from './analyze';
export { parsePointerConfig, EMPTY_POINTER_CONFIG, type PointerConfigError } from './config';
export type {
  Annotation,
  FunctionSummary,
  Origin,
  PointerCode,
  PointerConfig,
  PointerFileFacts,
  PointerFinding,
  PointerHint,
  PointerKind,
  PointerModel,
  PointerRelated,
  Span,
} from './types';

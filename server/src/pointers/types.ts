import type { Span } from '../facts/types';

export type { Span };

/** The two kinds of a header-carrying block's pointers. */
export type PointerKind = 'USER' | 'BASE';

/** Pointer-kind settings (the "pointers" section of .hakmem.json), defaults filled in. */
export interface PointerConfig {
  /** Header size of the default block kind; undefined: pointer arithmetic converts nothing. */
  readonly headerSize?: number;
  /** The default block kind's header struct: `(T *)p + 1`, `hdr - 1` and `sizeof(T)` convert. */
  readonly headerType?: string;
  /** Header size (and optionally struct) per named block kind (any of them converts by arithmetic). */
  readonly blockKinds: Readonly<Record<string, { readonly headerSize: number; readonly headerType?: string }>>;
  /** Every header size that converts: the default and each block kind's. */
  readonly headerSizes: readonly number[];
  /** Every header struct whose size converts. */
  readonly headerTypes: readonly string[];
  /** Functions or macros converting BASE → USER. */
  readonly toUser: readonly string[];
  /** Functions or macros converting USER → BASE. */
  readonly toBase: readonly string[];
  /** Functions or macros that read and write freelist links (the only places allowed a raw `*(void **)p`). */
  readonly linkApi: readonly string[];
  /** Function → parameter (name or 0-based index) → expected kind. */
  readonly expects: Readonly<Record<string, Readonly<Record<string, PointerKind>>>>;
  /** Function → kind of its return value. */
  readonly returns: Readonly<Record<string, PointerKind>>;
  /** `struct.field` (typedef or struct tag; `*` for any struct) → kind the field holds. */
  readonly fields: Readonly<Record<string, PointerKind>>;
  /** Typedef name → kind of every value declared with it (e.g. hak_base_t). */
  readonly types: Readonly<Record<string, PointerKind>>;
  /** Built-in libc summaries (malloc returns USER, free takes USER …). */
  readonly builtins: boolean;
}

/** Where a kind came from, for messages, related information and hover. */
export interface Origin {
  readonly path: string;
  readonly span: Span;
  /** "malloc()", "hak_base_to_user()", "`(uint8_t *)p + 1`", "parameter ptr of hak_free" … */
  readonly what: string;
  /** Further evidence (the call sites that all pass the kind). */
  readonly related?: readonly PointerRelated[];
}

// ---- Per-function intermediate form (plain data; spans are relative: line offset from the function's first line) ----

/** What a declared type says about a value. */
export interface TypeInfo {
  /** Type name without qualifiers, `struct`, or stars (e.g. "uint8_t", "hak_page_t"). */
  readonly name: string;
  /** Number of `*` in the declarator (plus the typedef's own pointer, unknown here). */
  readonly stars: number;
}

export type Expr =
  | { readonly k: 'id'; readonly name: string; readonly at: Span }
  | { readonly k: 'null' }
  | { readonly k: 'num'; readonly text: string }
  | {
      readonly k: 'call';
      readonly callee: string;
      readonly args: readonly Expr[];
      readonly argAt: readonly Span[];
      readonly argText: readonly string[];
      readonly at: Span;
      readonly calleeAt: Span;
    }
  | { readonly k: 'cast'; readonly type: TypeInfo; readonly e: Expr }
  | {
      readonly k: 'arith';
      readonly op: '+' | '-';
      readonly ptr: Expr;
      readonly amount: string;
      readonly at: Span;
      readonly ptrText: string;
      readonly text: string;
    }
  | { readonly k: 'cond'; readonly test: Expr; readonly a: Expr; readonly b: Expr }
  | { readonly k: 'logic'; readonly left: Expr; readonly right: Expr }
  | { readonly k: 'field'; readonly base: Expr; readonly baseName?: string; readonly field: string; readonly at: Span }
  | {
      readonly k: 'assign';
      readonly target: Expr;
      readonly op: string;
      readonly value: Expr;
      readonly at: Span;
      readonly valueText: string;
    }
  | { readonly k: 'addr'; readonly name?: string; readonly e: Expr }
  /** `*(void **)p` or `((void **)p)[i]`: a raw freelist link access. */
  | { readonly k: 'rawlink'; readonly ptr: Expr; readonly ptrText: string; readonly at: Span }
  /** Anything else: its sub-expressions are still evaluated (calls inside them count). */
  | { readonly k: 'other'; readonly subs: readonly Expr[] };

export type Stmt =
  | { readonly k: 'decl'; readonly name: string; readonly at: Span; readonly type: TypeInfo; readonly init?: Expr }
  | { readonly k: 'expr'; readonly e: Expr }
  | { readonly k: 'ret'; readonly e?: Expr; readonly at: Span }
  | { readonly k: 'if'; readonly test: Expr; readonly then: readonly Stmt[]; readonly else?: readonly Stmt[] }
  | {
      readonly k: 'loop';
      readonly init: readonly Stmt[];
      readonly test?: Expr;
      readonly body: readonly Stmt[];
      readonly update?: Expr;
      readonly bodyFirst: boolean;
    }
  | { readonly k: 'switch'; readonly test: Expr; readonly body: readonly Stmt[] }
  | { readonly k: 'case'; readonly isDefault: boolean }
  | { readonly k: 'break' }
  | { readonly k: 'continue' }
  | { readonly k: 'goto' }
  | { readonly k: 'label' }
  | { readonly k: 'block'; readonly body: readonly Stmt[] };

export interface ParamFact {
  readonly name: string;
  /** Span of the parameter's name (relative). */
  readonly at: Span;
  readonly type: TypeInfo;
}

/** A function body in intermediate form, independent of configuration and macros (so it can be cached by text). */
export interface FunctionBody {
  readonly params: readonly ParamFact[];
  readonly returnType: TypeInfo;
  readonly body: readonly Stmt[];
  /** Names called (macros are looked up per extraction). */
  readonly callees: readonly string[];
  /** Texts of constant-looking arithmetic amounts (evaluated per extraction, macros change). */
  readonly amounts: readonly string[];
}

export interface PointerFunction {
  readonly name: string;
  /** Absolute span of the name. */
  readonly nameSpan: Span;
  readonly isStatic: boolean;
  /** Absolute first line: relative spans in `ir` add this. */
  readonly line: number;
  readonly ir: FunctionBody;
}

/** A function declared (not defined) in a file: parameter names and types for config and typed kinds. */
export interface PointerPrototype {
  readonly name: string;
  readonly params: ReadonlyArray<{ readonly name: string; readonly type: TypeInfo }>;
  readonly returnType: TypeInfo;
}

/** What a function-like macro does to pointer kinds, from its replacement text. */
export type MacroMeaning =
  | { readonly k: 'toUser' | 'toBase'; readonly param: number }
  | { readonly k: 'identity'; readonly param: number }
  | { readonly k: 'alias'; readonly target: string; readonly argMap: readonly number[]; readonly returns: boolean }
  | { readonly k: 'rawlink' };

/** A `/* hakmem:base *\/` or `/* hakmem:user *\/` comment and what it annotates. */
export interface Annotation {
  readonly fn: string;
  /** Parameter index, or undefined for the return value. */
  readonly param?: number;
  readonly paramName?: string;
  readonly kind: PointerKind;
  readonly span: Span;
}

/** Everything the workspace-level analysis needs from one file (plain data). */
export interface PointerFileFacts {
  readonly path: string;
  readonly functions: readonly PointerFunction[];
  readonly prototypes: readonly PointerPrototype[];
  readonly annotations: readonly Annotation[];
  /** Function-like macros called in this file, by name, with what they mean for kinds. */
  readonly macros: Readonly<Record<string, MacroMeaning>>;
  /** Macros that are callee names in this file (a macro call is never a function call). */
  readonly macroNames: readonly string[];
  /** Arithmetic amount texts (`16`, `HDR`, `(HDR_SIZE)`) with their integer values in this build. */
  readonly constants: Readonly<Record<string, number>>;
}

/** The codes this analysis reports; each is declared (severity, description) in rules/pointerRules.ts. */
export type PointerCode = 'user-base-mismatch' | 'double-conversion' | 'raw-next-access';

export interface PointerRelated {
  readonly path: string;
  readonly span: Span;
  readonly message: string;
}

export interface PointerFinding {
  readonly code: PointerCode;
  readonly span: Span;
  readonly message: string;
  readonly related: readonly PointerRelated[];
  readonly fix?: { readonly title: string; readonly edits: ReadonlyArray<{ readonly span: Span; readonly newText: string }> };
}

export interface PointerHint {
  readonly line: number;
  readonly character: number;
  readonly kind: PointerKind;
  readonly name: string;
}

export interface FunctionSummary {
  readonly params: ReadonlyArray<PointerKind | undefined>;
  readonly returns?: PointerKind;
}

export interface PointerModel {
  findings(path: string): PointerFinding[];
  hints(path: string): PointerHint[];
  hover(path: string, line: number, character: number): string | undefined;
  summaries(): ReadonlyMap<string, FunctionSummary>;
}

// The subset of d3's API the flamegraph page uses. The d3 packages ship no
// TypeScript declarations and the project carries no @types packages for them.

declare module 'd3-scale' {
  export interface ScaleLinear<Range, Output> {
    (value: number): Output;
    domain(): number[];
    domain(domain: readonly number[]): this;
    range(): Range[];
    range(range: readonly Range[]): this;
    clamp(clamp: boolean): this;
    invert(value: number): number;
  }
  export function scaleLinear<Range = number, Output = Range>(): ScaleLinear<Range, Output>;
}

declare module 'd3-format' {
  export function format(specifier: string): (n: number) => string;
}

declare module 'd3-selection' {
  export interface Selection<E extends Element, Datum> {
    selectAll<C extends Element, D = unknown>(selector: string): Selection<C, D>;
    data<D>(data: readonly D[]): Selection<E, D>;
    join(name: string): Selection<E, Datum>;
    text(value: string | ((d: Datum, i: number) => string)): this;
    attr(name: string, value: string | null | ((d: Datum, i: number) => string | null)): this;
    classed(names: string, value: boolean | ((d: Datum, i: number) => boolean)): this;
    on(type: string, listener: ((event: Event, d: Datum) => void) | null): this;
    append<C extends Element>(name: string): Selection<C, Datum>;
    remove(): this;
    node(): E | null;
  }
  export function select<E extends Element>(node: E): Selection<E, unknown>;
}

// Typed access to the few d3 functions the results page uses. The d3 packages
// ship no declarations; the imports are typed here, locally, so this page does
// not depend on declarations written for other pages.
/* eslint-disable @typescript-eslint/ban-ts-comment */
// @ts-ignore d3-scale has no bundled types
import { scaleLinear as d3ScaleLinear } from 'd3-scale';
// @ts-ignore d3-format has no bundled types
import { format as d3Format } from 'd3-format';
// @ts-ignore d3-shape has no bundled types
import { area as d3Area, line as d3Line } from 'd3-shape';

export interface LinearScale {
  (value: number): number;
  domain(domain: readonly number[]): LinearScale;
  range(range: readonly number[]): LinearScale;
  nice(count?: number): LinearScale;
  ticks(count?: number): number[];
  domain(): number[];
}

export interface LineGenerator<T> {
  (data: readonly T[]): string | null;
  x(x: (d: T) => number): LineGenerator<T>;
  y(y: (d: T) => number): LineGenerator<T>;
}

export interface AreaGenerator<T> {
  (data: readonly T[]): string | null;
  x(x: (d: T) => number): AreaGenerator<T>;
  y0(y: (d: T) => number): AreaGenerator<T>;
  y1(y: (d: T) => number): AreaGenerator<T>;
}

export const scaleLinear = d3ScaleLinear as unknown as () => LinearScale;
export const format = d3Format as unknown as (specifier: string) => (n: number) => string;
export const line = d3Line as unknown as <T>() => LineGenerator<T>;
export const area = d3Area as unknown as <T>() => AreaGenerator<T>;

/** 12345678 -> "12.3M" */
export const formatRate = (n: number): string => (Number.isFinite(n) ? format('.3~s')(n) : 'n/a');

import { scaleLinear, type ScaleLinear } from 'd3-scale';
import { functionName } from '../../../server/src/profile/model';
import { diffScale, frameColor, LABEL, SEARCH_MATCH } from './colors';
import type { FlameLayout } from './layout';

export type Orientation = 'flame' | 'icicle';

export const ROW_HEIGHT = 18;
/** Frames narrower than this many pixels are not drawn, nor anything above them (children are narrower still). */
const MIN_WIDTH = 0.35;

export interface FlameCanvasOptions {
  readonly canvas: HTMLCanvasElement;
  /** Scroll container for a virtualised graph (the canvas is the viewport); undefined: the canvas is as tall as the tree. */
  readonly scroller?: HTMLElement;
  readonly spacer?: HTMLElement;
  orientation: Orientation;
}

/**
 * Draws one call tree on a canvas and maps pointer positions back to frames.
 * Only frames that are at least MIN_WIDTH wide and in the visible rows are
 * visited, so drawing cost follows the screen, not the profile size.
 */
export class FlameCanvas {
  tree: FlameLayout | undefined;
  zoomRoot = 0;
  selected = -1;
  hovered = -1;
  matches: Uint8Array | undefined;
  /** Frames drawn by the last draw(), and how long it took (exposed as data attributes for checks). */
  drawnFrames = 0;
  private x: ScaleLinear<number, number> = scaleLinear();
  private width = 0;
  private height = 0;
  private charWidth = 7;
  private colors: string[] = [];
  private diffColor: ((d: number) => string) | undefined;

  constructor(readonly options: FlameCanvasOptions) {}

  setTree(tree: FlameLayout | undefined): void {
    this.tree = tree;
    this.zoomRoot = 0;
    this.selected = -1;
    this.hovered = -1;
    this.colors = [];
    this.diffColor = undefined;
    if (tree?.baselineSelf) {
      let max = 0;
      for (let i = 1; i < tree.size; i++) max = Math.max(max, Math.abs(tree.self[i]! - tree.baselineSelf[i]!));
      this.diffColor = diffScale(max);
    }
  }

  get contentHeight(): number {
    return this.tree ? (this.tree.maxDepth + 1) * ROW_HEIGHT : 0;
  }

  /** Vertical position of a tree depth in canvas pixels. */
  private rowY(depth: number, scrollTop: number): number {
    if (this.options.orientation === 'icicle') return depth * ROW_HEIGHT - scrollTop;
    return this.contentHeight - (depth + 1) * ROW_HEIGHT - scrollTop;
  }

  private scrollTop(): number {
    return this.options.scroller ? this.options.scroller.scrollTop : 0;
  }

  /** Sizes the canvas to its container and draws. */
  draw(): void {
    const { canvas, scroller, spacer } = this.options;
    const tree = this.tree;
    const dpr = window.devicePixelRatio || 1;
    const cssWidth = Math.max(1, (scroller ?? canvas.parentElement ?? canvas).clientWidth);
    const cssHeight = scroller
      ? Math.max(1, Math.min(scroller.clientHeight, this.contentHeight || 1))
      : Math.max(ROW_HEIGHT, this.contentHeight);
    if (spacer) spacer.style.height = `${this.contentHeight}px`;
    if (canvas.width !== Math.round(cssWidth * dpr) || canvas.height !== Math.round(cssHeight * dpr)) {
      canvas.width = Math.round(cssWidth * dpr);
      canvas.height = Math.round(cssHeight * dpr);
      canvas.style.width = `${cssWidth}px`;
      canvas.style.height = `${cssHeight}px`;
    }
    this.width = cssWidth;
    this.height = cssHeight;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, cssWidth, cssHeight);
    this.drawnFrames = 0;
    if (!tree || tree.rootTotal <= 0) return;
    ctx.font = '12px ' + (getComputedStyle(document.body).getPropertyValue('--mono').trim() || 'monospace');
    ctx.textBaseline = 'middle';
    this.charWidth = ctx.measureText('abcdefghij').width / 10 || 7;
    const z = this.zoomRoot;
    this.x = scaleLinear()
      .domain([tree.start[z]!, tree.start[z]! + tree.total[z]!])
      .range([0, cssWidth]);
    const top = this.scrollTop();
    // Ancestors of the zoomed frame span the full width, greyed out.
    for (let n = tree.parent[z]!; n >= 0; n = tree.parent[n]!) this.frame(ctx, n, 0, cssWidth, this.rowY(tree.depth[n]!, top), true);
    const stack = [z];
    const icicle = this.options.orientation === 'icicle';
    while (stack.length > 0) {
      const n = stack.pop()!;
      const x0 = this.x(tree.start[n]!);
      const x1 = this.x(tree.start[n]! + tree.total[n]!);
      if (x1 - x0 < MIN_WIDTH) continue;
      const y = this.rowY(tree.depth[n]!, top);
      // Rows past the far edge hide everything deeper too.
      if (icicle ? y > cssHeight : y + ROW_HEIGHT < 0) continue;
      if (y + ROW_HEIGHT >= 0 && y <= cssHeight) this.frame(ctx, n, x0, x1 - x0, y, false);
      for (let i = tree.childStart[n]!; i < tree.childStart[n + 1]!; i++) stack.push(tree.childIndex[i]!);
    }
    canvas.dataset.framesDrawn = String(this.drawnFrames);
  }

  private colorOf(n: number): string {
    const tree = this.tree!;
    const f = tree.func[n]!;
    if (f >= 0 && this.matches?.[f]) return SEARCH_MATCH;
    if (this.diffColor && tree.baselineSelf) return this.diffColor(tree.self[n]! - tree.baselineSelf[n]!);
    if (f < 0) return 'hsl(0, 0%, 70%)';
    return (this.colors[f] ??= frameColor(functionName(tree.model, f), tree.model.funcKind[f]!));
  }

  private frame(ctx: CanvasRenderingContext2D, n: number, x: number, w: number, y: number, ancestor: boolean): void {
    const tree = this.tree!;
    ctx.globalAlpha = ancestor ? 0.55 : 1;
    ctx.fillStyle = this.colorOf(n);
    ctx.fillRect(x, y, Math.max(w - 0.5, 0.35), ROW_HEIGHT - 1);
    this.drawnFrames++;
    if (n === this.selected || n === this.hovered) {
      ctx.strokeStyle = n === this.selected ? getComputedStyle(document.body).getPropertyValue('--accent').trim() || '#0078d4' : '#000';
      ctx.lineWidth = n === this.selected ? 2 : 1;
      ctx.strokeRect(x + 1, y + 1, Math.max(w - 2.5, 1), ROW_HEIGHT - 3);
    }
    const chars = Math.floor((w - 6) / this.charWidth);
    if (chars >= 3) {
      const name = tree.name(n);
      ctx.fillStyle = LABEL;
      ctx.fillText(name.length > chars ? name.slice(0, chars - 1) + '…' : name, x + 3, y + ROW_HEIGHT / 2);
    }
    ctx.globalAlpha = 1;
  }

  /** The frame under a point in CSS pixels relative to the canvas, or -1. */
  hit(px: number, py: number): number {
    const tree = this.tree;
    if (!tree || px < 0 || px > this.width || py < 0 || py > this.height) return -1;
    const top = this.scrollTop();
    const depth =
      this.options.orientation === 'icicle'
        ? Math.floor((py + top) / ROW_HEIGHT)
        : Math.floor((this.contentHeight - (py + top)) / ROW_HEIGHT);
    if (depth < 0 || depth > tree.maxDepth) return -1;
    const z = this.zoomRoot;
    if (depth < tree.depth[z]!) return tree.pathTo(z)[depth] ?? -1;
    const wx = this.x.invert(px);
    let node = z;
    while (tree.depth[node]! < depth) {
      let next = -1;
      for (let i = tree.childStart[node]!; i < tree.childStart[node + 1]!; i++) {
        const c = tree.childIndex[i]!;
        if (wx >= tree.start[c]! && wx < tree.start[c]! + tree.total[c]!) {
          next = c;
          break;
        }
      }
      if (next < 0) return -1;
      node = next;
    }
    return node;
  }

  /** Canvas-relative box of a frame (for placing the tooltip next to a keyboard selection). */
  box(n: number): { x: number; y: number; w: number } | undefined {
    const tree = this.tree;
    if (!tree || n < 0) return undefined;
    const inZoom = tree.pathTo(n).includes(this.zoomRoot);
    const x0 = inZoom ? this.x(tree.start[n]!) : 0;
    const x1 = inZoom ? this.x(tree.start[n]! + tree.total[n]!) : this.width;
    return { x: x0, y: this.rowY(tree.depth[n]!, this.scrollTop()), w: x1 - x0 };
  }

  /** Scrolls a virtualised graph so that a depth is visible. */
  reveal(n: number): void {
    const { scroller } = this.options;
    const tree = this.tree;
    if (!scroller || !tree || n < 0) return;
    const y = this.rowY(tree.depth[n]!, 0);
    if (y < scroller.scrollTop) scroller.scrollTop = y;
    else if (y + ROW_HEIGHT > scroller.scrollTop + scroller.clientHeight) scroller.scrollTop = y + ROW_HEIGHT - scroller.clientHeight;
  }

  /** Scrolls so the root row is in view (bottom for a flamegraph, top for an icicle). */
  showRoot(): void {
    const { scroller } = this.options;
    if (scroller) scroller.scrollTop = this.options.orientation === 'flame' ? scroller.scrollHeight : 0;
  }
}

// Keyboard navigation of the flame graph as plain tree-index arithmetic: given
// the laid-out tree, where the focus is and a key, what the key does. No DOM,
// so the unit tests run it in Node; main.ts applies the command to the page.
import type { FlameLayout } from './layout';
import type { Orientation } from './flameCanvas';

/** The parts of a laid-out tree navigation reads: parents and the (drawing-ordered) child lists. */
export type FrameTree = Pick<FlameLayout, 'parent' | 'childStart' | 'childIndex'>;

/** Where the focus is: the selected frame (-1 for none) inside the zoomed-in subtree. */
export interface FlameFocus {
  readonly selected: number;
  readonly zoomRoot: number;
}

export type FlameKeyCommand =
  /** Move the focus to this frame. */
  | { readonly kind: 'focus'; readonly frame: number }
  /** An arrow with nowhere to go (root, leaf, last sibling): the key is used up, the focus stays. */
  | { readonly kind: 'edge' }
  | { readonly kind: 'zoom'; readonly frame: number }
  /** Open the frame's function in the editor. */
  | { readonly kind: 'open'; readonly frame: number }
  /** Show the sandwich of the frame's function. */
  | { readonly kind: 'sandwich'; readonly frame: number };

/** The heaviest (first drawn) child of a frame, or -1 for a leaf. */
export function firstChild(tree: FrameTree, frame: number): number {
  const a = tree.childStart[frame]!;
  return tree.childStart[frame + 1]! > a ? tree.childIndex[a]! : -1;
}

/** The sibling `step` places along the parent's child list (-1 left, +1 right), or -1 past either end. */
export function sibling(tree: FrameTree, frame: number, step: number): number {
  const p = tree.parent[frame]!;
  if (p < 0) return -1;
  const a = tree.childStart[p]!;
  const b = tree.childStart[p + 1]!;
  let i = a;
  while (i < b && tree.childIndex[i] !== frame) i++;
  const j = i + step;
  return j >= a && j < b ? tree.childIndex[j]! : -1;
}

/**
 * What a key does: arrows walk the tree (up/down follow the drawing, so in a
 * flame graph ArrowUp goes towards the leaves), Enter zooms into the focused
 * frame, Escape zooms out one level, G opens its source and S its sandwich.
 * Undefined for a key the graph leaves alone.
 */
export function flameKeyCommand(tree: FrameTree, focus: FlameFocus, orientation: Orientation, key: string): FlameKeyCommand | undefined {
  const sel = focus.selected >= 0 ? focus.selected : focus.zoomRoot;
  const towardsLeaves = orientation === 'flame' ? 'ArrowUp' : 'ArrowDown';
  const towardsRoot = orientation === 'flame' ? 'ArrowDown' : 'ArrowUp';
  const moveTo = (frame: number): FlameKeyCommand => (frame >= 0 ? { kind: 'focus', frame } : { kind: 'edge' });
  switch (key) {
    case towardsLeaves:
      return moveTo(firstChild(tree, sel));
    case towardsRoot:
      return moveTo(tree.parent[sel]!);
    case 'ArrowLeft':
      return moveTo(sibling(tree, sel, -1));
    case 'ArrowRight':
      return moveTo(sibling(tree, sel, 1));
    case 'Enter':
      return { kind: 'zoom', frame: sel };
    case 'Escape':
      return { kind: 'zoom', frame: focus.zoomRoot > 0 ? tree.parent[focus.zoomRoot]! : 0 };
    case 'g':
    case 'G':
      // The root is no function.
      return sel > 0 ? { kind: 'open', frame: sel } : undefined;
    case 's':
    case 'S':
      return sel > 0 ? { kind: 'sandwich', frame: sel } : undefined;
    default:
      return undefined;
  }
}

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildSync } from 'esbuild';
import type * as Keyboard from '../../media/src/flame/keyboard';
import { repoRoot } from '../util/paths';

/** The page's modules are ES modules bundled for the browser: bundle this one for Node the same way. */
function loadKeyboard(): typeof Keyboard {
  const { outputFiles } = buildSync({
    entryPoints: [join(repoRoot, 'media/src/flame/keyboard.ts')],
    bundle: true,
    format: 'cjs',
    platform: 'neutral',
    write: false,
    logLevel: 'silent',
  });
  const module = { exports: {} };
  new Function('module', 'exports', outputFiles[0]!.text)(module, module.exports);
  return module.exports as typeof Keyboard;
}

const { firstChild, flameKeyCommand, sibling } = loadKeyboard();

// 0 root
// └ 1 main
//   ├ 3 c     (heaviest: drawn first, although its id is higher)
//   │ └ 5 d
//   ├ 2 a
//   │ └ 4 b
//   └ 6 e     (last sibling, a leaf)
const tree: Keyboard.FrameTree = {
  parent: Int32Array.from([-1, 0, 1, 1, 2, 3, 1]),
  childStart: Int32Array.from([0, 1, 4, 5, 6, 6, 6, 6]),
  childIndex: Int32Array.from([1, 3, 2, 6, 4, 5]),
};

const at = (selected: number, zoomRoot = 0): Keyboard.FlameFocus => ({ selected, zoomRoot });
const flame = (focus: Keyboard.FlameFocus, key: string): Keyboard.FlameKeyCommand | undefined => flameKeyCommand(tree, focus, 'flame', key);
const icicle = (focus: Keyboard.FlameFocus, key: string): Keyboard.FlameKeyCommand | undefined =>
  flameKeyCommand(tree, focus, 'icicle', key);
const focus = (frame: number): Keyboard.FlameKeyCommand => ({ kind: 'focus', frame });
const edge: Keyboard.FlameKeyCommand = { kind: 'edge' };

describe('flame graph keyboard navigation', () => {
  it('finds the first drawn child and the siblings in drawing order', () => {
    assert.equal(firstChild(tree, 0), 1);
    assert.equal(firstChild(tree, 1), 3);
    assert.equal(firstChild(tree, 6), -1);
    assert.equal(sibling(tree, 3, 1), 2);
    assert.equal(sibling(tree, 2, 1), 6);
    assert.equal(sibling(tree, 2, -1), 3);
    assert.equal(sibling(tree, 6, 1), -1);
    assert.equal(sibling(tree, 3, -1), -1);
    assert.equal(sibling(tree, 0, 1), -1, 'the root has no siblings');
    assert.equal(sibling(tree, 4, -1), -1, 'an only child has no siblings');
  });

  it('goes towards the leaves with ArrowUp in a flame graph and ArrowDown in an icicle graph', () => {
    assert.deepEqual(flame(at(1), 'ArrowUp'), focus(3));
    assert.deepEqual(flame(at(3), 'ArrowDown'), focus(1));
    assert.deepEqual(icicle(at(1), 'ArrowDown'), focus(3));
    assert.deepEqual(icicle(at(3), 'ArrowUp'), focus(1));
  });

  it('starts from the zoomed-in frame when nothing is selected', () => {
    assert.deepEqual(flame(at(-1), 'ArrowUp'), focus(1));
    assert.deepEqual(flame(at(-1, 2), 'ArrowUp'), focus(4));
    assert.deepEqual(flame(at(-1, 2), 'ArrowRight'), focus(6));
  });

  it('walks the siblings with ArrowLeft and ArrowRight', () => {
    assert.deepEqual(flame(at(3), 'ArrowRight'), focus(2));
    assert.deepEqual(flame(at(2), 'ArrowRight'), focus(6));
    assert.deepEqual(icicle(at(6), 'ArrowLeft'), focus(2));
  });

  it('uses up an arrow at an edge without moving: root, leaf, first and last sibling', () => {
    assert.deepEqual(flame(at(0), 'ArrowDown'), edge, 'the root has no parent');
    assert.deepEqual(icicle(at(0), 'ArrowUp'), edge);
    assert.deepEqual(flame(at(0), 'ArrowLeft'), edge);
    assert.deepEqual(flame(at(4), 'ArrowUp'), edge, 'a leaf has no children');
    assert.deepEqual(icicle(at(6), 'ArrowDown'), edge);
    assert.deepEqual(flame(at(6), 'ArrowRight'), edge, 'the last sibling');
    assert.deepEqual(flame(at(3), 'ArrowLeft'), edge, 'the first sibling');
    assert.deepEqual(flame(at(5), 'ArrowRight'), edge, 'an only child');
  });

  it('zooms into the focused frame with Enter and out one level with Escape', () => {
    assert.deepEqual(flame(at(5, 3), 'Enter'), { kind: 'zoom', frame: 5 });
    assert.deepEqual(flame(at(-1, 3), 'Enter'), { kind: 'zoom', frame: 3 });
    assert.deepEqual(flame(at(5, 3), 'Escape'), { kind: 'zoom', frame: 1 }, 'Escape goes up from the zoom, not the selection');
    assert.deepEqual(flame(at(1, 1), 'Escape'), { kind: 'zoom', frame: 0 });
    assert.deepEqual(flame(at(-1, 0), 'Escape'), { kind: 'zoom', frame: 0 }, 'at the root it stays there');
  });

  it('opens the source with G and the sandwich with S, except at the root', () => {
    assert.deepEqual(flame(at(2), 'g'), { kind: 'open', frame: 2 });
    assert.deepEqual(flame(at(-1, 5), 'G'), { kind: 'open', frame: 5 });
    assert.deepEqual(flame(at(2), 's'), { kind: 'sandwich', frame: 2 });
    assert.deepEqual(icicle(at(6), 'S'), { kind: 'sandwich', frame: 6 });
    assert.equal(flame(at(0), 'g'), undefined);
    assert.equal(flame(at(-1), 's'), undefined);
  });

  it('leaves every other key alone', () => {
    for (const key of ['Home', 'End', 'Tab', 'x', ' ', '/']) assert.equal(flame(at(2), key), undefined, key);
  });
});

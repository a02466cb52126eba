/**
 * Resizable split panes: the children of a flex container share its space by weight, with a
 * draggable, keyboard-operable separator between each pair (ARIA `separator`: arrow keys move
 * it, Home/double-click restore the default). Weights are remembered per layout in localStorage.
 */
import { h } from './dom';

const MIN_SHARE = 0.08;
const KEY_STEP = 0.03;

export function makeSplit(container: HTMLElement, options: { key: string; direction: 'row' | 'column'; weights: number[]; labels: string[] }): void {
  const panes = [...container.children] as HTMLElement[];
  const storageKey = `spin-playground:split:${options.key}`;
  const defaults = normalize(options.weights.slice(0, panes.length));
  let weights = load(storageKey, panes.length) ?? defaults.slice();
  const horizontal = options.direction === 'row';
  container.classList.add('split', horizontal ? 'split-row' : 'split-column');

  const apply = () => {
    panes.forEach((pane, i) => (pane.style.flex = `${weights[i]!.toFixed(4)} 1 0`));
    gutters.forEach((gutter, i) => gutter.setAttribute('aria-valuenow', String(Math.round(100 * weights.slice(0, i + 1).reduce((a, b) => a + b, 0)))));
  };
  const save = () => {
    try {
      localStorage.setItem(storageKey, JSON.stringify(weights));
    } catch {
      // Storage blocked: the layout still works for this page.
    }
  };
  /** Move the boundary after pane `i` by `share` of the container. */
  const move = (i: number, share: number) => {
    const a = weights[i]!;
    const b = weights[i + 1]!;
    const next = Math.min(Math.max(a + share, MIN_SHARE), a + b - MIN_SHARE);
    weights[i] = next;
    weights[i + 1] = a + b - next;
    apply();
  };

  const gutters = panes.slice(1).map((pane, index) => {
    const gutter = h('div', {
      className: 'gutter',
      role: 'separator',
      tabindex: 0,
      'aria-orientation': horizontal ? 'vertical' : 'horizontal',
      'aria-label': `Resize ${options.labels[index] ?? ''} and ${options.labels[index + 1] ?? ''}`.trim(),
      'aria-valuemin': 0,
      'aria-valuemax': 100,
      title: 'Drag to resize; double-click to restore',
    });
    gutter.addEventListener('pointerdown', (event) => {
      event.preventDefault();
      gutter.setPointerCapture(event.pointerId);
      const total = horizontal ? container.clientWidth : container.clientHeight;
      let last = horizontal ? event.clientX : event.clientY;
      document.body.classList.add(horizontal ? 'resizing-col' : 'resizing-row');
      const onMove = (e: PointerEvent) => {
        const now = horizontal ? e.clientX : e.clientY;
        move(index, (now - last) / Math.max(total, 1));
        last = now;
      };
      const onUp = () => {
        gutter.removeEventListener('pointermove', onMove);
        document.body.classList.remove('resizing-col', 'resizing-row');
        save();
      };
      gutter.addEventListener('pointermove', onMove);
      gutter.addEventListener('pointerup', onUp, { once: true });
      gutter.addEventListener('pointercancel', onUp, { once: true });
    });
    gutter.addEventListener('keydown', (event) => {
      const back = horizontal ? 'ArrowLeft' : 'ArrowUp';
      const forward = horizontal ? 'ArrowRight' : 'ArrowDown';
      if (event.key === back || event.key === forward) move(index, event.key === back ? -KEY_STEP : KEY_STEP);
      else if (event.key === 'Home') weights = defaults.slice();
      else return;
      event.preventDefault();
      apply();
      save();
    });
    gutter.addEventListener('dblclick', () => {
      weights = defaults.slice();
      apply();
      save();
    });
    pane.before(gutter);
    return gutter;
  });
  apply();
}

function normalize(weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0) || 1;
  return weights.map((w) => w / sum);
}

function load(key: string, count: number): number[] | null {
  try {
    const saved = JSON.parse(localStorage.getItem(key) ?? 'null') as unknown;
    if (Array.isArray(saved) && saved.length === count && saved.every((w) => typeof w === 'number' && w >= MIN_SHARE / 2)) return normalize(saved as number[]);
  } catch {
    // A corrupt entry falls back to the defaults.
  }
  return null;
}

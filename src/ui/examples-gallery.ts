/**
 * The examples gallery: the bundled apps, each with a one-line description, in a dialog.
 * Opening one keeps the current project's edits: they are a saved draft of that project.
 */
import { h } from './dom';

export interface Example {
  name: string;
  description: string;
}

export async function loadExamples(base: string): Promise<Example[]> {
  const response = await fetch(new URL('examples/index.json', base));
  if (!response.ok) throw new Error(`examples/index.json: ${response.status}`);
  return (await response.json()) as Example[];
}

export function mountExamplesGallery(
  button: HTMLButtonElement,
  examples: Example[],
  options: { current: string | null; edited: Set<string>; open(name: string): void },
): void {
  const dialog = h('dialog', { className: 'sheet', 'aria-label': 'Examples' });
  const cards = examples.map((example) =>
    h(
      'li',
      { className: `card${example.name === options.current ? ' current' : ''}` },
      h(
        'div',
        { className: 'card-title' },
        example.name,
        example.name === options.current ? h('span', { className: 'badge' }, 'open') : null,
        options.edited.has(example.name) ? h('span', { className: 'badge draft' }, 'edited') : null,
      ),
      h('p', {}, example.description),
      h(
        'button',
        { type: 'button', 'aria-label': `Open ${example.name}`, onclick: () => options.open(example.name) },
        example.name === options.current ? 'Reopen' : 'Open',
      ),
    ),
  );
  dialog.append(
    h('div', { className: 'sheet-head' }, h('h2', {}, 'Examples'), h('button', { type: 'button', className: 'quiet', onclick: () => dialog.close() }, 'Close')),
    h('p', { className: 'hint' }, 'Your edits stay saved: each example keeps its own draft and key-value data.'),
    h('ul', { className: 'cards' }, ...cards),
  );
  document.body.append(dialog);
  button.addEventListener('click', () => dialog.showModal());
}

/**
 * A link's key-value seed (`?key-value=role=admin`) asks before it writes. Opening a link must not
 * change a saved project's data behind the person's back: the same `?app=` or `?example=` URL
 * opens the same project, with its data. So the pairs are shown, each one visibly, in a non-modal
 * dialog, and go into the Key-value seed form (written at this and every later Run of this page,
 * as `spin up --key-value`) only when the person applies them. Dismissed or left alone, the link
 * writes nothing. Pairs the person types into the form are not affected.
 */
import { h } from './dom';

export function askToApplyLinkSeed(pairs: readonly string[], onApply: () => void): HTMLElement {
  const description = h(
    'p',
    { id: 'link-seed-about' },
    `This link asks to write ${pairs.length === 1 ? 'this pair' : `these ${pairs.length} pairs`} to the project's default key-value store at every ` +
      `Run, as spin up --key-value does. Existing keys with these names are overwritten. Nothing is written unless you apply them; applying runs ` +
      `the app again.`,
  );
  const list = h('ul', { className: 'link-seed-pairs', 'aria-label': 'Pairs from the link' }, ...pairs.map((pair) => h('li', {}, h('code', {}, pair))));
  const prompt = h(
    'div',
    { className: 'link-seed', role: 'dialog', 'aria-label': 'Key-value seed from the link', 'aria-describedby': 'link-seed-about' },
    h('strong', {}, 'Key-value seed from the link'),
    description,
    list,
    h(
      'div',
      { className: 'tools' },
      h(
        'button',
        {
          type: 'button',
          onclick: () => {
            prompt.remove();
            onApply();
          },
        },
        'Apply these pairs',
      ),
      h('button', { type: 'button', className: 'quiet', onclick: () => prompt.remove() }, 'Dismiss'),
    ),
  );
  return prompt;
}

/**
 * The Manifest panel's status line, its list of problems and spin up's "Available Routes": what
 * the last load, build or link did. Every part reports through this one object.
 */
import type { LoadResult } from '../protocol/messages';
import { urlOnOrigin } from '../protocol/url-on-origin';
import { h } from '../ui/dom';

export class PageStatus {
  readonly #status: HTMLElement;
  readonly #problems: HTMLUListElement;
  readonly #routes: HTMLElement;

  constructor(status: HTMLElement, problems: HTMLUListElement, routes: HTMLElement) {
    this.#status = status;
    this.#problems = problems;
    this.#routes = routes;
  }

  set(text: string, isError = false): void {
    this.#status.textContent = text;
    this.#status.classList.toggle('error', isError);
  }

  problems(lines: string[]): void {
    this.#problems.replaceChildren(...lines.map((line) => h('li', {}, line)));
  }

  /** One more item under the problems, such as a button offering a way on. */
  offer(node: Node): void {
    this.#problems.append(h('li', {}, node));
  }

  /** A load's outcome: its errors with file and position, or the routes, each opening in the preview. */
  loadResult(result: LoadResult, previewOrigin: string, navigate: (path: string) => void): void {
    if (!result.ok) {
      const where = result.file ? `${result.file}${result.line ? ` line ${result.line}, column ${result.column ?? 1}` : ''}: ` : '';
      this.problems(result.error.split('\n').map((line) => (line.startsWith('line ') ? `${result.file ?? 'spin.toml'} ${line}` : where + line)));
      this.set('The app did not load; the previous version keeps serving', true);
      return;
    }
    this.problems([]);
    const routesBox = this.#routes;
    routesBox.replaceChildren(document.createTextNode('Available Routes:'));
    for (const route of result.routes) {
      const path = route.route.replace(/\/\.\.\.$/, '') || '/';
      const url = urlOnOrigin(previewOrigin, path);
      const label = `${route.route.replace(/\/\.\.\.$/, '')}${route.wildcard ? ' (wildcard)' : ''}`;
      if (!url) {
        // A route that is not a path (`@evil.com`) would make a link to another host.
        routesBox.append(h('div', {}, `  ${route.component}: ${label} (not a path on the app's origin: no link)`));
        continue;
      }
      const link = h('a', { href: url.href, target: 'preview' }, `${previewOrigin}${label}`);
      link.addEventListener('click', (event) => {
        if (event.ctrlKey || event.metaKey || event.shiftKey) return;
        event.preventDefault();
        navigate(path);
      });
      routesBox.append(h('div', {}, `  ${route.component}: `, link));
    }
    this.set('Running');
  }
}

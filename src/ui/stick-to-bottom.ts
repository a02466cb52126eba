/**
 * Keeps a scrolling log at its bottom while rows are appended, unless the reader scrolled up,
 * without forcing a layout: the scroll happens in a ResizeObserver callback, which the browser
 * runs after its own layout of the new rows, so reading the scroll position there is free.
 * Reading it right after appending (or setting `scrollTop` then) would lay the page out twice.
 */
export function stickToBottom(scroller: HTMLElement, content: HTMLElement, always: () => boolean = () => false): void {
  // The scroll height when the rows last changed: was the reader at the bottom of those rows?
  let lastScrollHeight = 0;
  new ResizeObserver(() => {
    const wasAtBottom = scroller.scrollTop + scroller.clientHeight >= lastScrollHeight - 4;
    if (wasAtBottom || always()) scroller.scrollTop = scroller.scrollHeight;
    lastScrollHeight = scroller.scrollHeight;
  }).observe(content);
}

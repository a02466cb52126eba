/** Small interaction helpers shared by the panels. */

/**
 * A destructive button that asks for a second click instead of a blocking `confirm()`: the first
 * click arms it (its label says what the next click does), a second within 4 s runs `action`.
 */
export function armed(button: HTMLButtonElement, confirmLabel: string, action: () => unknown): HTMLButtonElement {
  const label = button.textContent ?? '';
  const ariaLabel = button.getAttribute('aria-label');
  let timer = 0;
  const disarm = () => {
    clearTimeout(timer);
    button.textContent = label;
    if (ariaLabel) button.setAttribute('aria-label', ariaLabel);
    button.classList.remove('armed');
    delete button.dataset.armed;
  };
  button.addEventListener('click', () => {
    if (button.dataset.armed) {
      disarm();
      void action();
      return;
    }
    button.dataset.armed = '1';
    button.classList.add('armed');
    button.textContent = confirmLabel;
    if (ariaLabel) button.setAttribute('aria-label', confirmLabel);
    timer = window.setTimeout(disarm, 4000);
  });
  button.addEventListener('blur', () => setTimeout(() => button.dataset.armed && !button.matches(':focus') && disarm(), 200));
  return button;
}

/** Save text as a file through the browser's download. */
export function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Save bytes as a file through the browser's download. */
export function downloadBytes(name: string, bytes: Uint8Array, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Copy text; resolves false where the clipboard is not available (the caller shows the text). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

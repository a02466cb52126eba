/**
 * The memories of one rewritten core module (memory-image.ts), reused the way Wasmtime's pooling
 * allocator reuses memory slots. A memory comes back only when the instance that used it is done
 * for good (its request answered and its body complete); before anyone gets it again it is reset
 * to the module's initial image with one copy, so no byte of one request is seen by the next.
 * A memory the guest grew is not kept: a fresh instance must start at the declared size.
 */
import type { MemoryImage } from './memory-image';

const PAGE = 65536;

export class MemoryPool {
  readonly #image: MemoryImage;
  readonly #maximumPages: number | undefined;
  readonly #keep: number;
  /** The initial image as one buffer, built on the first reuse. */
  #flat: Uint8Array | null = null;
  #free: WebAssembly.Memory[] = [];

  /** `ceilingBytes`: the engine's guest memory ceiling (limits.ts), 0 for none. */
  constructor(image: MemoryImage, ceilingBytes: number, keep = 8) {
    this.#image = image;
    const ceilingPages = ceilingBytes > 0 ? Math.max(image.initialPages, Math.floor(ceilingBytes / PAGE)) : null;
    const declared = image.maximumPages;
    const max = declared === null ? ceilingPages : ceilingPages === null ? declared : Math.min(declared, ceilingPages);
    this.#maximumPages = max ?? undefined;
    this.#keep = keep;
  }

  /** A memory holding exactly the initial image. */
  take(): WebAssembly.Memory {
    const reused = this.#free.pop();
    if (reused) {
      new Uint8Array(reused.buffer).set(this.#flatImage());
      return reused;
    }
    // Fresh pages are zero: write only the segments, as instantiation would.
    const memory = new WebAssembly.Memory({ initial: this.#image.initialPages, ...(this.#maximumPages !== undefined ? { maximum: this.#maximumPages } : {}) });
    const view = new Uint8Array(memory.buffer);
    for (const { offset, bytes } of this.#image.segments) view.set(bytes, offset);
    return memory;
  }

  /** The instance that used `memory` will never run again. */
  give(memory: WebAssembly.Memory): void {
    if (memory.buffer.byteLength !== this.#image.initialPages * PAGE) return;
    if (this.#free.length < this.#keep && !this.#free.includes(memory)) this.#free.push(memory);
  }

  #flatImage(): Uint8Array {
    if (!this.#flat) {
      this.#flat = new Uint8Array(this.#image.initialPages * PAGE);
      for (const { offset, bytes } of this.#image.segments) this.#flat.set(bytes, offset);
    }
    return this.#flat;
  }
}

/**
 * Where things are in a `spin.toml`: a small scan of (already syntactically valid) TOML text that
 * records, for every table and key path, the position of its key and of its value. The TOML
 * parser only gives values; this is what lets a semantic error point at a line and column, the
 * way Spin's TOML errors do ("TOML parse error at line 6, column 12").
 *
 * Columns are 1-based UTF-16 code units, like the TOML parser's and the editor's.
 */

/** One step in a path: a key, or an index into an array (including `[[array.of.tables]]`). */
export type PathSegment = string | number;

export interface SourcePosition {
  line: number;
  column: number;
}

interface Entry {
  /** Where the key naming this path is written (`bad_id` in `[component.bad_id]`). */
  key: SourcePosition;
  /** Where the value starts: after `=`, or the `[` of a table header. */
  value: SourcePosition;
  /** Source text of the value, e.g. `2.0`, so integers and floats can be told apart. */
  raw?: string;
  /** True until the path gets a value or header of its own (it was only a dotted-key prefix). */
  implicit: boolean;
}

const canon = (path: readonly PathSegment[]) => JSON.stringify(path);

/**
 * Positions of every key path in a manifest.
 *
 * @example
 * const positions = ManifestPositions.scan('[component.bad_id]\nsource = "a.wasm"\n');
 * positions.locate(['component', 'bad_id']);           // { line: 1, column: 12 }
 * positions.locate(['component', 'bad_id'], 'value');  // { line: 1, column: 1 }  (the header)
 */
export class ManifestPositions {
  private constructor(private readonly entries: Map<string, Entry>) {}

  static scan(text: string): ManifestPositions {
    const entries = new Map<string, Entry>();
    try {
      new Scanner(text, entries).document();
    } catch {
      // The parser accepted the text; a scan that trips over something exotic still keeps
      // everything it indexed so far, and unknown paths fall back to their parent.
    }
    return new ManifestPositions(entries);
  }

  /**
   * Position of `path`'s key (default) or value. A path that isn't written in the source (a
   * missing field) resolves to its nearest written ancestor's value, e.g. its table header;
   * the empty path is line 1, column 1.
   */
  locate(path: readonly PathSegment[], at: 'key' | 'value' = 'key'): SourcePosition {
    const own = this.entries.get(canon(path));
    if (own) return at === 'key' ? own.key : own.value;
    for (let n = path.length - 1; n > 0; n--) {
      const entry = this.entries.get(canon(path.slice(0, n)));
      if (entry) return entry.value;
    }
    return { line: 1, column: 1 };
  }

  /** The source text of `path`'s value (`2.0`, `"x"`, `[1, 2]`), if it is written as `key = value`. */
  raw(path: readonly PathSegment[]): string | undefined {
    return this.entries.get(canon(path))?.raw;
  }
}

interface KeyPart {
  name: string;
  at: SourcePosition;
}

class Scanner {
  private i = 0;
  private line = 1;
  private col = 1;
  private readonly arrayTables = new Map<string, number>();

  constructor(
    private readonly s: string,
    private readonly entries: Map<string, Entry>,
  ) {}

  document(): void {
    let table: PathSegment[] = [];
    for (;;) {
      const before = this.i;
      this.skipBlank();
      if (this.i >= this.s.length) return;
      if (this.s[this.i] === '[') table = this.header();
      else this.keyValue(table);
      this.skipSpaces();
      if (this.s[this.i] === '#') this.skipComment();
      if (this.i === before) return;
    }
  }

  private header(): PathSegment[] {
    const start = this.pos();
    const isArray = this.s[this.i + 1] === '[';
    this.advance(isArray ? 2 : 1);
    this.skipSpaces();
    const parts = this.key();
    this.skipSpaces();
    this.advance(isArray ? 2 : 1);
    const path: PathSegment[] = [];
    parts.forEach((part, n) => {
      path.push(part.name);
      if (n === parts.length - 1) return;
      this.record(path, part.at, part.at, true);
      // `[a.b]` after `[[a]]` means a table inside a's latest element.
      const index = this.arrayTables.get(canon(path));
      if (index !== undefined) path.push(index);
    });
    const lastPart = parts[parts.length - 1];
    if (!lastPart) return path;
    if (isArray) {
      this.record(path, lastPart.at, start, false);
      const index = (this.arrayTables.get(canon(path)) ?? -1) + 1;
      this.arrayTables.set(canon(path), index);
      path.push(index);
    }
    this.record(path, lastPart.at, start, false);
    return path;
  }

  private keyValue(table: readonly PathSegment[]): void {
    const parts = this.key();
    this.skipSpaces();
    if (this.s[this.i] !== '=') throw new Error('expected =');
    this.advance(1);
    this.skipSpaces();
    const path = [...table];
    parts.forEach((part, n) => {
      path.push(part.name);
      if (n < parts.length - 1) this.record(path, part.at, part.at, true);
    });
    const lastPart = parts[parts.length - 1];
    if (lastPart) this.value(path, lastPart.at);
  }

  private value(path: PathSegment[], keyAt: SourcePosition): void {
    const at = this.pos();
    const start = this.i;
    const ch = this.s[this.i];
    if (ch === '[') {
      this.advance(1);
      for (let index = 0; ; index++) {
        this.skipBlank();
        if (this.s[this.i] === ']' || this.i >= this.s.length) break;
        this.value([...path, index], this.pos());
        this.skipBlank();
        if (this.s[this.i] === ',') this.advance(1);
      }
      this.advance(1);
    } else if (ch === '{') {
      this.advance(1);
      for (;;) {
        this.skipBlank();
        if (this.s[this.i] === '}' || this.i >= this.s.length) break;
        this.keyValue(path);
        this.skipBlank();
        if (this.s[this.i] === ',') this.advance(1);
      }
      this.advance(1);
    } else if (ch === '"' || ch === "'") {
      this.string();
    } else {
      while (this.i < this.s.length && !/[,\]}\r\n#]/.test(this.s[this.i] ?? '')) this.advance(1);
    }
    this.record(path, keyAt, at, false, this.s.slice(start, this.i).trim());
  }

  private key(): KeyPart[] {
    const parts: KeyPart[] = [];
    for (;;) {
      this.skipSpaces();
      const at = this.pos();
      const ch = this.s[this.i];
      let name: string;
      if (ch === '"' || ch === "'") {
        const start = this.i;
        this.string();
        const body = this.s.slice(start + 1, this.i - 1);
        name = ch === '"' ? unescapeBasic(body) : body;
      } else {
        const m = /^[A-Za-z0-9_-]+/.exec(this.s.slice(this.i));
        if (!m) throw new Error('expected a key');
        name = m[0];
        this.advance(name.length);
      }
      parts.push({ name, at });
      this.skipSpaces();
      if (this.s[this.i] !== '.') return parts;
      this.advance(1);
    }
  }

  /** Skips a basic, literal or multi-line string starting at the cursor. */
  private string(): void {
    const q = this.s[this.i] ?? '"';
    const triple = this.s.startsWith(q.repeat(3), this.i);
    const delim = triple ? q.repeat(3) : q;
    this.advance(delim.length);
    while (this.i < this.s.length) {
      if (q === '"' && this.s[this.i] === '\\') {
        this.advance(2);
      } else if (this.s.startsWith(delim, this.i)) {
        // A multi-line string may end with up to two quotes right before its closing delimiter.
        let run = 0;
        while (this.s[this.i + run] === q) run++;
        this.advance(triple ? Math.min(run, 5) : 1);
        return;
      } else {
        this.advance(1);
      }
    }
  }

  private record(path: readonly PathSegment[], key: SourcePosition, value: SourcePosition, implicit: boolean, raw?: string): void {
    const id = canon(path);
    const existing = this.entries.get(id);
    if (existing && (implicit || !existing.implicit)) return;
    const entry: Entry = { key, value, implicit };
    if (raw !== undefined) entry.raw = raw;
    this.entries.set(id, entry);
  }

  private pos(): SourcePosition {
    return { line: this.line, column: this.col };
  }

  private advance(n: number): void {
    for (let k = 0; k < n && this.i < this.s.length; k++) {
      if (this.s[this.i] === '\n') {
        this.line++;
        this.col = 1;
      } else {
        this.col++;
      }
      this.i++;
    }
  }

  private skipSpaces(): void {
    while (this.s[this.i] === ' ' || this.s[this.i] === '\t') this.advance(1);
  }

  private skipComment(): void {
    while (this.i < this.s.length && this.s[this.i] !== '\n') this.advance(1);
  }

  private skipBlank(): void {
    for (;;) {
      const ch = this.s[this.i];
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') this.advance(1);
      else if (ch === '#') this.skipComment();
      else return;
    }
  }
}

function unescapeBasic(body: string): string {
  const simple: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', e: '\x1b', '"': '"', '\\': '\\' };
  return body.replace(/\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)/g, (_m, esc: string) =>
    esc.length > 1 ? String.fromCodePoint(parseInt(esc.slice(1), 16)) : (simple[esc] ?? esc),
  );
}

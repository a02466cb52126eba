/**
 * Route patterns as Spin's router parses, orders and matches them. Spin delegates this to
 * jbr/routefinder v0.5.4 (`src/route_spec.rs`, `src/segment.rs`); this is the same algorithm,
 * so precedence ties and edge cases come out as they do under `spin up`.
 */

export type Segment = { kind: 'slash' } | { kind: 'dot' } | { kind: 'exact'; text: string } | { kind: 'param'; name: string } | { kind: 'wildcard' };

/**
 * Parses a pattern such as `/users/:id/...` (already rewritten to `/users/:id/*`). Leading and
 * trailing slashes are ignored; `.` separates parts like `/` does, except after literal text
 * where it stays part of the text. Throws routefinder's message for `*name` and a bare `:`.
 *
 * @example parseRouteSpec('/files/:name.json') // exact files, slash, param name, dot, exact json
 */
export function parseRouteSpec(source: string): Segment[] {
  const trimmed = source.replace(/^\/+/, '').replace(/\/+$/, '');
  const segments: Segment[] = [];
  let start = 0;
  const ends = [...trimmed.matchAll(/[./]/g)].map((m) => m.index).concat(trimmed.length);
  for (const end of ends) {
    const before = start === 0 ? undefined : trimmed[start - 1];
    const section = trimmed.slice(start, end);
    start = end + 1;
    let segment: Segment | undefined;
    if (section === '*') segment = { kind: 'wildcard' };
    else if (section.startsWith('*')) {
      throw new Error(`since there can only be one wildcard, it doesn't need a name. replace \`${section}\` with \`*\``);
    } else if (section === ':') throw new Error('params must be named');
    else if (section.startsWith(':')) segment = { kind: 'param', name: section.slice(1) };
    else if (section !== '') segment = { kind: 'exact', text: section };

    if (before === '.') {
      const last = segments[segments.length - 1];
      if (last?.kind === 'exact') last.text += '.';
      else segments.push({ kind: 'dot' });
    }
    if (segment) {
      if (before === '/') segments.push({ kind: 'slash' });
      segments.push(segment);
    }
  }
  return segments;
}

const RANK = { exact: 3, dot: 3, param: 2, wildcard: 1, slash: 0 } as const;

/** routefinder's `Segment::cmp`, including its quirks (slash equals dot; dot beats exact both ways). */
function compareSegments(a: Segment, b: Segment): number {
  const separators = (s: Segment) => s.kind === 'slash' || s.kind === 'dot';
  if (a.kind === b.kind || (separators(a) && separators(b))) return 0;
  if (a.kind === 'dot' || a.kind === 'exact') return 1;
  if (a.kind === 'slash') return -1;
  return RANK[a.kind] > RANK[b.kind] || b.kind === 'slash' || b.kind === 'dot' ? 1 : -1;
}

const dots = (segments: readonly Segment[]) => segments.filter((s) => s.kind === 'dot').length;

/**
 * routefinder's `RouteSpec::cmp`: negative when `a` is tried before `b`. Segments compare left
 * to right (exact > param > wildcard), then more dots win, then fewer segments. A full tie is
 * positive, so of two equal patterns the one added first is tried first. Never returns 0.
 */
export function compareRouteSpecs(a: readonly Segment[], b: readonly Segment[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareSegments(a[i]!, b[i]!);
    if (c !== 0) return -c;
  }
  const byDots = dots(a) - dots(b);
  if (byDots !== 0) return -byDots;
  const byLength = b.length - a.length;
  if (byLength !== 0) return -byLength;
  return 1;
}

/** The values a match captured: `:name` parameters in order, and the trailing wildcard if any. */
export interface Captures {
  params: Array<[string, string]>;
  wildcard?: string;
}

/**
 * Matches `path` (raw, percent-encoded, no query) against a parsed pattern, as routefinder does:
 * leading and trailing slashes of the path are ignored, literal text is compared by prefix.
 * Throws routefinder's panic message for a wildcard that isn't last (Spin's request would fail).
 */
export function matchRouteSpec(segments: readonly Segment[], path: string): Captures | null {
  let rest = path.replace(/^\/+/, '').replace(/\/+$/, '');
  const captures: Captures = { params: [] };
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const next = segments[i + 1];
    switch (segment.kind) {
      case 'exact':
        if (!rest.startsWith(segment.text)) return null;
        rest = rest.slice(segment.text.length);
        break;
      case 'param': {
        if (rest === '') return null;
        let value: string;
        if (next === undefined || next.kind === 'slash') {
          value = rest.split('/')[0] ?? '';
        } else {
          const index = rest.search(/[./]/);
          if (index < 0 || rest[index] !== '.') return null;
          value = rest.slice(0, index);
        }
        captures.params.push([segment.name, value]);
        rest = rest.slice(value.length);
        break;
      }
      case 'wildcard':
        if (next !== undefined) {
          throw new Error('wildcard must currently be the terminal segment, please file an issue if you have a use case for a mid-route *');
        }
        captures.wildcard = rest;
        rest = '';
        break;
      case 'slash':
        if (rest.startsWith('/') && next !== undefined) rest = rest.slice(1);
        else if (!(rest === '' && (next === undefined || next.kind === 'wildcard'))) return null;
        break;
      case 'dot':
        if (!rest.startsWith('.')) return null;
        rest = rest.slice(1);
        break;
    }
  }
  return rest === '' || rest === '/' ? captures : null;
}

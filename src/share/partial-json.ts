/**
 * Reading what survives of a JSON object whose text was cut short (a truncated share link):
 * every top-level member that is complete before the cut.
 */

/**
 * The complete top-level members of `text`, the start of a JSON object, or `undefined` if not
 * even the opening `{` is there. Text that was altered rather than cut (its tail garbled) is
 * read up to the last member boundary before which everything still parses.
 *
 * @example
 * completeMembers('{"a":1,"b":[2,3],"c":"unfinis'); // { a: 1, b: [2, 3] }
 */
export function completeMembers(text: string): Record<string, unknown> | undefined {
  const start = text.search(/\S/);
  if (start < 0 || text[start] !== '{') return undefined;
  let depth = 0;
  let inString = false;
  let escaped = false;
  /** Ends (exclusive) of top-level members: the positions of the commas after them. */
  const boundaries: number[] = [];
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) {
        const whole = parseObject(text.slice(start, i + 1));
        if (whole) return whole;
        break;
      }
      if (depth < 0) break;
    } else if (c === ',' && depth === 1) boundaries.push(i);
  }
  // Latest boundary first; a garbled tail can make a few of them false, so try several.
  for (const end of boundaries.reverse().slice(0, 64)) {
    const members = parseObject(`${text.slice(start, end)}}`);
    if (members) return members;
  }
  return {};
}
function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * TypeScript in the page: types are stripped with the TypeScript compiler's `transpileModule`
 * (loaded only when a TypeScript source is built: it is a large chunk). Syntax errors come back
 * with the original line and column, and so do the engine's errors, through the source map.
 */
import type { ScriptError } from './embedding';

export type StripResult =
  | {
      ok: true;
      code: string /** Maps a 1-based position in `code` back to the TypeScript source. */;
      original(line: number, column: number): { line: number; column: number };
    }
  | { ok: false; errors: ScriptError[] };

export async function stripTypes(code: string, fileName = 'source.ts'): Promise<StripResult> {
  const ts = (await import('typescript')).default;
  const output = ts.transpileModule(code, {
    fileName,
    reportDiagnostics: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      isolatedModules: true,
      removeComments: false,
      sourceMap: true,
      inlineSources: false,
    },
  });
  const errors = (output.diagnostics ?? [])
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d) => {
      const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: 0, character: 0 };
      return { line: at.line + 1, column: at.character + 1, message: `TypeScript: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}` };
    });
  if (errors.length > 0) return { ok: false, errors };
  const js = output.outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
  const mappings = output.sourceMapText ? decodeMappings((JSON.parse(output.sourceMapText) as { mappings: string }).mappings) : [];
  return {
    ok: true,
    code: js,
    original(line, column) {
      const segments = mappings[line - 1];
      if (!segments || segments.length === 0) return { line, column };
      // The last segment starting at or before the column (0-based in source maps).
      let best = segments[0]!;
      for (const s of segments) if (s.column <= column - 1) best = s;
      return { line: best.sourceLine + 1, column: best.sourceColumn + 1 + Math.max(0, column - 1 - best.column) };
    },
  };
}

type Segment = { column: number; sourceLine: number; sourceColumn: number };

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Source map v3 `mappings`: per generated line, segments with their original positions. */
export function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let sourceLine = 0;
  let sourceColumn = 0;
  for (const line of mappings.split(';')) {
    const segments: Segment[] = [];
    let column = 0;
    for (const text of line.split(',')) {
      if (!text) continue;
      const values: number[] = [];
      let value = 0;
      let shift = 0;
      for (const ch of text) {
        const digit = BASE64.indexOf(ch);
        value += (digit & 31) << shift;
        if (digit & 32) {
          shift += 5;
        } else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += values[0] ?? 0;
      if (values.length >= 4) {
        sourceLine += values[2]!;
        sourceColumn += values[3]!;
        segments.push({ column, sourceLine, sourceColumn });
      }
    }
    lines.push(segments);
  }
  return lines;
}

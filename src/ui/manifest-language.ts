/**
 * Spin-aware help in the manifest editor: hover documentation for `spin.toml` keys and tables,
 * and completion for the keys of the table the cursor is in and for known values (store and
 * database labels, outbound host forms). Squiggles as you type come from `parseManifest`
 * (see ManifestEditor.validateWith).
 */
import type * as Monaco from 'monaco-editor/editor/editor.api';
import { KEYS, VALUES, docFor, tableKind, type TableKind } from './manifest-docs';

const HEADER = /^\s*(\[\[?[^\]]+\]\]?)/;

/** The header of the table that line `lineNumber` belongs to, or null at the top. */
function headerAbove(model: Monaco.editor.ITextModel, lineNumber: number): string | null {
  for (let line = lineNumber; line >= 1; line--) {
    const match = HEADER.exec(model.getLineContent(line));
    if (match) return match[1]!;
  }
  return null;
}

/** Keys already set in the table that contains `lineNumber`. */
function keysInTable(model: Monaco.editor.ITextModel, lineNumber: number): Set<string> {
  const keys = new Set<string>();
  let start = lineNumber;
  while (start > 1 && !HEADER.test(model.getLineContent(start))) start--;
  for (let line = start + (HEADER.test(model.getLineContent(start)) ? 1 : 0); line <= model.getLineCount(); line++) {
    const text = model.getLineContent(line);
    if (line > lineNumber && HEADER.test(text)) break;
    const key = /^\s*([A-Za-z0-9_-]+)\s*=/.exec(text)?.[1];
    if (key && line !== lineNumber) keys.add(key);
  }
  return keys;
}

export function registerSpinManifestHelp(monaco: typeof Monaco): void {
  monaco.languages.registerHoverProvider('toml', {
    provideHover(model, position) {
      const line = model.getLineContent(position.lineNumber);
      const header = HEADER.exec(line);
      if (header) {
        const kind = tableKind(header[1]!);
        const doc =
          kind === 'component'
            ? KEYS.root.find((k) => k.key === '[component.NAME]')!.doc
            : kind === 'build'
              ? KEYS.component.find((k) => k.key === '[component.NAME.build]')!.doc
              : KEYS.root.find((k) => k.key === header[1])?.doc;
        return doc ? { contents: [{ value: `**${header[1]}**` }, { value: doc }] } : null;
      }
      const word = model.getWordAtPosition(position);
      if (!word) return null;
      const before = line.slice(0, word.startColumn - 1);
      const after = line.slice(word.endColumn - 1);
      if (!/^\s*$/.test(before) || !/^\s*=/.test(after)) return null;
      const doc = docFor(tableKind(headerAbove(model, position.lineNumber)), word.word);
      return doc
        ? {
            range: new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn),
            contents: [{ value: `**${word.word}**` }, { value: doc }],
          }
        : null;
    },
  });

  monaco.languages.registerCompletionItemProvider('toml', {
    triggerCharacters: ['"', '['],
    provideCompletionItems(model, position) {
      const line = model.getLineContent(position.lineNumber);
      const before = line.slice(0, position.column - 1);
      const word = model.getWordUntilPosition(position);
      const range = new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn);
      const { CompletionItemKind, CompletionItemInsertTextRule } = monaco.languages;
      // A value: inside `key = [ "…` or `key = "…`.
      const valueMatch = /^\s*([A-Za-z0-9_-]+)\s*=\s*(.*)$/.exec(before);
      if (valueMatch) {
        const known = VALUES[valueMatch[1]!];
        if (!known) return { suggestions: [] };
        const quoted = /"[^"]*$/.test(valueMatch[2]!);
        return {
          suggestions: known.map((v) => ({
            label: v.value,
            kind: CompletionItemKind.Value,
            documentation: v.doc,
            insertText: quoted ? v.value : `"${v.value}"`,
            range,
          })),
        };
      }
      if (!/^\s*[A-Za-z0-9_\-[]*$/.test(before)) return { suggestions: [] };
      const kind: TableKind = tableKind(headerAbove(model, position.lineNumber));
      const present = keysInTable(model, position.lineNumber);
      const keyItems = KEYS[kind]
        .filter((k) => !k.key.startsWith('[') && !present.has(k.key))
        .map((k) => ({
          label: k.key,
          kind: CompletionItemKind.Property,
          documentation: { value: k.doc },
          insertText: k.snippet ? `${k.key} = ${k.snippet}` : `${k.key} = `,
          insertTextRules: CompletionItemInsertTextRule.InsertAsSnippet,
          range,
        }));
      const bracket = before.trimStart().startsWith('[');
      const lineRange = new monaco.Range(position.lineNumber, before.length - before.trimStart().length + 1, position.lineNumber, position.column);
      const tables = [
        { label: '[[trigger.http]]', text: '[[trigger.http]]\nroute = "/${1:...}"\ncomponent = "${2:name}"\n', doc: KEYS.root[3]!.doc },
        { label: '[component.NAME]', text: '[component.${1:name}]\nsource = "${2:app.wasm}"\n', doc: KEYS.root[4]!.doc },
        { label: '[variables]', text: '[variables]\n${1:name} = { default = "$2" }\n', doc: KEYS.root[2]!.doc },
        { label: '[application]', text: '[application]\nname = "${1:my-app}"\n', doc: KEYS.root[1]!.doc },
      ].map((t) => ({
        label: t.label,
        kind: CompletionItemKind.Module,
        documentation: { value: t.doc },
        insertText: t.text,
        insertTextRules: CompletionItemInsertTextRule.InsertAsSnippet,
        range: lineRange,
        sortText: `z${t.label}`,
      }));
      return { suggestions: bracket ? tables : [...keyItems, ...tables] };
    },
  });
}

/**
 * TOML highlighting for Monaco, which ships none: a Monarch tokenizer covering tables, arrays of
 * tables, keys, all four string forms, numbers, dates, booleans and comments.
 */
import type * as Monaco from 'monaco-editor/editor/editor.api';

export function registerToml(monaco: typeof Monaco): void {
  if (monaco.languages.getLanguages().some((l) => l.id === 'toml')) return;
  monaco.languages.register({ id: 'toml', extensions: ['.toml'] });
  monaco.languages.setLanguageConfiguration('toml', {
    comments: { lineComment: '#' },
    brackets: [
      ['[', ']'],
      ['{', '}'],
    ],
    autoClosingPairs: [
      { open: '[', close: ']' },
      { open: '{', close: '}' },
      { open: '"', close: '"' },
      { open: "'", close: "'" },
    ],
  });
  monaco.languages.setMonarchTokensProvider('toml', {
    tokenizer: {
      root: [
        [/^\s*\[\[[^\]]*\]\]/, 'type'],
        [/^\s*\[[^\]]*\]/, 'type'],
        [/#.*$/, 'comment'],
        [/[A-Za-z0-9_-]+(?=\s*(\.[A-Za-z0-9_"'-]+\s*)*=)/, 'key'],
        [/"""/, 'string', '@mlBasic'],
        [/'''/, 'string', '@mlLiteral'],
        [/"/, 'string', '@basic'],
        [/'[^']*'/, 'string'],
        [/\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?)?/, 'number'],
        [/[+-]?(0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|(\d[\d_]*)(\.\d[\d_]*)?([eE][+-]?\d+)?|inf|nan)\b/, 'number'],
        [/\b(true|false)\b/, 'keyword'],
        [/[{}[\],.=]/, 'delimiter'],
      ],
      basic: [
        [/[^\\"]+/, 'string'],
        [/\\./, 'string.escape'],
        [/"/, 'string', '@pop'],
      ],
      mlBasic: [
        [/[^\\"]+/, 'string'],
        [/\\./, 'string.escape'],
        [/"""/, 'string', '@pop'],
        [/"/, 'string'],
      ],
      mlLiteral: [
        [/[^']+/, 'string'],
        [/'''/, 'string', '@pop'],
        [/'/, 'string'],
      ],
    },
  });
}

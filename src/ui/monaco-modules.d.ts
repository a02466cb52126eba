/** Monaco contributions imported for their side effects, which ship without type declarations. */
declare module 'monaco-editor/editor/contrib/suggest/browser/suggestController';

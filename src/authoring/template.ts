/**
 * What "New JS app", the editor and the app export need besides the builder: the starter source,
 * TypeScript declarations of the host modules (for Monaco), and the files that make an authored
 * app buildable with `spin build` (the template package: src/authoring/template).
 */
import starterJs from './template/src/index.js?raw';
import templatePackageJson from './template/package.json?raw';
import templateWit from './template/wit/spin.wit?raw';

/** "New JS app": the starter handler (JavaScript). */
export const STARTER_JS: string = starterJs;

/** "New JS app" in TypeScript. */
export const STARTER_TS = `// A Spin HTTP component in TypeScript: the \`fetch\` event with web Request/Response, plus Spin's
// key-value store and variables, imported from their WIT. Types are stripped in the page.
import { Store } from 'fermyon:spin/key-value@2.0.0';
import { get as getVariable } from 'fermyon:spin/variables@2.0.0';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function handle(request: Request): Response {
  const store = Store.open('default');
  const previous = store.get('visits');
  const visits = previous === undefined ? 1 : Number(decoder.decode(previous)) + 1;
  store.set('visits', encoder.encode(String(visits)));
  let greeting = 'Hello';
  try {
    greeting = getVariable('greeting');
  } catch {
    // No \`greeting\` variable in spin.toml: keep the default.
  }
  const url = new URL(request.url);
  return new Response(\`\${greeting} from Spin! \${request.method} \${url.pathname}, visit \${visits}\\n\`, {
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  });
}

addEventListener('fetch', (event: FetchEvent) => event.respondWith(handle(event.request)));
`;

/**
 * Declarations of the modules an authored app can import and of StarlingMonkey's `fetch` event,
 * for the editor (Monaco: `languages.typescript.typescriptDefaults.addExtraLib(HOST_TYPES, 'file:///spin-host.d.ts')`,
 * and the same for `javascriptDefaults`).
 */
export const HOST_TYPES = `/** An error from the host, thrown as a ComponentError whose \`payload\` is the WIT variant. */
interface ComponentError<E> extends Error { payload: E }

declare module 'fermyon:spin/key-value@2.0.0' {
  /** Errors a store operation reports (as a thrown ComponentError's \`payload\`). */
  export type Error =
    | { tag: 'store-table-full' }
    | { tag: 'no-such-store' }
    | { tag: 'access-denied' }
    | { tag: 'other'; val: string };
  /** An open key-value store (spin.toml: key_value_stores = ["default"]). */
  export class Store {
    private constructor();
    /** Opens the store with this label; throws \`access-denied\` if the component may not use it. */
    static open(label: string): Store;
    /** The value of \`key\`, or undefined if it is absent. */
    get(key: string): Uint8Array | undefined;
    set(key: string, value: Uint8Array): void;
    /** Removing an absent key succeeds. */
    delete(key: string): void;
    exists(key: string): boolean;
    getKeys(): string[];
  }
}

declare module 'fermyon:spin/variables@2.0.0' {
  /** Errors \`get\` reports (as a thrown ComponentError's \`payload\`). */
  export type Error =
    | { tag: 'invalid-name'; val: string }
    | { tag: 'undefined'; val: string }
    | { tag: 'provider'; val: string }
    | { tag: 'other'; val: string };
  /** The value of a component variable (spin.toml: [component.<id>.variables]). */
  export function get(name: string): string;
}

/** StarlingMonkey's fetch event: one per request. */
interface FetchEvent extends Event {
  readonly request: Request;
  respondWith(response: Response | PromiseLike<Response>): void;
  waitUntil(promise: PromiseLike<unknown>): void;
}
declare function addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
`;

export interface AuthoredAppFilesOptions {
  /** The source as the user wrote it. */
  source: string;
  language: 'javascript' | 'typescript';
  /** For TypeScript: the JavaScript the page built (j2w builds JavaScript; this is what it gets). */
  javascript?: string;
  /** The component built in the page, if it is to be included. */
  component?: Uint8Array;
  /** Where the component goes in the export and `spin.toml`'s `source` (default `dist/app.wasm`). */
  componentPath?: string;
}

/**
 * Files for the app export that make `spin build` work on an authored app: the source, the
 * template package.json (j2w and its WIT dependencies) and the WIT of the world the page builds
 * against. `spin.toml` should give the component
 *
 *   source = "dist/app.wasm"
 *   [component.<id>.build]
 *   command = "npm install && npm run build"
 *
 * (see `BUILD_SECTION`). For TypeScript, src/index.ts is kept and src/index.js is the stripped
 * JavaScript that j2w compiles.
 */
export function authoredAppFiles(options: AuthoredAppFilesOptions): Record<string, Uint8Array> {
  const encode = (text: string) => new TextEncoder().encode(text);
  const files: Record<string, Uint8Array> = {
    'package.json': encode(templatePackageJson),
    'wit/spin.wit': encode(templateWit),
  };
  if (options.language === 'typescript') {
    files['src/index.ts'] = encode(options.source);
    files['src/index.js'] = encode(`// Generated from src/index.ts by Spin Playground (types stripped); j2w builds this file.\n${options.javascript ?? ''}`);
    files['spin-host.d.ts'] = encode(HOST_TYPES);
  } else {
    files['src/index.js'] = encode(options.source);
  }
  if (options.component) files[options.componentPath ?? AUTHORED_CORE] = options.component;
  return files;
}

/** The `[component.<id>.build]` table for an authored component. */
export function buildSection(componentId: string): string {
  return `[component.${componentId}.build]\ncommand = "npm install && npm run build"\nwatch = ["src/**/*.js", "src/**/*.ts"]\n`;
}

/** "New JS app": the manifest of an app written in the page (src/authoring/README.md, Wiring 5). */
export const NEW_JS_APP_MANIFEST = `spin_manifest_version = 2

[application]
name = "my-app"

[[trigger.http]]
route = "/..."
component = "app"

[variables]
greeting = { default = "Hello" }

[component.app]
source = "dist/app.wasm"
key_value_stores = ["default"]

[component.app.variables]
greeting = "{{ greeting }}"

[component.app.build]
command = "npm install && npm run build"
watch = ["src/**/*.js", "src/**/*.ts"]
`;
/** Where Run puts the component built in the page, as `spin.toml` names it. */
export const AUTHORED_CORE = 'dist/app.wasm';

/**
 * What the "Files" panel shows about each component: its source, size and world (imports, each
 * marked supported or not, and exports), read from the bytes without transpiling. It never
 * throws: a component whose world cannot be read says why, so the panel can show it even when
 * the app failed to load.
 */
import { parseManifest } from '../manifest/parse';
import type { AppBundle, ComponentInfo } from '../protocol/messages';
import { supportFor } from '../host/interfaces';
import { readComponentWorld } from './component-world';
import { wasmKind } from './wasm-kind';
import { NO_AUTHORED_CORES, type AuthoredCores } from './authored-cores';
import { getOwn } from '../protocol/own-keys';

export function describeComponents(bundle: AppBundle, authoredCores: AuthoredCores = NO_AUTHORED_CORES): ComponentInfo[] {
  const parsed = parseManifest(bundle.manifestText);
  if (!parsed.ok) return [];
  return Object.values(parsed.app.components).map((component): ComponentInfo => {
    const source = component.source;
    if (source.kind === 'registry') {
      return { id: component.id, source: `${source.package}@${source.version}`, kind: 'registry', imports: [], exports: [] };
    }
    const key = source.kind === 'file' ? source.path : source.url;
    const buffer = getOwn(bundle.files, key);
    if (!buffer) return { id: component.id, source: key, kind: 'missing', imports: [], exports: [] };
    const bytes = new Uint8Array(buffer);
    const base = { id: component.id, source: key, size: bytes.byteLength };
    const kind = wasmKind(bytes);
    if (kind === 'core-module' && authoredCores.isAuthoredCore(bytes)) {
      // Built in the page ("New JS app"): served as a component of the template world with the glue
      // template, so describe it as the component `spin build` would make (world from
      // public/authoring/manifest.json, known once the engine has loaded the artifacts).
      const world = authoredCores.world();
      const imports = (world?.imports ?? []).map((name) => {
        const support = supportFor(name);
        return support.supported ? { name, supported: true } : { name, supported: false, reason: support.reason };
      });
      return { ...base, kind: 'component', imports, exports: world?.exports ?? ['wasi:http/incoming-handler@0.2.3'] };
    }
    if (kind === 'core-module') return { ...base, kind: 'core-module', imports: [], exports: [] };
    if (kind !== 'component') return { ...base, kind: 'not-wasm', imports: [], exports: [] };
    try {
      const world = readComponentWorld(bytes);
      const imports = world.imports.map((name) => {
        const support = supportFor(name);
        return support.supported ? { name, supported: true } : { name, supported: false, reason: support.reason };
      });
      return { ...base, kind: 'component', imports, exports: world.exports };
    } catch (error) {
      return { ...base, kind: 'component', imports: [], exports: [], error: error instanceof Error ? error.message : String(error) };
    }
  });
}

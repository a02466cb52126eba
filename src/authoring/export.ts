/**
 * "Export .wasm": the full component for a core module made by the in-page builder, as
 * componentize-js 0.19.3 finishes it after Wizer (docs/authoring.md §1):
 *
 *   stubWasi (the splicer: imports the world lacks become `unreachable`)
 *   -> componentNew with jco's wasi_snapshot_preview1 reactor adapter
 *   -> metadataAdd (language JavaScript, processed-by ComponentizeJS <version>)
 *
 * The splicer (~5 MB) and wasm-tools (~2.4 MB) load only when this runs.
 */
import type { ArtifactSource } from './manifest';

type Splicer = {
  stubWasi(wasm: Uint8Array, features: string[], witWorld: string | undefined, witPath: string | undefined, worldName: string | undefined): Uint8Array;
};

let splicer: Promise<Splicer> | undefined;

function loadSplicer(): Promise<Splicer> {
  splicer ??= import('@bytecodealliance/componentize-js-0-19-3/lib/spidermonkey-embedding-splicer.js').then(async (m) => {
    const mod = m as unknown as { splicer: Splicer; $init?: Promise<void> };
    await mod.$init;
    return mod.splicer;
  });
  splicer.catch(() => (splicer = undefined));
  return splicer;
}

export interface ExportStats {
  stubMs: number;
  componentNewMs: number;
}

export async function exportComponent(coreModule: Uint8Array, artifacts: ArtifactSource, stats?: ExportStats): Promise<Uint8Array> {
  const manifest = artifacts.manifest;
  const [s, wit, adapter, tools] = await Promise.all([
    loadSplicer(),
    artifacts.text(manifest.wit),
    artifacts.bytes(manifest.adapter),
    import('@bytecodealliance/jco-transpile/wasm-tools'),
  ]);
  const stubStart = performance.now();
  const stubbed = s.stubWasi(coreModule, manifest.features, wit, undefined, undefined);
  const newStart = performance.now();
  const component = await tools.componentNew(stubbed, [['wasi_snapshot_preview1', adapter]]);
  const withMetadata = await tools.metadataAdd(component, [
    ['language', [['JavaScript', '']]],
    ['processed-by', [['ComponentizeJS', manifest.componentizeJs]]],
  ]);
  if (stats) {
    stats.stubMs = newStart - stubStart;
    stats.componentNewMs = performance.now() - newStart;
  }
  return withMetadata;
}

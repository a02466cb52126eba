/**
 * The authoring Worker: builds Spin JS components off the page's main thread. The spliced engine
 * is fetched and its instrumented form compiled once per Worker (`warm`), so every build after
 * the first only runs the script's initialisation and the snapshot.
 */
/// <reference lib="webworker" />
import { JsComponentBuilder } from './builder';
import { fetchArtifacts, type ArtifactSource } from './manifest';
import type { FromBuildWorker, ToBuildWorker } from './protocol';

let artifacts: Promise<ArtifactSource> | undefined;
let builder: Promise<JsComponentBuilder> | undefined;

function load(base: string): Promise<JsComponentBuilder> {
  artifacts ??= fetchArtifacts(base);
  builder ??= artifacts.then(async (source) => {
    const b = await JsComponentBuilder.load(source);
    await b.warm();
    return b;
  });
  builder.catch(() => {
    artifacts = undefined;
    builder = undefined;
  });
  return builder;
}

async function componentFor(base: string, coreModule: Uint8Array): Promise<Uint8Array> {
  const { exportComponent } = await import('./export');
  await load(base);
  return exportComponent(coreModule, await artifacts!);
}

const post = (message: FromBuildWorker, transfer: Transferable[] = []) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(message, transfer);

self.onmessage = async (event: MessageEvent<ToBuildWorker>) => {
  const message = event.data;
  try {
    if (message.type === 'warm') {
      const started = performance.now();
      await load(message.artifactsBase);
      post({ type: 'warmed', id: message.id, ms: performance.now() - started });
    } else if (message.type === 'build') {
      const b = await load(message.artifactsBase);
      const result = await b.build(message.code, message.options);
      if (result.ok && message.options.component) {
        const started = performance.now();
        const component = await componentFor(message.artifactsBase, result.coreModule);
        const componentMs = performance.now() - started;
        post({ type: 'built', id: message.id, result: { ...result, component, componentMs } }, [result.coreModule.buffer, component.buffer]);
      } else {
        post({ type: 'built', id: message.id, result }, result.ok ? [result.coreModule.buffer] : []);
      }
    } else if (message.type === 'export') {
      const started = performance.now();
      const component = await componentFor(message.artifactsBase, message.coreModule);
      post({ type: 'exported', id: message.id, component, ms: performance.now() - started }, [component.buffer]);
    }
  } catch (error) {
    post({ type: 'failed', id: message.id, message: error instanceof Error ? error.message : String(error) });
  }
};

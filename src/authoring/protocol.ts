/** Messages between the page (client.ts) and the authoring Worker (build-worker.ts). */
import type { BuildOptions, BuildResult } from './builder';

export type ToBuildWorker =
  | { type: 'warm'; id: number; artifactsBase: string }
  | { type: 'build'; id: number; artifactsBase: string; code: string; options: BuildOptions & { component?: boolean } }
  | { type: 'export'; id: number; artifactsBase: string; coreModule: Uint8Array };

export type FromBuildWorker =
  | { type: 'warmed'; id: number; ms: number }
  | { type: 'built'; id: number; result: BuildResult & { component?: Uint8Array; componentMs?: number } }
  | { type: 'exported'; id: number; component: Uint8Array; ms: number }
  | { type: 'failed'; id: number; message: string };

/**
 * What the playground page's URL asks for besides the project: safety limits, the build timeout,
 * the preview switch, the runner's JSPI switch and `spin up --key-value` pairs (README "Guarantees
 * and limits"). Read once at start; the parts get the values, never the URL.
 */
import type { EngineLimits } from '../protocol/messages';

export interface PageOptions {
  /** `?preview=off`: the preview makes no request until a route link is clicked. */
  previewEnabled: boolean;
  /** `?timeout=<ms>` and `?memory=<MiB>` (0 turns one off), and the Spin 4 instance reuse settings. */
  limits: EngineLimits;
  /** `?buildTimeout=<ms>`: how long an in-page JS build may run (default 30 s, `BUILD_TIMEOUT_MS`). */
  buildTimeoutMs: number | undefined;
  /** `?path=/about`: the preview's path, and the console's request when nothing else fills it. */
  path: string | null;
  /** `?limits=cloud`: the Fermyon Cloud limits switch. */
  limitsParam: string | null;
  /** The runner frame's query: `?jspi=off` passes through. */
  runnerQuery: string;
  /** `?key-value=k=v` pairs, applied only once the person agrees. */
  linkSeed: string[];
}

export function pageOptions(params: URLSearchParams): PageOptions {
  return {
    previewEnabled: params.get('preview') !== 'off',
    limits: {
      ...(params.has('timeout') ? { timeoutMs: Number(params.get('timeout')) } : {}),
      ...(params.has('memory') ? { memoryLimitMiB: Number(params.get('memory')) } : {}),
      // Spin 4 instance reuse for WASI 0.3 components: whole numbers or ranges a..b (checked at load).
      ...(params.has('instanceReuse') ? { instanceReuse: params.get('instanceReuse')! } : {}),
      ...(params.has('instanceConcurrency') ? { instanceConcurrency: params.get('instanceConcurrency')! } : {}),
      ...(params.has('idleInstanceTimeout') ? { idleInstanceTimeoutMs: params.get('idleInstanceTimeout')! } : {}),
    },
    buildTimeoutMs: Number(params.get('buildTimeout')) > 0 ? Number(params.get('buildTimeout')) : undefined,
    path: params.get('path'),
    limitsParam: params.get('limits'),
    runnerQuery: params.get('jspi') === 'off' ? '?jspi=off' : '',
    linkSeed: params.getAll('key-value'),
  };
}

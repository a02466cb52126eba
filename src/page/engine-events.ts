/**
 * What the engine reports without being asked, routed to the panels: logs, traces, key-value
 * changes and engine events (which tab runs it, restarts). Batched by the engine client, at most
 * one batch per frame.
 */
import type { EngineEvent } from '../protocol/messages';
import type { EngineClient } from '../ui/engine-client';
import type { LogLine } from '../ui/logs';
import type { TracePanel } from '../ui/trace-panel';
import type { KvExplorer } from '../ui/kv-explorer';
import type { PreviewPanel } from '../ui/preview-panel';
import { byId } from '../ui/dom';
import { formatMs } from '../ui/format';

export interface EngineEventTargets {
  appendLog(entries: LogLine | readonly LogLine[]): void;
  log(level: LogLine['level'], source: string, message: string, kind?: LogLine['kind']): void;
  kvExplorer: KvExplorer;
  tracePanel: TracePanel;
  preview: PreviewPanel;
  /** A batch of traces arrived (an authored app's Run waits for its first response). */
  traced(): void;
}

export function wireEngineEvents(client: EngineClient, to: EngineEventTargets): void {
  client.onLogs(to.appendLog);
  client.onKvChanged((changes) => to.kvExplorer.changed(changes));
  client.onTraces((traces) => {
    to.traced();
    to.tracePanel.add(traces);
    for (const trace of traces) if (trace.source === 'preview') to.preview.observe(trace);
  });
  client.onEngineEvent((event) => showEngineEvent(event, to));
}

function showEngineEvent(event: EngineEvent, to: EngineEventTargets): void {
  const live = byId('engine-live');
  if (event.kind === 'live') {
    live.hidden = event.where === 'this-tab';
    live.textContent = event.message;
  } else if (event.kind === 'restarting') {
    to.log('warn', 'engine', `restarting: ${event.reason}`, 'restart');
  } else {
    to.log('warn', 'engine', `restarted in ${formatMs(event.restartMs)} (${event.reason}); the app was loaded again`, 'restart');
    void to.kvExplorer.refresh();
  }
}

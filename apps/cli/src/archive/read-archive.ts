// Archived runs (retention): read from this machine, or over SSH from the host whose daemon
// wrote the archive; `fleet report` and `fleet logs` use them when the run is no longer in Redis.
import { InputError } from '@agentfleet/core';
import { shellCommand } from '@agentfleet/fleet';
import { decodeArchive, readArchiveFile, type ArchiveLocation, type RunArchive, type RunReport } from '@agentfleet/store';
import type { FleetContext } from '../fleet-context.js';
import { resolveRemoteHosts, withSession } from '../commands/remote-hosts.js';
import { formatTranscript } from '../transcript/format.js';

/** The run's archive, or undefined when the run was never archived. */
export async function loadArchive(fleet: FleetContext, runId: string, configOption?: string): Promise<RunArchive | undefined> {
  const loc = await fleet.store.archives.get(runId);
  if (!loc) return undefined;
  const spec = fleet.config.hosts.find((h) => h.name === loc.host);
  if (!spec) return readArchiveFile(loc.path);
  const [host] = resolveRemoteHosts([spec], configOption);
  return withSession(host!, {}, async (s) => {
    const r = await s.exec(shellCommand(['base64', '-w0', '--', loc.path]), { timeoutMs: 120_000 });
    if (r.code !== 0) throw new InputError(`the archive of run ${runId} is on ${loc.host} at ${loc.path}, but it cannot be read there: ${r.stderr.trim() || `exit ${r.code}`}`);
    return decodeArchive(Buffer.from(r.stdout, 'base64'), `${loc.host}:${loc.path}`);
  });
}

/** `fleet logs RUN TASK` of an archived run, as text; undefined when the run is not archived. */
export async function archivedTranscript(fleet: FleetContext, runId: string, taskId: string, opts: { attempt?: number; json?: boolean; full?: boolean }, configOption?: string): Promise<string | undefined> {
  const doc = await loadArchive(fleet, runId, configOption);
  if (!doc) return undefined;
  const attempts = Object.keys(doc.transcripts).filter((k) => k.startsWith(`${taskId}:`)).map((k) => Number(k.slice(taskId.length + 1))).sort((a, b) => a - b);
  if (!doc.report.tasks.some((t) => t.id === taskId)) throw new InputError(`run ${runId} has no task '${taskId}'`);
  const attempt = opts.attempt ?? attempts.at(-1);
  const entries = attempt === undefined ? undefined : doc.transcripts[`${taskId}:${attempt}`];
  if (!entries) throw new InputError(`the archive of run ${runId} has no transcript of ${taskId}${opts.attempt ? ` attempt ${opts.attempt}` : ''} (attempts: ${attempts.join(', ') || 'none'})`);
  const lines = opts.json ? entries.map((e) => JSON.stringify(e)) : formatTranscript(entries, { full: opts.full });
  return `${lines.join('\n')}\n`;
}

/** One line about where an archive is (fleet prune, messages). */
export function describeArchive(loc: ArchiveLocation): string {
  return `${loc.runId} -> ${loc.host === 'local' ? '' : `${loc.host}:`}${loc.path} (${Math.round(loc.bytes / 1024)} KiB)`;
}

/** The run's report: from Redis, else from its archive (retention removed it from Redis). */
export async function runReport(fleet: FleetContext, runId: string, configOption?: string): Promise<RunReport> {
  try {
    return await fleet.store.read.report(runId);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const doc = await loadArchive(fleet, runId, configOption);
    if (!doc) throw e;
    return doc.report;
  }
}

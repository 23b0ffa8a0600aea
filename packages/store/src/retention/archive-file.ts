import { mkdirSync, openSync, fsyncSync, closeSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { FleetError, type TranscriptEntry } from '@agentfleet/core';
import type { RunReport } from '../types.js';

/** What an archived run keeps: its report (the JSON of `fleet report`) and its transcripts. */
export interface RunArchive {
  format: 1;
  archivedAt: string;
  /** the host whose daemon (or the CLI) wrote it */
  host: string;
  report: RunReport;
  /** by `<task>:<attempt>` */
  transcripts: Record<string, TranscriptEntry[]>;
}

export function encodeArchive(doc: RunArchive): Buffer {
  return gzipSync(JSON.stringify(doc), { level: 6 });
}

export function decodeArchive(data: Buffer, where: string): RunArchive {
  try {
    const doc = JSON.parse(gunzipSync(data).toString('utf8')) as RunArchive;
    if (doc.format !== 1 || !doc.report?.run?.id) throw new Error('not a run archive');
    return doc;
  } catch (e) {
    throw new FleetError('internal', `cannot read the run archive ${where}: ${(e as Error).message}`);
  }
}

/**
 * Writes the archive durably (a temporary file, fsync, rename) and reads it back: only an
 * archive that decodes to the same run counts as written. Returns its size in bytes.
 */
export async function writeArchive(path: string, doc: RunArchive): Promise<number> {
  const data = encodeArchive(doc);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, data);
    const fd = openSync(tmp, 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new FleetError('internal', `cannot write the archive of run ${doc.report.run.id} to ${path}: ${(e as Error).message}`);
  }
  const back = decodeArchive(await readFile(path), path);
  if (back.report.run.id !== doc.report.run.id || back.report.tasks.length !== doc.report.tasks.length) {
    throw new FleetError('internal', `the archive ${path} does not read back as run ${doc.report.run.id}`);
  }
  return data.length;
}

export async function readArchiveFile(path: string): Promise<RunArchive> {
  const data = await readFile(path).catch((e: NodeJS.ErrnoException) => {
    throw new FleetError('internal', `cannot read the run archive ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  });
  return decodeArchive(data, path);
}

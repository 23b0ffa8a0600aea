// An eval case's hidden files in a real directory: in place only while the checks run, over
// what the agent wrote there, the workspace as the agent left it afterwards; a worker killed
// (SIGKILL, a real child process) during the checks leaves a note, and the slot's next task
// repairs the workspace from it; a folder that leads out of the workspace is refused.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FleetError, type HiddenFile } from '@agentfleet/core';
import { removeDir, tempDir } from '@agentfleet/testkit';
import { HiddenFiles } from '../src/attempt/hidden-files.js';

const ref = { evalId: 'e20261201-000000-ab12', caseId: 'add', paths: ['test/add.test.js', 'test/deep/more.test.js'] };
const file = (path: string, text: string): HiddenFile => ({ path, data: Buffer.from(text).toString('base64'), mode: 0o644 });
const FILES = [file('test/add.test.js', 'HIDDEN add'), file('test/deep/more.test.js', 'HIDDEN more')];

let dir: string;
let work: string;
let slot: string;
beforeEach(() => {
  dir = tempDir('hidden-files');
  work = join(dir, 'slot', 'work');
  slot = join(dir, 'slot');
  mkdirSync(join(work, 'test'), { recursive: true });
  writeFileSync(join(work, 'test', 'add.test.js'), 'the agent wrote this');
});
afterEach(() => removeDir(dir));

const read = (p: string) => readFileSync(join(work, p), 'utf8');

describe('HiddenFiles', () => {
  it('are in place for the checks only, over the agent\'s file, which comes back afterwards; the folders made for them go again', async () => {
    const steps: string[] = [];
    const hidden = new HiddenFiles(ref, slot, async () => FILES);
    const seen = await hidden.around(work, async () => [read('test/add.test.js'), read('test/deep/more.test.js')], (s) => steps.push(s));
    expect(seen).toEqual(['HIDDEN add', 'HIDDEN more']);
    expect(read('test/add.test.js')).toBe('the agent wrote this');
    expect(existsSync(join(work, 'test', 'deep'))).toBe(false);
    expect(existsSync(join(slot, 'hidden'))).toBe(false);
    expect(steps).toEqual(['2 placed for the checks', 'removed: the workspace is as the agent left it']);
    // a failing check takes them out as well
    await expect(hidden.around(work, () => Promise.reject(new Error('check failed')), () => undefined)).rejects.toThrow('check failed');
    expect(read('test/add.test.js')).toBe('the agent wrote this');
    expect(HiddenFiles.repair(slot)).toBe(false);
  });

  it('a worker killed during the checks: the next task repairs the workspace from the note', () => {
    const module = pathToFileURL(join(import.meta.dirname, '..', 'dist', 'attempt', 'hidden-files.js')).href;
    const script = `const { HiddenFiles } = await import(${JSON.stringify(module)});
const files = ${JSON.stringify(FILES)};
await new HiddenFiles(${JSON.stringify(ref)}, ${JSON.stringify(slot)}, async () => files).around(${JSON.stringify(work)}, () => process.kill(process.pid, 'SIGKILL'), () => {});`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.signal, r.stderr).toBe('SIGKILL');
    expect(read('test/add.test.js')).toBe('HIDDEN add');
    expect(HiddenFiles.repair(slot)).toBe(true);
    expect(read('test/add.test.js')).toBe('the agent wrote this');
    expect(existsSync(join(work, 'test', 'deep'))).toBe(false);
    expect(HiddenFiles.repair(slot)).toBe(false);
  });

  it('refuses a folder that leads out of the workspace (what went in before comes out again) and hidden files gone from Redis, as setup failures', async () => {
    const outside = join(dir, 'outside');
    mkdirSync(outside);
    symlinkSync(outside, join(work, 'test', 'deep'));
    const escape = new HiddenFiles(ref, slot, async () => FILES);
    const error = await escape.around(work, async () => 'ran', () => undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FleetError);
    expect((error as FleetError).kind).toBe('setup_failed');
    expect(existsSync(join(outside, 'more.test.js'))).toBe(false);
    // the file placed before the refusal is out again, the agent's back, nothing left to repair
    expect(read('test/add.test.js')).toBe('the agent wrote this');
    expect(HiddenFiles.repair(slot)).toBe(false);
    const gone = new HiddenFiles(ref, slot, async () => null);
    await expect(gone.around(work, async () => 'ran', () => undefined)).rejects.toThrow(/hidden files are gone from Redis/);
  });
});

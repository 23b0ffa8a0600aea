import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlotWorkspace, mirrorDir, runJanitor } from '@agentfleet/workspace';
import { AUTHOR, g, makeOrigin, removeDir, tempDir } from '@agentfleet/testkit';

let root: string;
let bundle: string;

beforeAll(async () => {
  root = tempDir('ws-procs');
  bundle = join(root, 'child.mjs');
  await build({ entryPoints: [fileURLToPath(new URL('./fixtures/child.ts', import.meta.url))], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: bundle, logLevel: 'silent', banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" } });
});
afterAll(() => removeDir(root));

function child(args: object): { proc: ReturnType<typeof spawn>; output: Promise<{ code: number | null; out: string; err: string }>; ready: Promise<void> } {
  const proc = spawn(process.execPath, [bundle, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (onReady = r));
  proc.stdout!.on('data', (b: Buffer) => {
    out += b.toString();
    if (out.includes('ready')) onReady();
  });
  proc.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const output = new Promise<{ code: number | null; out: string; err: string }>((resolve) => proc.on('close', (code) => resolve({ code, out, err })));
  return { proc, output, ready };
}

describe('several worker processes', () => {
  it('share one mirror (created, fetched and pushed to concurrently) without corrupting it', async () => {
    const dir = join(root, 'shared');
    const origin = makeOrigin(dir);
    const home = join(dir, 'home');
    const names = ['p1', 'p2', 'p3'];
    const kids = names.map((name, i) => child({ mode: 'tasks', home, slot: `local-${i}`, origin: origin.repo, base: origin.sha, runId: 'rp', author: AUTHOR, tasks: 4, name }));
    const results = await Promise.all(kids.map((k) => k.output));
    for (const r of results) expect(r.err, r.err).toBe('');
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    const mirror = mirrorDir(home, origin.repo);
    expect(readdirSync(join(home, 'mirrors')).filter((n) => n.endsWith('.git'))).toHaveLength(1);
    g(mirror, 'fsck', '--strict', '--no-progress'); // throws on any error
    g(origin.repo, 'fsck', '--strict', '--no-progress');
    for (const name of names) {
      for (let i = 0; i < 4; i++) {
        expect(g(origin.repo, 'show', `fleet/rp/${name}-${i}:out/${name}-${i}.txt`)).toBe(`${name}-${i}`);
        // the task's base was the commit its process had just pushed
        expect(g(origin.repo, 'show', `fleet/rp/${name}-${i}:${name}-base-${i}.txt`)).toBe(String(i));
      }
    }
    expect(existsSync(`${mirror.replace(/\.git$/, '')}.lock`)).toBe(false);
  });

  it('a worker SIGKILLed mid-task leaves a slot the next task can use, and its work is kept', async () => {
    const dir = join(root, 'killed');
    const origin = makeOrigin(dir);
    const home = join(dir, 'home');
    const k = child({ mode: 'hang', home, slot: 'local-1', origin: origin.repo, base: origin.sha, runId: 'rk', author: AUTHOR, tasks: 0, name: 'k' });
    await Promise.race([k.ready, k.output.then((r) => { throw new Error(`child exited early: ${r.err}`); })]);
    k.proc.kill('SIGKILL');
    await k.output;

    const ws = new SlotWorkspace({ home, slot: 'local-1', author: AUTHOR });
    const prep = await ws.prepare({ runId: 'rk', taskId: 'next', jobId: 'rk.next', title: 'next', repoUrl: origin.repo, baseCommit: origin.sha, deps: [], clean: 'all' });
    expect(g(prep.dir, 'status', '--porcelain', '--ignored')).toBe('');
    expect(g(prep.dir, 'rev-parse', 'HEAD')).toBe(origin.sha);
    expect(readFileSync(join(prep.dir, 'README.md'), 'utf8')).toBe('hello\n');
    const res = await ws.publish({ runId: 'rk', taskId: 'next', title: 'next', pushUrl: origin.repo, base: prep.base });
    expect(g(origin.repo, 'rev-parse', 'fleet/rk/next')).toBe(res.commit);
    await ws.release();

    // The killed task's work was preserved on this host; the janitor pushes it to a rescue branch.
    const report = await runJanitor({ home, inUse: new Set(['local-1']) });
    // (the agent's side branch is rescued too: fleet/rescue/local/side/...)
    expect(report.rescued.map((r) => r.branch.split('/').slice(0, 4).join('/')).sort()).toEqual(['fleet/rescue/local/side', 'fleet/rescue/rk/killed']);
    const branch = report.rescued.find((r) => r.branch.startsWith('fleet/rescue/rk/killed/'))!.branch;
    expect(g(origin.repo, 'show', `${branch}:committed.txt`)).toBe('agent commit');
    expect(g(origin.repo, 'show', `${branch}:uncommitted.txt`)).toBe('agent draft');
  });
});

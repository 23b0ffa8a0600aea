import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { repoRoot, requireBinaries, TmuxServer } from '@agentfleet/testkit';
import { frame, runTop } from '../../src/top/loop.js';
import { NOW, topSource } from './fixture.js';

function collect(stream: PassThrough): () => string {
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return () => text;
}

describe('runTop without a terminal', () => {
  it('prints one summary line per interval', async () => {
    const stdout = new PassThrough();
    const out = collect(stdout);
    await runTop({ source: topSource(), stdout, intervalMs: 10, maxFrames: 3, now: () => NOW });
    const lines = out().trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(l).toBe('2025-06-01T12:00:00Z hosts 1/2 up, slots 2/3 busy; run issue-715 running 21/40 (53%) ETA 8m53s failed 1; failures 1');
    expect(out()).not.toContain('\x1b[');
  });

  it('keeps going when a refresh fails, saying so', async () => {
    const stdout = new PassThrough();
    const out = collect(stdout);
    const source = topSource();
    source.failNext = true;
    await runTop({ source, stdout, intervalMs: 10, maxFrames: 2, now: () => NOW });
    const [first, second] = out().trimEnd().split('\n');
    expect(first).toContain('error: cannot read the fleet state: Connection is closed.');
    expect(second).toContain('run issue-715 running 21/40');
    expect(second).not.toContain('error');
  });

  it('stops when the signal aborts', async () => {
    const stdout = new PassThrough();
    collect(stdout);
    const ac = new AbortController();
    const source = topSource();
    const done = runTop({ source, stdout, intervalMs: 60_000, signal: ac.signal });
    await new Promise((r) => setTimeout(r, 50));
    ac.abort();
    await done;
    expect(source.calls).toBe(1);
  });

  it('draws a frame as home, cleared lines and a cleared rest of screen', () => {
    expect(frame(['a', 'b'])).toBe('\x1b[Ha\x1b[K\r\nb\x1b[K\r\n\x1b[J');
  });
});

describe('runTop in a pseudo-terminal (tmux)', () => {
  it('draws hosts, workers, run progress and failures full-screen, and q quits', async () => {
    if (!requireBinaries('tmux')) return;
    const term = new TmuxServer(`af-top-${process.pid}`);
    const started = term.tmux('new-session', '-d', '-s', 'top', '-x', '120', '-y', '40', '-c', repoRoot, 'npx vite-node apps/cli/test/top/tty-main.ts 2>/dev/null; echo TOP-EXIT-$?; sleep 30');
    expect(started.status, started.stderr).toBe(0);
    try {
      const s = await term.waitForScreen('top', 'the top screen', (t) => t.includes('RECENT FAILURES'));
      expect(s).toMatch(/^agentfleet top {2}\d\d:\d\d:\d\d {2}hosts 1\/2 up {2}slots 2\/3 busy/m);
      expect(s).toMatch(/^mugen {2}up {5}slots 2\/3 +CPU \[#+-+\] 62%/m);
      expect(s).toMatch(/^majin {2}DOWN/m);
      expect(s).toMatch(/mugen#0 {2}busy +\d+[smhd][\dsm]* +issue-715\/impl/);
      expect(s).toMatch(/mugen#1 {2}busy +\d+[smhd][\dsm]* +issue-715\/docs-update/);
      expect(s).toMatch(/^issue-715 +running +\[#+-+\] 21\/40 53%/m);
      expect(s).toMatch(/lint \(run 01JXRUNAAAAAAAAAAAAAAAAAAA\) {2}exit_code: npm run lint exited/);
      term.tmux('send-keys', '-t', 'top', 'q');
      const after = await term.waitForScreen('top', 'top to quit', (t) => t.includes('TOP-EXIT-0'));
      expect(after).toContain('TOP-EXITED');
      expect(after).not.toContain('RECENT FAILURES'); // the alternate screen was left
    } finally {
      term.kill();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { bar, fit, formatBytes, formatDuration } from '../../src/top/format.js';
import { runProgress } from '../../src/top/progress.js';
import { renderSummary, renderTop } from '../../src/top/render.js';
import { NOW, topSnapshot } from './fixture.js';

describe('format helpers', () => {
  it('formats durations, sizes and bars', () => {
    expect(formatDuration(4_000)).toBe('4s');
    expect(formatDuration(133_000)).toBe('2m13s');
    expect(formatDuration(3_900_000)).toBe('1h05m');
    expect(formatDuration(-5)).toBe('0s');
    expect(formatBytes(310e6)).toBe('296M');
    expect(formatBytes(16e9)).toBe('15G');
    expect(formatBytes(9e9)).toBe('8.4G');
    expect(bar(0.5, 10)).toBe('[#####-----]');
    expect(bar(2, 4)).toBe('[####]');
    expect(bar(NaN, 4)).toBe('[----]');
    expect(fit('abcdef', 4)).toBe('abc…');
  });
});

describe('runProgress', () => {
  it('counts finished tasks and extrapolates the ETA from the pace so far', () => {
    const run = topSnapshot().runs[0]!;
    const p = runProgress(run, NOW);
    expect(p).toMatchObject({ done: 21, total: 40, failed: 1, running: 2, elapsedMs: 590_000 });
    expect(p.etaMs).toBe(Math.round((590_000 / 21) * 19));
  });

  it('has no ETA before the first task finishes, and 0 once all did', () => {
    const run = { ...topSnapshot().runs[0]!, counts: { running: 2, queued: 38 } };
    expect(runProgress(run, NOW).etaMs).toBeNull();
    expect(runProgress({ ...run, counts: { succeeded: 40 } }, NOW).etaMs).toBe(0);
  });
});

describe('renderTop', () => {
  it('shows hosts with bars, each worker with its task and elapsed time, runs and failures', () => {
    const lines = renderTop(topSnapshot(), { width: 140, now: NOW });
    const text = lines.join('\n');
    expect(lines[0]).toMatch(/^agentfleet top {2}\d\d:\d\d:\d\d {2}hosts 1\/2 up {2}slots 2\/3 busy {2}runs 1 active/);
    const mugen = lines.find((l) => l.startsWith('mugen'))!;
    expect(mugen).toMatch(/CPU \[#+-+\] 62%/);
    expect(mugen).toMatch(/MEM \[#+-+\] 8\.4G\/15G/);
    expect(mugen).toMatch(/^mugen {2}up {5}slots 2\/3 /);
    expect(lines.find((l) => l.startsWith('majin'))).toMatch(/DOWN, last heartbeat 1m35s ago {2}slots 0\/0 \(want 2\)/);
    expect(text).toMatch(/mugen#0 {2}busy {4} {2}2m13s {3}issue-715\/impl +cpu 90% +rss 296M/);
    expect(text).toMatch(/mugen#1 {2}busy {4} {2}4s {6}issue-715\/docs-update +cpu 2%/);
    expect(text).toMatch(/mugen#2 {2}idle {4} {2}restarts 1 \(last: signal SIGKILL\)/);
    expect(text).toMatch(/issue-715 +running +\[#+-+\] 21\/40 53% +ETA 8m53s +elapsed 9m50s +2 running, 1 failed/);
    expect(text).toMatch(/1m30s ago +lint \(run 01JXRUNAAAAAAAAAAAAAAAAAAA\) {2}exit_code: npm run lint exited with code 1 src\/a\.ts:3 no-unused-vars/);
  });

  it('never draws a line wider than the terminal', () => {
    for (const width of [40, 60, 80, 100, 200]) {
      const lines = renderTop(topSnapshot(), { width, now: NOW });
      for (const l of lines) expect(l.length, `width ${width}: ${l}`).toBeLessThanOrEqual(width);
      expect(lines.join('\n')).toContain('mugen#0');
    }
  });

  it('fits the height, saying how much was left out', () => {
    const lines = renderTop(topSnapshot(), { width: 100, height: 6, now: NOW });
    expect(lines).toHaveLength(6);
    expect(lines[5]).toMatch(/^… \d+ more lines/);
  });

  it('says when there is nothing to show, and shows a refresh error on top', () => {
    const lines = renderTop({ hosts: [], runs: [], failures: [], error: 'cannot read the fleet state: Connection is closed.' }, { width: 80, now: NOW });
    expect(lines[1]).toBe('! cannot read the fleet state: Connection is closed.');
    expect(lines).toContain('  no host has reported yet (is fleet-hostd running?)');
    expect(lines).toContain('  no active run');
    expect(lines).toContain('  none');
  });
});

describe('renderSummary', () => {
  it('puts the fleet in one line for pipes and logs', () => {
    expect(renderSummary(topSnapshot(), NOW)).toBe(
      '2025-06-01T12:00:00Z hosts 1/2 up, slots 2/3 busy; run issue-715 running 21/40 (53%) ETA 8m53s failed 1; failures 1',
    );
  });
});

describe('providers in fleet top', () => {
  const providers = { pauses: [{ provider: 'groq', until: NOW + 95_000, reason: '429 from groq' }], permits: [{ provider: 'lan', limit: 4, inUse: 4, waiting: 14 }] };

  it('shows what waits on which provider until when, between the runs and the failures', () => {
    const lines = renderTop({ ...topSnapshot(), providers }, { width: 140, now: NOW });
    const at = lines.indexOf('PROVIDERS');
    expect(at).toBeGreaterThan(lines.indexOf('RUNS'));
    expect(at).toBeLessThan(lines.indexOf('RECENT FAILURES'));
    expect(lines[at + 1]).toBe(`  groq  paused 1m35s more (until ${new Date(NOW + 95_000).toISOString().slice(11, 19)}Z)  429 from groq`);
    expect(lines[at + 2]).toBe('  lan  permits 4/4 in use, 14 waiting');
    expect(renderTop(topSnapshot(), { width: 140, now: NOW })).not.toContain('PROVIDERS');
    expect(renderSummary({ ...topSnapshot(), providers }, NOW)).toContain('provider groq paused 1m35s more');
  });
});

// What each notice type says in each webhook format, links to the console when
// monitor.publicUrl is set, and which notices a webhook's events take.
import { describe, expect, it } from 'vitest';
import type { Notice } from '@agentfleet/store';
import { payload } from '../src/notify/formats.js';
import { messageOf } from '../src/notify/messages.js';
import { matches } from '../src/notify/notifier.js';

const notice = (type: Notice['type'], fields: Record<string, string>): Notice => ({ id: '1700000000000-0', type, at: 1_700_000_000_000, fields });
const url = 'https://fleet.example.com/';

describe('notification messages', () => {
  it('say each event in one line, with the console page it is about', () => {
    expect(messageOf(notice('budget_reached', { runId: 'r1', budgetUsd: '50' }), url)).toEqual({ text: 'run r1 reached its budget of $50: model-backed tasks wait (fleet budget r1 --raise USD)', url: 'https://fleet.example.com/runs/r1', tone: 'wait' });
    expect(messageOf(notice('provider_paused', { provider: 'groq', until: '1700000600000', reason: '429 rate limit' }), null)).toEqual({ text: 'provider groq paused until 2023-11-14T22:23:20.000Z: 429 rate limit', url: null, tone: 'wait' });
    expect(messageOf(notice('host_down', { host: 'majin' }), url).url).toBe('https://fleet.example.com/hosts');
    expect(messageOf(notice('approval_needed', { runId: 'r1', taskId: 'ship', reason: 'Ship?', until: '1700000600000', branch: 'fleet/r1/ship' }), url, { runName: 'release' }).text).toBe(
      'task ship of run r1 (release) awaits approval: Ship? · branch fleet/r1/ship · decided by its timeout at 2023-11-14T22:23:20.000Z · fleet approve r1 ship (or fleet reject)',
    );
  });

  it('are shaped for slack, discord and json; slack text is escaped, discord pings nobody', () => {
    const n = notice('task_failed', { runId: 'r1', taskId: 'a', kind: 'exit_code', message: 'x < y & @everyone\nsecond line' });
    const m = messageOf(n, url);
    expect(payload('slack', n, m)).toEqual({ text: '❌ task a of run r1 failed (exit_code): x &lt; y &amp; @everyone <https://fleet.example.com/runs/r1/tasks/a|open in the console>' });
    expect(payload('discord', n, m)).toEqual({ content: '❌ task a of run r1 failed (exit_code): x < y & @everyone\nhttps://fleet.example.com/runs/r1/tasks/a', allowed_mentions: { parse: [] } });
    expect(payload('json', n, m)).toEqual({ id: '1700000000000-0', type: 'task_failed', at: '2023-11-14T22:13:20.000Z', runId: 'r1', taskId: 'a', kind: 'exit_code', message: 'x < y & @everyone\nsecond line', text: m.text, url: m.url });
  });

  it('run_failed takes the run_finished notices of failed runs only', () => {
    const spec = (events: ('run_finished' | 'run_failed' | 'host_down')[]) => ({ urlEnv: 'X', format: 'json' as const, events });
    expect(matches(spec(['run_failed']), notice('run_finished', { status: 'failed' }))).toBe(true);
    expect(matches(spec(['run_failed']), notice('run_finished', { status: 'succeeded' }))).toBe(false);
    expect(matches(spec(['run_finished']), notice('run_finished', { status: 'cancelled' }))).toBe(true);
    expect(matches(spec(['host_down']), notice('task_failed', {}))).toBe(false);
  });
});

// What the agent CLIs say about rate and usage limits, read into reset times: codex's error
// messages (its own retries of a 429, a subscription usage limit "try again at 4:45 PM"),
// Claude Code's api_retry and rate_limit_event lines.
import { describe, expect, it } from 'vitest';
import { CooldownRegistry, codexLimit, createAgent, MemoryProviderPauses, watchClaudeLimits, type ClaudeLimits } from '@agentfleet/agents';
import { removeDir, tempDir } from '@agentfleet/testkit';
import { config, FAKE_CLAUDE, provider, request, stream } from './helpers.js';

describe('codex limits', () => {
  const now = new Date(2026, 11, 1, 16, 44, 30).getTime(); // local time, as codex prints it

  it('a 429 with a reset in its message pauses until then; without one, for the default 30 s', () => {
    expect(codexLimit('exceeded retry limit, last status: 429 Too Many Requests, request id: abc. Rate limit reached; please try again in 20s.', now)).toEqual({ kind: 'rate_limit', until: now + 20_000, reported: true });
    expect(codexLimit('Reconnecting... 1/5 (exceeded retry limit, last status: 429 Too Many Requests)', now)).toEqual({ kind: 'rate_limit', until: now + 30_000, reported: false });
    expect(codexLimit('stream error: try again in 1.5 minutes (rate limit)', now)!.until).toBe(now + 90_000);
    expect(codexLimit('unexpected status 400 Bad Request', now)).toBeUndefined();
  });

  it("a usage limit's 'try again at' is the next such local time; within its minute it is the minute's end; with a date, that day", () => {
    const at = (h: number, m: number, day = 1) => new Date(2026, 11, day, h, m, 0).getTime();
    const msg = (when: string) => `You’ve hit your usage limit. Upgrade to Pro (https://chatgpt.com/explore/pro), visit https://chatgpt.com/settings/usage to purchase more credits or try again at ${when}.`;
    expect(codexLimit(msg('5:10 PM'), now)).toEqual({ kind: 'usage_limit', until: at(17, 10), reported: true });
    expect(codexLimit(msg('4:44 PM'), now)!.until).toBe(at(16, 45)); // "now", at minute precision
    expect(codexLimit(msg('9:05 AM'), now)!.until).toBe(at(9, 5, 2)); // tomorrow morning
    expect(codexLimit(msg('12:30 AM on Dec 4'), now)!.until).toBe(at(0, 30, 4));
    // codex's own form for a reset on another day (real codex 0.x prints it past midnight)
    expect(codexLimit(msg('Dec 2nd, 2026 12:14 AM'), now)).toEqual({ kind: 'usage_limit', until: at(0, 14, 2), reported: true });
    expect(codexLimit(msg('Jan 1st, 2027 9:00 PM'), now)!.until).toBe(new Date(2027, 0, 1, 21, 0, 0).getTime());
    expect(codexLimit("You've hit your usage limit. Try again at 5:10 PM.", now)!.until).toBe(at(17, 10));
    expect(codexLimit("You've hit your usage limit. Try again in 2 hours 5 minutes.", now)!.until).toBe(now + 2 * 3_600_000 + 5 * 60_000);
    expect(codexLimit("You've hit your usage limit.", now)).toEqual({ kind: 'usage_limit', until: now + 15 * 60_000, reported: false });
  });
});

describe('claude limits', () => {
  it("reads the delay of claude's own 429 retries (not its backoff for other errors) and a rejected usage limit", () => {
    const limits: ClaudeLimits = {};
    const now = 1_000_000;
    expect(watchClaudeLimits('{"type":"system","subtype":"api_retry","attempt":1,"retry_delay_ms":5000,"error_status":429,"error":"rate_limit"}', limits, now)).toBe('retry');
    expect(limits.retryUntil).toBe(now + 5000);
    expect(watchClaudeLimits('{"type":"system","subtype":"api_retry","attempt":2,"retry_delay_ms":900,"error_status":529}', limits, now)).toBeUndefined();
    expect(watchClaudeLimits('{"type":"rate_limit_event","rate_limit_info":{"status":"allowed_warning","resetsAt":1796143468}}', limits, now)).toBeUndefined();
    expect(watchClaudeLimits('{"type":"rate_limit_event","rate_limit_info":{"status":"rejected","resetsAt":1796143468,"rateLimitType":"seven_day"}}', limits, now)).toBe('usage_limit');
    expect(limits.usageLimit).toEqual({ until: 1796143468_000, window: 'seven_day' });
    expect(watchClaudeLimits('not json api_retry', limits, now)).toBeUndefined();
  });

  it('while claude retries a 429 itself, the rest of the fleet holds off for the delay the provider gave', async () => {
    const dir = tempDir('agents-claude-retry');
    try {
      const pauses = new MemoryProviderPauses();
      const env = { ...process.env, AGENTFLEET_CLAUDE_BIN: FAKE_CLAUDE, FAKE_CLI_STREAM: stream('claude-api-retry.jsonl'), HOME: dir, GW_KEY: 'k' };
      const cfg = config({ providers: [provider('gw', 'http://127.0.0.1:9', { api: 'anthropic', apiKeyEnv: 'GW_KEY' })] });
      const started = Date.now();
      const h = request({ workdir: dir, sandboxed: true, pauses, env, config: cfg, task: { agent: 'claude', prompt: 'x' } });
      const result = await createAgent('claude', { cooldowns: new CooldownRegistry() }).run(h.req);
      expect(result).toMatchObject({ exit: 0, provider: 'gw', summary: 'done' });
      const until = await pauses.pausedUntil('gw');
      expect(until).toBeGreaterThanOrEqual(started + 5000);
      expect(until).toBeLessThanOrEqual(Date.now() + 5000);
    } finally {
      removeDir(dir);
    }
  });
});

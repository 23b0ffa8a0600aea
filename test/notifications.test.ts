// Notifications as a user sets them up: notify: in fleet.yaml, the webhook URLs in the shell,
// the local fleet started by `fleet run` (and stopped by `fleet down` between two events), a
// second daemon with the same settings, real HTTP receivers in each format and one that is
// down. Each event reaches each receiver once; the URLs never reach Redis or the logs.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { FleetStore } from '@agentfleet/store';
import { dropStore, ensureBuilt, FAST_DAEMON_ENV, filesContaining, freePort, redisDump, requireBinaries, TestHostd, testStore, UserCli, waitFor, WebhookReceiver, type ReceivedHook } from '@agentfleet/testkit';

const ok = requireBinaries('redis-server', 'git');
let store: FleetStore;
let user: UserCli;
let receiver: WebhookReceiver;
let urls: Record<string, string>;
let second: TestHostd | undefined;

const NOTIFY = `notify:
  - { urlEnv: SLACK_URL, format: slack, events: [run_finished, task_failed, approval_needed, host_down] }
  - { urlEnv: DISCORD_URL, format: discord, events: [run_finished, task_failed, approval_needed, host_down] }
  - { urlEnv: JSON_URL, format: json, events: [run_failed, approval_needed, host_down] }
  - { urlEnv: DOWN_URL, format: json, events: [run_finished, task_failed] }
monitor: { publicUrl: "https://fleet.example.com/console" }
`;

beforeAll(async () => {
  if (!ok) return;
  await ensureBuilt();
  receiver = await WebhookReceiver.start();
  urls = {
    SLACK_URL: `${receiver.url}/slack/T0/SECRET-TOKEN-1`,
    DISCORD_URL: `${receiver.url}/discord/SECRET-TOKEN-2`,
    JSON_URL: `${receiver.url}/json/SECRET-TOKEN-3`,
    DOWN_URL: `http://127.0.0.1:${await freePort()}/hook/SECRET-TOKEN-4`,
  };
  store = testStore('notify', inject('redisUrl'));
  user = UserCli.create({ redisUrl: inject('redisUrl'), prefix: store.prefix, config: NOTIFY, env: { ...FAST_DAEMON_ENV, ...urls, AGENTFLEET_SLOTS: '2', AGENTFLEET_HEARTBEAT_TTL_MS: '3000' } });
}, 300_000);

afterAll(async () => {
  if (!ok) return;
  await user.run(['down']);
  await second?.stopAndCleanup(10_000);
  await receiver.close();
  await dropStore(store);
  user.cleanup();
});

const texts = (hooks: ReceivedHook[], key: 'text' | 'content') => hooks.map((h) => (h.body as Record<string, string>)[key]);

async function runWatched(name: string, text: string): Promise<string> {
  const res = await user.run(['run', user.file(name, text), '--watch', '--json']);
  return (JSON.parse(res.stdout) as { runId: string }).runId;
}

describe.runIf(ok)('notifications', () => {
  it('reach each receiver once per event, in its format, across a daemon restart; a receiver that is down delays nothing else', async () => {
    const first = await runWatched('ok.yaml', 'name: fine\ndefaults: { agent: shell }\ntasks:\n  - { id: a, run: "true" }\n');
    await waitFor('the first run to reach slack and discord', () => receiver.on('/slack').length === 1 && receiver.on('/discord').length === 1, 30_000);
    expect(texts(receiver.on('/slack'), 'text')).toEqual([`✅ run ${first} (fine) succeeded <https://fleet.example.com/console/runs/${first}|open in the console>`]);
    expect(receiver.on('/discord')[0]!.body).toEqual({ content: `✅ run ${first} (fine) succeeded\nhttps://fleet.example.com/console/runs/${first}`, allowed_mentions: { parse: [] } });
    expect(receiver.on('/json')).toEqual([]); // it asked for run_failed only

    expect((await user.run(['down'])).code).toBe(0); // the daemon that sends stops between two events
    const failed = await runWatched('fail.yaml', 'name: broken\ndefaults: { agent: shell, retries: 0 }\ntasks:\n  - { id: t, run: "echo boom >&2; exit 2" }\n');
    await waitFor('the failed run to reach every receiver', () => receiver.on('/slack').length === 3 && receiver.on('/discord').length === 3 && receiver.on('/json').length === 1, 30_000);
    expect(texts(receiver.on('/slack'), 'text').slice(1)).toEqual([
      `❌ task t of run ${failed} (broken) failed (exit_code): exit code 2: boom <https://fleet.example.com/console/runs/${failed}/tasks/t|open in the console>`,
      `❌ run ${failed} (broken) failed <https://fleet.example.com/console/runs/${failed}|open in the console>`,
    ]);
    expect(receiver.on('/json')[0]!.body).toMatchObject({ type: 'run_finished', runId: failed, status: 'failed', text: `run ${failed} (broken) failed`, url: `https://fleet.example.com/console/runs/${failed}` });
    // the receiver that is down is still retrying the first run's notice: the others did not wait for it
    const failedNotice = (await store.notices.after('0')).find((n) => n.type === 'task_failed' && n.fields.runId === failed)!;
    const stuck = await store.notices.cursor('DOWN_URL:json');
    expect(stuck === null || stuck < failedNotice.id).toBe(true);
  });

  it('approval_needed and host_down are sent once although two daemons could send them', async () => {
    second = new TestHostd({ redisUrl: inject('redisUrl'), prefix: store.prefix, host: 'h2', slots: 1, env: { ...urls, AGENTFLEET_NOTIFY: JSON.stringify([{ urlEnv: 'SLACK_URL', format: 'slack', events: ['run_finished', 'task_failed', 'approval_needed', 'host_down'] }]) } });
    await waitFor('h2 to be up', async () => (await store.hosts.list()).some((h) => h.name === 'h2' && h.up), 30_000);
    const gated = await user.ok(['run', user.file('gate.yaml', 'name: gated\ntasks:\n  - { id: ship, agent: approval, approval: { prompt: "Ship it?" } }\n'), '--json']);
    const runId = (JSON.parse(gated) as { runId: string }).runId;
    await waitFor('approval_needed to reach every receiver', () => receiver.on('/slack').length === 4 && receiver.on('/json').length === 2, 30_000);
    expect(texts(receiver.on('/slack'), 'text')[3]).toBe(`⏸️ task ship of run ${runId} (gated) awaits approval: Ship it? · fleet approve ${runId} ship (or fleet reject) <https://fleet.example.com/console/runs/${runId}/tasks/ship|open in the console>`);
    await second.kill('SIGKILL');
    await waitFor('host_down to reach every receiver', () => receiver.on('/slack').length === 5 && receiver.on('/discord').length === 5 && receiver.on('/json').length === 3, 30_000);
    expect(receiver.on('/json')[2]!.body).toMatchObject({ type: 'host_down', host: 'h2', url: 'https://fleet.example.com/console/hosts' });
    await user.ok(['reject', runId, 'ship']);
    await waitFor('the rejection to reach slack', () => receiver.on('/slack').length === 7, 30_000);
    await new Promise((r) => setTimeout(r, 3000)); // nothing more comes
    const slack = texts(receiver.on('/slack'), 'text');
    expect(slack).toHaveLength(7);
    expect(new Set(slack).size).toBe(7);
    expect(receiver.on('/discord')).toHaveLength(7);
    expect(receiver.on('/json')).toHaveLength(4);
  });

  it('the webhook URLs are never in Redis or the logs', async () => {
    expect(await redisDump(inject('redisUrl'))).not.toContain('SECRET-TOKEN');
    expect(filesContaining(join(user.home, 'logs'), 'notification sent').length).toBeGreaterThan(0);
    expect(filesContaining(user.home, 'SECRET-TOKEN')).toEqual([]);
    expect(second!.log).not.toContain('SECRET-TOKEN');
  });
});

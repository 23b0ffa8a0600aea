// The remote fleet end to end: the `fleet` binary drives real sshd "hosts" (scripts/test-hosts:
// local unix users behind their own sshd), real host daemons and workers, a real Redis.
// deploy/up/down/logs/scale/drain, a SIGKILLed host, a changed host key, a forwarded secret,
// and (root) a host cut off by a network-namespace partition that later rejoins.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { defaultSlots } from '@agentfleet/core';
import { createRedis, FleetStore, type HostStatus } from '@agentfleet/store';
import {
  canRunTestHosts,
  cliBin,
  ensureBuilt,
  filesContaining,
  redisDump,
  FAST_DAEMON_ENV as TUNING,
  FAST_HEARTBEAT_TTL_MS as HEARTBEAT_TTL_MS,
  isRoot,
  pidsWithArg,
  removeDir,
  requireBinaries,
  runEnded,
  startNetnsHosts,
  startTestHosts,
  tempDir,
  TestRedis,
  UserCli as Cli,
  waitFor,
  type NetnsHosts,
  type TestHosts,
} from '@agentfleet/testkit';

const enabled = canRunTestHosts() && requireBinaries('redis-server', 'git', 'ssh-keygen');

function writePlan(dir: string, name: string, tasks: Record<string, unknown>[], defaults: Record<string, unknown> = {}): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ name, defaults: { agent: 'shell', estimate: '2s', retries: 2, ...defaults }, tasks }));
  return file;
}

const sleepers = (prefix: string, n: number, seconds: number, extra: Record<string, unknown> = {}) =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${String(i + 1).padStart(2, '0')}`, run: `sleep ${seconds}`, ...extra }));

const finished = (store: FleetStore, runId: string, timeoutMs = 90_000) => runEnded(store, runId, timeoutMs, 250);

async function hostStatus(store: FleetStore, name: string): Promise<HostStatus | undefined> {
  return (await store.hosts.list()).find((h) => h.name === name);
}

/** Live (not zombie) processes of a unix user: pid and command line. */
function psUser(user: string): { pid: number; args: string }[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-u', user, '-o', 'pid=,stat=,args='], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when the user has no process
  }
  return out
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null && !m[2]!.startsWith('Z'))
    .map((m) => ({ pid: Number(m[1]), args: m[3]! }));
}

/** Memory as the probe sees it: MemTotal, or the cgroup limit when lower. */
function probedMemory(): number {
  const total = Number(/^MemTotal:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))![1]) * 1024;
  let limit = NaN;
  try {
    limit = Number(readFileSync('/sys/fs/cgroup/memory.max', 'utf8').trim());
  } catch {
    // no cgroup v2 limit
  }
  return Number.isFinite(limit) && limit > 0 && limit < total ? limit : total;
}

function homeOf(user: string): string {
  return execFileSync('getent', ['passwd', user], { encoding: 'utf8' }).split(':')[5]!;
}

const startedPid = (out: string, host: string) => Number(new RegExp(`^${host}: started \\(pid (\\d+)`, 'm').exec(out)?.[1]);

describe.runIf(enabled)('remote fleet over real sshd hosts: mugen (12 slots) and majin (6)', () => {
  const secret = randomBytes(20).toString('hex');
  const prefix = `fe2e-${process.pid}`;
  let th: TestHosts;
  let dir: string;
  let cli: Cli;
  let store: FleetStore;
  let homes: string[] = [];
  const pids: Record<string, number> = {};

  beforeAll(async () => {
    await ensureBuilt();
    th = await startTestHosts({ n: 2, firstIp: 70, userPrefix: 'afe2e', names: ['mugen', 'majin'] });
    dir = tempDir('fleet-e2e');
    homes = th.users.map(homeOf);
    removeDir(join(homes[1]!, 'fleet-home')); // left by an aborted run
    const [mugen, majin] = th.hosts;
    const config = {
      redis: { url: inject('redisUrl'), prefix },
      heartbeatTtlMs: HEARTBEAT_TTL_MS,
      hosts: [
        { ...mugen, slots: 12, labels: ['big'], env: ['MY_SECRET'], daemonEnv: TUNING },
        // majin keeps its agentfleet home elsewhere (workdir, relative to the login directory).
        { ...majin, slots: 6, labels: ['small'], env: ['MY_SECRET'], daemonEnv: TUNING, workdir: 'fleet-home' },
      ],
    };
    writeFileSync(join(dir, 'fleet.yaml'), JSON.stringify(config, null, 2));
    mkdirSync(join(dir, 'home'));
    cli = new Cli(join(dir, 'fleet.yaml'), join(dir, 'home'), { MY_SECRET: secret });
    store = new FleetStore(createRedis(inject('redisUrl')), prefix);
  }, 300_000);

  afterAll(async () => {
    if (cli) await cli.run(['down', '--timeout', '5', '--kill']).catch(() => undefined);
    await store?.close();
    // test-hosts cleans only ~/.agentfleet; this goes while the users are still locked for this run.
    if (homes[1]) removeDir(join(homes[1], 'fleet-home'));
    await th?.down();
    if (dir) removeDir(dir);
  }, 120_000);

  /** The secret is in no command line, no Redis key and no file under the hosts' homes, the CLI's home or the sshd dirs. */
  async function expectSecretNowhere(): Promise<void> {
    expect(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })).not.toContain(secret);
    expect((await redisDump(inject('redisUrl'))).includes(secret)).toBe(false);
    for (const d of [...homes, cli.home, th.dir]) expect(filesContaining(d, secret), d).toEqual([]);
  }

  it('deploy probes the hosts and uploads the bundle once; a second deploy skips them', async () => {
    const first = await cli.ok(['deploy']);
    expect(first).toMatch(/^mugen: release [0-9a-f]{20} uploaded to \/home\/afe2e1\/\.agentfleet\/releases\/[0-9a-f]{20} \(node v\d+\.\d+\.\d+ at \/\S+, git \d/m);
    expect(first).toMatch(/^majin: release [0-9a-f]{20} uploaded to \/home\/afe2e2\/fleet-home\/releases\//m);
    const second = await cli.ok(['deploy']);
    expect(second).toMatch(/^mugen: release [0-9a-f]{20} already there$/m);
    expect(second).toMatch(/^majin: release [0-9a-f]{20} already there$/m);
    expect(existsSync(join(homes[0]!, '.agentfleet/releases/current/hostd.js'))).toBe(true);
    expect(existsSync(join(homes[1]!, 'fleet-home/releases/current/hostd.js'))).toBe(true);
  });

  it('up refuses a forwarded variable that is not set, naming it, and starts nothing', async () => {
    const r = await cli.run(['up'], { env: { MY_SECRET: undefined } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("host 'mugen' forwards MY_SECRET");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    for (const u of th.users) expect(psUser(u).filter((p) => p.args.includes('hostd'))).toEqual([]);
  });

  it('up refuses a host file whose from is missing on that host, naming host and path, and starts nothing there', async () => {
    const config = JSON.parse(readFileSync(cli.config, 'utf8')) as { hosts: Record<string, unknown>[] };
    config.hosts[0]!.files = [{ from: '~/.config/app/.env', to: '.env' }];
    const withFiles = join(dir, 'fleet-files.yaml');
    writeFileSync(withFiles, JSON.stringify(config));
    const r = await cli.run(['up', 'mugen'], { config: withFiles });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim()).toBe("host 'mugen': files in fleet.yaml: ~/.config/app/.env (to .env) does not exist on mugen; its daemon was not started");
    for (const u of th.users) expect(psUser(u).filter((p) => p.args.includes('hostd'))).toEqual([]);
  });

  it('up starts both daemons detached: they keep their heartbeat after the CLI and its SSH sessions are gone; a second up starts nothing', async () => {
    const out = await cli.ok(['up']);
    pids.mugen = startedPid(out, 'mugen');
    pids.majin = startedPid(out, 'majin');
    expect(readFileSync(join(homes[1]!, 'fleet-home/hostd.pid'), 'utf8').trim()).toBe(String(pids.majin));
    expect(out).toMatch(/^mugen: started \(pid \d+, 12 slots\)$/m);
    expect(out).toMatch(/^majin: started \(pid \d+, 6 slots\)$/m);

    const hosts = await cli.hosts();
    expect(hosts.map((h) => [h.name, h.up, h.slots.desired, h.labels])).toEqual([['majin', true, 6, ['small']], ['mugen', true, 12, ['big']]]);
    for (const k of ['name', 'up', 'slots', 'cpu', 'memory', 'load1', 'diskFree', 'version', 'heartbeatAgeMs', 'labels']) expect(hosts[0]).toHaveProperty(k);
    expect(hosts[0]!.version).toMatch(/^\d+\.\d+\.\d+\+[0-9a-f]{12}$/);

    // The CLI exited (its SSH sessions closed) a while ago: heartbeats still arrive.
    await new Promise((r) => setTimeout(r, 2 * HEARTBEAT_TTL_MS));
    for (const name of ['mugen', 'majin']) {
      const h = await hostStatus(store, name);
      expect(h?.up, name).toBe(true);
      expect(h!.heartbeatAgeMs!).toBeLessThan(HEARTBEAT_TTL_MS);
      expect(readFileSync(`/proc/${pids[name]}/cmdline`, 'utf8')).toContain('hostd.js');
    }
    await waitFor('18 workers idle', async () => (await store.hosts.list()).reduce((n, h) => n + h.slots.idle, 0) === 18, 60_000, 250);

    const again = await cli.ok(['up']);
    expect(again).toContain(`mugen: already running (pid ${pids.mugen})`);
    expect(again).toContain(`majin: already running (pid ${pids.majin})`);
    for (const [i, u] of th.users.entries()) expect(psUser(u).filter((p) => /hostd\.js/.test(p.args)).map((p) => p.pid), u).toEqual([pids[i === 0 ? 'mugen' : 'majin']]);
  }, 120_000);

  it('both hosts sandbox as their own users: their heartbeats say so, and fleet doctor tries bubblewrap on each over SSH', async () => {
    for (const h of await cli.hosts()) expect(h.sandbox, h.name).toMatchObject({ mode: 'bwrap', ok: true, version: expect.stringMatching(/^bubblewrap /) });
    const doctor = await cli.run(['doctor', '--json']);
    const checks = (JSON.parse(doctor.stdout) as { checks: { name: string; status: string; detail: string }[] }).checks;
    for (const name of ['mugen', 'majin']) {
      expect(checks.find((c) => c.name === `sandbox ${name}`), doctor.stdout).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^bubblewrap \d+\.\d+\.\d+: user, pid, network/) });
    }
  }, 60_000);

  it('an 18-task fan-out (the shape of examples/fanout.yaml) runs across both hosts', async () => {
    // examples/fanout.yaml itself needs a repository (its parts write into a folder made by
    // `setup`, and `gather` reads the merged results); this plan has its shape without one.
    const parts = Array.from({ length: 16 }, (_, i) => `part-${String(i + 1).padStart(2, '0')}`);
    const plan = writePlan(dir, 'fanout', [
      { id: 'setup', run: 'true' },
      // Parts take a moment, so that 16 at once need more than mugen's 12 slots.
      ...parts.map((id) => ({ id, deps: ['setup'], run: `sleep 2 && echo ${id} > ${id}.txt` })),
      { id: 'gather', deps: parts, run: 'true' },
    ]);
    const res = await cli.run(['run', plan, '--watch']);
    expect(res.code, res.stderr).toBe(0);
    const report = await cli.report(res.stdout.trim().split('\n').at(-1)!);
    expect(report.totals).toMatchObject({ tasks: 18, succeeded: 18 });
    expect(new Set(report.tasks.map((t) => t.host))).toEqual(new Set(['mugen', 'majin']));
  }, 120_000);

  it('a task that names the forwarded secret (env:) gets it in its sandbox, one that does not gets none; it is in no command line, Redis key or log', async () => {
    const check = `test "\${#MY_SECRET}" = ${secret.length} && echo "secret has \${#MY_SECRET} characters"`;
    const plan = writePlan(dir, 'secret', [
      { id: 'on-mugen', run: check, labels: ['big'] },
      { id: 'on-majin', run: check, labels: ['small'] },
      { id: 'unnamed', run: 'test -z "$MY_SECRET"', labels: ['small'], env: [] },
    ], { retries: 0, env: ['MY_SECRET'] });
    const res = await cli.run(['run', plan, '--watch']);
    expect(res.code, res.stderr).toBe(0);
    const report = await cli.report(res.stdout.trim().split('\n').at(-1)!);
    expect(report.tasks.map((t) => [t.id, t.status, t.host]).sort()).toEqual([['on-majin', 'succeeded', 'majin'], ['on-mugen', 'succeeded', 'mugen'], ['unnamed', 'succeeded', 'majin']]);
    // the test hosts' daemons run as their own unix users: the sandbox is an unprivileged user namespace there
    const json = JSON.parse(await cli.ok(['report', res.stdout.trim().split('\n').at(-1)!, '--format', 'json'])) as { tasks: { id: string; history: { sandbox: string; env: string[] }[] }[] };
    expect(Object.fromEntries(json.tasks.map((t) => [t.id, [t.history[0]!.sandbox, t.history[0]!.env]]))).toEqual({ 'on-mugen': ['bwrap', ['MY_SECRET']], 'on-majin': ['bwrap', ['MY_SECRET']], unnamed: ['bwrap', []] });
    await expectSecretNowhere();
  }, 120_000);

  it('scale down and back up during a run: no task is killed, the run completes', async () => {
    // Enough work that the run still goes on once the surplus workers have retired.
    const runId = await cli.submit(writePlan(dir, 'scale', sleepers('s', 60, 2)));
    await waitFor('both hosts busy', async () => (await hostStatus(store, 'mugen'))!.slots.busy >= 4 && (await hostStatus(store, 'majin'))!.slots.busy >= 2, 30_000, 100);
    expect(await cli.ok(['scale', 'mugen=2', 'majin=1'])).toBe('mugen: 2 slots\nmajin: 1 slots\n'); // one line per pair, in order
    // Surplus workers retire after their current task.
    await waitFor('workers to shrink to 2 + 1', async () => {
      const [mugen, majin] = [await hostStatus(store, 'mugen'), await hostStatus(store, 'majin')];
      return mugen!.workers.length <= 2 && majin!.workers.length <= 1 && mugen!.slots.desired === 2;
    }, 30_000, 100);
    expect((await store.read.get(runId)).status).toBe('running');
    await cli.ok(['scale', 'mugen=12', 'majin=6']);
    expect(await finished(store, runId)).toBe('succeeded');
    const report = await cli.report(runId);
    expect(report.tasks.filter((t) => t.status !== 'succeeded' || t.attempts !== 1)).toEqual([]);
    await waitFor('18 workers again', async () => (await store.hosts.list()).reduce((n, h) => n + h.workers.length, 0) === 18, 60_000, 250);
  }, 180_000);

  it('drain: the host finishes its running tasks and takes no new ones', async () => {
    const runId = await cli.submit(writePlan(dir, 'drain', sleepers('d', 72, 3)));
    await waitFor('majin busy', async () => (await hostStatus(store, 'majin'))!.slots.busy >= 2, 30_000, 100);
    try {
      expect(await cli.ok(['drain', 'majin'])).toContain('majin: draining');
      const drainedAt = Date.now();
      expect(await finished(store, runId)).toBe('succeeded');
      const report = await cli.report(runId);
      expect(report.tasks.filter((t) => t.status !== 'succeeded' || t.attempts !== 1)).toEqual([]);
      expect(report.tasks.filter((t) => t.host === 'majin').length).toBeGreaterThanOrEqual(2);
      // Everything started after the drain (a second of slack for a job fetched while the
      // message travelled) ran on mugen; 72 three-second tasks on 18 slots leave some for later.
      const later = report.tasks.filter((t) => Date.parse(t.startedAt!) > drainedAt + 1000);
      expect(later.length).toBeGreaterThan(0);
      expect(later.filter((t) => t.host !== 'mugen')).toEqual([]);
      const majin = (await cli.hosts()).find((h) => h.name === 'majin')!;
      expect(majin).toMatchObject({ up: true, draining: true, slots: { busy: 0, idle: 0 } });
    } finally {
      await cli.ok(['drain', 'majin', '--undo']);
    }
    await waitFor('majin to take work again', async () => (await hostStatus(store, 'majin'))!.slots.idle === 6, 30_000, 250);
  }, 180_000);

  it('a SIGKILLed host daemon and its workers: their tasks run again on the other host', async () => {
    const runId = await cli.submit(writePlan(dir, 'kill', sleepers('k', 30, 3)));
    const running = await waitFor('majin running two tasks', async () => {
      const ids = (await hostStatus(store, 'majin'))!.workers.filter((w) => w.state === 'busy' && w.runId === runId).map((w) => w.taskId!);
      return ids.length >= 2 ? ids : undefined;
    }, 30_000, 100);
    // The host "dies": every process of its user, one pid at a time.
    for (const p of psUser(th.users[1]!)) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    expect(await finished(store, runId)).toBe('succeeded');
    const report = await cli.report(runId);
    for (const id of running) {
      const t = report.tasks.find((x) => x.id === id)!;
      expect({ id, host: t.host, status: t.status, retried: t.attempts >= 2 }).toEqual({ id, host: 'mugen', status: 'succeeded', retried: true });
    }
    expect((await hostStatus(store, 'majin'))!.up).toBe(false);

    // It comes back with `fleet up` (the stale pid file is no obstacle).
    const out = await cli.ok(['up', 'majin']);
    pids.majin = startedPid(out, 'majin');
    expect(pids.majin).toBeGreaterThan(0);
    expect((await hostStatus(store, 'majin'))!.up).toBe(true);
  }, 180_000);

  it('logs: the daemon log, a worker log, and -f follows until Ctrl-C without leaving anything on the host', async () => {
    expect(await cli.ok(['logs', 'mugen', '-n', '5'])).toMatch(/"name":"hostd"/);
    expect(await cli.ok(['logs', 'majin', '-n', '5'])).toMatch(/"host":"majin"/); // from its workdir
    expect(await cli.ok(['logs', 'mugen', '--worker', '0', '-n', '1000'])).toContain('worker ready');
    const missing = await cli.run(['logs', 'mugen', '--worker', '99']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/worker-99\.log on mugen/);

    const env: Record<string, string | undefined> = { ...process.env, REDIS_URL: undefined, AGENTFLEET_HOME: cli.home };
    delete env.REDIS_URL;
    const follow = spawn(process.execPath, [cliBin, '--config', cli.config, 'logs', 'mugen', '-f', '-n', '0'], { env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    follow.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((r) => follow.once('close', r));
    await waitFor('tail to run on mugen', () => psUser(th.users[0]!).some((p) => p.args.startsWith('tail ')), 15_000, 100);
    await cli.ok(['scale', 'mugen=11']); // the daemon logs the change
    await waitFor('the new log line', () => out.includes('worker slots changed'), 15_000, 100);
    follow.kill('SIGINT');
    expect(await exited).toBe(0);
    await waitFor('tail to be gone from mugen', () => !psUser(th.users[0]!).some((p) => p.args.startsWith('tail ')), 10_000, 100);
    await cli.ok(['scale', 'mugen=12']);
  }, 120_000);

  it('a changed host key is refused with its fingerprint, even with --accept-new', async () => {
    const fake = join(dir, 'other_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', fake]);
    const [mugen] = th.hosts;
    const addr = /@([^:]+):(\d+)$/.exec(mugen!.ssh!)!;
    const knownHosts = join(dir, 'known_hosts_changed');
    writeFileSync(knownHosts, `[${addr[1]}]:${addr[2]} ${readFileSync(`${fake}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`);
    const config = join(dir, 'fleet-changed.yaml');
    writeFileSync(config, JSON.stringify({ redis: { url: inject('redisUrl'), prefix }, hosts: [{ ...mugen, knownHosts, env: [] }] }));
    const realFp = execFileSync('ssh-keygen', ['-lf', join(th.dir, 'hosts/mugen/ssh_host_ed25519_key.pub')], { encoding: 'utf8' }).split(' ')[1]!;
    expect(realFp).toMatch(/^SHA256:/);
    for (const args of [['up'], ['deploy', '--accept-new'], ['logs', 'mugen']]) {
      const r = await cli.run(args, { config });
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/^fleet: HOST KEY CHANGED for mugen/);
      expect(r.stderr).toContain(realFp);
      expect(r.stderr.match(/^fleet:/gm)).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    }
    expect(readFileSync(knownHosts, 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('down stops both daemons (they drain first); a second down finds nothing; the secret never leaked', async () => {
    const out = await cli.ok(['down']);
    expect(out).toMatch(/^mugen: stopped \(pid \d+; running tasks finished first\)$/m);
    expect(out).toContain(`majin: stopped (pid ${pids.majin};`);
    expect((await cli.hosts()).map((h) => [h.name, h.up])).toEqual([['majin', false], ['mugen', false]]);
    for (const u of th.users) expect(psUser(u).filter((p) => /hostd|worker-process/.test(p.args)), u).toEqual([]);
    expect((await cli.ok(['down'])).split('\n').filter(Boolean).sort()).toEqual(['majin: not running', 'mugen: not running']);
    await expectSecretNowhere();
  }, 120_000);
});

describe.runIf(enabled && isRoot)('a host cut off by a network partition', () => {
  const prefix = `fe2e-net-${process.pid}`;
  let shore: TestHosts;
  let isle: NetnsHosts;
  let redis: TestRedis;
  let dir: string;
  let cli: Cli;
  let store: FleetStore;

  beforeAll(async () => {
    await ensureBuilt();
    [shore, isle] = await Promise.all([
      startTestHosts({ n: 1, firstIp: 75, userPrefix: 'afshore', names: ['shore'] }),
      startNetnsHosts({ n: 1, firstOctet: 205, userPrefix: 'afisle', names: ['isle'] }),
    ]);
    // The island reaches this machine only at its link address: this Redis listens there too.
    redis = await TestRedis.start(['--bind', '127.0.0.1', isle.machineAddress.isle!, '--protected-mode', 'no']);
    dir = tempDir('fleet-e2e-net');
    const config = {
      redis: { url: redis.url, prefix },
      heartbeatTtlMs: HEARTBEAT_TTL_MS,
      hosts: [
        { ...shore.hosts[0]!, slots: 2, daemonEnv: TUNING },
        // No slots: the daemon's default comes from the probe (cores, memory).
        { ...isle.hosts[0]!, redisUrl: `redis://${isle.machineAddress.isle}:${redis.port}`, daemonEnv: TUNING },
      ],
    };
    writeFileSync(join(dir, 'fleet.yaml'), JSON.stringify(config, null, 2));
    mkdirSync(join(dir, 'home'));
    cli = new Cli(join(dir, 'fleet.yaml'), join(dir, 'home'));
    store = new FleetStore(createRedis(redis.url), prefix);
  }, 300_000);

  afterAll(async () => {
    await isle?.restore('isle').catch(() => undefined);
    if (cli) await cli.run(['down', '--timeout', '5', '--kill']).catch(() => undefined);
    await store?.close();
    await Promise.all([shore?.down(), isle?.down()]);
    await redis?.stop();
    if (dir) removeDir(dir);
  }, 120_000);

  it('is down while cut off longer than the heartbeat TTL, its tasks run elsewhere, and it rejoins and takes work when the link returns', async () => {
    const up = await cli.ok(['up']);
    expect(up).toMatch(/^shore: started/m);
    expect(up).toMatch(/^isle: started/m);
    const cores = Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
    const isleSlots = defaultSlots(cores, probedMemory());
    await waitFor('isle workers idle', async () => (await hostStatus(store, 'isle'))?.slots.idle === isleSlots, 30_000, 200);
    expect((await cli.hosts()).map((h) => [h.name, h.up, h.slots.desired])).toEqual([['isle', true, isleSlots], ['shore', true, 2]]);

    const runId = await cli.submit(writePlan(dir, 'partition', sleepers('p', 8, 4)));
    const stranded = await waitFor('isle running a task', async () => {
      const ids = (await hostStatus(store, 'isle'))?.workers.filter((w) => w.state === 'busy' && w.runId === runId).map((w) => w.taskId!) ?? [];
      return ids.length > 0 ? ids : undefined;
    }, 30_000, 100);

    await isle.cut('isle');
    try {
      await waitFor('isle down', async () => (await cli.hosts()).find((h) => h.name === 'isle')?.up === false, 20_000, 250);
      expect(await finished(store, runId, 120_000)).toBe('succeeded');
      const report = await cli.report(runId);
      expect(report.totals).toMatchObject({ tasks: 8, succeeded: 8 });
      for (const id of stranded) expect(report.tasks.find((t) => t.id === id)!.host, id).toBe('shore');
      // Still cut off: longer than the TTL by now.
      expect((await hostStatus(store, 'isle'))!.up).toBe(false);
    } finally {
      await isle.restore('isle');
    }

    await waitFor('isle up again', async () => (await cli.hosts()).find((h) => h.name === 'isle')?.up === true, 60_000, 250);
    // With shore drained, only the island can take the next run.
    await cli.ok(['drain', 'shore']);
    const res = await cli.run(['run', writePlan(dir, 'after', sleepers('a', 2, 0.2)), '--watch']);
    expect(res.code, res.stderr).toBe(0);
    const after = await cli.report(res.stdout.trim().split('\n').at(-1)!);
    expect(after.tasks.map((t) => [t.status, t.host])).toEqual([['succeeded', 'isle'], ['succeeded', 'isle']]);
    await cli.ok(['drain', 'shore', '--undo']);
    expect(await cli.ok(['down'])).toMatch(/^isle: stopped/m);
  }, 240_000);
});

describe('fleet logs without hosts: the local daemon', () => {
  let home: string;
  let cli: Cli;

  beforeAll(async () => {
    await ensureBuilt();
    home = tempDir('fleet-e2e-local');
    mkdirSync(join(home, 'logs'));
    writeFileSync(join(home, 'logs', 'hostd.log'), 'one\ntwo\nthree\n');
    writeFileSync(join(home, 'fleet.yaml'), '{}\n');
    cli = new Cli(join(home, 'fleet.yaml'), home);
  }, 300_000);

  afterAll(() => {
    if (home) removeDir(home);
  });

  it('shows and follows the local log; other names and missing logs are one clear line', async () => {
    expect(await cli.ok(['logs', 'local', '-n', '2'])).toBe('two\nthree\n');
    const other = await cli.run(['logs', 'mugen']);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain("unknown host 'mugen': no hosts in fleet.yaml");
    const missing = await cli.run(['logs', 'local', '--worker', '3']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^fleet: no log \S+worker-3\.log/);

    const follow = spawn(process.execPath, [cliBin, '--config', cli.config, 'logs', 'local', '-f', '-n', '0'], { env: { ...process.env, AGENTFLEET_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    follow.stdout.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((r) => follow.once('close', r));
    await waitFor('tail to start', () => pidsWithArg(join(home, 'logs', 'hostd.log')).length > 0, 15_000, 100);
    writeFileSync(join(home, 'logs', 'hostd.log'), 'four\n', { flag: 'a' });
    await waitFor('the new line', () => out === 'four\n', 15_000, 100);
    follow.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(pidsWithArg(join(home, 'logs', 'hostd.log'))).toEqual([]);
  });
});

// The verification keys through the real `fleet` binary: bad checks, setup, merge-queue and
// host-file input exits 2 with file:line and writes nothing; the local fleet honours `local:`
// (its slots, labels and files).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { initRepository, showFile } from '@agentfleet/workspace';
import { ensureBuilt, redisDump, removeDir, requireBinaries, runFleetCases, runFleet, tempDir, workerPids } from '@agentfleet/testkit';

const ok = requireBinaries('redis-server', 'git');
const prefix = `vcli-${process.pid}`;
let home = '';
let repo = '';

const env = (config: string, extra: Record<string, string | undefined> = {}) => ({ ...process.env, REDIS_URL: inject('redisUrl'), AGENTFLEET_HOME: home, AGENTFLEET_CONFIG: config, AGENTFLEET_SLOTS: undefined, ...extra });

function write(name: string, text: string): string {
  const p = join(home, name);
  writeFileSync(p, text);
  return p;
}

beforeAll(async () => {
  if (!ok) return;
  await ensureBuilt();
  home = tempDir('verify-cli');
  repo = join(home, 'repo');
  await initRepository(repo, { 'README.md': 'hi\n', 'package-lock.json': '{}\n' });
  write('fleet.yaml', `redis: { prefix: ${prefix} }\n`);
}, 300_000);

afterAll(async () => {
  if (!ok) return;
  await runFleet(['down'], { env: env(join(home, 'fleet.yaml')), timeoutMs: 60_000 });
  removeDir(home);
});

describe.runIf(ok)('verification input through the fleet binary', () => {
  it('unknown keys, an empty check, fix_rounds out of range, a setup key outside the repository, a reserved id, a merge queue without repository or branch, bad host files: exit 2, located, nothing written', async () => {
    const config = join(home, 'fleet.yaml');
    const plan = (name: string, body: string) => write(`${name}.yaml`, `name: ${name}\nrepo: { url: ${repo}, setup: { run: npm ci, key: [package-lock.json] } }\ndefaults: { agent: shell }\ntasks:\n${body}`);
    const fine = write('fine.yaml', `name: fine\nrepo: { url: ${repo} }\ntasks:\n  - id: a\n    agent: shell\n    run: "true"\n`);
    const cases: { args: string[]; config?: string; want: RegExp }[] = [
      { args: [plan('unknown', '  - id: a\n    run: "true"\n    checks: npm test\n')], want: /unknown\.yaml:7:5: task 'a': unknown key 'checks' \(did you mean 'check'\?\)/ },
      { args: [write('setup-key.yaml', `name: s\nrepo: { url: ${repo}, setup: { run: npm ci, keeep: [x] } }\ntasks:\n  - id: a\n    agent: shell\n    run: "true"\n`)], want: /setup-key\.yaml:2:\d+: unknown key 'keeep' in repo\.setup \(did you mean 'keep'\?\)/ },
      { args: [plan('empty-check', '  - id: a\n    run: "true"\n    check: "  "\n')], want: /empty-check\.yaml:7:12: task 'a': check: an empty check command runs nothing/ },
      { args: [plan('empty-list', '  - id: a\n    run: "true"\n    check: []\n')], want: /empty-list\.yaml:7:12: task 'a': check: an empty list of checks runs nothing/ },
      { args: [plan('rounds', '  - id: a\n    agent: llm\n    prompt: p\n    fix_rounds: 11\n')], want: /rounds\.yaml:8:17: task 'a': fix_rounds: 11 is more than the maximum 10/ },
      {
        args: [write('outside.yaml', `name: o\nrepo:\n  url: ${repo}\n  setup: { run: npm ci, key: [../package-lock.json], keep: [/abs] }\ntasks:\n  - id: a\n    agent: shell\n    run: "true"\n`)],
        want: /outside\.yaml:4:\d+: repo\.setup\.key\[0\]: '\.\.\/package-lock\.json' is outside the repository[^\n]*\n[^\n]*outside\.yaml:4:\d+: repo\.setup\.keep\[0\]: '\/abs' is outside the repository/,
      },
      { args: [plan('reserved', '  - id: merge-queue\n    run: "true"\n')], want: /reserved\.yaml:5:9: task 'merge-queue': 'merge-queue' is the id of the run's merge queue/ },
      { args: [write('norepo.yaml', 'name: n\nintegrate: { branch: int }\ntasks:\n  - id: a\n    agent: shell\n    run: "true"\n')], want: /the merge queue \(integrate:\) needs a repository/ },
      { args: [write('nobranch.yaml', `name: nb\nrepo: { url: ${repo} }\nintegrate: { check: npm test }\ntasks:\n  - id: a\n    agent: shell\n    run: "true"\n`)], want: /integrate: names no branch: add integrate\.branch, or give --integrate BRANCH/ },
      { args: [write('plain.yaml', 'name: p\ntasks:\n  - id: a\n    agent: shell\n    run: "true"\n'), '--integrate', 'int'], want: /the merge queue \(--integrate\) needs a repository/ },
      {
        args: [fine],
        config: write('files.yaml', `redis: { prefix: ${prefix} }\nlocal:\n  files:\n    - { from: /etc/hostname, to: ../escape }\n    - { from: "", to: .env }\n`),
        want: /files\.yaml:4:\d+: local\.files\.0\.to: '\.\.\/escape' is outside the repository[^\n]*\n[^\n]*files\.yaml:5:\d+: local\.files\.1\.from: must not be empty/,
      },
      { args: [fine], config: write('missing.yaml', `redis: { prefix: ${prefix} }\nlocal:\n  files: [{ from: ${join(home, 'no-such.env')}, to: .env }]\n`), want: /local\.files in fleet\.yaml: .*no-such\.env \(to \.env\) does not exist on this machine/ },
    ];
    const outcomes = await runFleetCases(cases.map((c, i) => ({ label: `case ${i}`, args: ['run', ...c.args], env: env(c.config ?? config) })), process.env);
    outcomes.forEach((o, i) => {
      expect(o.code, `${o.label}: ${o.stderr}`).toBe(2);
      expect(o.stderr, o.label).toMatch(cases[i]!.want);
      expect(o.stderr, o.label).not.toMatch(/\n\s+at /);
    });
    expect(await redisDump(inject('redisUrl'))).not.toContain(`${prefix}:`);
    expect(workerPids(home)).toEqual([]);
  }, 120_000);

  it('the local fleet honours local: its slots and labels, and its files copied into the workspace', async () => {
    const secretFile = join(home, 'local.env');
    writeFileSync(secretFile, 'LOCAL_TOKEN=1\n');
    const config = write('local.yaml', `redis: { prefix: ${prefix} }\nlocal: { slots: 1, labels: [gpu], files: [{ from: ${secretFile}, to: .env }] }\n`);
    mkdirSync(join(home, 'plans'), { recursive: true });
    const plan = write('plans/local.yaml', `name: local\nrepo: { url: ${repo} }\ntasks:\n  - id: on-gpu\n    agent: shell\n    labels: [gpu]\n    run: grep -q LOCAL_TOKEN .env && echo "$AGENTFLEET_SLOT" > slot.txt\n`);
    const res = await runFleet(['run', plan, '--watch'], { env: env(config), timeoutMs: 120_000 });
    expect(res.code, res.stderr + res.stdout).toBe(0);
    const hosts = JSON.parse((await runFleet(['hosts', '--json'], { env: env(config) })).stdout) as { name: string; labels: string[]; slots: { desired: number } }[];
    expect(hosts.find((h) => h.name === 'local')).toMatchObject({ labels: ['gpu'], slots: { desired: 1 } });
    const runId = res.stdout.trim().split('\n').at(-1)!;
    expect(await showFile(repo, `fleet/${runId}/on-gpu`, 'slot.txt')).toBe('0\n');
    expect(await showFile(repo, `fleet/${runId}/on-gpu`, '.env')).toBeNull();
  }, 120_000);
});

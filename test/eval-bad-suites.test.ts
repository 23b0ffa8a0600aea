// Bad suites through the real `fleet` binary: unknown keys, duplicate case ids, a hidden file
// that does not exist, an empty matrix (in the suite or on the command line), a provider
// fleet.yaml lacks, a ref the repository does not have: exit 2, each problem on a line of its
// own with the suite's file:line:column where there is a file, nothing written to Redis and
// no daemon started.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRedis } from '@agentfleet/store';
import { initRepository } from '@agentfleet/workspace';
import { describeFaults, ensureBuilt, EVAL_CASES, evalRepoFiles, invalidInputFaults, removeDir, requireBinaries, runFleetCases, tempDir, workerPids, writeEvalSuite, type CliCase } from '@agentfleet/testkit';

const ok = requireBinaries('redis-server', 'git');
const prefix = `evalbad-${process.pid}`;
let dir = '';
let home = '';
let env: Record<string, string | undefined> = {};

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const locatedIn = (file: string) => new RegExp(`^${escapeRe(file)}:\\d+:\\d+: `);

async function keysWithPrefix(): Promise<string[]> {
  const redis = createRedis(inject('redisUrl'));
  try {
    return await redis.keys(`${prefix}*`);
  } finally {
    redis.disconnect();
  }
}

function suiteFile(name: string, text: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  return file;
}

describe.runIf(ok)('fleet eval on bad suites and flags', () => {
  beforeAll(async () => {
    await ensureBuilt();
    dir = tempDir('eval-bad');
    home = join(dir, 'home');
    mkdirSync(home);
    await initRepository(join(dir, 'origin'), evalRepoFiles());
    const config = join(dir, 'fleet.yaml');
    writeFileSync(config, `redis: { prefix: ${prefix} }\nproviders:\n  - { name: lan, baseURL: "http://127.0.0.1:9/v1", models: { low: a, high: b } }\n`);
    env = { REDIS_URL: inject('redisUrl'), AGENTFLEET_HOME: home, AGENTFLEET_CONFIG: config };
  }, 300_000);

  afterAll(() => removeDir(dir));

  it('exit 2 with file:line for each problem, nothing written, no daemon started', async () => {
    const head = 'name: bad\ndefaults: { agent: llm, repo: origin, ref: main, check: npm test }\n';
    const unknownKey = suiteFile('unknown-key', `${head}cases:\n  - id: a\n    prompt: do a\n    chek: npm test\n`);
    const duplicate = suiteFile('duplicate', `${head}cases:\n  - id: a\n    prompt: do a\n  - id: b\n    prompt: do b\n  - id: a\n    prompt: do a again\n`);
    const missingHidden = suiteFile('missing-hidden', `${head}cases:\n  - id: a\n    prompt: do a\n    hidden: [{ from: hidden/nowhere.test.js, to: test/a.test.js }]\n`);
    const emptyMatrix = suiteFile('empty-matrix', `${head}matrix: {}\ncases:\n  - id: a\n    prompt: do a\n`);
    const emptyDimension = suiteFile('empty-dimension', `${head}matrix: { tier: [] }\ncases:\n  - id: a\n    prompt: do a\n`);
    const badRef = suiteFile('bad-ref', `name: badref\ndefaults: { agent: llm, repo: origin, ref: no-such-branch, check: npm test }\ncases:\n  - id: a\n    prompt: do a\n`);
    const good = writeEvalSuite(dir, 'origin', EVAL_CASES.slice(0, 2), { name: 'good' });

    const cases: CliCase[] = [
      { label: 'unknown key', args: ['eval', unknownKey] },
      { label: 'duplicate ids', args: ['eval', duplicate] },
      { label: 'missing hidden', args: ['eval', missingHidden, '--json'] },
      { label: 'empty matrix', args: ['eval', emptyMatrix] },
      { label: 'empty dimension', args: ['eval', emptyDimension] },
      { label: 'bad ref', args: ['eval', badRef] },
      { label: 'empty matrix flag', args: ['eval', good, '--matrix', 'tier='] },
      { label: 'unknown dimension', args: ['eval', good, '--matrix', 'model=x'] },
      { label: 'unknown provider', args: ['eval', good, '--matrix', 'provider=groq'] },
      { label: 'bad repeat', args: ['eval', good, '--repeat', '0'] },
      { label: 'bad budget', args: ['eval', good, '--budget', 'lots'] },
      { label: 'no such suite', args: ['eval', join(dir, 'nowhere.yaml')] },
      { label: 'report of a bad id', args: ['eval', 'report', 'r-not-an-eval'] },
    ].map((c) => ({ ...c, env }));
    const [unknownOut, dupOut, hiddenOut, emptyOut, emptyDimOut, refOut, ...flagOuts] = await runFleetCases(cases, process.env);

    const located: [typeof unknownOut, string][] = [[unknownOut, unknownKey], [dupOut, duplicate], [hiddenOut, missingHidden], [emptyOut, emptyMatrix], [emptyDimOut, emptyDimension], [refOut, badRef]];
    const faults = describeFaults(located.map(([o]) => o!), (o) => invalidInputFaults(o, locatedIn(located.find(([x]) => x === o)![1])));
    expect(faults, faults.join('\n')).toEqual([]);
    expect(unknownOut!.stderr).toMatch(new RegExp(`^${escapeRe(unknownKey)}:6:\\d+: .*chek.*did you mean 'check'`));
    expect(dupOut!.stderr).toMatch(new RegExp(`^${escapeRe(duplicate)}:8:\\d+: .*'a'.*`));
    expect(hiddenOut!.stderr).toMatch(new RegExp(`^${escapeRe(missingHidden)}:6:\\d+: case 'a': hidden file 'hidden/nowhere.test.js' does not exist`));
    expect(hiddenOut!.stdout).toBe('');
    expect(emptyOut!.stderr).toMatch(/empty matrix runs no variant/);
    expect(emptyDimOut!.stderr).toMatch(/an empty list runs no variant/);
    expect(refOut!.stderr).toMatch(/case 'a': .*no-such-branch/);

    const flagFaults = describeFaults(flagOuts, (o) => invalidInputFaults(o));
    expect(flagFaults, flagFaults.join('\n')).toEqual([]);
    expect(flagOuts[0]!.stderr).toMatch(/--matrix tier=: an empty matrix runs no variant/);
    expect(flagOuts[2]!.stderr).toMatch(/provider 'groq' is not in the providers of fleet\.yaml \(lan\)/);

    expect(await keysWithPrefix()).toEqual([]);
    expect(existsSync(join(home, 'hostd.json'))).toBe(false);
    expect(workerPids(home)).toEqual([]);
  }, 120_000);
});

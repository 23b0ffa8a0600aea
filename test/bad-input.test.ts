// Bad input never crashes: plans, configs and command lines mutated thousands of ways get
// an InputError with located one-line problems (in process), and through the real `fleet`
// binary exit 2 with one clear message per line, nothing written to Redis, and no
// embedded redis-server started.
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { formatProblem, HOST_NAME_PATTERN, InputError, isBranchName, isRunId, parseConfig, parsePlan } from '@agentfleet/core';
import { createRedis } from '@agentfleet/store';
import { describeFaults, ensureBuilt, invalidInputFaults, removeDir, requireBinaries, runFleetCases, tempDir, workerPids, type CliCase } from '@agentfleet/testkit';
import { junkDocument, mutatedDocument, NASTY_STRINGS, VALID_CONFIG, VALID_PLAN } from './helpers/fuzz-inputs.js';

type Parse = (text: string, file: string) => unknown;

/**
 * 'ok' or 'invalid'; anything but an InputError, or a problem without a message, without a
 * line where it names a file, or spread over several lines, throws (and fast-check shrinks it).
 */
function outcome(parse: Parse, text: string, file: string): 'ok' | 'invalid' {
  try {
    parse(text, file);
    return 'ok';
  } catch (error) {
    if (!(error instanceof InputError)) throw new Error(`${(error as Error)?.name}: ${(error as Error)?.message} (not an InputError) for ${JSON.stringify(text.slice(0, 300))}`);
    expect(error.problems.length).toBeGreaterThan(0);
    for (const p of error.problems) {
      expect(typeof p.message).toBe('string');
      expect(p.message.trim().length, JSON.stringify(p)).toBeGreaterThan(3);
      expect(p.message, 'a value shown as [object Object]').not.toContain('[object Object]');
      if (p.file !== undefined) {
        expect(p.file).toBe(file);
        expect(Number.isInteger(p.line) && p.line! >= 1, `no line in ${JSON.stringify(p)}`).toBe(true);
        expect(Number.isInteger(p.column) && p.column! >= 1, `no column in ${JSON.stringify(p)}`).toBe(true);
      }
      expect(formatProblem(p)).not.toMatch(/[\n\r]/);
    }
    return 'invalid';
  }
}

function tally(arb: fc.Arbitrary<string>, parse: Parse, file: string, numRuns: number): Record<'ok' | 'invalid', number> {
  const counts = { ok: 0, invalid: 0 };
  fc.assert(
    fc.property(arb, (text) => {
      counts[outcome(parse, text, file)]++;
    }),
    { numRuns },
  );
  return counts;
}

function expectProblems(text: string, pattern: RegExp, file = 'plan.yaml'): string[] {
  let error: unknown;
  try {
    parsePlan(text, file);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(InputError);
  const lines = (error as InputError).problems.map(formatProblem);
  expect(lines.join('\n')).toMatch(pattern);
  return lines;
}

const planWithTask = (task: Record<string, unknown>, extra: Record<string, unknown> = {}) => stringify({ name: 'p', ...extra, tasks: [{ agent: 'noop', ...task }] });

describe('parsePlan and parseConfig on mutated input (in process)', () => {
  it('the unmutated documents are valid (the mutations start from something that works)', () => {
    expect(outcome(parsePlan, stringify(VALID_PLAN), 'plan.yaml')).toBe('ok');
    expect(outcome(parsePlan, JSON.stringify(VALID_PLAN), 'plan.json')).toBe('ok');
    expect(outcome(parseConfig, stringify(VALID_CONFIG), 'fleet.yaml')).toBe('ok');
  });

  it('2500 mutated plans: a plan or an InputError with located one-line problems, never an exception', () => {
    const counts = tally(mutatedDocument(VALID_PLAN), parsePlan, 'plan.yaml', 2500);
    expect(counts.invalid).toBeGreaterThan(1000); // the mutations do break plans
    expect(counts.ok).toBeGreaterThan(0); // and some are harmless (a deleted optional key)
  });

  it('1200 mutated configs and 600 junk documents for each parser: never an exception', () => {
    const counts = tally(mutatedDocument(VALID_CONFIG), parseConfig, 'fleet.yaml', 1200);
    expect(counts.invalid).toBeGreaterThan(400);
    tally(junkDocument, parsePlan, 'plan.yaml', 600);
    tally(junkDocument, parseConfig, 'fleet.yaml', 600);
  });

  it('ids, names and labels with shell metacharacters are rejected naming the rule, on one line each', () => {
    for (const id of ['a;rm -rf /', '$(x)', '`id`', 'a b', 'a\nb', 'A', '-x', '../x', 'x'.repeat(64), 'a\u0000', 'ア']) {
      const lines = expectProblems(planWithTask({ id }), /task ids are lowercase letters, digits, - and _/);
      for (const l of lines) expect(l).not.toMatch(/\n/);
    }
    expectProblems(planWithTask({ id: 'a' }, { name: 'x;reboot' }), /plan names are lowercase letters/);
    expectProblems(planWithTask({ id: 'a', labels: ['$(x)'] }), /labels are lowercase letters/);
    expectProblems(planWithTask({ id: 'a', deps: ['`id`'] }), /unknown dependency '`id`'/);
  });

  it('huge numbers and durations are rejected, not turned into Infinity or an instant timer', () => {
    expectProblems(planWithTask({ id: 'a', retries: 1e308 }), /retries/);
    expectProblems(planWithTask({ id: 'a', timeout: '99999999999999999999999h' }), /timeout: '99999999999999999999999h' is longer than the maximum of 24 days/);
    expectProblems(planWithTask({ id: 'a', timeout: '30d' }), /longer than the maximum of 24 days/);
    expectProblems(planWithTask({ id: 'a', estimate: 1e308 }), /estimate: '1e\+308' is not a duration/);
    expectProblems(planWithTask({ id: 'a', stall_timeout: '1e999' }), /is not a duration/);
    expect(outcome(parseConfig, 'heartbeatTtlMs: 1e999\nbudgets: { perTaskTokens: 1e400 }\n', 'fleet.yaml')).toBe('invalid');
  });

  it('deep nesting, alias bombs and unresolved aliases are input errors, again and again (no stack overflow)', () => {
    const docs = [
      `tasks: ${'['.repeat(20_000)}${']'.repeat(20_000)}`,
      `tasks:\n${Array.from({ length: 2000 }, (_, i) => `${' '.repeat(i + 2)}- k:`).join('\n')}\n`,
      'a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\ntasks: *c\n',
      'tasks: *nowhere\n',
      'loop: &l [*l, *l]\ntasks: []\n',
    ];
    for (let round = 0; round < 5; round++) {
      for (const text of docs) {
        expect(outcome(parsePlan, text, 'plan.yaml')).toBe('invalid');
        expect(outcome(parseConfig, text, 'fleet.yaml')).toBe('invalid');
      }
    }
    expectProblems(docs[0]!, /nested more than 64 levels deep/);
    expectProblems(docs[2]!, /plan\.yaml:\d+:\d+: YAML aliases: Excessive alias count/);
  });

  it('a prompt of several MB is accepted; a JSON plan of 100k tasks parses', () => {
    const prompt = 'Refactor {the} [parser]: "keep" it #fast & safe\n'.repeat(100_000);
    const yaml = `name: big-prompt\ntasks:\n  - id: a\n    agent: llm\n    prompt: |\n${prompt.replace(/^/gm, '      ').trimEnd()}\n`;
    expect(yaml.length).toBeGreaterThan(5_000_000);
    expect(parsePlan(yaml, 'big.yaml').tasks[0]!.prompt).toBe(prompt);

    const tasks = Array.from({ length: 100_000 }, (_, i) => ({ id: `t${i}`, agent: 'noop', ...(i ? { deps: [`t${(i - 1) >> 1}`] } : {}) }));
    const plan = parsePlan(JSON.stringify({ name: 'huge', tasks }), 'huge.json');
    expect(plan.tasks).toHaveLength(100_000);
    expect(plan.tasks[99_999]!.deps).toEqual(['t49999']);
  });
});

const ok = requireBinaries('redis-server', 'git');
const prefix = `badin-${process.pid}`;
let home = '';
let embeddedHome = '';
let config = '';
let embeddedConfig = '';
let validPlan = '';

async function keysWithPrefix(): Promise<string[]> {
  const redis = createRedis(inject('redisUrl'));
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    return keys;
  } finally {
    redis.disconnect();
  }
}

/** The CLI against the shared test Redis, or with no Redis configured (the embedded path). */
const withRedis = () => ({ REDIS_URL: inject('redisUrl'), AGENTFLEET_HOME: home, AGENTFLEET_CONFIG: config });
const embedded = () => ({ REDIS_URL: undefined, AGENTFLEET_HOME: embeddedHome, AGENTFLEET_CONFIG: embeddedConfig });
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const locatedIn = (file: string) => new RegExp(`^${escapeRe(file)}:\\d+:\\d+: `);

/** Nothing was written and nothing was started, whatever the cases did. */
async function expectUntouched(): Promise<void> {
  expect(await keysWithPrefix()).toEqual([]);
  expect(readdirSync(embeddedHome).sort()).toEqual(['fleet.yaml']);
  expect(existsSync(join(home, 'hostd.json'))).toBe(false);
  expect(workerPids(home)).toEqual([]);
  expect(workerPids(embeddedHome)).toEqual([]);
}

/** Invalid samples of an arbitrary: the ones the parser refuses (the others would be valid runs). */
function invalidSamples(arb: fc.Arbitrary<string>, parse: Parse, count: number): string[] {
  const out: string[] = [];
  for (const text of fc.sample(arb, count * 4)) {
    if (out.length === count) break;
    if (outcome(parse, text, 'x.yaml') === 'invalid') out.push(text);
  }
  return out;
}

describe.runIf(ok)('the fleet binary on bad input', () => {
  beforeAll(async () => {
    await ensureBuilt();
    home = tempDir('badin-home');
    embeddedHome = tempDir('badin-embedded');
    config = join(home, 'fleet.yaml');
    writeFileSync(config, `redis: { prefix: ${prefix} }\n`);
    embeddedConfig = join(embeddedHome, 'fleet.yaml');
    writeFileSync(embeddedConfig, `redis: { prefix: ${prefix} }\n`);
    mkdirSync(join(home, 'plans'));
    validPlan = join(home, 'plans', 'valid.yaml');
    writeFileSync(validPlan, 'name: valid\ndefaults: { agent: noop }\ntasks:\n  - id: a\n');
  }, 300_000);

  afterAll(() => {
    removeDir(home);
    removeDir(embeddedHome);
  });

  it('mutated plans and configs (plan check, run with Redis, run with the embedded path): exit 2, located lines, nothing written or started', async () => {
    const cases: CliCase[] = [];
    invalidSamples(mutatedDocument(VALID_PLAN), parsePlan, 30).forEach((text, i) => {
      const file = join(home, 'plans', `mutated-${i}.yaml`);
      writeFileSync(file, text);
      const args = i % 3 === 0 ? ['plan', 'check', file] : ['run', file, '--json'];
      cases.push({ label: `plan ${i}`, args, env: i % 3 === 2 ? embedded() : withRedis() });
    });
    invalidSamples(mutatedDocument(VALID_CONFIG), parseConfig, 10).forEach((text, i) => {
      const file = join(home, `config-${i}.yaml`);
      writeFileSync(file, text);
      const args = i % 2 ? ['run', validPlan] : ['--config', file, 'run', validPlan];
      cases.push({ label: `config ${i}`, args, env: { ...(i % 3 ? withRedis() : embedded()), AGENTFLEET_CONFIG: file } });
    });
    const outcomes = await runFleetCases(cases, process.env);
    const faults = describeFaults(outcomes, (o) => invalidInputFaults(o, locatedIn(o.label.startsWith('plan') ? o.args.find((a) => a.includes('mutated-'))! : o.env!.AGENTFLEET_CONFIG!)));
    expect(faults, faults.join('\n')).toEqual([]);
    await expectUntouched();
  }, 120_000);

  it('mutated command lines (unknown flags, bad values, missing arguments, hostile ids): exit 2, one clear line, nothing written or started', async () => {
    const words = fc.sample(fc.stringMatching(/^[a-z][a-z-]{0,12}$/), { numRuns: 9, seed: 7 });
    const nasty = (accept: (s: string) => boolean) => NASTY_STRINGS.filter((s) => !accept(s) && !s.startsWith('-') && !s.includes('\u0000'));
    const argvs: string[][] = [
      // unknown flags and commands
      ...words.slice(0, 3).map((w) => ['run', validPlan, `--zz${w}`]),
      ...words.slice(3, 6).map((w) => ['plan', 'check', validPlan, `--zz-${w}`]),
      ...words.slice(6, 9).map((w) => [`zz${w}`]),
      ['--no-such-global', 'runs'],
      ['status', '--zz'],
      // bad values
      ...['-1', 'x', '', '1.5', '100001'].map((v) => ['plan', 'show', validPlan, '--slots', v]),
      ...['x', 'DEPS', 'levels;id', ''].map((v) => ['run', validPlan, '--schedule', v]),
      ...['yaml', 'JSON', ''].map((v) => ['report', '--format', v]),
      ['retry', 'r20260101-000000-abcd', '--only', 'everything'],
      ...nasty(isBranchName).slice(0, 5).map((b) => ['run', validPlan, '--integrate', b]),
      ['run', validPlan, '--integrate=-x'],
      ['run', validPlan, '--integrate=a..b'],
      ...['nothing', '99999', '1.2.3.4:70000', 'a b:1'].map((l) => ['monitor', '--listen', l]),
      // hostile ids and names where ids are expected
      ...nasty(isRunId).slice(0, 8).flatMap((id, i) => [[['status', 'report', 'cancel', 'retry'][i % 4]!, id]]),
      ...nasty((s) => HOST_NAME_PATTERN.test(s)).slice(0, 4).map((h) => ['drain', h]),
      ...['a;b=2', 'mugen=-1', '$(x)=3'].map((p) => ['scale', p]),
      // missing arguments
      ['run'], ['plan', 'check'], ['plan', 'show'], ['cancel'], ['retry'], ['drain'], ['scale'], ['plan', 'draft'],
      ['run', join(home, 'no-such-plan.yaml')],
    ];
    const cases = argvs.map((args, i) => ({ label: `argv ${i}`, args, env: i % 2 ? embedded() : withRedis() }));
    expect(cases.length).toBeGreaterThan(50);
    const outcomes = await runFleetCases(cases, process.env);
    const faults = describeFaults(outcomes, (o) => invalidInputFaults(o));
    expect(faults, faults.join('\n')).toEqual([]);
    // usage errors are one line
    for (const o of outcomes) expect(o.stderr.trim().split('\n').length, o.stderr).toBe(1);
    await expectUntouched();
  }, 120_000);

  it('specific cases: hostile ids, prompt files escaping the plan folder, a multi-MB prompt file, a malformed fleet.yaml', async () => {
    const dir = join(home, 'specific');
    mkdirSync(join(dir, 'plan'), { recursive: true });
    writeFileSync(join(dir, 'outside.md'), 'SECRET-OUTSIDE-CONTENT\n');
    symlinkSync(join(dir, 'outside.md'), join(dir, 'plan', 'link.md'));
    writeFileSync(join(dir, 'plan', 'big.md'), 'Do the thing carefully.\n'.repeat(250_000)); // 6 MB
    const ids = ['a;rm -rf /', '$(touch /tmp/pwned)', '`id`', 'a b', 'new\nline'];
    const idsPlan = join(dir, 'plan', 'ids.yaml');
    writeFileSync(idsPlan, stringify({ name: 'ids', tasks: ids.map((id) => ({ id, agent: 'shell', run: 'true' })) }));
    const escapes = join(dir, 'plan', 'escape.yaml');
    writeFileSync(escapes, stringify({ name: 'escape', tasks: [{ id: 'up', agent: 'llm', prompt_file: '../outside.md' }, { id: 'abs', agent: 'llm', prompt_file: join(dir, 'outside.md') }, { id: 'link', agent: 'llm', prompt_file: 'link.md' }] }));
    const bigPrompt = join(dir, 'plan', 'big.yaml');
    writeFileSync(bigPrompt, 'name: big\ntasks:\n  - id: big\n    agent: llm\n    prompt_file: big.md\n');
    const badConfig = join(dir, 'fleet.yaml');
    writeFileSync(badConfig, `redis: { prefix: ${prefix} }\nhosts:\n  - name: mugen\n    slots: [12\n`);
    const badValueConfig = join(dir, 'fleet-value.yaml');
    writeFileSync(badValueConfig, `redis: { prefix: ${prefix} }\nhosts:\n  - name: mugen\n    slots: -3\n`);

    const [idsOut, escOut, bigOut, cfgOut, cfgValueOut, cfgEmbedded] = await runFleetCases(
      [
        { label: 'ids', args: ['run', idsPlan], env: withRedis() },
        { label: 'escapes', args: ['run', escapes], env: embedded() },
        { label: 'big prompt', args: ['plan', 'check', bigPrompt], env: withRedis() },
        { label: 'malformed config', args: ['run', validPlan], env: { ...withRedis(), AGENTFLEET_CONFIG: badConfig } },
        { label: 'bad config value', args: ['--config', badValueConfig, 'run', validPlan], env: withRedis() },
        { label: 'malformed config, embedded', args: ['run', validPlan], env: { ...embedded(), AGENTFLEET_CONFIG: badConfig } },
      ],
      process.env,
    );
    expect(invalidInputFaults(idsOut!, locatedIn(idsPlan))).toEqual([]);
    const idLines = idsOut!.stderr.trim().split('\n');
    expect(idLines).toHaveLength(ids.length);
    for (const line of idLines) expect(line).toMatch(/task ids are lowercase letters, digits, - and _/);
    expect(idsOut!.stderr).toContain("'new\\nline'");

    expect(invalidInputFaults(escOut!, locatedIn(escapes))).toEqual([]);
    expect(escOut!.stderr).toMatch(/task 'up': prompt_file '\.\.\/outside\.md' is outside the plan's directory/);
    expect(escOut!.stderr).toMatch(/task 'abs': prompt_file '.*outside\.md' must be relative to the plan file/);
    expect(escOut!.stderr).toMatch(/task 'link': prompt_file 'link\.md' leads outside the plan's directory \(through a symlink/);
    expect(escOut!.stderr + escOut!.stdout).not.toContain('SECRET-OUTSIDE-CONTENT');

    expect(bigOut!.code, bigOut!.stderr).toBe(0);
    expect(bigOut!.stdout).toMatch(/^ok: 1 task, 1 level/);

    for (const [out, file] of [[cfgOut!, badConfig], [cfgValueOut!, badValueConfig], [cfgEmbedded!, badConfig]] as const) {
      expect(invalidInputFaults(out, locatedIn(file))).toEqual([]);
    }
    expect(cfgOut!.stderr).toMatch(new RegExp(`^${escapeRe(badConfig)}:[45]:\\d+: `));
    expect(cfgValueOut!.stderr).toMatch(new RegExp(`^${escapeRe(badValueConfig)}:4:\\d+: hosts\\.0\\.slots`));
    await expectUntouched();
  }, 60_000);
});

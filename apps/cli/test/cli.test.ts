import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, removeDir, repoRoot, runFleetSync, tempDir } from '@agentfleet/testkit';

const examples = join(repoRoot, 'examples');
let work: string;

/** Runs the built `fleet` in a scratch directory with a scratch HOME (no stray fleet.yaml). */
function fleet(args: string[], env: Record<string, string> = {}) {
  const r = runFleetSync(args, { cwd: work, env: { PATH: process.env.PATH ?? '', HOME: work, ...env } });
  return { ...r, errLines: r.stderr.split('\n').filter(Boolean) };
}

function write(path: string, text: string): string {
  const full = join(work, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
  return full;
}

const noStackTrace = (text: string) => expect(text).not.toMatch(/^\s+at /m);

beforeAll(async () => {
  await ensureBuilt();
  work = tempDir('cli');
}, 300_000);
afterAll(() => {
  if (work) removeDir(work);
});

describe('fleet plan check', () => {
  it.each(['chain.yaml', 'fanout.yaml', 'realistic-60.yaml'])('accepts examples/%s', (name) => {
    const r = fleet(['plan', 'check', join(examples, name)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('prints ok with the task and level counts', () => {
    const r = fleet(['plan', 'check', join(examples, 'chain.yaml')]);
    expect(r.stdout).toBe('ok: 4 tasks, 4 levels\n');
    expect(fleet(['plan', 'check', join(examples, 'fanout.yaml')]).stdout).toBe('ok: 18 tasks, 3 levels\n');
  });

  it('exits 2 with one located line per problem and no stack trace', () => {
    const file = write(
      'bad.yaml',
      ['name: bad', 'tasks:', '  - id: analysis', '    agent: noop', '  - id: impl', '    deps: [analysys]', '    prompt: x', '    estimate: 5x', '  - id: impl', '    agent: shell', '    colour: red'].join('\n'),
    );
    const r = fleet(['plan', 'check', 'bad.yaml']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.errLines).toEqual([
      "bad.yaml:6:12: task 'impl': unknown dependency 'analysys' (did you mean 'analysis'?)",
      "bad.yaml:8:15: task 'impl': estimate: '5x' is not a duration (write e.g. 90s, 5m, 1h30m)",
      "bad.yaml:9:5: task 'impl': shell task needs 'run': the command to execute",
      "bad.yaml:9:9: task 'impl': duplicate id 'impl' (first defined at line 5)",
      "bad.yaml:11:5: task 'impl': unknown key 'colour'",
    ]);
    noStackTrace(r.stderr);
    expect(existsSync(file)).toBe(true);
  });

  it('names a missing file, a directory, and a YAML syntax error', () => {
    const missing = fleet(['plan', 'check', 'nope/plan.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.errLines).toEqual(['nope/plan.yaml: cannot read the plan file: no such file']);
    mkdirSync(join(work, 'adir'), { recursive: true });
    const dir = fleet(['plan', 'check', 'adir']);
    expect(dir.code).toBe(2);
    expect(dir.errLines).toEqual(['adir: cannot read the plan file: it is a directory, not a file']);
    write('syntax.yaml', 'tasks:\n  - id: a\n   agent: [\n');
    const syntax = fleet(['plan', 'check', 'syntax.yaml']);
    expect(syntax.code).toBe(2);
    expect(syntax.errLines.length).toBeGreaterThan(0);
    for (const line of syntax.errLines) expect(line).toMatch(/^syntax\.yaml(:\d+:\d+)?: /);
    noStackTrace(syntax.stderr);
  });
});

describe('prompt files', () => {
  it('reads prompt_file relative to the plan', () => {
    write('p1/prompts/impl.md', 'Implement it.\n');
    write('p1/plan.yaml', 'tasks:\n  - id: impl\n    prompt_file: prompts/impl.md\n');
    const r = fleet(['plan', 'check', 'p1/plan.yaml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('reports missing, empty, escaping and symlinked-out prompt files, each naming its task', () => {
    write('secret.md', 'outside\n');
    write('p2/empty.md', '  \n');
    mkdirSync(join(work, 'p2'), { recursive: true });
    symlinkSync(join(work, 'secret.md'), join(work, 'p2/link.md'));
    write(
      'p2/plan.yaml',
      [
        'tasks:',
        '  - { id: missing, prompt_file: prompts/none.md }',
        '  - { id: empty, prompt_file: empty.md }',
        '  - { id: escape, prompt_file: ../secret.md }',
        '  - { id: absolute, prompt_file: /etc/hostname }',
        '  - { id: link, prompt_file: link.md }',
      ].join('\n'),
    );
    const r = fleet(['plan', 'check', 'p2/plan.yaml']);
    expect(r.code).toBe(2);
    expect(r.errLines).toHaveLength(5);
    expect(r.errLines[0]).toMatch(/^p2\/plan\.yaml:2:5: task 'missing': prompt_file 'prompts\/none\.md': no such file \(.*p2\/prompts\/none\.md\)$/);
    expect(r.errLines[1]).toBe("p2/plan.yaml:3:5: task 'empty': prompt_file 'empty.md' is empty");
    expect(r.errLines[2]).toBe("p2/plan.yaml:4:5: task 'escape': prompt_file '../secret.md' is outside the plan's directory");
    expect(r.errLines[3]).toBe("p2/plan.yaml:5:5: task 'absolute': prompt_file '/etc/hostname' must be relative to the plan file");
    expect(r.errLines[4]).toMatch(/^p2\/plan\.yaml:6:5: task 'link': prompt_file 'link\.md' leads outside the plan's directory/);
  });
});

describe('fleet plan show', () => {
  it('--json prints exactly the DESIGN.md shape', () => {
    const r = fleet(['plan', 'show', join(examples, 'chain.yaml'), '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      levels: [['analysis'], ['impl'], ['test'], ['review']],
      criticalPath: { tasks: ['analysis', 'impl', 'test', 'review'], minutes: 60 },
      sequentialMinutes: 60,
      idealSpeedup: 1,
      slots: 18,
      boundMinutes: 60,
      predictedMinutes: { deps: 60, levels: 60 },
      slotsFrom: 'default',
    });
  });

  it('--slots changes the slot count; the fan-out needs more time on fewer slots', () => {
    const many = JSON.parse(fleet(['plan', 'show', join(examples, 'fanout.yaml'), '--json']).stdout) as { slots: number; predictedMinutes: { deps: number } };
    const few = JSON.parse(fleet(['plan', 'show', join(examples, 'fanout.yaml'), '--json', '--slots', '4']).stdout) as { slots: number; predictedMinutes: { deps: number }; boundMinutes: number };
    expect(many.slots).toBe(18);
    expect(few.slots).toBe(4);
    expect(few.predictedMinutes.deps).toBeGreaterThan(many.predictedMinutes.deps);
    expect(few.predictedMinutes.deps).toBeGreaterThanOrEqual(few.boundMinutes);
  });

  it('takes the slot count from fleet.yaml when --slots is not given', () => {
    const config = write('conf/fleet.yaml', 'hosts:\n  - { name: mugen, slots: 5 }\n  - { name: majin, slots: 3 }\n');
    const viaEnv = fleet(['plan', 'show', join(examples, 'chain.yaml'), '--json'], { AGENTFLEET_CONFIG: config });
    expect(JSON.parse(viaEnv.stdout)).toMatchObject({ slots: 8 });
    const viaFlag = fleet(['--config', config, 'plan', 'show', join(examples, 'chain.yaml'), '--json']);
    expect(JSON.parse(viaFlag.stdout)).toMatchObject({ slots: 8 });
    const flagWins = fleet(['plan', 'show', join(examples, 'chain.yaml'), '--json', '--slots', '2'], { AGENTFLEET_CONFIG: config });
    expect(JSON.parse(flagWins.stdout)).toMatchObject({ slots: 2 });
  });

  it('human output: levels, critical path and the planner table', () => {
    const r = fleet(['plan', 'show', join(examples, 'chain.yaml')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('plan chain: 4 tasks, 4 levels, 3 dependencies');
    expect(r.stdout).toMatch(/^\s+1\s+\(1\)\s+analysis$/m);
    expect(r.stdout).toContain('analysis -> impl -> test -> review');
    expect(r.stdout).toMatch(/sequential\s+60m/);
    expect(r.stdout).toMatch(/critical path\s+60m/);
    expect(r.stdout).toMatch(/ideal speedup\s+1\.0x/);
    expect(r.stdout).toMatch(/predicted makespan on 18 slots\s+deps 60m \/ levels 60m/);
  });

  it('bad flags are one line and exit 2', () => {
    for (const args of [
      ['plan', 'show', join(examples, 'chain.yaml'), '--slots', '0'],
      ['plan', 'show', join(examples, 'chain.yaml'), '--slots', 'many'],
      ['plan', 'show', join(examples, 'chain.yaml'), '--colour'],
      ['plan', 'chek', 'x.yaml'],
      ['plan', 'show'],
    ]) {
      const r = fleet(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.errLines, args.join(' ')).toHaveLength(1);
      expect(r.errLines[0]).toMatch(/^fleet: /);
    }
  });

  it('a bad fleet.yaml is reported like a bad plan', () => {
    const config = write('badconf/fleet.yaml', 'hosts:\n  - { name: mugen, slot: 5 }\n');
    const r = fleet(['plan', 'show', join(examples, 'chain.yaml')], { AGENTFLEET_CONFIG: config });
    expect(r.code).toBe(2);
    expect(r.errLines).toHaveLength(1);
    expect(r.errLines[0]).toContain('badconf/fleet.yaml:2:');
    expect(r.errLines[0]).toContain("'slot'");
  });
});

describe('help', () => {
  it.each([[[]], [['plan']], [['plan', 'check']], [['plan', 'show']]])('fleet %j --help shows an example and exits 0', (args) => {
    const r = fleet([...args, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Example/);
    expect(r.stdout).toContain('fleet plan');
  });

  it('fleet without a command prints the help on stderr and exits 2', () => {
    const r = fleet([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: fleet');
  });
});

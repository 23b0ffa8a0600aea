import { existsSync, readFileSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetError } from '@agentfleet/core';
import { CooldownRegistry, createAgent } from '@agentfleet/agents';
import { removeDir, reply, startStandin, tempDir, type OpenAIStandin } from '@agentfleet/testkit';
import { config, provider, request } from './helpers.js';

let standin: OpenAIStandin;
beforeAll(async () => {
  standin = await startStandin();
});
afterAll(async () => {
  await standin.close();
});

function toolMessages(i: number): string[] {
  const messages = standin.modelRequests[i]!.body.messages as { role: string; content: string }[];
  return messages.filter((m) => m.role === 'tool').map((m) => m.content);
}

describe('llm agent', () => {
  it('completes a scripted multi-step task: list, write, patch, run, finish', async () => {
    const dir = tempDir('agents-llm');
    try {
      writeFileSync(join(dir, 'README.md'), '# demo\n');
      const start = standin.modelRequests.length;
      standin.enqueue(
        reply.tool('list_files', {}, { prompt: 100, completion: 10, cached: 40 }),
        reply.tool('write_file', { path: 'src/greet.js', content: "console.log('hello');\n" }, { prompt: 150, completion: 30 }),
        reply.tool(
          'apply_patch',
          { patch: "--- a/src/greet.js\n+++ b/src/greet.js\n@@ -1 +1,2 @@\n-console.log('hello');\n+console.log('hello, fleet');\n+console.log('bye');\n" },
          { prompt: 200, completion: 40 },
        ),
        reply.tool('run_command', { command: 'node src/greet.js > out.txt && cat out.txt' }, { prompt: 250, completion: 20 }),
        reply.tools([{ name: 'finish', arguments: { summary: 'greet.js prints a greeting' } }], { prompt: 300, completion: 10, cached: 200 }, 'All done.'),
      );
      const cfg = config({
        providers: [provider('local', standin.url, { reasoningEffort: 'low' })],
        pricing: { 'standin-small': { input: 1, cachedInput: 0.5, output: 2 } },
      });
      const h = request({ workdir: dir, config: cfg, task: { prompt: 'Write src/greet.js and run it.' } });
      const result = await createAgent('llm', { cooldowns: new CooldownRegistry() }).run(h.req);

      expect(result.exit).toBe(0);
      expect(result.summary).toBe('greet.js prints a greeting');
      expect(readFileSync(join(dir, 'src/greet.js'), 'utf8')).toBe("console.log('hello, fleet');\nconsole.log('bye');\n");
      expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('hello, fleet\nbye\n');
      expect(result.provider).toBe('local');
      expect(result.model).toBe('standin-small');
      // usage summed over the five turns; cost from the pricing table (per 1M tokens)
      expect(result.usage).toEqual({ input: 1000, cachedInput: 240, output: 110 });
      expect(result.costUsd).toBeCloseTo(((1000 - 240) * 1 + 240 * 0.5 + 110 * 2) / 1e6, 12);

      const reqs = standin.modelRequests.slice(start);
      expect(reqs).toHaveLength(5);
      expect(reqs[0]!.body.stream).toBe(true);
      expect(reqs[0]!.body.reasoning_effort).toBe('low');
      expect((reqs[0]!.body.tools as { function: { name: string } }[]).map((t) => t.function.name)).toEqual(['list_files', 'read_file', 'write_file', 'apply_patch', 'run_command', 'finish']);
      expect(toolMessages(start + 1)[0]).toContain('README.md');
      expect(toolMessages(start + 4).at(-1)).toMatch(/^exit code 0\nhello, fleet\nbye/);
      expect(h.events.filter((e) => e.type === 'usage')).toHaveLength(5);
      expect(h.events).toContainEqual({ type: 'command', phase: 'started', command: 'node src/greet.js > out.txt && cat out.txt' });
      expect(h.events).toContainEqual({ type: 'output', stream: 'stdout', text: 'hello, fleet\nbye\n' });
    } finally {
      removeDir(dir);
    }
  });

  it('refuses paths out of the workdir and tells the model why', async () => {
    const dir = tempDir('agents-llm-escape');
    const outside = tempDir('agents-llm-outside');
    try {
      symlinkSync(outside, join(dir, 'link'));
      mkdirSync(join(dir, 'sub'));
      const start = standin.modelRequests.length;
      standin.enqueue(
        reply.tool('write_file', { path: '../escape.txt', content: 'x' }),
        reply.tool('write_file', { path: join(outside, 'abs.txt'), content: 'x' }),
        reply.tool('write_file', { path: 'link/through-symlink.txt', content: 'x' }),
        reply.tool('apply_patch', { patch: '--- /dev/null\n+++ b/../../patched.txt\n@@ -0,0 +1 @@\n+x\n' }),
        reply.tool('read_file', { path: 'sub/../../etc/passwd' }),
        reply.tool('finish', { summary: 'gave up' }),
      );
      const h = request({ workdir: dir, config: config({ providers: [provider('local', standin.url)] }), task: { prompt: 'escape' } });
      const result = await createAgent('llm', { cooldowns: new CooldownRegistry() }).run(h.req);
      expect(result.exit).toBe(0);
      const told = [1, 2, 3, 4, 5].map((i) => toolMessages(start + i).at(-1));
      expect(told[0]).toMatch(/refused: '\.\.\/escape\.txt' contains '\.\.'/);
      expect(told[1]).toMatch(/refused: .* is an absolute path/);
      expect(told[2]).toMatch(/refused: 'link\/through-symlink\.txt' resolves through a symlink to outside the workspace/);
      expect(told[3]).toMatch(/refused: .*contains '\.\.'/);
      expect(told[4]).toMatch(/refused/);
      expect(existsSync(join(dir, '..', 'escape.txt'))).toBe(false);
      expect(existsSync(join(outside, 'abs.txt'))).toBe(false);
      expect(existsSync(join(outside, 'through-symlink.txt'))).toBe(false);
    } finally {
      removeDir(dir);
      removeDir(outside);
    }
  });

  it('stops mid-run when the task token budget is exceeded', async () => {
    const dir = tempDir('agents-llm-budget');
    try {
      standin.enqueue(
        reply.tool('write_file', { path: 'a.txt', content: 'a' }, { prompt: 60, completion: 20 }),
        reply.tool('write_file', { path: 'b.txt', content: 'b' }, { prompt: 90, completion: 20 }),
        reply.tool('write_file', { path: 'c.txt', content: 'c' }, { prompt: 120, completion: 20 }),
      );
      const h = request({ workdir: dir, config: config({ providers: [provider('local', standin.url)], budgets: { perTaskTokens: 150 } }), task: { prompt: 'write files' } });
      const err = await createAgent('llm', { cooldowns: new CooldownRegistry() }).run(h.req).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FleetError);
      expect((err as FleetError).kind).toBe('budget_exceeded');
      expect((err as FleetError).message).toMatch(/used 190 tokens, over its budget of 150/);
      // the first turn's tool ran, the second turn's did not: stopped right after the model turn
      expect(existsSync(join(dir, 'a.txt'))).toBe(true);
      expect(existsSync(join(dir, 'b.txt'))).toBe(false);
      expect(standin.pending).toBe(1);
      standin.reset();
    } finally {
      removeDir(dir);
    }
  });

  it('stops when the dollar budget is exceeded, cost from pricing', async () => {
    const dir = tempDir('agents-llm-usd');
    try {
      standin.enqueue(reply.tool('list_files', {}, { prompt: 1000, completion: 1000 }), reply.tool('finish', { summary: 'x' }));
      const cfg = config({ providers: [provider('local', standin.url)], pricing: { 'standin-small': { input: 1000, output: 1000 } } });
      const h = request({ workdir: dir, config: cfg, budget: { usd: 1 }, task: { prompt: 'x' } });
      const err = (await createAgent('llm', { cooldowns: new CooldownRegistry() }).run(h.req).catch((e: unknown) => e)) as FleetError;
      expect(err.kind).toBe('budget_exceeded');
      // what the stopped run spent is on the request's meter, typed, whatever the error
      expect(h.req.meter.costUsd).toBeCloseTo(2, 9);
      expect(h.req.meter.spend).toMatchObject({ provider: 'local', model: 'standin-small', usage: { input: 1000, output: 1000 } });
      standin.reset();
    } finally {
      removeDir(dir);
    }
  });
});

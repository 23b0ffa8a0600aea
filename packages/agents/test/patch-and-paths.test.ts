import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFilePatch, confinePath, parseUnifiedDiff, PatchError, PathRefused, runTool } from '@agentfleet/agents';
import { removeDir, reply, startStandin, tempDir, type OpenAIStandin } from '@agentfleet/testkit';


let dir: string;
beforeAll(() => {
  dir = tempDir('agents-patch');
});
afterAll(() => removeDir(dir));

const apply = (content: string | null, diff: string) => applyFilePatch(content, parseUnifiedDiff(diff)[0]!, 'f');

describe('unified diff', () => {
  const base = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].join('\n') + '\n';

  it('applies hunks with context, several per file, at shifted positions', () => {
    const diff = '--- a/f\n+++ b/f\n@@ -2,3 +2,3 @@\n b\n-c\n+C\n d\n@@ -8,3 +8,4 @@\n h\n i\n+i2\n j\n';
    expect(apply(base, diff)).toBe(['a', 'b', 'C', 'd', 'e', 'f', 'g', 'h', 'i', 'i2', 'j'].join('\n') + '\n');
    // the same hunks still apply when the file gained lines above them
    expect(apply('new\n' + base, diff)).toBe(['new', 'a', 'b', 'C', 'd', 'e', 'f', 'g', 'h', 'i', 'i2', 'j'].join('\n') + '\n');
  });

  it('creates and deletes files, and keeps a missing final newline', () => {
    expect(apply(null, '--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1,2 @@\n+one\n+two\n')).toBe('one\ntwo\n');
    expect(apply('x\n', '--- a/x\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n')).toBeNull();
    expect(apply('a\nb', '--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+B\n\\ No newline at end of file\n')).toBe('a\nB');
  });

  it('refuses a hunk whose lines are not there, naming them', () => {
    expect(() => apply(base, '--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-zzz\n+y\n')).toThrow(PatchError);
    expect(() => apply(base, '--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-zzz\n+y\n')).toThrow(/hunk @@ -1,2 \+1,2 @@ does not apply/);
    expect(() => parseUnifiedDiff('just text')).toThrow(/no file headers/);
  });

  it('apply_patch changes several files at once, or none when one hunk fails', async () => {
    writeFileSync(join(dir, 'one.txt'), 'one\n');
    writeFileSync(join(dir, 'two.txt'), 'two\n');
    const ctx = { workdir: dir, env: process.env, signal: new AbortController().signal, onEvent: () => undefined };
    const bad = '--- a/one.txt\n+++ b/one.txt\n@@ -1 +1 @@\n-one\n+ONE\n--- a/two.txt\n+++ b/two.txt\n@@ -1 +1 @@\n-nope\n+TWO\n';
    const r1 = await runTool('apply_patch', JSON.stringify({ patch: bad }), ctx);
    expect(r1).toMatchObject({ kind: 'result' });
    expect((r1 as { content: string }).content).toMatch(/^error: two.txt: hunk/);
    expect(readFileSync(join(dir, 'one.txt'), 'utf8')).toBe('one\n');
    const good = bad.replace('-nope', '-two');
    expect(await runTool('apply_patch', JSON.stringify({ patch: good }), ctx)).toEqual({ kind: 'result', content: 'patched one.txt\npatched two.txt' });
    expect(readFileSync(join(dir, 'two.txt'), 'utf8')).toBe('TWO\n');
    expect(await runTool('read_file', '{not json', ctx)).toMatchObject({ content: expect.stringMatching(/not a JSON object/) as string });
  });
});

describe('path confinement', () => {
  it('accepts paths inside, refuses .., absolute, symlinks out and .git', async () => {
    mkdirSync(join(dir, 'src'), { recursive: true });
    mkdirSync(join(dir, '.git'), { recursive: true });
    symlinkSync('/etc', join(dir, 'etc-link'));
    symlinkSync('/nonexistent-target-for-test', join(dir, 'dangling'));
    symlinkSync('src', join(dir, 'src-link'));
    await expect(confinePath(dir, 'src/a.ts')).resolves.toMatchObject({ rel: 'src/a.ts' });
    await expect(confinePath(dir, 'src-link/a.ts')).resolves.toMatchObject({ rel: 'src-link/a.ts' });
    for (const bad of ['../x', 'src/../../x', '/etc/passwd', '~/x', 'etc-link/passwd', 'dangling', '.git/config']) {
      await expect(confinePath(dir, bad)).rejects.toBeInstanceOf(PathRefused);
    }
  });
});

describe('OpenAI stand-in', () => {
  let standin: OpenAIStandin;
  beforeAll(async () => {
    standin = await startStandin();
  });
  afterAll(() => standin.close());

  it('speaks the responses API, streaming and not, with tool calls and cached-token usage', async () => {
    const client = new OpenAI({ baseURL: standin.url, apiKey: 'x', maxRetries: 0 });
    standin.enqueue(reply.text('hello there', { prompt: 50, completion: 7, cached: 20 }), reply.tools([{ name: 'list_files', arguments: { path: '.' } }], undefined, 'looking'));
    const plain = await client.responses.create({ model: 'standin-small', input: 'hi' });
    expect(plain.output_text).toBe('hello there');
    expect(plain.usage).toMatchObject({ input_tokens: 50, output_tokens: 7, input_tokens_details: { cached_tokens: 20 } });

    const events: string[] = [];
    let args = '';
    const stream = await client.responses.create({ model: 'standin-small', input: 'hi', stream: true });
    for await (const ev of stream) {
      events.push(ev.type);
      if (ev.type === 'response.function_call_arguments.delta') args += ev.delta;
    }
    expect(events[0]).toBe('response.created');
    expect(events.at(-1)).toBe('response.completed');
    expect(events).toContain('response.output_text.delta');
    expect(JSON.parse(args)).toEqual({ path: '.' });
  });

  it('answers non-streaming chat completions with tool calls', async () => {
    const client = new OpenAI({ baseURL: standin.url, apiKey: 'x', maxRetries: 0 });
    standin.enqueue(reply.tool('read_file', { path: 'a' }, { prompt: 9, completion: 3, cached: 4 }));
    const r = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    const call = r.choices[0]!.message.tool_calls![0]!;
    expect(call.type === 'function' && call.function.name).toBe('read_file');
    expect(r.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 4 } });
  });
});

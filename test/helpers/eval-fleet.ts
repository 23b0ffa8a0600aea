// The local fleet the eval end-to-end suites run on: a real npm repository whose hidden tests
// decide each case, fleet.yaml with the model stand-in as its providers and their prices, the
// CLI against the shared test Redis with a home of its own; and the stand-in's side of a trial.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { EvalReport } from '@agentfleet/core';
import { createRedis, FleetStore } from '@agentfleet/store';
import { initRepository } from '@agentfleet/workspace';
import {
  byConversation, ensureBuilt, EVAL_CASES, evalRepoFiles, FAST_DAEMON_ENV, removeDir, reply, repoRoot, runFleet, runFleetSync, sourceOf, startGeminiStandin, startStandin,
  tempDir, type ConversationTurn, type GeminiStandin, type OpenAIStandin,
} from '@agentfleet/testkit';

export const USAGE = { prompt: 1000, completion: 500 };
/** what an agent writes over the hidden test it was not shown: a test that always passes */
export const FAKE_TEST = "import { test } from 'node:test';\n\ntest('fake: always passes', () => {});\n";

export interface EvalFleet {
  dir: string;
  home: string;
  repo: string;
  standin: OpenAIStandin;
  /** the Gemini API stand-in behind provider `gem` (api gemini), when asked for */
  gemini?: GeminiStandin;
  store: FleetStore;
  env: Record<string, string | undefined>;
  fleetOk(args: string[]): Promise<string>;
  reportOf(evalId: string, ...more: string[]): Promise<EvalReport>;
  close(): Promise<void>;
}

export interface EvalFleetOptions {
  /** chat providers beyond the first (`standin`: standin-small and standin-large), all served by the same stand-in */
  spare?: { name: string; low: string; high: string }[];
  /** a Gemini API stand-in as provider `gem`, for the gemini agent (the real Gemini CLI) */
  gemini?: boolean;
}

export async function startEvalFleet(name: string, opts: EvalFleetOptions = {}): Promise<EvalFleet> {
  await ensureBuilt();
  const prefix = `${name}-${process.pid}`;
  const standin = await startStandin();
  const gemini = opts.gemini ? await startGeminiStandin() : undefined;
  const dir = tempDir(name);
  const home = join(dir, 'home');
  const repo = join(dir, 'origin');
  await initRepository(repo, evalRepoFiles());
  const config = join(dir, 'fleet.yaml');
  const providers = [{ name: 'standin', low: 'standin-small', high: 'standin-large' }, ...(opts.spare ?? [])];
  const gem = gemini ? [`  - { name: gem, api: gemini, baseURL: "${gemini.url}", apiKeyEnv: GEM_KEY, models: { low: standin-small, high: standin-large }, timeoutMs: 20000 }`] : [];
  writeFileSync(
    config,
    [
      `redis: { prefix: ${prefix} }`,
      'providers:',
      ...providers.map((p) => `  - { name: ${p.name}, baseURL: "${standin.url}", models: { low: ${p.low}, high: ${p.high} }, timeoutMs: 20000 }`),
      ...gem,
      'pricing:',
      ...providers.flatMap((p) => [`  ${p.low}: { input: 0.10, output: 0.50 }`, `  ${p.high}: { input: 1.00, output: 4.00 }`]),
      '',
    ].join('\n'),
  );
  const geminiEnv = gemini ? { GEM_KEY: 'gem-key', AGENTFLEET_GEMINI_BIN: join(repoRoot, 'node_modules/.bin/gemini') } : {};
  const env = { ...process.env, ...FAST_DAEMON_ENV, REDIS_URL: inject('redisUrl'), AGENTFLEET_HOME: home, AGENTFLEET_CONFIG: config, AGENTFLEET_SLOTS: '2', ...geminiEnv };
  const store = new FleetStore(createRedis(inject('redisUrl')), prefix);
  const fleetOk = async (args: string[]) => {
    const r = await runFleet(args, { env, timeoutMs: 240_000 });
    if (r.code !== 0) throw new Error(`fleet ${args.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  return {
    dir, home, repo, standin, ...(gemini ? { gemini } : {}), store, env, fleetOk,
    reportOf: async (evalId, ...more) => JSON.parse(await fleetOk(['eval', 'report', evalId, '--format', 'json', ...more])) as EvalReport,
    close: async () => {
      runFleetSync(['down'], { env, timeoutMs: 60_000 });
      await store.close();
      await standin.close();
      await gemini?.close();
      removeDir(dir);
    },
  };
}

/** The model's side: each case written right or wrong; case `add` first tries to read its hidden test, then writes over it. */
export function answer(right: (t: ConversationTurn, index: number) => boolean) {
  return byConversation((t) => {
    const index = EVAL_CASES.findIndex((c) => c.id === t.taskId);
    const c = EVAL_CASES[index]!;
    if (t.taskId === 'add' && t.turn === 1) return reply.tools([{ name: 'read_file', arguments: { path: 'test/add.test.js' } }], USAGE);
    const write = { name: 'write_file', arguments: { path: `src/${c.fn}.js`, content: sourceOf(c, right(t, index + 1)) } };
    const finish = { name: 'finish', arguments: { summary: `wrote src/${c.fn}.js` } };
    const tamper = t.taskId === 'add' ? [{ name: 'write_file', arguments: { path: 'test/add.test.js', content: FAKE_TEST } }] : [];
    return reply.tools([...tamper, write, finish], USAGE);
  });
}

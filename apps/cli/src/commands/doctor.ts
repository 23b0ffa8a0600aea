import { InvalidArgumentError, type Command } from 'commander';
import { AGENT_KINDS, type AgentKind, type FleetConfig, type ProviderSpec } from '@agentfleet/core';
import { agentBinaries, checkBinary, checkProvider, claudeRefusal } from '@agentfleet/agents';
import { preflight, redactRedisUrl, redisPersistence } from '@agentfleet/store';
import { loadConfig, openFleet, type GlobalOptions } from '../fleet-context.js';
import { formatList, printJson, printLines } from '../output.js';
import { checkSandboxes } from './doctor-sandbox.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

/** One line of `fleet doctor`; `--json` prints these with their extra figures. */
export interface DoctorCheck {
  /** What was checked: redis, redis persistence, provider NAME, providers, git, codex, claude, gemini, sandbox HOST. */
  name: string;
  status: CheckStatus;
  detail: string;
  [extra: string]: unknown;
}

interface DoctorOptions {
  agents?: AgentKind[];
  json?: boolean;
  allowEviction?: boolean;
}

const CONNECT_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('check Redis, the model providers, the agent binaries and the sandbox on every host this fleet needs')
    .option('--agents <kinds>', 'agents the plans will use: their binaries become required (codex, claude, gemini; llm needs a provider)', parseAgents)
    .option('--json', 'print { ok, checks: [{ name, status, detail, ... }] }')
    .option('--allow-eviction', 'accept a Redis whose maxmemory-policy may evict keys')
    .addHelpText(
      'after',
      '\nExamples:\n  $ fleet doctor\n  ok   redis  redis://127.0.0.1:6379 (7.0.15, noeviction)\n  ok   provider lan  http://192.168.3.27:11434/v1 (2 models: gpt-oss:20b, qwen3:8b)\n' +
        '  ok   git  git version 2.43.0\n  warn codex: not installed or not on PATH (needed only by codex tasks)\n' +
        '  ok   sandbox mugen  bubblewrap 0.8.0: user, pid, network, mount, ipc and uts namespaces\n' +
        '  FAIL sandbox majin: bubblewrap (bwrap) is not installed: apt-get install bubblewrap; the host refuses sandboxed tasks (only sandbox: none tasks run there)\n\n' +
        '  fleet doctor --agents codex,llm --json\n\n' +
        'Exit code 0 when every required check passes, 1 otherwise (warnings do not count).\n' +
        'The sandbox is tried on this machine for the local fleet, over SSH as each host\'s user otherwise.\n' +
        'Without REDIS_URL or redis.url, the embedded redis-server is started, as fleet run would.',
    )
    .action(async (opts: DoctorOptions, cmd: Command) => {
      const globals = { ...cmd.optsWithGlobals<GlobalOptions>(), allowEviction: opts.allowEviction };
      const config = await loadConfig(globals);
      const checks = await runDoctor(config, globals, opts.agents ?? []);
      const ok = checks.every((c) => c.status !== 'fail');
      if (opts.json) printJson({ ok, checks });
      else printLines(checks.map(formatCheck));
      if (!ok) process.exitCode = 1;
    });
}

/** Every check at once (they are independent), reported in a fixed order. */
export async function runDoctor(config: FleetConfig, globals: GlobalOptions, required: readonly AgentKind[]): Promise<DoctorCheck[]> {
  const bins = agentBinaries();
  const [redis, providers, git, codex, claude, gemini, sandboxes] = await Promise.all([
    checkRedis(config, globals),
    checkProviders(config.providers, required.includes('llm')),
    binaryCheck('git', 'git', true, 'every task with a repository'),
    binaryCheck('codex', bins.codex, required.includes('codex'), 'codex tasks'),
    binaryCheck('claude', bins.claude, required.includes('claude'), 'claude tasks'),
    binaryCheck('gemini', bins.gemini, required.includes('gemini'), 'gemini tasks'),
    checkSandboxes(config, globals),
  ]);
  // claude as root runs inside the sandbox only: a problem where tasks would run unconfined
  const sandboxed = sandboxes.every((c) => c.status === 'ok');
  return [...redis, ...providers, git, codex, claudeAsThisUser(claude, required.includes('claude'), sandboxed), gemini, ...sandboxes];
}

/** `ok   redis  redis://... (7.0.15, noeviction)` / `FAIL provider lan: connection refused (...)`. */
export function formatCheck(c: DoctorCheck): string {
  return c.status === 'ok' ? `ok   ${c.name}  ${c.detail}` : `${c.status === 'fail' ? 'FAIL' : 'warn'} ${c.name}: ${c.detail}`;
}

async function checkRedis(config: FleetConfig, globals: GlobalOptions): Promise<DoctorCheck[]> {
  let fleet;
  try {
    fleet = await openFleet(globals, config);
  } catch (e) {
    return [{ name: 'redis', status: 'fail', detail: (e as Error).message }];
  }
  try {
    const redis = fleet.store.redis;
    const { version, maxmemoryPolicy } = await preflight(redis, fleet.redisUrl, { allowEviction: true });
    const shown = redactRedisUrl(fleet.redisUrl);
    const checks: DoctorCheck[] = [
      { name: 'redis', status: 'ok', detail: `${shown} (${version}, ${maxmemoryPolicy}${fleet.embedded ? ', embedded' : ''})`, url: shown, version, maxmemoryPolicy, embedded: fleet.embedded },
    ];
    const persistence = await redisPersistence(redis);
    if (persistence.length === 0) {
      checks.push({ name: 'redis persistence', status: 'warn', detail: 'AOF and RDB snapshots are off: a Redis restart loses queued runs (set appendonly yes)', persistence });
    }
    return checks;
  } catch (e) {
    return [{ name: 'redis', status: 'fail', detail: (e as Error).message }];
  } finally {
    await fleet.close();
  }
}


async function checkProviders(providers: readonly ProviderSpec[], required: boolean): Promise<DoctorCheck[]> {
  if (providers.length === 0) {
    const detail = "none configured in fleet.yaml ('providers:'); llm tasks and plan drafting need one";
    return [{ name: 'providers', status: required ? 'fail' : 'warn', detail }];
  }
  return Promise.all(
    providers.map(async (spec): Promise<DoctorCheck> => {
      const r = await checkProvider(spec);
      const base = { name: `provider ${spec.name}`, baseURL: spec.baseURL, api: spec.api, usedBy: USED_BY[spec.api], models: r.models, missingModels: r.missingModels, latencyMs: r.latencyMs };
      if (!r.ok) return { ...base, status: 'fail', detail: describeProviderError(r.error ?? 'unreachable', spec.baseURL) };
      const served = `${r.models.length} ${r.models.length === 1 ? 'model' : 'models'}${r.models.length ? `: ${formatList(r.models, 8)}` : ''}`;
      if (r.missingModels.length) {
        return { ...base, status: 'warn', detail: `${spec.baseURL} serves ${served}; configured but not listed: ${r.missingModels.join(', ')}` };
      }
      return { ...base, status: 'ok', detail: `${spec.baseURL} (${served}; api ${spec.api}, for ${USED_BY[spec.api] ?? 'no agent'})` };
    }),
  );
}

/** checkProvider says "URL: ECONNREFUSED"; people read "connection refused (URL)". */
function describeProviderError(error: string, baseURL: string): string {
  const prefix = `${baseURL}: `;
  if (!error.startsWith(prefix)) return error;
  const why = error.slice(prefix.length);
  return `${CONNECT_ERRORS[why] ?? why} (${baseURL})`;
}

/** Claude Code refuses to skip its permission prompts for root: a root fleet runs claude tasks only inside the sandbox. */
function claudeAsThisUser(check: DoctorCheck, required: boolean, sandboxed: boolean): DoctorCheck {
  const why = check.status === 'ok' ? claudeRefusal(sandboxed) : undefined;
  if (!why) return check;
  return { ...check, status: required ? 'fail' : 'warn', detail: `${check.detail}, but ${why.replace(/^claude /, '')}${required ? '' : ' (needed only by claude tasks)'}`, asRoot: true };
}

/** Which agent kind walks a provider, by its API. */
const USED_BY: Record<string, string> = { chat: 'llm tasks', responses: 'codex tasks', anthropic: 'claude tasks', gemini: 'gemini tasks' };

async function binaryCheck(name: string, bin: string, required: boolean, neededBy: string): Promise<DoctorCheck> {
  const r = await checkBinary(bin);
  if (r.ok) return { name, status: 'ok', detail: r.version ?? '', bin, version: r.version };
  return { name: bin === name ? name : `${name} (${bin})`, status: required ? 'fail' : 'warn', detail: `${r.error ?? 'not usable'}${required ? '' : ` (needed only by ${neededBy})`}`, bin };
}

function parseAgents(value: string): AgentKind[] {
  const kinds = value.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = kinds.filter((k) => !(AGENT_KINDS as readonly string[]).includes(k));
  if (bad.length || kinds.length === 0) throw new InvalidArgumentError(`agents are a comma-separated list of ${AGENT_KINDS.join(', ')}${bad.length ? ` (not: ${bad.join(', ')})` : ''}`);
  return kinds as AgentKind[];
}

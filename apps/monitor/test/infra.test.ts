// infra/ and docker-compose.yml: valid for their tools, and every PromQL expression refers only
// to metric names the monitor exports.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { buildMetricsRegistry, exportedSeriesNames } from '@agentfleet/telemetry';
import { freePort, promtool, removeDir, repoRoot, requireBinaries, snapshot, tempDir } from '@agentfleet/testkit';
import { dashboardExpressions, metricNamesIn } from './promql-names.js';

const at = (p: string) => join(repoRoot, p);
/** Series Prometheus itself adds to every scrape target. */
const PROMETHEUS_OWN = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped'];

function alertExpressions(): { alert: string; expr: string }[] {
  const doc = parseYaml(readFileSync(at('infra/prometheus/alerts.yml'), 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
  return doc.groups.flatMap((g) => g.rules);
}

describe('metricNamesIn', () => {
  it('finds metric names and ignores functions, labels, ranges, grouping and variables', () => {
    expect(metricNamesIn('histogram_quantile(0.95, sum by (le, agent) (rate(agentfleet_task_duration_seconds_bucket{host=~"$host"}[$__rate_interval])))')).toEqual([
      'agentfleet_task_duration_seconds_bucket',
    ]);
    expect(metricNamesIn('a_total / on(host) group_left(x) b > 0.5 and on() (sum(c) or on() vector(0)) == 0')).toEqual(['a_total', 'b', 'c']);
    expect(metricNamesIn('up{job="agentfleet-monitor"} == 0 offset 5m')).toEqual(['up']);
    expect(metricNamesIn('label_values(agentfleet_host_up, host)')).toEqual(['agentfleet_host_up']);
  });
});

describe('PromQL in infra/ refers only to exported metrics', () => {
  const exported = new Set([...exportedSeriesNames(buildMetricsRegistry(snapshot())), ...PROMETHEUS_OWN]);

  it('the dashboard', () => {
    const dashboard = JSON.parse(readFileSync(at('infra/grafana/dashboards/agentfleet.json'), 'utf8')) as unknown;
    const exprs = dashboardExpressions(dashboard);
    expect(exprs.length).toBeGreaterThan(20);
    for (const expr of exprs) {
      const names = metricNamesIn(expr);
      expect(names.length, `no metric in: ${expr}`).toBeGreaterThan(0);
      for (const n of names) expect(exported, `${n} in dashboard expression: ${expr}`).toContain(n);
    }
  });

  it('the alert rules', () => {
    const rules = alertExpressions();
    expect(rules.map((r) => r.alert)).toEqual(expect.arrayContaining([
      'AgentfleetHostDown', 'AgentfleetTaskFailureRatioHigh', 'AgentfleetQueueNotDraining', 'AgentfleetRedisMemoryHigh', 'AgentfleetRunOverBudget',
    ]));
    for (const { alert, expr } of rules) {
      for (const n of metricNamesIn(expr)) expect(exported, `${n} in alert ${alert}`).toContain(n);
    }
  });

  it('the dashboard has the panels the fleet is watched with', () => {
    const dashboard = JSON.parse(readFileSync(at('infra/grafana/dashboards/agentfleet.json'), 'utf8')) as { panels: { title: string; datasource?: { uid: string } }[] };
    const titles = dashboard.panels.map((p) => p.title);
    for (const t of ['CPU by host', 'Memory by host', 'Slots busy / idle', 'Queue depth', 'Tasks per minute by status', 'Task duration p50 / p95', 'Wait (ready -> start)', 'Tokens per minute by model', 'Dollars per hour by model', 'Active runs and their tasks']) {
      expect(titles).toContain(t);
    }
    const datasource = parseYaml(readFileSync(at('infra/grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as { datasources: { uid: string }[] };
    const uid = datasource.datasources[0]?.uid;
    for (const p of dashboard.panels) if (p.datasource) expect(p.datasource.uid).toBe(uid);
  });
});

describe('promtool on infra/prometheus', () => {
  it('checks the config, the rules and the rule unit tests', () => {
    if (!requireBinaries('promtool')) return;
    for (const args of [
      ['check', 'config', at('infra/prometheus/prometheus.yml')],
      ['check', 'rules', at('infra/prometheus/alerts.yml')],
      ['test', 'rules', at('infra/prometheus/alerts.test.yml')],
    ]) {
      const r = promtool(args);
      expect(r.code, `promtool ${args.join(' ')}:\n${r.output}`).toBe(0);
    }
  });
});

describe('docker-compose.yml', () => {
  const composeCommand = (): string[] | undefined => {
    if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0) return ['docker', 'compose'];
    if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0) return ['docker-compose'];
    return undefined;
  };

  it('is accepted by docker compose config, and demands the Grafana password', () => {
    const cmd = composeCommand();
    if (!cmd) {
      if (process.env.CI === 'true') throw new Error('missing prerequisite under CI: docker compose or docker-compose');
      return;
    }
    const run = (env: NodeJS.ProcessEnv) =>
      spawnSync(cmd[0]!, [...cmd.slice(1), '-f', at('docker-compose.yml'), 'config'], { cwd: repoRoot, encoding: 'utf8', env });
    const env = { ...process.env };
    delete env.GRAFANA_ADMIN_PASSWORD;
    const ok = run({ ...env, GRAFANA_ADMIN_PASSWORD: 'test-only' });
    expect(ok.status, ok.stderr).toBe(0);
    const config = parseYaml(ok.stdout) as { services: Record<string, { ports?: unknown[]; environment?: Record<string, string> }> };
    expect(Object.keys(config.services).sort()).toEqual(['grafana', 'monitor', 'prometheus', 'redis']);
    expect(config.services.monitor?.environment?.REDIS_URL).toBe('redis://redis:6379');
    // Published ports stay on the loopback interface (short syntax "ip:host:container" or long syntax host_ip).
    const ports = Object.values(config.services).flatMap((svc) => svc.ports ?? []);
    expect(ports.length).toBe(4);
    for (const p of ports) {
      const hostIp = typeof p === 'string' ? p.split(':')[0] : (p as { host_ip?: string }).host_ip;
      expect(hostIp, JSON.stringify(p)).toBe('127.0.0.1');
    }
    const missing = run(env);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/GRAFANA_ADMIN_PASSWORD/);
  });
});

describe('infra/redis/redis.conf', () => {
  it('is accepted by redis-server with AOF everysec and noeviction', async () => {
    if (!requireBinaries('redis-server', 'redis-cli')) return;
    const dir = tempDir('redisconf');
    const port = await freePort();
    const child = spawn('redis-server', [at('infra/redis/redis.conf'), '--port', String(port), '--bind', '127.0.0.1', '--dir', dir], { stdio: 'ignore' });
    try {
      const get = (key: string) => spawnSync('redis-cli', ['-p', String(port), 'config', 'get', key], { encoding: 'utf8' }).stdout.trim().split('\n')[1];
      let appendonly: string | undefined;
      for (let i = 0; i < 100 && appendonly === undefined; i++) {
        appendonly = get('appendonly');
        if (appendonly === undefined) await new Promise((r) => setTimeout(r, 50));
      }
      expect(appendonly).toBe('yes');
      expect(get('appendfsync')).toBe('everysec');
      expect(get('maxmemory-policy')).toBe('noeviction');
    } finally {
      child.kill('SIGKILL');
      removeDir(dir);
    }
  });
});

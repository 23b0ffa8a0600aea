import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pino } from 'pino';
import { parseSamples, promtool, requireBinaries, snapshot } from '@agentfleet/testkit';
import { createMonitorServer, type MonitorServer, type MonitorServerOptions } from '../src/server.js';
import { parseListen } from '../src/listen.js';
import { fixtureSource } from './fixture-source.js';

const logger = pino({ level: 'silent' });
const bounds = snapshot().histogramBounds;
const servers: MonitorServer[] = [];

async function start(opts: Partial<MonitorServerOptions> = {}): Promise<MonitorServer> {
  const server = await createMonitorServer({ source: fixtureSource(), listen: '127.0.0.1:0', logger, histogramBounds: bounds, runBudgetUsd: 50, ...opts });
  servers.push(server);
  return server;
}

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('parseListen', () => {
  it('takes host:port, [ipv6]:port and a bare port (which binds loopback)', () => {
    expect(parseListen('127.0.0.1:9464')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseListen('0.0.0.0:80')).toEqual({ host: '0.0.0.0', port: 80 });
    expect(parseListen('[::1]:9464')).toEqual({ host: '::1', port: 9464 });
    expect(parseListen('9464')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseListen(':9464')).toEqual({ host: '127.0.0.1', port: 9464 });
  });

  it('rejects what is not an address with one clear message', () => {
    expect(() => parseListen('localhost')).toThrow(/monitor listen address 'localhost' is not host:port/);
    expect(() => parseListen('1.2.3.4:99999')).toThrow(/is not host:port/);
  });
});

describe('monitor server', () => {
  it('binds 127.0.0.1:9464 when no address is given', async () => {
    let server: MonitorServer | undefined;
    try {
      server = await createMonitorServer({ source: fixtureSource(), logger, histogramBounds: bounds });
      expect(server.host).toBe('127.0.0.1');
      expect(server.port).toBe(9464);
    } catch (err) {
      // Another monitor may hold the port on this machine: the attempt still names the default.
      expect((err as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
      expect((err as Error).message).toContain('127.0.0.1:9464');
    } finally {
      await server?.close();
    }
  });

  it('binds loopback for a bare port', async () => {
    const s = await start({ listen: '0' });
    expect(s.host).toBe('127.0.0.1');
    expect(s.port).toBeGreaterThan(0);
  });

  it('serves /metrics in the Prometheus text format, accepted by promtool', async () => {
    const s = await start();
    const res = await fetch(`${s.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const samples = parseSamples(text);
    expect(samples.get('agentfleet_tasks_total{status="succeeded",agent="shell"}')).toBe(40);
    expect(samples.get('agentfleet_host_up{host="majin"}')).toBe(0);
    if (requireBinaries('promtool')) {
      const r = promtool(['check', 'metrics'], text);
      expect(r.output).toBe('');
      expect(r.code).toBe(0);
    }
  });

  it('keeps counters monotonic across a restart given the same durable totals', async () => {
    const source = fixtureSource();
    const counters = (text: string) => {
      const out = new Map<string, number>();
      for (const [k, v] of parseSamples(text)) if (/_total\{|_total$|_bucket\{|_sum(\{|$)|_count(\{|$)/.test(k)) out.set(k, v);
      return out;
    };
    const first = await start({ source });
    const before = counters(await (await fetch(`${first.url}/metrics`)).text());
    expect(before.size).toBeGreaterThan(20);
    await first.close();
    // a new server process reading the same totals: same values, neither reset nor doubled
    const second = await start({ source });
    const again = counters(await (await fetch(`${second.url}/metrics`)).text());
    const twice = counters(await (await fetch(`${second.url}/metrics`)).text());
    expect(again).toEqual(before);
    expect(twice).toEqual(before);
    // totals that grew meanwhile are exposed as they are, never below what was seen
    source.setStats(snapshot(3).stats);
    const later = counters(await (await fetch(`${second.url}/metrics`)).text());
    for (const [k, v] of before) expect(later.get(k), k).toBeGreaterThanOrEqual(v);
    expect(later.get('agentfleet_tasks_total{status="succeeded",agent="shell"}')).toBe(120);
  });

  it('answers /healthz 200 with JSON while Redis answers, 503 otherwise; /metrics 503 too', async () => {
    const source = fixtureSource();
    const s = await start({ source });
    const ok = await fetch(`${s.url}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: 'ok', redis: { usedMemory: 52e6, maxMemory: 1e9 } });
    source.setDown(true);
    const bad = await fetch(`${s.url}/healthz`);
    expect(bad.status).toBe(503);
    expect(await bad.json()).toMatchObject({ status: 'unavailable', error: expect.stringContaining('ECONNREFUSED') });
    const metrics = await fetch(`${s.url}/metrics`);
    expect(metrics.status).toBe(503);
    expect(await metrics.text()).toContain('ECONNREFUSED');
  });

  it('times out a source that hangs instead of hanging the scrape', async () => {
    const hanging = { ...fixtureSource(), redisInfo: () => new Promise<never>(() => {}) };
    const s = await start({ source: hanging, timeoutMs: 200 });
    const res = await fetch(`${s.url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'Redis did not answer within 200 ms' });
  });

  it('refuses other methods and unknown paths', async () => {
    const s = await start();
    expect((await fetch(`${s.url}/metrics`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${s.url}/nope`)).status).toBe(404);
  });
});

describe('/queues (bull-board over real BullMQ queues)', () => {
  const prefix = `t-monitor-${process.pid}`;
  const queueName = 'tasks';
  let connection: Redis;
  let queue: Queue;

  beforeAll(async () => {
    connection = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    queue = new Queue(queueName, { connection, prefix });
    // one failed job to retry
    await queue.add('t', { n: 1 }, { jobId: 'run1.task1', attempts: 1 });
    const worker = new Worker(queueName, () => Promise.reject(new Error('boom')), { connection, prefix, autorun: false });
    const failed = new Promise<void>((resolve) => worker.once('failed', () => resolve()));
    void worker.run();
    await failed;
    await worker.close();
  });

  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
  });

  it('serves the board UI and the queue list, read-only by default', async () => {
    const s = await start({ source: fixtureSource(snapshot(), [queue]) });
    const page = await fetch(`${s.url}/queues`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    const list = await fetch(`${s.url}/queues/api/queues?activeQueue=${queueName}&status=failed&page=1`);
    expect(list.status).toBe(200);
    const body = (await list.json()) as { queues: { name: string; readOnlyMode: boolean; counts: Record<string, number> }[] };
    expect(body.queues).toHaveLength(1);
    expect(body.queues[0]).toMatchObject({ name: queueName, readOnlyMode: true });
    expect(body.queues[0]?.counts.failed).toBe(1);
  });

  it('serves the board assets the page refers to', async () => {
    const s = await start({ source: fixtureSource(snapshot(), [queue]) });
    const html = await (await fetch(`${s.url}/queues`)).text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThan(0);
    for (const a of assets) {
      const url = new URL(a, `${s.url}/queues/`).href;
      expect(url.startsWith(`${s.url}/queues/`), url).toBe(true);
      expect((await fetch(url)).status, url).toBe(200);
    }
  });

  it('answers 503 when the queues cannot be listed', async () => {
    const source = fixtureSource(snapshot(), [queue]);
    source.setDown(true);
    const s = await start({ source });
    const res = await fetch(`${s.url}/queues/api/queues`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: expect.stringContaining('cannot list the task queues') });
  });

  it('refuses a POST to retry or clean while read-only, and the job stays failed', async () => {
    const s = await start({ source: fixtureSource(snapshot(), [queue]) });
    const paths = [`retry/failed`, `clean/failed`, `run1.task1/retry`, `run1.task1/clean`, `pause`, `obliterate`].map((p) => `/queues/api/queues/${queueName}/${p}`);
    for (const path of paths) {
      for (const method of ['PUT', 'POST', 'DELETE']) {
        const res = await fetch(`${s.url}${path}`, { method });
        expect(res.status, `${method} ${path}`).toBe(405);
      }
    }
    expect(await queue.getJobState('run1.task1')).toBe('failed');
  });

  it('lets bull-board retry a job when configured writable', async () => {
    const s = await start({ source: fixtureSource(snapshot(), [queue]), queuesWritable: true });
    const list = (await (await fetch(`${s.url}/queues/api/queues`)).json()) as { queues: { readOnlyMode: boolean }[] };
    expect(list.queues[0]?.readOnlyMode).toBe(false);
    const res = await fetch(`${s.url}/queues/api/queues/${queueName}/retry/failed`, { method: 'PUT' });
    expect(res.status).toBe(200);
    expect(await queue.getJobState('run1.task1')).toBe('waiting');
  });
});

import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrubSecrets, secretValuesFromEnv } from '../src/index.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      cb();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  it('writes JSON with the level from LOG_LEVEL and redacts secret keys at any depth we know', () => {
    const { lines, stream } = capture();
    const log = createLogger({ name: 't', level: 'debug', destination: stream as never, pretty: false });
    log.debug({ apiKey: 'sk-123', config: { password: 'pw', token: 't0k' }, headers: { authorization: 'Bearer x' } }, 'hello');
    const rec = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(rec).toMatchObject({ level: 20, name: 't', msg: 'hello', apiKey: '[REDACTED]', config: { password: '[REDACTED]', token: '[REDACTED]' }, headers: { authorization: '[REDACTED]' } });
    expect(lines[0]).not.toMatch(/sk-123|"pw"|t0k|Bearer/);
  });

  it('replaces the values of secret environment variables wherever they appear', () => {
    const { lines, stream } = capture();
    const secrets = secretValuesFromEnv(['MY_KEY', 'SHORT', 'UNSET'], { MY_KEY: 'super-secret-value', SHORT: 'ab' });
    expect(secrets).toEqual(['super-secret-value']); // too short to be worth hiding: 'ab'
    const log = createLogger({ name: 't', destination: stream as never, secretValues: secrets, pretty: false });
    log.info({ cmd: 'curl -H "x: super-secret-value"' }, 'ran with super-secret-value inside');
    expect(lines[0]).not.toContain('super-secret-value');
    expect(lines[0]).toContain('[REDACTED]');
  });

  it('level comes from LOG_LEVEL when not given', () => {
    const before = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = 'warn';
    try {
      const { lines, stream } = capture();
      const log = createLogger({ name: 't', destination: stream as never, pretty: false });
      log.info('hidden');
      log.warn('shown');
      expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['shown']);
    } finally {
      if (before === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = before;
    }
  });

  it('scrubSecrets replaces longest first', () => {
    expect(scrubSecrets('a abc abcdef', ['abc', 'abcdef'].sort((x, y) => y.length - x.length))).toBe('a [REDACTED] [REDACTED]');
  });
});

import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shellCommand, shellQuote, shScript } from '@agentfleet/fleet';

// Real shells decide: whatever the string, the shell must see exactly that one word.
function echoThrough(shell: string, args: string[]): string[] {
  const out = execFileSync(shell, ['-c', shellCommand(['printf', '%s\\0', ...args])]);
  return out.toString('utf8').split('\0').slice(0, -1);
}

describe('shellQuote', () => {
  it('leaves plain words alone and quotes everything else', () => {
    expect(shellQuote('abc-1.2/x_y:z@h,%+')).toBe('abc-1.2/x_y:z@h,%+');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote('~/x')).toBe("'~/x'");
    expect(shellQuote('=cmd')).toBe("'=cmd'");
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });

  it('round-trips arbitrary strings through sh and bash', () => {
    const arg = fc.string({ unit: fc.oneof(fc.constantFrom("'", '"', '\\', '$', '`', ' ', '\n', '*', '!', ';', '&', '|', '~', '=', '(', '#'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })) })
      .filter((s) => !s.includes('\0'));
    fc.assert(fc.property(fc.array(arg, { minLength: 1, maxLength: 4 }), (args) => {
      expect(echoThrough('sh', args)).toEqual(args);
      expect(echoThrough('bash', args)).toEqual(args);
    }), { numRuns: 60 });
  });

  it('shScript passes caller data only as positional parameters', () => {
    const evil = '$(touch /tmp/af-pwned); `id`';
    const out = execFileSync('sh', ['-c', shScript('printf "%s|%s" "$1" "$2"', [evil, 'b c'])], { encoding: 'utf8' });
    expect(out).toBe(`${evil}|b c`);
  });
});

// Everything that reaches a remote shell is built here, from argv parts, never by concatenation.

const SAFE = /^[A-Za-z0-9_/.,:+@%-][A-Za-z0-9_/.,:+@%=-]*$/;

/** Quotes one argument for a POSIX shell (sh, bash, dash, zsh): the shell sees it as one literal word. */
export function shellQuote(arg: string): string {
  if (arg.includes('\0')) throw new TypeError('a shell argument cannot contain a NUL byte');
  if (SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Joins argv into one command line, each part quoted. */
export function shellCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new TypeError('empty command');
  return argv.map(shellQuote).join(' ');
}

/**
 * Runs a constant POSIX sh script with arguments as $1, $2, ...: `sh -c SCRIPT sh ARGS...`.
 * The script text never contains caller data, and sh is used whatever the login shell is.
 */
export function shScript(script: string, args: readonly string[] = []): string {
  return shellCommand(['sh', '-c', script, 'sh', ...args]);
}

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { InputError, parseSuite, type HiddenFile, type Problem, type Suite, type SuiteCase } from '@agentfleet/core';
import { readPromptFiles, readText, repoFromFile } from '../plan-file.js';

/** At most this much of hidden files per case travels with the eval (it sits in Redis until the eval settles). */
export const HIDDEN_MAX_BYTES_PER_CASE = 1 << 20;

export interface LoadedSuite {
  suite: Suite;
  /** each case's hidden files, read now: remote hosts get them without reaching the laptop */
  hidden: Record<string, HiddenFile[]>;
  /** each case's repository as git is given it (a relative path is relative to the suite file) */
  repos: Record<string, string>;
}

/**
 * Reads and validates a suite file, then what it names: prompt files (inside the suite's
 * folder, as for plans) and hidden files (files or folders, relative to the suite file, at
 * most 1 MiB per case). Every problem at once, located, as an InputError.
 */
export async function loadSuiteFile(path: string): Promise<LoadedSuite> {
  const suite = parseSuite(await readText(path, 'cannot read the suite file'), path);
  await readPromptFiles({ tasks: suite.cases.map((c) => c.task) }, path, 'suite');
  const problems: Problem[] = [];
  const hidden: Record<string, HiddenFile[]> = {};
  const base = dirname(resolve(path));
  for (const c of suite.cases) hidden[c.id] = readHidden(c, base, path, problems);
  if (problems.length) throw new InputError(problems);
  return { suite, hidden, repos: Object.fromEntries(suite.cases.map((c) => [c.id, repoFromFile(c.repo, base)])) };
}

function readHidden(c: SuiteCase, base: string, file: string, problems: Problem[]): HiddenFile[] {
  const out: HiddenFile[] = [];
  for (const h of c.hidden) {
    const from = isAbsolute(h.from) ? h.from : resolve(base, h.from);
    const at = { file, line: h.line, column: h.column };
    const stat = statSync(from, { throwIfNoEntry: false });
    if (!stat) {
      problems.push({ ...at, message: `case '${c.id}': hidden file '${h.from}' does not exist (${from})` });
      continue;
    }
    const files = stat.isDirectory() ? filesUnder(from) : [''];
    for (const rel of files) {
      const src = rel ? join(from, rel) : from;
      out.push({ path: rel ? `${h.to}/${rel}` : h.to, data: readFileSync(src).toString('base64'), mode: statSync(src).mode & 0o777 });
    }
  }
  const bytes = out.reduce((n, f) => n + Buffer.byteLength(f.data, 'base64'), 0);
  if (bytes > HIDDEN_MAX_BYTES_PER_CASE) {
    problems.push({ file, line: c.line, column: c.column, message: `case '${c.id}': its hidden files are ${(bytes / (1 << 20)).toFixed(2)} MiB; at most 1 MiB per case travels with the eval` });
  }
  return out;
}

/** Files below a folder, relative to it, sorted (links followed; .git left out). */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (name === '.git') continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

// The issue-715 plan written with the TypeScript workflow API (@agentfleet/sdk). It is the
// same plan as issue-715.yaml next to it: `workflow(...).toPlan()` and `fleet plan check
// issue-715.yaml` give the same tasks. Shell tasks, so it runs without a model; swap `run:`
// for `agent: 'codex', prompt: '...'` (and add `repo: { url }`) for real work.
import { workflow } from '@agentfleet/sdk';

export function issue715() {
  return (
    workflow('issue-715', { defaults: { agent: 'shell', retries: 0, estimate: '1s' } })
      // outputs: a JSON object in $AGENTFLEET_OUTPUTS that later conditions read
      .task('analysis', { title: 'Analyse the issue', run: `echo '{"risk": "low"}' > "$AGENTFLEET_OUTPUTS"` })
      .then('impl', { title: 'Implement', run: 'echo implementing', when: 'analysis.outputs.risk != "high"' })
      .parallel(['test', 'lint'], { test: { run: 'echo tests pass' }, lint: { run: 'echo lint clean' } })
      // the fix path runs only when the tests failed; otherwise the release notes are written
      .branch('test.failed', {
        then: (w) => w.then('fix', { title: 'Fix the failing tests', run: 'echo fixing' }),
        else: (w) => w.then('notes', { title: 'Write the release notes', run: 'echo release notes' }),
      })
      // a person decides (fleet approve|reject RUN ship); nobody within 2s: approved
      .approval('ship', { prompt: 'Ship issue-715?', timeout: '2s', onTimeout: 'approve' })
      .then('deploy', { run: 'echo deployed' })
  );
}

// @agentfleet/testkit: the helpers every test suite shares (package tests, the e2e suites in
// test/, the benchmarks and the chaos run), one job per module. Private: no src/ of another
// package imports it, and nothing of it is built or bundled.
export * from './temp-dir.js'; // tempDir (under /dev/shm), removeDir
export * from './wait-for.js'; // waitFor: poll until truthy
export * from './prereq.js'; // hasBinary, requireBinaries, isRoot: skip here, fail under CI
export * from './file-lock.js'; // holdFileLock: flock(1) between processes
export * from './ports.js'; // freePort, portOpen
export * from './release-gate.js'; // ReleaseGate: a task's command waits until the test opens it
export * from './built-apps.js'; // repoRoot, cliBin, hostdScript, ensureBuilt
export * from './processes.js'; // workerPids, pidsWithArg
export * from './git.js'; // g, writeFiles, makeOrigin, commit, AUTHOR
export * from './plans.js'; // task, plan, noConfig, writeShellPlan, sleepers
export * from './store.js'; // testStore, testStores, runEnded, dropStore, hostStatus, claimAs
export * from './redis.js'; // TestRedis
export * from './hostd.js'; // TestHostd, FAST_DAEMON_ENV, FAST_HEARTBEAT_TTL_MS
export * from './user-fleet.js'; // startUserFleet: a store, a host daemon and a user whose fleet.yaml names it
export * from './fleet-cli.js'; // runFleet, runFleetOk, runFleetSync, UserCli
export * from './cli-batch.js'; // runFleetCases, invalidInputFaults, describeFaults
export * from './monitor-process.js'; // MonitorProcess: `fleet monitor` as a child
export * from './exposition.js'; // parseSamples, parseExposition, total, seriesKey, counterSeries
export * from './promtool.js'; // promtool
export * from './snapshot-fixture.js'; // snapshot, hosts, stats, queues, runs, NOW
export * from './test-hosts.js'; // startTestHosts, canRunTestHosts: local sshd hosts
export * from './netns.js'; // startNetnsHosts, canRunNetnsHosts: hosts behind network namespaces
export * from './tls-certs.js'; // generateTestCerts, redisTlsArgs
export * from './tmux.js'; // TmuxServer: a pseudo-terminal whose screen a test reads
export * from './openai-standin.js'; // OpenAIStandin, startStandin, reply: the model stand-in
export * from './leak-scan.js'; // redisDump, redisText, filesContaining: where a secret could leak to
export * from './npm-project.js'; // makeNpmProject, npmCacheKeys: an npm project whose dependencies are vendored tarballs
export * from './model-fleet.js'; // startModelFleet: stand-in model, store, one-slot daemon and a CLI home
export * from './browser.js'; // launchChromium: Debian's chromium through playwright-core
export * from './http-listener.js'; // startHttpListener: a local HTTP server that records what reaches it
export * from './anthropic-standin.js'; // AnthropicStandin, startAnthropicStandin: the Messages API stand-in
export * from './gemini-standin.js'; // GeminiStandin, startGeminiStandin: the Gemini API stand-in
export * from './unix-user.js'; // ensureUnixUser, chownTree, userTempDir: an unprivileged test user
export * from './conversations.js'; // byConversation: a stand-in responder by case, model, turn and trial
export * from './eval-fixture.js'; // EVAL_CASES, writeEvalSuite, evalRepoFiles: an npm project and suite for evals
export * from './local-fleet-home.js'; // localFleetHome: a user's local fleet (home, fleet.yaml, store) for tests of the fleet binary
export * from './webhook-receiver.js'; // WebhookReceiver: a real HTTP server recording notifications

// Plan files are read by the SDK's code, which `fleet` shares (packages/sdk/src/plan-file.ts).
export { loadPlanFile, readPromptFiles, readText, absoluteRepo, repoFromFile } from '@agentfleet/sdk';

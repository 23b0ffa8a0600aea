// The merge queue's branch is decided by the SDK's submit code, which `fleet run` shares.
export { integrateBranchOf } from '@agentfleet/sdk';

// fleet.yaml is found and read by the SDK's code, which `fleet` shares (packages/sdk/src/config-file.ts).
export { findConfigFile, loadConfigFile, configuredSlots } from '@agentfleet/sdk';

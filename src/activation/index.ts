/** The activation layer's library API (see docs/activation.md). */
export { runActivation, runActivationStreaming, buildInvocation, assertActivated } from './run.js';
export type { ActivationRequest, ActivationResult, Invocation } from './run.js';
export { resolveModule, searchPath, OUR_MODULES_DIR } from './lookup.js';
export type { ResolvedModule } from './lookup.js';
export { readContainerConfig } from './containers.js';
export type { ContainerConfig } from './containers.js';
export { encodeProperty, propertiesToEnv } from './properties.js';
export { OPERATIONS, isOperation, stateDir, defaultRuntimeDir, componentName, SERVICE_ENVIRONMENT_VAR, SERVICE_ENVIRONMENT_FILE_VAR } from './state.js';
export type { Operation } from './state.js';

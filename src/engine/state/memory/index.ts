export { createMemoryBackend } from './memory-backend.js'
export type { MemoryBackendConfig } from './memory-backend.js'

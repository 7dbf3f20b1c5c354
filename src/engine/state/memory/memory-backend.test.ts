import { runStateBackendConformance } from '../testing/state-backend-conformance.js'
import { createMemoryBackend } from './memory-backend.js'

runStateBackendConformance({ name: 'memory', backend: (config) => createMemoryBackend(config) })

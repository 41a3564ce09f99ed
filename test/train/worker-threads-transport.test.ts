import { WorkerThreadsTransport } from '../../src/train/transport/worker-threads-transport.js';
import { transportContract } from './transport-contract.js';

transportContract('worker threads', { start: (inits) => WorkerThreadsTransport.start(inits, () => {}) });

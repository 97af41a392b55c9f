// Test fixture: the explorer's worker where a worker cannot start workers. www/explorer/sim-pool.js then
// starts no helper and www/explorer/worker.js simulates every run itself (its fallback path).
import './hide-worker.js';
import '../../www/explorer/worker.js';

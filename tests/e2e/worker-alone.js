// Test fixture: the explorer's worker where a worker cannot start workers. www/sim-pool.js then
// starts no helper and www/worker.js simulates every run itself (its fallback path).
import './hide-worker.js';
import '../../www/worker.js';

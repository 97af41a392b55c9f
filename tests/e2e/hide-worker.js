// Test fixture, imported first by worker-alone.js: hides the Worker constructor from this worker,
// as in a browser whose workers cannot start workers.
self.Worker = undefined;

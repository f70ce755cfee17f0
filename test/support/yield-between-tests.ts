import { beforeEach } from 'vitest';

// Unit files with many synchronous tests (the krusty corpus: 261 renders) never gave the event loop
// a turn between tests, so the worker could not read the runner's answers to its progress reports.
// On a loaded machine such a file ran past 60 s and vitest's worker RPC timed out ("Timeout calling
// onTaskUpdate") although every test passed. A macrotask turn before each test lets replies in.
beforeEach(() => new Promise<void>((resolve) => setImmediate(resolve)));

import { describe, expect, it } from 'vitest';
import { backsOff } from '../../suites/resilience/support.js';

// RES-003 judges what the waits mean: they grow. Sequences below were measured (ms between the mock's
// answer and the next attempt) on a loaded 2-core machine, where the system's own latency adds to every wait.
describe('RES-003: backing off, judged by meaning', () => {
  it.each([
    ['exponential 150/300/600 with 125 ms of latency in each', [275, 425, 725]],
    ['jittered exponential under load (was judged no backoff)', [275, 386.63, 509.67]],
    ['exponential with one stalled wait in the middle (was judged no backoff)', [227.11, 739.61, 629.44]],
    ['decorrelated jitter: a wait shorter than the one before', [300, 180, 700]],
    ['capped exponential: the last two equal', [200, 800, 800]],
    ['latency in the first wait only', [366.59, 309.68, 603.64]],
  ])('%s: backs off', (_, gaps) => expect(backsOff(gaps)).toBe(true));

  it.each([
    ['a fixed delay', [150, 150, 150]],
    ['a fixed delay plus latency that varies', [275, 310, 290]],
    ['a wait that shrinks', [600, 300, 150]],
    ['a single retry says nothing', [150]],
  ])('%s: does not', (_, gaps) => expect(backsOff(gaps)).toBe(false));
});

// The V8 flags the CLI sets for itself (src/cli/v8-flags.ts): only on the V8 they were measured on,
// and never over a flag given on node's command line, in either of V8's spellings.
import { describe, expect, it } from 'vitest';
import { BATCH_V8_FLAGS, batchV8Flags } from '../../src/cli/v8-flags.js';

describe('batchV8Flags', () => {
  it('sets both flags on V8 11 when node was given none of them', () => {
    expect(batchV8Flags([], '11.3.244.8-node.38')).toEqual(['--interrupt-budget=200000', '--max-inlined-bytecode-size-cumulative=200']);
    expect(batchV8Flags(['--enable-source-maps', '--max-old-space-size=4096'], '11.3.244.8-node.38')).toEqual([...BATCH_V8_FLAGS]);
  });

  it('leaves a flag given on the command line as given, dashes or underscores', () => {
    expect(batchV8Flags(['--interrupt-budget=5000'], '11.3.244.8-node.38')).toEqual(['--max-inlined-bytecode-size-cumulative=200']);
    expect(batchV8Flags(['--interrupt_budget=5000'], '11.3.244.8-node.38')).toEqual(['--max-inlined-bytecode-size-cumulative=200']);
    expect(batchV8Flags(['--max_inlined_bytecode_size_cumulative=50', '--interrupt-budget=5000'], '11.3.244.8-node.38')).toEqual([]);
  });

  it('sets nothing on another V8', () => {
    expect(batchV8Flags([], '12.4.254.21-node.33')).toEqual([]);
    expect(batchV8Flags([], '10.2.154.26-node.36')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { quantizedTensors } from '../../src/backbone/quantized-tensors.js';
import type { NodeInfo } from '../../src/core/onnx/index.js';

const node = (opType: string, inputs: string[], outputs: string[]): NodeInfo => ({
  name: `${opType}_${outputs[0]}`,
  opType,
  domain: '',
  inputs,
  outputs,
  attributes: {},
});

describe('quantized tensors of QOperator graphs', () => {
  const weights = new Set(['x_s', 'x_z', 'w', 'w_s', 'w_z', 'y_s', 'y_z', 'p_s', 'p_z', 'shape']);

  it("reads each QLinear output's y_scale/y_zero_point, and lets pass-through ops keep their input's", () => {
    const found = quantizedTensors(
      [
        node('QuantizeLinear', ['image', 'x_s', 'x_z'], ['xq']),
        node('QLinearConv', ['xq', 'x_s', 'x_z', 'w', 'w_s', 'w_z', 'y_s', 'y_z'], ['conv']),
        node('MaxPool', ['conv'], ['pool']),
        node('Reshape', ['pool', 'shape'], ['flat']),
        node('QLinearGlobalAveragePool', ['conv', 'y_s', 'y_z', 'p_s', 'p_z'], ['gap']),
      ],
      weights,
    );
    expect(Object.fromEntries(found)).toEqual({
      conv: { tensor: 'conv', scale: 'y_s', zeroPoint: 'y_z' },
      pool: { tensor: 'pool', scale: 'y_s', zeroPoint: 'y_z' },
      flat: { tensor: 'flat', scale: 'y_s', zeroPoint: 'y_z' },
      gap: { tensor: 'gap', scale: 'p_s', zeroPoint: 'p_z' },
    });
  });

  it('leaves out tensors whose scale is computed at run time (dynamic quantization)', () => {
    const found = quantizedTensors(
      [
        node('DynamicQuantizeLinear', ['image'], ['xq', 'x_dyn_s', 'x_dyn_z']),
        node('QLinearMatMul', ['xq', 'x_dyn_s', 'x_dyn_z', 'w', 'w_s', 'w_z', 'x_dyn_s', 'x_dyn_z'], ['mm']),
        node('QLinearMatMul', ['xq', 'x_dyn_s', 'x_dyn_z', 'w', 'w_s', 'w_z', 'y_s'], ['no_zero_point']),
        node('Constant', [], ['c_s']),
        node('QLinearAdd', ['mm', 'x_s', 'x_z', 'mm', 'x_s', 'x_z', 'c_s'], ['add']),
      ],
      weights,
    );
    expect(Object.fromEntries(found)).toEqual({
      no_zero_point: { tensor: 'no_zero_point', scale: 'y_s' },
      add: { tensor: 'add', scale: 'c_s' },
    });
  });
});

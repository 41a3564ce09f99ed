/** The one map between ONNX tensor element types, names and TypedArrays (STYLE.md 6). */
export const OnnxDataType = {
  float32: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  string: 8,
  bool: 9,
  float16: 10,
  float64: 11,
  uint32: 12,
  uint64: 13,
} as const;
export type DTypeName = keyof typeof OnnxDataType;

export interface DTypeArrayMap {
  float32: Float32Array;
  uint8: Uint8Array;
  int8: Int8Array;
  uint16: Uint16Array;
  int16: Int16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  bool: Uint8Array;
  float16: Uint16Array;
  float64: Float64Array;
  uint32: Uint32Array;
  uint64: BigUint64Array;
  string: string[];
}

export const bytesPerElement: Record<DTypeName, number> = {
  float32: 4,
  uint8: 1,
  int8: 1,
  uint16: 2,
  int16: 2,
  int32: 4,
  int64: 8,
  string: 0,
  bool: 1,
  float16: 2,
  float64: 8,
  uint32: 4,
  uint64: 8,
};

const nameOfCode = new Map<number, DTypeName>(
  Object.entries(OnnxDataType).map(([name, code]) => [code, name as DTypeName]),
);

export function dtypeName(code: number): DTypeName | undefined {
  return nameOfCode.get(code);
}

export function isFloatType(code: number): boolean {
  return code === OnnxDataType.float32 || code === OnnxDataType.float16 || code === OnnxDataType.float64;
}

/**
 * Protobuf wire format, just enough to write and read ONNX models without a lossy schema codec.
 * Reading is zero-copy: length-delimited fields come back as subarrays of the input.
 */
export const WireType = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private scratch: number[] = [];
  private length = 0;

  private flushScratch(): void {
    if (this.scratch.length === 0) return;
    this.chunks.push(Uint8Array.from(this.scratch));
    this.length += this.scratch.length;
    this.scratch = [];
  }

  private pushBytes(bytes: Uint8Array): void {
    this.flushScratch();
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  private varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.scratch.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.scratch.push(Number(v));
  }

  private tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  int(field: number, value: number | bigint): this {
    this.tag(field, WireType.varint);
    this.varint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, WireType.fixed32);
    const buf = new Uint8Array(4);
    new DataView(buf.buffer).setFloat32(0, value, true);
    this.scratch.push(...buf);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WireType.bytes);
    this.varint(value.length);
    this.pushBytes(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, textEncoder.encode(value));
  }

  message(field: number, write: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    write(inner);
    return this.bytes(field, inner.finish());
  }

  packedInts(field: number, values: readonly (number | bigint)[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    return this.bytes(field, inner.finish());
  }

  packedFloats(field: number, values: readonly number[]): this {
    const buf = new Uint8Array(values.length * 4);
    const view = new DataView(buf.buffer);
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
    return this.bytes(field, buf);
  }

  finish(): Uint8Array {
    this.flushScratch();
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

export interface ProtoField {
  field: number;
  wireType: number;
  /** varint / fixed values */
  value: bigint;
  /** length-delimited payload (a view into the input) */
  bytes: Uint8Array;
}

export class ProtoFormatError extends Error {}

/** Iterates the top-level fields of one message. Throws ProtoFormatError on malformed input. */
export function* readFields(buf: Uint8Array): Generator<ProtoField> {
  let pos = 0;
  const empty = buf.subarray(0, 0);
  const readVarint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new ProtoFormatError('truncated varint');
      const byte = buf[pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return result;
      shift += 7n;
      if (shift > 70n) throw new ProtoFormatError('varint too long');
    }
  };
  while (pos < buf.length) {
    const key = Number(readVarint());
    const field = key >>> 3;
    const wireType = key & 7;
    if (field === 0) throw new ProtoFormatError('field number 0');
    switch (wireType) {
      case WireType.varint:
        yield { field, wireType, value: readVarint(), bytes: empty };
        break;
      case WireType.fixed64: {
        if (pos + 8 > buf.length) throw new ProtoFormatError('truncated fixed64');
        const bytes = buf.subarray(pos, pos + 8);
        pos += 8;
        yield {
          field,
          wireType,
          value: new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true),
          bytes,
        };
        break;
      }
      case WireType.bytes: {
        const length = Number(readVarint());
        if (pos + length > buf.length) throw new ProtoFormatError('truncated length-delimited field');
        const bytes = buf.subarray(pos, pos + length);
        pos += length;
        yield { field, wireType, value: 0n, bytes };
        break;
      }
      case WireType.fixed32: {
        if (pos + 4 > buf.length) throw new ProtoFormatError('truncated fixed32');
        const bytes = buf.subarray(pos, pos + 4);
        pos += 4;
        yield {
          field,
          wireType,
          value: BigInt(new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true)),
          bytes,
        };
        break;
      }
      default:
        throw new ProtoFormatError(`unsupported wire type ${wireType}`);
    }
  }
}

export function decodeString(bytes: Uint8Array): string {
  return textDecoder.decode(bytes);
}

export function fixed32ToFloat(field: ProtoField): number {
  return new DataView(field.bytes.buffer, field.bytes.byteOffset, 4).getFloat32(0, true);
}

/** Reads a repeated int64 field that may be packed or not. */
export function readInts(field: ProtoField): bigint[] {
  if (field.wireType === WireType.varint) return [BigInt.asIntN(64, field.value)];
  const out: bigint[] = [];
  for (const f of readFields(packedAsVarints(field.bytes))) out.push(BigInt.asIntN(64, f.value));
  return out;
}

/** Re-tags packed varints as a sequence of field-1 varints so readFields can walk them. */
function packedAsVarints(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  let start = true;
  for (const byte of bytes) {
    if (start) out.push(0x08);
    out.push(byte);
    start = byte < 0x80;
  }
  return Uint8Array.from(out);
}

/**
 * DEC (VAX F_floating) single precision.
 *
 * A VAX F float is stored as two little-endian 16-bit words: the first holds sign, 8-bit exponent and
 * the top 7 fraction bits, the second the low 16 fraction bits. Read as one 32-bit integer with the
 * words swapped, the bit fields line up with IEEE 754 binary32, but the value is (0.1f)·2^(e−128)
 * instead of (1.f)·2^(e−127): the same bit pattern means a value 4 times smaller. Exponent 0 means
 * zero (sign clear) or a "reserved operand" (sign set), which we map to NaN.
 */
const scratch = new DataView(new ArrayBuffer(4));

/**
 * Value of the DEC float whose words, already swapped into IEEE bit order, form `bits`
 * (bits = word0 << 16 | word1).
 */
export function decFloatFromBits(bits: number): number {
  const exponent = (bits >>> 23) & 0xff;
  if (exponent === 0) return (bits & 0x80000000) !== 0 ? Number.NaN : 0;
  if (exponent > 2) {
    // Lower the exponent by 2 (÷4) in the bit pattern: exact, and works for exponent 255, which is
    // an ordinary number in VAX but Inf/NaN in IEEE.
    scratch.setUint32(0, (bits - (2 << 23)) >>> 0);
    return scratch.getFloat32(0);
  }
  scratch.setUint32(0, bits >>> 0);
  return scratch.getFloat32(0) / 4; // exact in float64: the result is only subnormal in float32
}

/** Reads a DEC float from 4 bytes at `offset` (caller guarantees offset + 4 ≤ length). */
export function readDecFloat(bytes: Uint8Array, offset: number): number {
  const bits = ((bytes[offset + 1] << 24) | (bytes[offset] << 16) | (bytes[offset + 3] << 8) | bytes[offset + 2]) >>> 0;
  return decFloatFromBits(bits);
}

import { C3dError } from "./errors";
import { readString, type NumberCodec } from "./bytes";
import { BLOCK_SIZE } from "./header";
import type { C3dGroup, C3dParameter, C3dWarning, ParameterType } from "./types";

const ELEMENT_SIZE: Record<number, number> = { [-1]: 1, 1: 1, 2: 2, 4: 4 };

const int8 = (byte: number): number => (byte << 24) >> 24;

interface PendingParameter {
  groupId: number;
  parameter: C3dParameter;
}

/**
 * Walks the parameter records. Lengths and offsets come from the file, so none is trusted: every read
 * is bounds-checked, data sizes are checked against the bytes left before anything is allocated, and
 * the walk only moves forward (a chain that loops or points backwards ends it with a warning).
 */
export function readParameters(
  bytes: Uint8Array,
  codec: NumberCodec,
  sectionStart: number,
  sectionBlocks: number,
  dataStart: number,
  warnings: C3dWarning[],
): C3dGroup[] {
  if (sectionBlocks === 0) {
    warnings.push({
      code: "no-parameters",
      message: `parameter section at byte ${sectionStart} declares 0 blocks: no groups read, header values assumed`,
    });
    return [];
  }
  const sectionEnd = Math.min(bytes.length, sectionStart + sectionBlocks * BLOCK_SIZE);
  // Records may spill past the declared section (parameterOverflow.c3d); they never reach into the
  // data section, so the walk stops there (or at the end of the file).
  const walkEnd = dataStart > sectionStart ? Math.min(bytes.length, dataStart) : bytes.length;
  const groupsById = new Map<number, C3dGroup>();
  const groups: C3dGroup[] = [];
  const pending: PendingParameter[] = [];
  let overflowWarned = false;

  let pos = sectionStart + 4;
  while (pos + 2 <= walkEnd) {
    const nameLengthSigned = int8(bytes[pos]);
    const groupIdSigned = int8(bytes[pos + 1]);
    if (nameLengthSigned === 0 || groupIdSigned === 0) break; // end-of-section marker
    const nameLength = Math.abs(nameLengthSigned);
    const locked = nameLengthSigned < 0;
    const offsetPos = pos + 2 + nameLength;
    if (offsetPos + 2 > bytes.length) {
      throw new C3dError(
        "record-past-end",
        pos,
        `parameter record name (${nameLength} bytes) and next-record offset run past the end of the file (${bytes.length} bytes)`,
      );
    }
    const name = readString(bytes, pos + 2, nameLength);
    // Signed per the C3D guide: a negative offset points backwards, which can only loop.
    const nextOffset = codec.int16(offsetPos);
    let next = nextOffset === 0 ? -1 : offsetPos + nextOffset;
    // Where this record's bytes must stop: the next record, or the end of the file for the last one.
    const recordEnd = next > pos ? Math.min(next, bytes.length) : bytes.length;

    if (groupIdSigned < 0) {
      const id = -groupIdSigned;
      const description = readDescription(bytes, offsetPos + 2, recordEnd);
      if (groupsById.has(id)) {
        warnings.push({
          code: "duplicate-group-id",
          message: `group ${name} at byte ${pos} reuses id ${id}; its parameters join the first group with that id`,
        });
      } else {
        const group: C3dGroup = { id, name, description, locked, parameters: [] };
        groupsById.set(id, group);
        groups.push(group);
      }
    } else {
      const parameter = readParameterBody(bytes, codec, pos, offsetPos + 2, name, locked, recordEnd, warnings);
      if (parameter) {
        // A record over 32767 bytes (e.g. char [255, 200]) can only store its offset as uint16: a
        // "negative" offset whose unsigned reading lands past this record's data is that.
        if (nextOffset < 0) {
          const forward = offsetPos + (nextOffset & 0xffff);
          if (forward >= parameter.end && forward + 2 <= walkEnd) next = forward;
        }
        if (!overflowWarned && parameter.end > sectionEnd) {
          overflowWarned = true;
          warnings.push({
            code: "parameter-overflow",
            message: `parameter ${name} at byte ${pos} extends past the parameter section end (byte ${sectionEnd}); read from the file anyway`,
          });
        }
        pending.push({ groupId: groupIdSigned, parameter: parameter.parameter });
      }
    }

    if (next === -1) break;
    if (next <= pos) {
      warnings.push({
        code: "parameter-chain-loop",
        message: `parameter record at byte ${pos} points back to byte ${next}; parameter walk stopped`,
      });
      break;
    }
    if (next + 2 > walkEnd) {
      warnings.push({
        code: "parameter-chain-outside",
        message: `parameter record at byte ${pos} points to byte ${next}, past the parameter area (ends at byte ${walkEnd}); parameter walk stopped`,
      });
      break;
    }
    pos = next;
  }

  let duplicates = 0;
  const indexByName = new Map<C3dGroup, Map<string, number>>();
  for (const { groupId, parameter } of pending) {
    let group = groupsById.get(groupId);
    if (!group) {
      group = { id: groupId, name: "", description: "", locked: false, parameters: [] };
      groupsById.set(groupId, group);
      groups.push(group);
      warnings.push({
        code: "orphan-parameter",
        message: `parameter ${parameter.name} belongs to group id ${groupId}, which has no group record; kept in an unnamed group`,
      });
    }
    // A repeated name in one group (Vicon Nexus appends updated copies): the later record wins,
    // keeping the first one's position, as ezc3d does.
    let names = indexByName.get(group);
    if (!names) indexByName.set(group, (names = new Map<string, number>()));
    const key = parameter.name.toUpperCase();
    const existing = names.get(key);
    if (existing !== undefined) {
      group.parameters[existing] = parameter;
      duplicates++;
    } else {
      names.set(key, group.parameters.length);
      group.parameters.push(parameter);
    }
  }
  if (duplicates > 0) {
    warnings.push({
      code: "duplicate-parameters",
      message: `${duplicates} parameter records repeat a name already in their group; the later record replaced the earlier`,
    });
  }
  return groups;
}

function readDescription(bytes: Uint8Array, lengthPos: number, recordEnd: number): string {
  // Some writers omit the description length byte (e.g. OptiTrack's POINT:LABELS): then the next
  // record starts right here and there is no description to read.
  if (lengthPos >= recordEnd) return "";
  const length = bytes[lengthPos];
  return readString(bytes, lengthPos + 1, Math.min(length, recordEnd - lengthPos - 1));
}

function readParameterBody(
  bytes: Uint8Array,
  codec: NumberCodec,
  recordPos: number,
  bodyPos: number,
  name: string,
  locked: boolean,
  recordEnd: number,
  warnings: C3dWarning[],
): { parameter: C3dParameter; end: number } | undefined {
  if (bodyPos + 2 > bytes.length) {
    throw new C3dError("record-past-end", recordPos, `parameter ${name}: type and dimension bytes lie past the end of the file`);
  }
  const type = int8(bytes[bodyPos]);
  const elementSize = ELEMENT_SIZE[type];
  if (elementSize === undefined) {
    warnings.push({
      code: "bad-parameter-type",
      message: `parameter ${name} at byte ${recordPos} has type ${type} (allowed: -1, 1, 2, 4); skipped`,
    });
    return undefined;
  }
  const dimensionCount = bytes[bodyPos + 1];
  const dimsPos = bodyPos + 2;
  if (dimsPos + dimensionCount > bytes.length) {
    throw new C3dError("record-past-end", recordPos, `parameter ${name}: ${dimensionCount} dimension bytes run past the end of the file`);
  }
  const dimensions: number[] = [];
  let count = 1;
  for (let i = 0; i < dimensionCount; i++) {
    dimensions.push(bytes[dimsPos + i]);
    count *= bytes[dimsPos + i];
  }
  const dataPos = dimsPos + dimensionCount;
  const byteLength = count * elementSize;
  if (dataPos + byteLength > bytes.length) {
    throw new C3dError(
      "parameter-past-end",
      dataPos,
      `parameter ${name} declares dimensions [${dimensions.join(", ")}] = ${byteLength} bytes of data but only ${bytes.length - dataPos} bytes remain in the file`,
    );
  }
  const values = type === -1 ? readChars(bytes, recordPos, dataPos, dimensions, name) : readNumbers(bytes, codec, dataPos, count, type);
  const end = dataPos + byteLength;
  const description = readDescription(bytes, end, recordEnd);
  return {
    parameter: { name, description, locked, type: type as ParameterType, dimensions, values },
    end,
  };
}

/** Char data: the first dimension is the string length, the rest count strings (column-major). */
function readChars(bytes: Uint8Array, recordPos: number, pos: number, dimensions: number[], name: string): string[] {
  if (dimensions.length === 0) return [readString(bytes, pos, 1)];
  const width = dimensions[0];
  let strings = 1;
  for (let i = 1; i < dimensions.length; i++) strings *= dimensions[i];
  // Zero-width strings occupy no bytes, so the size check upstream cannot bound their number.
  if (width === 0 && strings > bytes.length) {
    throw new C3dError(
      "absurd-dimensions",
      recordPos,
      `char parameter ${name} declares ${strings} empty strings (dimensions [${dimensions.join(", ")}])`,
    );
  }
  const out = new Array<string>(strings);
  for (let i = 0; i < strings; i++) out[i] = readString(bytes, pos + i * width, width);
  return out;
}

function readNumbers(bytes: Uint8Array, codec: NumberCodec, pos: number, count: number, type: number): number[] {
  const out = new Array<number>(count);
  if (type === 1) for (let i = 0; i < count; i++) out[i] = bytes[pos + i];
  else if (type === 2) for (let i = 0; i < count; i++) out[i] = codec.int16(pos + 2 * i);
  else for (let i = 0; i < count; i++) out[i] = codec.float32(pos + 4 * i);
  return out;
}

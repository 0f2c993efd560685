/**
 * A file that is not C3D or whose structure cannot be true. `offset` is the byte offset in the file
 * where the broken rule was detected; `code` is stable for callers (the upload maps it to 400/422).
 */
export class C3dError extends Error {
  readonly code: string;
  readonly offset: number;

  constructor(code: string, offset: number, rule: string) {
    super(`C3D ${code} at byte ${offset}: ${rule}`);
    this.name = "C3dError";
    this.code = code;
    this.offset = offset;
  }
}

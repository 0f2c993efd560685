import type { C3dGroup, C3dParameter } from "./types";

/**
 * The parameter GROUP:NAME, matched case-insensitively (C3D names are). When a file repeats a group
 * name (Vicon Nexus writes PROCESSING twice), the first group holding the parameter wins.
 */
export function getParameter(file: { groups: C3dGroup[] }, group: string, name: string): C3dParameter | undefined {
  return findParameter(file.groups, group, name);
}

export function findParameter(groups: C3dGroup[], group: string, name: string): C3dParameter | undefined {
  const g = group.toUpperCase();
  const n = name.toUpperCase();
  for (const candidate of groups) {
    if (candidate.name.toUpperCase() !== g) continue;
    for (const parameter of candidate.parameters) if (parameter.name.toUpperCase() === n) return parameter;
  }
  return undefined;
}

/** First numeric value of GROUP:NAME, or undefined when absent, empty or textual. */
export function numberParameter(groups: C3dGroup[], group: string, name: string): number | undefined {
  const p = findParameter(groups, group, name);
  if (!p || p.type === -1 || p.values.length === 0) return undefined;
  return p.values[0] as number;
}

/**
 * GROUP:NAME followed by its continuations NAME2, NAME3… (how writers exceed the 255-entry limit of
 * one dimension). Returns undefined when the first parameter is absent.
 */
export function stringSeries(groups: C3dGroup[], group: string, name: string): string[] | undefined {
  return series(groups, group, name, true) as string[] | undefined;
}

export function numberSeries(groups: C3dGroup[], group: string, name: string): number[] | undefined {
  return series(groups, group, name, false) as number[] | undefined;
}

function series(groups: C3dGroup[], group: string, name: string, text: boolean): (string | number)[] | undefined {
  const first = findParameter(groups, group, name);
  if (!first || (first.type === -1) !== text) return undefined;
  const out: (string | number)[] = [...first.values];
  // A group holds at most 127 ids' worth of records, so the continuation chain is short and bounded.
  for (let k = 2; k < 256; k++) {
    const next = findParameter(groups, group, `${name}${k}`);
    if (!next || (next.type === -1) !== text) break;
    out.push(...next.values);
  }
  return out;
}

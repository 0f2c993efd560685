/**
 * The architecture of app/ as a test: it parses the import statements of every source file (static
 * `import … from`, `export … from`, `import("literal")`), resolves `~/` to app/ and relative paths,
 * and fails naming the offending files when
 *   (a) app modules import each other in a cycle (value imports; `import type` and imports whose
 *       every name is `type` are erased by the compiler and do not count),
 *   (b) a pure layer imports above itself (type imports count: a layer that names a type of the
 *       layer above depends on it),
 *   (c) a source file has more than 400 lines,
 *   (d) a `.server.ts` module is imported from a pure layer, the policy module or a component,
 *   (e) a module outside app/lib/emg/simd imports a SIMD kernel module other than its entry point.
 *
 * The layers, lowest first: domain (types, schemas and errors every other layer shares) ← c3d, emg,
 * scoring ← analysis; export sits on domain alone (the export format composes the domain sections,
 * it never needs the scoring rules or the analysis); reports render the export (and print the
 * scoring explanations) without node: modules either. Only analysis may reach node: — analyze.ts
 * hashes the upload with node:crypto synchronously; everything else must load in a browser.
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "..", "..");
const APP = join(ROOT, "app");
const SOURCE = /\.(ts|tsx|js|jsx|mjs|cjs)$/;
const MAX_LINES = 400;

/** What each pure layer may import from app/ (itself included). */
const LAYERS: Record<string, string[]> = {
  domain: ["domain"],
  c3d: ["c3d", "domain"],
  emg: ["emg", "domain"],
  scoring: ["scoring", "domain"],
  analysis: ["analysis", "c3d", "emg", "scoring", "domain"],
  export: ["export", "domain"],
  // The PDF/xlsx renderings of the export, and the score explanations they print.
  reports: ["reports", "export", "scoring", "domain"],
};

/** The one node: import a pure layer needs (see the header). */
const NODE_ALLOWED: Record<string, string[]> = {
  "app/lib/analysis/analyze.ts": ["node:crypto"],
};

interface Import {
  specifier: string;
  /** Erased at compile time (`import type`, every name `type`, `export type … from`, `import("x").T`). */
  typeOnly: boolean;
  line: number;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return SOURCE.test(name) ? [path] : [];
  });
}

function importsOf(path: string): Import[] {
  const text = readFileSync(path, "utf8");
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, path.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: Import[] = [];
  const add = (node: ts.Node, specifier: ts.Expression, typeOnly: boolean) => {
    if (ts.isStringLiteralLike(specifier)) {
      found.push({ specifier: specifier.text, typeOnly, line: file.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
    }
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : null;
      const everyNameIsType = !!clause && !clause.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly);
      add(node, node.moduleSpecifier, !!clause && (clause.isTypeOnly || everyNameIsType));
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : null;
      add(node, node.moduleSpecifier, node.isTypeOnly || (!!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments.length === 1) {
      add(node, node.arguments[0], false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

const CANDIDATES = ["", ".ts", ".tsx", ".js", ".jsx", "/index.ts", "/index.tsx", "/index.js"];

/** The app file a specifier names (relative to the repository), or null for a package or node: module. */
function resolve(from: string, specifier: string): string | null {
  const bare = specifier.replace(/\?.*$/, "");
  let base: string;
  if (bare.startsWith("~/")) base = join(APP, bare.slice(2));
  else if (bare.startsWith(".")) base = join(dirname(from), bare);
  else return null;
  for (const suffix of CANDIDATES) {
    const candidate = base + suffix;
    try {
      if (statSync(candidate).isFile()) return relative(ROOT, candidate);
    } catch {
      // next candidate
    }
  }
  throw new Error(`${relative(ROOT, from)}: cannot resolve "${specifier}"`);
}

const isNodeModule = (specifier: string) => specifier.startsWith("node:") || builtinModules.includes(specifier.split("/")[0]);
const isServerModule = (file: string) => /\.server\.(ts|tsx|js)$/.test(file) || file.startsWith("app/lib/server/");
/** The pure layer a file belongs to, or null. */
const layerOf = (file: string): string | null => /^app\/lib\/([^/]+)\//.exec(file)?.[1] ?? null;
const inLayer = (file: string) => {
  const layer = layerOf(file);
  return layer !== null && layer in LAYERS ? layer : null;
};

interface Edge {
  from: string;
  specifier: string;
  /** The app file imported, null for a package or node: module. */
  to: string | null;
  typeOnly: boolean;
  line: number;
}

const files = sourceFiles(APP)
  .map((path) => relative(ROOT, path))
  .sort();
const edges: Edge[] = files.flatMap((file) =>
  importsOf(join(ROOT, file)).map((i) => ({
    from: file,
    specifier: i.specifier,
    to: resolve(join(ROOT, file), i.specifier),
    typeOnly: i.typeOnly,
    line: i.line,
  })),
);
const where = (e: Edge) => `${e.from}:${e.line} imports "${e.specifier}"`;

/** Every cycle of value imports among app modules, one per strongly connected component (Tarjan). */
function valueImportCycles(): string[][] {
  const next = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const e of edges) if (e.to && !e.typeOnly) next.get(e.from)?.push(e.to);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const connect = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || next.get(v)?.includes(v)) components.push(component.sort());
    }
  };
  for (const f of files) if (!index.has(f)) connect(f);
  return components;
}

/** Files a file reaches by value imports, itself included, and the packages/node: modules among them. */
function valueClosure(start: string): { files: Set<string>; external: Map<string, string> } {
  const seen = new Set<string>([start]);
  const external = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.pop()!;
    for (const e of edges) {
      if (e.from !== file || e.typeOnly) continue;
      if (e.to === null) {
        if (!external.has(e.specifier)) external.set(e.specifier, file);
      } else if (!seen.has(e.to)) {
        seen.add(e.to);
        queue.push(e.to);
      }
    }
  }
  return { files: seen, external };
}

describe("architecture of app/", () => {
  it("finds the app's files and their imports", () => {
    // Guards the test itself: a parser that found nothing would pass every rule below.
    expect(files.length).toBeGreaterThan(100);
    expect(edges.some((e) => e.from === "app/lib/analysis/analyze.ts" && e.to === "app/lib/c3d/index.ts" && !e.typeOnly)).toBe(true);
  });

  it("(a) has no value-import cycle among app modules", () => {
    expect(valueImportCycles()).toEqual([]);
  });

  it("(b) keeps each pure layer on the layers below it", () => {
    const violations = edges
      .filter((e) => {
        const layer = inLayer(e.from);
        if (!layer) return false;
        if (e.to === null) return isNodeModule(e.specifier) && !(NODE_ALLOWED[e.from] ?? []).includes(e.specifier);
        const target = inLayer(e.to);
        return target === null || !LAYERS[layer].includes(target);
      })
      .map(where);
    expect(violations).toEqual([]);
  });

  it("(b) keeps every pure layer but analysis loadable in a browser (no node: module or server code, also indirectly)", () => {
    const violations: string[] = [];
    for (const file of files) {
      const layer = inLayer(file);
      if (!layer || layer === "analysis") continue;
      const closure = valueClosure(file);
      for (const [specifier, by] of closure.external)
        if (isNodeModule(specifier)) violations.push(`${file} reaches "${specifier}" (via ${by})`);
      for (const reached of closure.files) if (isServerModule(reached)) violations.push(`${file} reaches ${reached}`);
    }
    expect(violations).toEqual([]);
  });

  it("(c) has no source file over 400 lines", () => {
    const long = files
      .map((file) => ({ file, lines: readFileSync(join(ROOT, file), "utf8").split("\n").length - 1 }))
      .filter(({ lines }) => lines > MAX_LINES)
      .map(({ file, lines }) => `${file}: ${lines} lines`);
    expect(long).toEqual([]);
  });

  it("(d) imports no .server module from the pure layers, the policy module or components", () => {
    const guarded = (file: string) => inLayer(file) !== null || file.startsWith("app/lib/policy/") || file.startsWith("app/components/");
    const violations = edges.filter((e) => guarded(e.from) && e.to !== null && isServerModule(e.to)).map(where);
    expect(violations).toEqual([]);
  });

  it("(e) reaches the SIMD kernels only through their entry point app/lib/emg/simd/index.ts", () => {
    const simd = "app/lib/emg/simd/";
    const violations = edges.filter((e) => !e.from.startsWith(simd) && e.to?.startsWith(simd) && e.to !== `${simd}index.ts`).map(where);
    expect(violations).toEqual([]);
  });
});

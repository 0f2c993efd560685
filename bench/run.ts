/**
 * `npm run bench -- <name> [args…]`: runs bench/<name>.ts, whose default export takes the
 * remaining arguments. Benchmarks print numbers; they never assert.
 */
export {};

const [benchName, ...args] = process.argv.slice(2);
const known = ["c3d", "pipeline", "export", "auth", "web", "reports"];
if (!benchName || !known.includes(benchName)) {
  console.error(`usage: npm run bench -- <${known.join("|")}> [options]`);
  process.exit(2);
}
const mod = (await import(`./${benchName}.ts`)) as { default: (args: string[]) => void | Promise<void> };
await mod.default(args);

/**
 * `npm run bench -- auth [--runs=N]`: cost of the auth hot paths. Prints the median wall and CPU ms of
 * a scrypt hash and a verification (default parameters, the sign-in cost), and of one API-token
 * lookup (`callerForApiToken`: the UPDATE … RETURNING every Bearer request runs) on PGlite.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDb } from "../app/lib/server/db/connection.server";
import { hashPassword, verifyPassword } from "../app/lib/server/auth/passwords.server";
import { callerForApiToken, createApiToken } from "../app/lib/server/auth/api-tokens.server";
import { createUser } from "../app/lib/server/auth/users.server";
import { ACTING_ADMIN, callerOf } from "../tests/support/users";

async function measure(runs: number, fn: () => Promise<unknown>) {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { runs, median_ms: +median(wall).toFixed(3), min_ms: +Math.min(...wall).toFixed(3), median_cpu_ms: +median(cpu).toFixed(3) };
}

export default async function bench(args: string[]): Promise<void> {
  const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const runs = Math.max(10, Number(option("runs") ?? 20) || 20);

  const stored = await hashPassword("benchmark password");
  await verifyPassword("benchmark password", stored); // warm-up
  const hash = await measure(runs, () => hashPassword("benchmark password"));
  const verify = await measure(runs, () => verifyPassword("benchmark password", stored));

  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-auth-"));
  const db = await createDb({ pgliteDir: path.join(dir, "pglite") });
  try {
    const user = await createUser(
      ACTING_ADMIN,
      { email: "bench@example.org", displayName: "Bench", password: "benchmark password", role: "researcher" },
      { db },
    );
    const { token } = await createApiToken(callerOf(user), "bench", { db });
    for (let i = 0; i < 20; i++) await callerForApiToken(token, { db });
    const lookup = await measure(runs * 10, () => callerForApiToken(token, { db }));
    console.log(JSON.stringify({ scrypt_hash: hash, scrypt_verify: verify, token_lookup_pglite: lookup }));
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

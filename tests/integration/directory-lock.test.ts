/** The embedded database's single-process lock: a unix socket beside the data directory. */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  connectToLock,
  DirectoryLockedError,
  lockDirectory,
  lockHolder,
  lockSocketPath,
  readLine,
  writeLine,
} from "~/lib/server/db/directory-lock.server";

const root = mkdtempSync(path.join(os.tmpdir(), "ghostly-lock-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("directory lock", () => {
  it("is held by one opener at a time, names its holder, and is gone after release", async () => {
    const dir = path.join(root, "pglite");
    const lock = await lockDirectory(dir, "server pid 1");
    expect(lock.socketPath).toBe(`${dir}.sock`);
    await expect(lockDirectory(dir, "admin CLI")).rejects.toThrow(DirectoryLockedError);
    await expect(lockDirectory(dir, "admin CLI")).rejects.toThrow(/in another process \(server pid 1\)/);
    expect(await lockHolder(dir)).toBe("server pid 1");

    // Commands other than `holder` are refused as busy until the holder installs a handler.
    const socket = (await connectToLock(lock.socketPath))!;
    writeLine(socket, { command: "list-users" });
    expect(JSON.parse(await readLine(socket))).toEqual({
      ok: false,
      error: "busy: server pid 1 holds the database; try again when it has finished",
    });
    socket.destroy();

    await lock.release();
    expect(existsSync(lock.socketPath)).toBe(false);
    expect(await lockHolder(dir)).toBeNull();
    await (await lockDirectory(dir, "next")).release();
  });

  it("is taken over from a holder that was killed (its socket file answers nobody)", async () => {
    const dir = path.join(root, "crashed");
    const socketPath = lockSocketPath(dir);
    const child = spawn(
      process.execPath,
      ["-e", `require("net").createServer().listen(${JSON.stringify(socketPath)}, () => console.log("up"))`],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    await new Promise((resolve) => child.stdout.once("data", resolve));
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    expect(existsSync(socketPath)).toBe(true); // a SIGKILLed server leaves its socket file

    const lock = await lockDirectory(dir, "restarted server");
    expect(await lockHolder(dir)).toBe("restarted server");
    await lock.release();
  });
});

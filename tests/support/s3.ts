/**
 * A real S3-protocol HTTP server for the tests: s3rver (@20minutes/s3rver, a Koa implementation of
 * the S3 REST API that keeps objects in a temp directory), on 127.0.0.1 and a free port, in this
 * process. The app's S3 adapter talks to it with the unmodified AWS SDK over HTTP.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import type { S3StoreOptions } from "~/lib/server/storage/s3.server";

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverClass = new (options: {
  port: number;
  address: string;
  silent: boolean;
  directory: string;
  allowMismatchedSignatures: boolean;
  configureBuckets: { name: string }[];
}) => S3rverInstance;

// CommonJS without type declarations.
const S3rver = createRequire(import.meta.url)("@20minutes/s3rver") as S3rverClass;

export interface S3Server {
  endpoint: string;
  /** Options for createS3ObjectStore on the given bucket (created at start). */
  options(bucket?: string): S3StoreOptions;
  /** The S3_* environment that selects this server. */
  env(bucket?: string): Record<string, string>;
  stop(): Promise<void>;
}

export const S3_TEST_BUCKETS = ["ghostly-test", "ghostly-restore"];
const ACCESS_KEY = "S3RVER"; // s3rver's fixed credentials
const SECRET_KEY = "S3RVER";

export async function startS3(): Promise<S3Server> {
  const directory = mkdtempSync(path.join(os.tmpdir(), "ghostly-s3-"));
  const server = new S3rver({
    port: 0,
    address: "127.0.0.1",
    silent: true,
    directory,
    // s3rver signs bucket-level requests (ListObjectsV2) over "/bucket" where AWS SDK v3 signs
    // "/bucket/", so their signatures never match; object requests match. The access key is still
    // checked (an unknown one is refused: tests/integration/storage.test.ts).
    allowMismatchedSignatures: true,
    configureBuckets: S3_TEST_BUCKETS.map((name) => ({ name })),
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    options: (bucket = S3_TEST_BUCKETS[0]) => ({
      bucket,
      endpoint,
      region: "us-east-1",
      accessKeyId: ACCESS_KEY,
      secretAccessKey: SECRET_KEY,
      forcePathStyle: true,
    }),
    env: (bucket = S3_TEST_BUCKETS[0]) => ({
      S3_ENDPOINT: endpoint,
      S3_BUCKET: bucket,
      S3_REGION: "us-east-1",
      S3_ACCESS_KEY_ID: ACCESS_KEY,
      S3_SECRET_ACCESS_KEY: SECRET_KEY,
      S3_FORCE_PATH_STYLE: "true",
    }),
    async stop() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/**
 * An S3-compatible bucket through @aws-sdk/client-s3: AWS S3, MinIO, Ceph RGW, or Supabase
 * Storage's S3 endpoint (`https://<project>.supabase.co/storage/v1/s3`, path style).
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { assertObjectKey, assertObjectPrefix, type ObjectInfo, type ObjectStore } from "./objects.server";

export interface S3StoreOptions {
  bucket: string;
  /** Omit for AWS S3 itself; required for every other service. */
  endpoint?: string;
  region: string;
  /** Both or neither: without them the SDK's default chain (environment, instance role, …) applies. */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** `https://host/bucket/key` instead of `https://bucket.host/key` (MinIO, Ceph, Supabase). */
  forcePathStyle: boolean;
}

function notFound(error: unknown): boolean {
  if (!(error instanceof S3ServiceException)) return false;
  return error.$metadata.httpStatusCode === 404 || error.name === "NoSuchKey" || error.name === "NotFound";
}

function wrap(operation: string, key: string, error: unknown): Error {
  const status = error instanceof S3ServiceException ? ` (HTTP ${error.$metadata.httpStatusCode ?? "?"} ${error.name})` : "";
  return new Error(`s3 ${operation} ${key} failed${status}: ${(error as Error).message}`, { cause: error });
}

export function createS3ObjectStore(options: S3StoreOptions): ObjectStore {
  const client = new S3Client({
    region: options.region,
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle,
    credentials:
      options.accessKeyId && options.secretAccessKey
        ? { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey }
        : undefined,
    // Checksums only where the S3 API requires them: many S3-compatible services (and older
    // MinIO/Ceph releases) refuse the SDK's default streamed CRC32 trailers.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const Bucket = options.bucket;

  return {
    kind: "s3",
    location: `s3://${Bucket}`,
    async read(key) {
      assertObjectKey(key);
      try {
        const answer = await client.send(new GetObjectCommand({ Bucket, Key: key }));
        if (!answer.Body) return new Uint8Array();
        return await answer.Body.transformToByteArray();
      } catch (error) {
        if (notFound(error)) return null;
        throw wrap("read", key, error);
      }
    },
    async write(key, bytes, writeOptions) {
      assertObjectKey(key);
      try {
        const answer = await client.send(
          new PutObjectCommand({
            Bucket,
            Key: key,
            Body: bytes,
            ContentLength: bytes.byteLength,
            ContentType: writeOptions?.contentType ?? "application/octet-stream",
          }),
        );
        return { key, sizeBytes: bytes.byteLength, etag: answer.ETag ?? "", lastModified: null };
      } catch (error) {
        throw wrap("write", key, error);
      }
    },
    async stat(key) {
      assertObjectKey(key);
      try {
        const answer = await client.send(new HeadObjectCommand({ Bucket, Key: key }));
        return { key, sizeBytes: answer.ContentLength ?? 0, etag: answer.ETag ?? "", lastModified: answer.LastModified ?? null };
      } catch (error) {
        if (notFound(error)) return null;
        throw wrap("stat", key, error);
      }
    },
    async delete(key) {
      assertObjectKey(key);
      try {
        await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
      } catch (error) {
        if (!notFound(error)) throw wrap("delete", key, error);
      }
    },
    async *list(prefix): AsyncGenerator<ObjectInfo> {
      assertObjectPrefix(prefix);
      let ContinuationToken: string | undefined;
      do {
        let page;
        try {
          page = await client.send(new ListObjectsV2Command({ Bucket, Prefix: prefix || undefined, ContinuationToken }));
        } catch (error) {
          throw wrap("list", prefix || "(all)", error);
        }
        for (const object of page.Contents ?? []) {
          if (object.Key === undefined) continue;
          yield { key: object.Key, sizeBytes: object.Size ?? 0, etag: object.ETag ?? "", lastModified: object.LastModified ?? null };
        }
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
    },
  };
}

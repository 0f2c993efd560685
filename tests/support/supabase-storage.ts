/**
 * A STAND-IN for Supabase Storage, not Supabase: a small HTTP server implementing the four
 * endpoints of Supabase's published Storage API that the app's Supabase adapter calls through
 * @supabase/storage-js, with the answers Supabase documents:
 *
 *   POST   /storage/v1/object/{bucket}/{path}   upload (x-upsert: true replaces)  → { Key, Id }
 *   GET    /storage/v1/object/{bucket}/{path}   download                          → the bytes
 *   DELETE /storage/v1/object/{bucket}          body { prefixes: [path…] }       → [objects removed]
 *   POST   /storage/v1/object/list/{bucket}     body { prefix, limit, offset, sortBy, search }
 *                                               → one folder level: files, and folders with id null
 *
 * Every request needs `Authorization: Bearer <service key>`. Errors are JSON
 * `{ statusCode, error, message }`; a missing object is HTTP 400 with statusCode "404", as the
 * hosted Storage answers it. No Supabase server can run on the CI machine, so this is what the
 * adapter is tested against; the S3 adapter is tested against a real S3 implementation.
 */
import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

interface StoredObject {
  id: string;
  bytes: Buffer;
  contentType: string;
  createdAt: string;
  updatedAt: string;
}

export interface SupabaseStorageStandIn {
  /** The project URL to give createClient (Storage lives under /storage/v1). */
  url: string;
  serviceRoleKey: string;
  bucket: string;
  /** Requests seen, as "METHOD path" (tests assert which endpoints the adapter used). */
  requests: string[];
  stop(): Promise<void>;
}

const readBody = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}

const error = (res: ServerResponse, status: number, statusCode: string, name: string, message: string) =>
  json(res, status, { statusCode, error: name, message });

function fileEntry(name: string, object: StoredObject) {
  return {
    name,
    id: object.id,
    updated_at: object.updatedAt,
    created_at: object.createdAt,
    last_accessed_at: object.updatedAt,
    metadata: {
      eTag: `"${createHash("md5").update(object.bytes).digest("hex")}"`,
      size: object.bytes.byteLength,
      mimetype: object.contentType,
      cacheControl: "max-age=3600",
      lastModified: object.updatedAt,
      contentLength: object.bytes.byteLength,
      httpStatusCode: 200,
    },
  };
}

export async function startSupabaseStorage(options: { bucket?: string; serviceRoleKey?: string } = {}): Promise<SupabaseStorageStandIn> {
  const bucket = options.bucket ?? "ghostly-test";
  const serviceRoleKey = options.serviceRoleKey ?? `service-role-${randomUUID()}`;
  const objects = new Map<string, StoredObject>();
  const requests: string[] = [];

  /** One folder level under `prefix`, as Storage's list endpoint answers it. */
  function listLevel(prefix: string, search: string) {
    const folder = prefix.replace(/\/+$/, "");
    const base = folder ? `${folder}/` : "";
    const files = new Map<string, StoredObject>();
    const folders = new Set<string>();
    for (const [key, object] of objects) {
      if (!key.startsWith(base)) continue;
      const rest = key.slice(base.length);
      const slash = rest.indexOf("/");
      if (slash < 0) files.set(rest, object);
      else folders.add(rest.slice(0, slash));
    }
    const matches = (name: string) => name.toLowerCase().startsWith(search.toLowerCase());
    return [
      ...[...folders]
        .filter(matches)
        .map((name) => ({ name, id: null, updated_at: null, created_at: null, last_accessed_at: null, metadata: null })),
      ...[...files].filter(([name]) => matches(name)).map(([name, object]) => fileEntry(name, object)),
    ];
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://stand-in");
    const route = decodeURIComponent(url.pathname);
    requests.push(`${req.method} ${route}`);
    if (req.headers.authorization !== `Bearer ${serviceRoleKey}`) {
      return error(res, 400, "403", "Unauthorized", "invalid signature");
    }
    const list = /^\/storage\/v1\/object\/list\/([^/]+)$/.exec(route);
    const object = /^\/storage\/v1\/object\/([^/]+)\/(.+)$/.exec(route);
    const bucketOnly = /^\/storage\/v1\/object\/([^/]+)$/.exec(route);
    const named = list ? list[1] : object ? object[1] : bucketOnly?.[1];
    if (named !== bucket) return error(res, 400, "404", "Bucket not found", "Bucket not found");

    if (list && req.method === "POST") {
      const body = JSON.parse((await readBody(req)).toString("utf8") || "{}") as {
        prefix?: string;
        limit?: number;
        offset?: number;
        sortBy?: { column?: string; order?: string };
        search?: string;
      };
      const entries = listLevel(body.prefix ?? "", body.search ?? "");
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      if (body.sortBy?.order === "desc") entries.reverse();
      const offset = body.offset ?? 0;
      return json(res, 200, entries.slice(offset, offset + (body.limit ?? 100)));
    }
    if (bucketOnly && req.method === "DELETE") {
      const { prefixes = [] } = JSON.parse((await readBody(req)).toString("utf8") || "{}") as { prefixes?: string[] };
      const removed = prefixes.flatMap((key) => {
        const found = objects.get(key);
        if (!found) return [];
        objects.delete(key);
        return [{ ...fileEntry(key.split("/").pop()!, found), bucket_id: bucket }];
      });
      return json(res, 200, removed);
    }
    if (object) {
      const key = object[2];
      if (req.method === "POST" || req.method === "PUT") {
        const bytes = await readBody(req);
        const existing = objects.get(key);
        if (req.method === "POST" && existing && req.headers["x-upsert"] !== "true") {
          return error(res, 400, "409", "Duplicate", "The resource already exists");
        }
        if (req.method === "PUT" && !existing) return error(res, 400, "404", "not_found", "Object not found");
        const now = new Date().toISOString();
        const stored = {
          id: existing?.id ?? randomUUID(),
          bytes,
          contentType: String(req.headers["content-type"] ?? "application/octet-stream"),
          createdAt: existing?.createdAt ?? now,
          updatedAt: now,
        };
        objects.set(key, stored);
        return json(res, 200, { Key: `${bucket}/${key}`, Id: stored.id });
      }
      if (req.method === "GET") {
        const found = objects.get(key);
        if (!found) return error(res, 400, "404", "not_found", "Object not found");
        res.writeHead(200, { "Content-Type": found.contentType, "Content-Length": found.bytes.byteLength });
        return void res.end(found.bytes);
      }
    }
    return error(res, 400, "400", "invalid_request", `the stand-in does not implement ${req.method} ${route}`);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: Error) => error(res, 500, "500", "internal", e.message));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    serviceRoleKey,
    bucket,
    requests,
    stop: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

/** Request bodies for the body-limit tests. */

/** A body produced on demand, `total` bytes of `fill`, counting how much the reader pulled. */
export function lazyBody(total: number, fill = "a", chunkBytes = 64 * 1024) {
  let pulled = 0;
  const chunk = new TextEncoder().encode(fill.repeat(Math.ceil(chunkBytes / fill.length)).slice(0, chunkBytes));
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= total) return controller.close();
      const part = chunk.subarray(0, Math.min(chunk.byteLength, total - pulled));
      pulled += part.byteLength;
      controller.enqueue(part);
    },
  });
  return { stream, pulled: () => pulled };
}

/** Request bodies of control calls: JSON, read within a byte limit that is enforced while reading. */

export const DEFAULT_BODY_LIMIT = 64 * 1024;

export type BodyResult = { ok: true; value: unknown } | { ok: false; status: 400 | 413; error: string };

const tooLarge = (limit: number): BodyResult => ({ ok: false, status: 413, error: `request body exceeds ${limit} bytes` });

/**
 * Reads a JSON body of at most `limit` bytes. A declared Content-Length over the limit is refused
 * before reading; otherwise the stream is counted chunk by chunk and abandoned as soon as it
 * passes the limit, so a huge body costs at most one chunk of memory, never its size. An empty
 * body is `{}`.
 */
export async function readJsonBody(req: Request, limit = DEFAULT_BODY_LIMIT): Promise<BodyResult> {
  const declared = req.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) {
    // refuse unread, and cancel the stream as when counting: otherwise the HTTP server drains the
    // whole declared body into garbage buffers while the answer travels
    req.body?.cancel().catch(() => {});
    return tooLarge(limit);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        // stop pulling: the rest of the upload is discarded by the HTTP server, not buffered
        reader.cancel().catch(() => {});
        return tooLarge(limit);
      }
      chunks.push(value);
    }
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    return { ok: false, status: 400, error: 'request body is not valid UTF-8' };
  }
  if (text.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, status: 400, error: `request body is not valid JSON: ${(err as Error).message}` };
  }
}

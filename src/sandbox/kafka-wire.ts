/**
 * Just enough of the Kafka wire protocol for a health probe: an ApiVersions v0 request and its
 * response. A broker answers it only once request processing is enabled, i.e. when startup is
 * complete, and every broker version answers v0 (it is how clients negotiate versions). Pure.
 */

export const API_VERSIONS_KEY = 18;

export function encodeApiVersionsRequest(correlationId: number, clientId: string): Buffer {
  const client = Buffer.from(clientId, 'utf8');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + client.length);
  let o = 0;
  o = body.writeInt16BE(API_VERSIONS_KEY, o);
  o = body.writeInt16BE(0, o); // api version
  o = body.writeInt32BE(correlationId, o);
  o = body.writeInt16BE(client.length, o);
  client.copy(body, o);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

export interface ApiVersionsResponse {
  correlationId: number;
  errorCode: number;
  apis: Array<{ apiKey: number; minVersion: number; maxVersion: number }>;
}

/**
 * Decodes a complete size-prefixed ApiVersions v0 response; undefined while `buf` is still short
 * (more bytes to come). Throws on a frame that cannot be an ApiVersions response.
 */
export function decodeApiVersionsResponse(buf: Buffer): ApiVersionsResponse | undefined {
  if (buf.length < 4) return undefined;
  const size = buf.readInt32BE(0);
  if (size < 6 || size > 1_000_000) throw new Error(`implausible Kafka response size ${size}`);
  if (buf.length < 4 + size) return undefined;
  const frame = buf.subarray(4, 4 + size);
  const correlationId = frame.readInt32BE(0);
  const errorCode = frame.readInt16BE(4);
  const apis: ApiVersionsResponse['apis'] = [];
  if (frame.length >= 10) {
    const n = frame.readInt32BE(6);
    for (let i = 0, o = 10; i < n && o + 6 <= frame.length; i++, o += 6) {
      apis.push({ apiKey: frame.readInt16BE(o), minVersion: frame.readInt16BE(o + 2), maxVersion: frame.readInt16BE(o + 4) });
    }
  }
  return { correlationId, errorCode, apis };
}

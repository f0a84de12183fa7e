import type { TestServer } from './test-server.js';

/** A 2x2 grey baseline JFIF JPEG (331 bytes): the smallest photo the upload endpoint takes. */
export const TINY_JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAACAAIBAREA/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/9oACAEBAAA/ACv/2Q==',
  'base64',
);

/** Upload one photo as this user (POST /api/uploads); its id. */
export async function uploadPhoto(server: TestServer, token: string): Promise<number> {
  const fd = new FormData();
  fd.append('file', new Blob([new Uint8Array(TINY_JPEG)], { type: 'image/jpeg' }), 'after.jpg');
  const res = await server.api.post('/uploads', fd, { token });
  if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { id: number }).id;
}

/**
 * A transition body as a technician sends it: a `complete` without photos gets one uploaded
 * photo (a repair is completed with at least one); every other body is returned as it is.
 */
export async function withCompletionPhoto<B extends { action: string; photoIds?: number[] }>(
  server: TestServer,
  token: string,
  body: B,
): Promise<B> {
  if (body.action !== 'complete' || body.photoIds?.length) return body;
  return { ...body, photoIds: [await uploadPhoto(server, token)] };
}

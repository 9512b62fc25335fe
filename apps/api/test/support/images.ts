import type { Json } from './http.js';
/** Tiny byte strings with the right magic numbers: enough for the upload's content sniffing. */
export const PNG = new Uint8Array([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82,
]);
export const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70, 0]);
export const WEBP = new Uint8Array([...Buffer.from('RIFF'), 0, 0, 0, 0, ...Buffer.from('WEBPVP8 ')]);
export const GIF = new Uint8Array([...Buffer.from('GIF89a'), 1, 0, 1, 0]);

export function form(
  parts: { field: string; name?: string; type?: string; bytes?: Uint8Array; value?: string }[],
): FormData {
  const fd = new FormData();
  for (const p of parts) {
    if (p.value !== undefined) fd.append(p.field, p.value);
    else
      fd.append(p.field, new Blob([p.bytes ?? PNG], { type: p.type ?? 'image/png' }), p.name ?? 'image.png');
  }
  return fd;
}

export async function upload(
  url: string,
  token: string | undefined,
  body: FormData | string,
  headers: Record<string, string> = {},
) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body,
  });
  return { status: res.status, body: (await res.json()) as Json };
}

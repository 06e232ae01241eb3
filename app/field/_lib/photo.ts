import "client-only";
import type { FieldDatabase, PhotoRow } from "./store";

/** The long side of a stored photo: enough to read a door plate, small enough for a weak signal. */
export const PHOTO_MAX_PX = 1280;
const QUALITY = 0.8;

export async function sha256Hex(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Scales a camera photo down to PHOTO_MAX_PX on its long side and re-encodes it as JPEG. */
export async function compressPhoto(file: Blob): Promise<Blob> {
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  try {
    const scale = Math.min(1, PHOTO_MAX_PX / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext("2d");
    if (!context) throw new Error("no 2d canvas");
    context.drawImage(bitmap, 0, 0, width, height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (blob) => (blob ? resolve(blob) : reject(new Error("encoding failed"))),
        "image/jpeg",
        QUALITY,
      ),
    );
  } finally {
    bitmap.close();
  }
}

/** Stores the photo under its hash; the same photo twice is stored once. */
export async function storePhoto(db: FieldDatabase, blob: Blob): Promise<PhotoRow> {
  const sha256 = await sha256Hex(blob);
  const row: PhotoRow = {
    sha256,
    blob,
    mime: blob.type || "image/jpeg",
    bytes: blob.size,
    createdAt: new Date().toISOString(),
  };
  await db.put("photos", row);
  return row;
}

export async function readPhoto(db: FieldDatabase, sha256: string): Promise<PhotoRow | undefined> {
  return db.get("photos", sha256);
}

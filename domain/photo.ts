/**
 * A photo is named by the SHA-256 of its bytes in lower-case hex: the phone keeps it under that name
 * until it is uploaded, the server stores it under it (PUT /api/photos/<sha256>), and a visit names its
 * photos by it (the door-plate photo, and the answers of image questions).
 */
export const PHOTO_HASH = /^[0-9a-f]{64}$/;

export const isPhotoHash = (value: unknown): value is string =>
  typeof value === "string" && PHOTO_HASH.test(value);

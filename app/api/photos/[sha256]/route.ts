import { createContext } from "@/server/context";
import { AppError, HTTP_STATUS } from "@/server/errors";
import { declaresOver, isSameOrigin, readCapped, refusal } from "@/server/http/request";
import { logError } from "@/server/log";
import { MAX_PHOTO_BYTES, photoExists, photoType, readPhoto, storePhoto } from "@/server/services/photos";

/**
 * Door-plate photos by hash, uploaded before the visit that names them.
 * PUT /api/photos/<sha256>?grid=<uuid> with the raw image (image/jpeg, image/png or image/webp):
 * 201 stored, 200 already there. HEAD /api/photos/<sha256>: 200 if stored in a grid the caller may
 * write to, else 404. GET /api/photos/<sha256>: the image, to its officer or a supervisor over its
 * area (private, cached by content since the hash names it). Refusals are JSON `{ error: { key, message } }` in the caller's language.
 */

export const dynamic = "force-dynamic";

interface PhotoRoute {
  params: Promise<{ sha256: string }>;
}

/** The same statuses the tRPC adapter gives these codes. */
const NO_STORE = { "cache-control": "no-store" };

function failure(req: Request, error: unknown): Response {
  if (error instanceof AppError)
    return refusal(req.headers, HTTP_STATUS[error.kind], error.key, error.params);
  logError("photos", error);
  return refusal(req.headers, 500, "errors.internal");
}

export async function PUT(req: Request, { params }: PhotoRoute): Promise<Response> {
  const { headers } = req;
  if (!isSameOrigin(headers)) return refusal(headers, 403, "errors.crossSite");
  try {
    const ctx = await createContext(headers, new Headers());
    if (!ctx.user) return refusal(headers, 401, "auth.required");
    const mime = photoType(headers.get("content-type"));
    if (!mime) return refusal(headers, 415, "photo.badType");
    const tooLarge = () => refusal(headers, 413, "photo.tooLarge", { max: MAX_PHOTO_BYTES / (1024 * 1024) });
    if (declaresOver(headers, MAX_PHOTO_BYTES)) return tooLarge();
    const bytes = await readCapped(req, MAX_PHOTO_BYTES);
    if (!bytes) return tooLarge();
    const { sha256 } = await params;
    const gridId = new URL(req.url).searchParams.get("grid") ?? "";
    const result = await storePhoto(ctx.db, ctx.user, { sha256, gridId, mime, bytes }, { ip: ctx.ip });
    return Response.json(result, { status: result.stored ? 201 : 200, headers: NO_STORE });
  } catch (error) {
    return failure(req, error);
  }
}

export async function HEAD(req: Request, { params }: PhotoRoute): Promise<Response> {
  try {
    const ctx = await createContext(req.headers, new Headers());
    if (!ctx.user) return new Response(null, { status: 401, headers: NO_STORE });
    const found = await photoExists(ctx.db, ctx.user, (await params).sha256);
    return new Response(null, { status: found ? 200 : 404, headers: NO_STORE });
  } catch (error) {
    logError("photos", error);
    return new Response(null, { status: 500, headers: NO_STORE });
  }
}

export async function GET(req: Request, { params }: PhotoRoute): Promise<Response> {
  try {
    const ctx = await createContext(req.headers, new Headers());
    if (!ctx.user) return refusal(req.headers, 401, "auth.required");
    const photo = await readPhoto(ctx.db, ctx.user, (await params).sha256);
    return new Response(photo.data as unknown as BodyInit, {
      headers: {
        "content-type": photo.mime,
        // The hash is the content: it never changes, but it is personal, so no shared cache keeps it.
        "cache-control": "private, max-age=31536000, immutable",
        "x-content-type-options": "nosniff",
      },
    });
  } catch (error) {
    return failure(req, error);
  }
}

import { declaresOver, readCapped, refusal } from "@/server/http/request";
import { sessionRoute } from "@/server/http/route";
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

const NO_STORE = { "cache-control": "no-store" };

export const PUT = sessionRoute(
  { name: "photos", sameOrigin: true },
  async (req: Request, ctx, { params }: PhotoRoute): Promise<Response> => {
    const { headers } = req;
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
  },
);

export const HEAD = sessionRoute(
  { name: "photos", sameOrigin: false, bodyless: true },
  async (_req: Request, ctx, { params }: PhotoRoute): Promise<Response> => {
    const found = await photoExists(ctx.db, ctx.user, (await params).sha256);
    return new Response(null, { status: found ? 200 : 404, headers: NO_STORE });
  },
);

export const GET = sessionRoute(
  { name: "photos", sameOrigin: false },
  async (_req: Request, ctx, { params }: PhotoRoute): Promise<Response> => {
    const photo = await readPhoto(ctx.db, ctx.user, (await params).sha256);
    return new Response(photo.data as unknown as BodyInit, {
      headers: {
        "content-type": photo.mime,
        // The hash is the content: it never changes, but it is personal, so no shared cache keeps it.
        "cache-control": "private, max-age=31536000, immutable",
        "x-content-type-options": "nosniff",
      },
    });
  },
);

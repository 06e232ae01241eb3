import { CONTACT_HEADER, DEVICE_HEADER } from "@/domain/device";
import { declaresOver, readCapped, refusal } from "@/server/http/request";
import { sessionlessRoute, sessionRoute } from "@/server/http/route";
import { storeHandedOverPhoto } from "@/server/services/devices";
import {
  MAX_PHOTO_BYTES,
  type PhotoInput,
  photoExists,
  photoType,
  readPhoto,
  type StoredPhoto,
  storePhoto,
} from "@/server/services/photos";

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

/** The upload's body read within the limits and handed to `store`; the answer as the PUT gives it. */
async function upload(
  req: Request,
  { params }: PhotoRoute,
  store: (input: PhotoInput) => Promise<StoredPhoto>,
): Promise<Response> {
  const { headers } = req;
  const mime = photoType(headers.get("content-type"));
  if (!mime) return refusal(headers, 415, "photo.badType");
  const tooLarge = () => refusal(headers, 413, "photo.tooLarge", { max: MAX_PHOTO_BYTES / (1024 * 1024) });
  if (declaresOver(headers, MAX_PHOTO_BYTES)) return tooLarge();
  const bytes = await readCapped(req, MAX_PHOTO_BYTES);
  if (!bytes) return tooLarge();
  const { sha256 } = await params;
  const gridId = new URL(req.url).searchParams.get("grid") ?? "";
  const result = await store({ sha256, gridId, mime, bytes });
  return Response.json(result, { status: result.stored ? 201 : 200, headers: NO_STORE });
}

const sessionPut = sessionRoute({ name: "photos", sameOrigin: true }, (req, ctx, route: PhotoRoute) =>
  upload(req, route, (input) => storePhoto(ctx.db, ctx.user, input, { ip: ctx.ip })),
);

// A disabled officer's phone has no session: it hands its unsent visits' photos over by its device's
// contact token (storeHandedOverPhoto checks it; anything else is 401, as without a session).
const handedOverPut = sessionlessRoute({ name: "photos", sameOrigin: true }, (req, ctx, route: PhotoRoute) =>
  upload(req, route, (input) =>
    storeHandedOverPhoto(
      ctx.db,
      { deviceId: req.headers.get(DEVICE_HEADER) ?? "", token: req.headers.get(CONTACT_HEADER) ?? "" },
      input,
      { ip: ctx.ip },
    ),
  ),
);

export const PUT = (req: Request, route: PhotoRoute): Promise<Response> =>
  req.headers.has(CONTACT_HEADER) ? handedOverPut(req, route) : sessionPut(req, route);

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

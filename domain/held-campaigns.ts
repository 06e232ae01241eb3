/**
 * The several open campaigns a phone holds for the same grids (issue 17, item 3): the register is
 * shared, each campaign's targets, visits, codes and feedback are its own, and the officer works on
 * one at a time, switching offline. Pure: the phone's store and screens and the tests share it.
 */

/** A campaign the phone holds, as its switcher names it. */
export interface HeldCampaign {
  id: string;
  name: string;
  /** Visits only its targets (`campaignTargets` rows) rather than every door. */
  targeted: boolean;
}

/**
 * The campaign the officer works on: the one chosen, while the phone still holds it, else the one
 * the register was downloaded with (`primaryId`), else the first held.
 */
export function activeCampaignId(
  held: readonly Pick<HeldCampaign, "id">[],
  chosen: string | null | undefined,
  primaryId: string | null | undefined,
): string | null {
  if (chosen && held.some((campaign) => campaign.id === chosen)) return chosen;
  if (primaryId) return primaryId;
  return held[0]?.id ?? null;
}

/**
 * The rows of one campaign. A visit pulled before visits carried their campaign belongs to the
 * campaign the register was downloaded with (`primaryId`): the phone then held that one alone.
 */
export function ofCampaign<T extends object>(
  rows: readonly T[],
  campaignId: string | null,
  primaryId: string | null,
): T[] {
  return rows.filter(
    (row) => (((row as { campaignId?: string | null }).campaignId ?? null) || primaryId) === campaignId,
  );
}

/**
 * The officer's other held campaigns with open targets at this door, and how many: the door says so
 * and switches there in one tap. Ordered as the switcher lists them.
 */
export function otherCampaignsAt(
  targets: readonly { campaignId?: unknown; roomId?: unknown; state?: unknown; endedAt?: unknown }[],
  roomId: string,
  activeId: string | null,
  held: readonly HeldCampaign[],
): { id: string; name: string; targets: number }[] {
  const counts = new Map<string, number>();
  for (const target of targets) {
    if (target.roomId !== roomId || target.state !== "open" || target.endedAt) continue;
    const id = String(target.campaignId);
    if (id === activeId) continue;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return held.flatMap((campaign) => {
    const count = counts.get(campaign.id);
    return count ? [{ id: campaign.id, name: campaign.name, targets: count }] : [];
  });
}

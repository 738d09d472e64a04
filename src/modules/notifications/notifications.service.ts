import { and, eq } from "drizzle-orm";
import { Repeater } from "@repeaterjs/repeater";
import type { Viewer } from "../../context.type.js";
import { areaContains } from "../../shared/area.js";
import type { HubEvents, NeedActivityEvent, NeedActivityKind, NeedOpenedEvent } from "../../shared/events.js";
import { uuidOrThrow } from "../../shared/validate.js";
import { overseenClaim, type ClaimStatus, type ClaimView } from "../claims/index.js";
import { matchesForResource, type NeedMatchView } from "../matching/index.js";
import { NeedError, getNeed, type NeedView } from "../needs/index.js";
import { ResourceError, resources } from "../resources/index.js";

// Live notifications (clause 18's 精准对接, as it happens). A subscription listens to the hub's events
// (src/shared/events.ts), which name records only; each event is turned into what the subscriber may
// see by a service call under the subscriber's own request context — fresh loaders, the projector, an
// access-log entry per event delivered (src/subscription-server.ts). An event the subscriber may not
// see resolves to null and is not delivered.

/** Keeps the events `keep` accepts; `return()` stops the source at once. */
function filtered<T>(source: AsyncIterableIterator<T>, keep: (event: T) => boolean): AsyncIterableIterator<T> {
  return new Repeater<T>(async (push, stop) => {
    let done = false;
    void stop.then(() => {
      done = true;
      void source.return?.();
    });
    for await (const event of { [Symbol.asyncIterator]: () => source }) {
      if (done) break;
      if (keep(event)) await push(event);
    }
    stop();
  });
}

/**
 * 新匹配 — the needs that open from now on (posted, or back from a released or expired claim) in one
 * of the caller's resource's categories and service areas. The resource must be the caller's
 * organization's (RESOURCE_NOT_FOUND otherwise, as matchesForResource answers).
 */
export async function needOpenedEvents(viewer: Viewer, bus: HubEvents, resourceIdArg: string): Promise<AsyncIterableIterator<NeedOpenedEvent>> {
  const resourceId = uuidOrThrow(resourceIdArg, "resourceId");
  const [resource] = await viewer.db
    .select({ categories: resources.categories, serviceAreaCodes: resources.serviceAreaCodes })
    .from(resources)
    .where(and(eq(resources.id, resourceId), eq(resources.ownerOrgId, viewer.principal.org.id)));
  if (!resource) throw ResourceError.atField("RESOURCE_NOT_FOUND", "resource not found among your organization's", "resourceId");
  // A first cut on what the event says; the match itself is decided per event, under the policy.
  return filtered(bus.subscribe("NEED_OPENED"), (e) => resource.categories.includes(e.category as never) && resource.serviceAreaCodes.some((c) => areaContains(c, e.areaCode)));
}

/** The opened need as a match for the resource, as matchesForResource would rank and show it; null: no match (any more). */
export async function matchOfOpenedNeed(viewer: Viewer, args: { resourceId: string; needId: string }): Promise<NeedMatchView | null> {
  const page = await matchesForResource(viewer, { resourceId: args.resourceId, page: { first: 1 }, onlyNeedId: args.needId });
  return page.nodes[0] ?? null;
}

/** 认领动态 — claims, fulfilments, releases and expiries on needs in the caller's area, from now on. */
export function needActivityEvents(viewer: Viewer, bus: HubEvents): AsyncIterableIterator<NeedActivityEvent> {
  const area = viewer.principal.org.jurisdictionAreaCode;
  return filtered(bus.subscribe("NEED_ACTIVITY"), (e) => areaContains(area, e.areaCode));
}

export interface NeedActivityView {
  readonly kind: NeedActivityKind;
  readonly at: string;
  readonly claim: ClaimView;
  readonly need: NeedView;
}

/** The claim's status each kind of event leaves (a claim claimed moments ago may already be fulfilled). */
const STATUSES_AFTER: Readonly<Record<NeedActivityKind, readonly ClaimStatus[]>> = {
  CLAIMED: ["ACTIVE", "FULFILLED", "RELEASED", "EXPIRED"],
  FULFILLED: ["FULFILLED"],
  RELEASED: ["RELEASED"],
  EXPIRED: ["EXPIRED"],
};

/** The event as the caller oversees it: the claim and the need under its policy; null when it may see neither. */
export async function needActivityOf(viewer: Viewer, event: NeedActivityEvent): Promise<NeedActivityView | null> {
  const claim = await overseenClaim(viewer, event.claimId, STATUSES_AFTER[event.kind]);
  if (!claim) return null;
  let need: NeedView;
  try {
    need = await getNeed(viewer, event.needId);
  } catch (err) {
    if (err instanceof NeedError && err.reason === "NEED_NOT_FOUND") return null;
    throw err;
  }
  return { kind: event.kind, at: event.at.toISOString(), claim, need };
}

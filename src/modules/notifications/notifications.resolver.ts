import { Arg, ID, Resolver, Root, Subscription } from "type-graphql";
import { Allow } from "../../auth/allow.js";
import { CurrentViewer, viewerOf } from "../../auth/viewer.js";
import type { HubContext, Viewer } from "../../context.type.js";
import type { NeedActivityEvent, NeedOpenedEvent } from "../../shared/events.js";
import { NeedMatchType } from "../matching/matching.type.js";
import type { NeedMatchView } from "../matching/index.js";
import type { OrgKind } from "../organizations/index.js";
import { RESOURCE_KINDS_BY_ORG_KIND } from "../resources/index.js";
import { matchOfOpenedNeed, needActivityEvents, needActivityOf, needOpenedEvents, type NeedActivityView } from "./notifications.service.js";
import { NeedActivityType } from "./notifications.type.js";

// Subscriptions: `subscribe` picks the events (run once, when the client subscribes, after the
// subscription server has checked the field's @Allow rule); the method turns each event into what the
// subscriber may see, under a fresh request context per event (src/subscription-server.ts), where the
// @Allow middleware checks the caller again. A null result is not delivered.

function busOf(context: HubContext) {
  // A bug, not the caller's: every hub serving subscriptions has a bus.
  if (!context.eventBus) throw new Error("this hub runs no live notifications");
  return context.eventBus;
}

@Resolver()
export class NotificationResolver {
  @Allow({ kinds: Object.keys(RESOURCE_KINDS_BY_ORG_KIND) as OrgKind[] })
  @Subscription(() => NeedMatchType, {
    nullable: true,
    description: "新匹配 — needs that open from now on (posted, or released back) and match one of your organization's resources, ranked and shown as matchesForResource shows them",
    subscribe: ({ args, context }) => needOpenedEvents(viewerOf(context as HubContext), busOf(context as HubContext), (args as { resourceId: string }).resourceId),
  })
  needMatched(@Root() event: NeedOpenedEvent, @Arg("resourceId", () => ID) resourceId: string, @CurrentViewer() viewer: Viewer): Promise<NeedMatchView | null> {
    return matchOfOpenedNeed(viewer, { resourceId, needId: event.needId });
  }

  @Allow({ kinds: ["CIVIL_AFFAIRS", "SUBDISTRICT", "COMMUNITY"], roles: ["ADMIN", "CASEWORKER", "APPROVER", "COORDINATOR"] })
  @Subscription(() => NeedActivityType, {
    nullable: true,
    description: "认领动态 — claims, fulfilments, releases and expiries of needs in your area, from now on",
    subscribe: ({ context }) => needActivityEvents(viewerOf(context as HubContext), busOf(context as HubContext)),
  })
  needActivity(@Root() event: NeedActivityEvent, @CurrentViewer() viewer: Viewer): Promise<NeedActivityView | null> {
    return needActivityOf(viewer, event);
  }
}

import { createParameterDecorator } from "type-graphql";
import type { HubContext, Viewer } from "../context.type.js";
import { AuthError } from "./errors.js";

/** The request's authenticated caller; the operation's @Allow rule has already required one. */
export function viewerOf(ctx: Pick<HubContext, "viewer" | "authError">): Viewer {
  if (!ctx.viewer) throw ctx.authError ?? new AuthError("MISSING_TOKEN", "authentication required: send an Authorization: Bearer token");
  return ctx.viewer;
}

/** Resolver parameter: the viewer a service works for (type-graphql's custom parameter decorator). */
export function CurrentViewer() {
  return createParameterDecorator<HubContext>(({ context }) => viewerOf(context));
}

/** Resolver parameter of a public operation: the reader of aggregates, with or without a token. */
export function PublicData() {
  return createParameterDecorator<HubContext>(({ context }) => context.publicReader);
}

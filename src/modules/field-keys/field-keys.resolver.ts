import { Arg, Extensions, Mutation, Resolver } from "type-graphql";
import { Allow } from "../../auth/allow.js";
import { CurrentViewer } from "../../auth/viewer.js";
import type { Viewer } from "../../context.type.js";
import { NO_IDEMPOTENCY_KEY } from "../idempotency/index.js";
import { rotateFieldKeys, type FieldKeyRotation } from "./field-keys.service.js";
import { FieldKeyRotationType } from "./field-keys.type.js";

@Resolver()
export class FieldKeysResolver {
  @Allow({ kinds: ["CIVIL_AFFAIRS"], roles: ["ADMIN"] })
  // Batches in transactions of their own and a key file outside the database: not one transaction to
  // record a key in. A rerun continues the rotation, so a plain retry is safe.
  @Extensions(NO_IDEMPOTENCY_KEY)
  @Mutation(() => FieldKeyRotationType, {
    description: "密钥轮换 — makes a new field key active and re-encrypts every ID number, phone and bank account under it; reads continue meanwhile",
  })
  rotateFieldKeys(
    @Arg("retire", () => Boolean, { defaultValue: false, description: "Then remove old keys no value uses any more" }) retire: boolean,
    @CurrentViewer() viewer: Viewer,
  ): Promise<FieldKeyRotation> {
    return rotateFieldKeys(viewer, { retire });
  }
}

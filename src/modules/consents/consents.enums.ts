import { defineEnum } from "../../shared/enum.js";

export const ConsentAction = defineEnum("ConsentAction", {
  GRANT: "同意 — the household consents to a disclosure",
  WITHDRAW: "撤回 — the household withdraws an earlier consent (a new record; the grant is never edited)",
});
export type ConsentAction = (typeof ConsentAction.values)[number];

import type { DataCategory } from "../../privacy/categories.js";
import type { OrgKind } from "../organizations/organizations.enums.js";

/** What one entity type of a request showed about the household, or what was refused. */
export interface AccessDisclosureView {
  readonly outcome: string;
  readonly entityType: string;
  readonly categoriesFull: DataCategory[];
  readonly detail: string | null;
}

/** One request that read (or tried to read) a household's data, as the household or an auditor sees it. */
export interface AccessLogEntryView {
  readonly seq: number;
  readonly at: string;
  readonly orgCode: string;
  readonly orgName: string | null;
  readonly orgKind: OrgKind;
  readonly role: string;
  readonly subject: string | null;
  readonly purpose: string | null;
  readonly operation: string;
  readonly outcome: string;
  readonly categoriesFull: DataCategory[];
  readonly disclosures: AccessDisclosureView[];
}

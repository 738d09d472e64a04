// 访问记录: the household's and the auditors' view of the access log (the audit core writes it).
export { auditChainStatus, householdAccessLog } from "./access-log.service.js";
export type { AccessDisclosureView, AccessLogEntryView } from "./access-log.views.js";

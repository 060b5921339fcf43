/**
 * The identity of an OCSF finding (Security Hub, `Findings Imported V2`) read without a schema:
 * the intake names executions from it and stays small (no schema library beyond its envelope).
 */
/** The identity Security Hub gives an OCSF finding (BatchUpdateFindingsV2's `FindingIdentifiers`). */
export function ocsfIdentityOf(value: unknown): { findingInfoUid?: string; productUid?: string; accountUid?: string; modified?: string; control?: string } {
  const v = (value ?? {}) as {
    finding_info?: { uid?: unknown; modified_time_dt?: unknown; modified_time?: unknown };
    metadata?: { product?: { uid?: unknown } };
    cloud?: { account?: { uid?: unknown } };
    compliance?: { control?: unknown };
  };
  const text = (x: unknown) => (typeof x === 'string' ? x : typeof x === 'number' ? String(x) : undefined);
  return {
    findingInfoUid: text(v.finding_info?.uid),
    productUid: text(v.metadata?.product?.uid),
    accountUid: text(v.cloud?.account?.uid),
    modified: text(v.finding_info?.modified_time_dt) ?? text(v.finding_info?.modified_time),
    control: text(v.compliance?.control),
  };
}

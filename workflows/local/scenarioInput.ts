import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { Source } from '../../tasks/domain/constants.js';
import { isOcsfFinding } from '../../tasks/domain/ocsfFinding.js';

/** A scenario file cannot be used; the message names the file, the problem and the fix. */
export class ScenarioFileError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ScenarioFileError';
  }
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** An ASFF finding as Security Hub CSPM exports it (GetFindings, the console's JSON view), or an OCSF one as Security Hub does (GetFindingsV2). */
const looksLikeFinding = (json: Json) =>
  (typeof json.SchemaVersion === 'string' && typeof json.Id === 'string' && 'ProductArn' in json) || (isOcsfFinding(json) && isObject(json.finding_info));
/** A Security Hub event as EventBridge delivers it (`detail.findings`). */
const looksLikeEvent = (json: Json) => typeof json['detail-type'] === 'string' && isObject(json.detail) && Array.isArray(json.detail.findings);

/**
 * What a file holds, as a scenario document: a scenario as is; a raw ASFF or OCSF finding, a Security Hub
 * EventBridge event (`Security Hub Findings - Imported`, `Findings Imported V2`) or a GetFindings or
 * GetFindingsV2 answer with one finding, wrapped as a scenario with no setup
 * and no expectations (the Custom Action event runs as a manual request). Anything else is refused
 * with what to do instead.
 */
export function asScenarioDocument(json: unknown, file: string): unknown {
  if (!isObject(json)) throw new ScenarioFileError(`${file}: a scenario is a JSON object; see docs/scenarios.md`);
  if ('finding' in json || 'setup' in json || 'expect' in json) return json;
  const title = (finding: Json) => {
    const info = isObject(finding.finding_info) ? finding.finding_info : {};
    const text = typeof finding.Title === 'string' ? finding.Title : typeof info.title === 'string' ? info.title : String(finding.Id ?? info.uid);
    return `${file}: ${text}`;
  };
  if (looksLikeFinding(json)) return { name: title(json), finding: json };
  const [findings, where] = looksLikeEvent(json)
    ? [(json.detail as Json).findings as unknown[], 'detail.findings']
    : Array.isArray(json.Findings)
      ? [json.Findings as unknown[], 'Findings']
      : [undefined, ''];
  if (findings === undefined) return json;
  if (findings.length !== 1 || !isObject(findings[0])) {
    throw new ScenarioFileError(
      `${file}: holds ${findings.length} findings in ${where}; simulate runs one: save one of them as its own file (or as the "finding" of a scenario)`,
    );
  }
  const manual = json['detail-type'] === 'Security Hub Findings - Custom Action';
  return { name: title(findings[0]), finding: findings[0], ...(manual ? { source: Source.MANUAL } : {}) };
}

/** Read a scenario file's JSON, saying what to do when the path or the JSON is wrong. */
export function readScenarioJson(file: string): unknown {
  let stats;
  try {
    stats = statSync(file);
  } catch {
    throw new ScenarioFileError(`${file} does not exist: give the path of a scenario file, e.g. scenarios/approved.json`);
  }
  if (stats.isDirectory()) throw new ScenarioFileError(`${file} is a directory: run every scenario in it with \`rectify test ${file}\``);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ScenarioFileError(`${file} is not valid JSON (${(error as Error).message}): fix the file, or see docs/scenarios.md`);
  }
}

/** One line for a schema failure, with the way out for the commonest one (a file of another kind). */
export function describeScenarioIssues(file: string, error: z.ZodError): string {
  const issues = error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message));
  return (
    `${file}: not a valid scenario (${issues.join('; ')}). A scenario has name, setup, finding and expect (docs/scenarios.md);` +
    ' a Security Hub finding (ASFF or OCSF) or EventBridge event is also accepted as is'
  );
}

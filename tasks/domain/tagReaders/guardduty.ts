import { GetDetectorCommand, GuardDutyClient } from '@aws-sdk/client-guardduty';
import { lastSegment, type ReadTags } from './common.js';

/** Tags of a GuardDuty detector (`guardduty:GetDetector` returns them; the Resource Groups Tagging API does not read detectors). */
export const readDetectorTags: ReadTags = async (aws, { arn }) =>
  (await aws.client(GuardDutyClient).send(new GetDetectorCommand({ DetectorId: lastSegment(arn) }))).Tags ?? {};

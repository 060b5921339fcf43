import {
  CreateLaunchTemplateVersionCommand,
  DeleteLaunchTemplateVersionsCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  EC2Client,
  ModifyLaunchTemplateCommand,
  type CreateLaunchTemplateVersionCommandInput,
  type DeleteLaunchTemplateVersionsCommandInput,
  type DescribeLaunchTemplateVersionsCommandInput,
  type ModifyLaunchTemplateCommandInput,
  type ResponseLaunchTemplateData,
} from '@aws-sdk/client-ec2';
import type { AwsStub } from 'aws-sdk-client-mock';

export const TEMPLATE_ID = 'lt-0123456789abcdef0';
export const TEMPLATE_ARN = `arn:aws:ec2:us-east-1:123456789012:launch-template/${TEMPLATE_ID}`;

type Version = { number: number; description?: string; data: ResponseLaunchTemplateData };

/**
 * One launch template as the EC2 API documents it, for the calls the launch-template playbooks
 * make: versions are immutable and numbered on; `$Default` and `$Latest` resolve; a new version
 * with `SourceVersion` inherits that version's launch parameters and the top-level parameters it
 * sends replace the inherited ones whole; the default version cannot be deleted (reported in
 * `UnsuccessfullyDeletedLaunchTemplateVersions`, not thrown); an unknown template id throws.
 */
export class FakeLaunchTemplate {
  versions: Version[] = [];
  defaultVersion = 1;
  latest = 0;

  constructor(data: ResponseLaunchTemplateData, readonly name = 'web') {
    this.add(data, 'created by the platform team');
  }

  private add(data: ResponseLaunchTemplateData, description?: string): Version {
    const version = { number: ++this.latest, data: structuredClone(data), ...(description ? { description } : {}) };
    this.versions.push(version);
    return version;
  }

  /** Adds a version as a person would (CreateLaunchTemplateVersion without SourceVersion). */
  person(data: ResponseLaunchTemplateData): number {
    return this.add(data, 'by hand').number;
  }

  get defaultData(): ResponseLaunchTemplateData {
    return this.versions.find((v) => v.number === this.defaultVersion)!.data;
  }

  private notFound(id: string | undefined) {
    return Object.assign(new Error(`The specified launch template, with template ID ${id}, does not exist.`), { name: 'InvalidLaunchTemplateId.NotFound' });
  }

  private describe(v: Version) {
    return {
      LaunchTemplateId: TEMPLATE_ID,
      LaunchTemplateName: this.name,
      VersionNumber: v.number,
      VersionDescription: v.description,
      DefaultVersion: v.number === this.defaultVersion,
      LaunchTemplateData: structuredClone(v.data),
    };
  }

  /** Routes the stub's launch-template commands to this template. */
  serve(ec2: AwsStub<any, any, any>): void {
    ec2.on(DescribeLaunchTemplatesCommand).callsFake(({ LaunchTemplateIds = [] }: { LaunchTemplateIds?: string[] }) => {
      if (!LaunchTemplateIds.includes(TEMPLATE_ID)) throw this.notFound(LaunchTemplateIds[0]);
      return {
        LaunchTemplates: [{ LaunchTemplateId: TEMPLATE_ID, LaunchTemplateName: this.name, DefaultVersionNumber: this.defaultVersion, LatestVersionNumber: this.latest }],
      };
    });
    ec2.on(DescribeLaunchTemplateVersionsCommand).callsFake(({ LaunchTemplateId, Versions }: DescribeLaunchTemplateVersionsCommandInput) => {
      if (LaunchTemplateId !== TEMPLATE_ID) throw this.notFound(LaunchTemplateId);
      const wanted = Versions?.map((v) => (v === '$Default' ? this.defaultVersion : v === '$Latest' ? this.latest : Number(v)));
      return { LaunchTemplateVersions: this.versions.filter((v) => !wanted || wanted.includes(v.number)).map((v) => this.describe(v)) };
    });
    ec2.on(CreateLaunchTemplateVersionCommand).callsFake(({ LaunchTemplateId, SourceVersion, VersionDescription, LaunchTemplateData }: CreateLaunchTemplateVersionCommandInput) => {
      if (LaunchTemplateId !== TEMPLATE_ID) throw this.notFound(LaunchTemplateId);
      const source = SourceVersion ? this.versions.find((v) => String(v.number) === SourceVersion)?.data : {};
      if (!source) throw Object.assign(new Error(`Version ${SourceVersion} does not exist`), { name: 'InvalidLaunchTemplateId.VersionNotFound' });
      const version = this.add({ ...structuredClone(source), ...(structuredClone(LaunchTemplateData) as ResponseLaunchTemplateData) }, VersionDescription);
      return { LaunchTemplateVersion: this.describe(version) };
    });
    ec2.on(ModifyLaunchTemplateCommand).callsFake(({ LaunchTemplateId, DefaultVersion }: ModifyLaunchTemplateCommandInput) => {
      if (LaunchTemplateId !== TEMPLATE_ID) throw this.notFound(LaunchTemplateId);
      if (!this.versions.some((v) => String(v.number) === DefaultVersion)) throw Object.assign(new Error('version not found'), { name: 'InvalidLaunchTemplateId.VersionNotFound' });
      this.defaultVersion = Number(DefaultVersion);
      return { LaunchTemplate: { LaunchTemplateId: TEMPLATE_ID, DefaultVersionNumber: this.defaultVersion } };
    });
    ec2.on(DeleteLaunchTemplateVersionsCommand).callsFake(({ LaunchTemplateId, Versions = [] }: DeleteLaunchTemplateVersionsCommandInput) => {
      if (LaunchTemplateId !== TEMPLATE_ID) throw this.notFound(LaunchTemplateId);
      const failed = Versions.filter((v) => Number(v) === this.defaultVersion);
      this.versions = this.versions.filter((v) => !Versions.includes(String(v.number)) || v.number === this.defaultVersion);
      return {
        SuccessfullyDeletedLaunchTemplateVersions: Versions.filter((v) => !failed.includes(v)).map((v) => ({ LaunchTemplateId, VersionNumber: Number(v) })),
        UnsuccessfullyDeletedLaunchTemplateVersions: failed.map((v) => ({
          LaunchTemplateId,
          VersionNumber: Number(v),
          ResponseError: { Code: 'launchTemplateVersionIsDefaultVersion', Message: 'Cannot delete the default version' },
        })),
      };
    });
  }
}

export { EC2Client };

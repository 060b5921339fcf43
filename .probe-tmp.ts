import { IAMClient, CreateUserCommand, CreateLoginProfileCommand, GetLoginProfileCommand, GetUserCommand, DeleteLoginProfileCommand, UpdateLoginProfileCommand } from '@aws-sdk/client-iam';
import { startMoto } from '/work/main/workflows/local/moto.ts';
const m = await startMoto();
try {
  const iam = new IAMClient({ region: 'us-east-1', endpoint: m.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  await iam.send(new CreateUserCommand({ UserName: 'alice' }));
  await new Promise((r) => setTimeout(r, 1100));
  console.log('create', JSON.stringify((await iam.send(new CreateLoginProfileCommand({ UserName: 'alice', Password: 'Abc!12345678', PasswordResetRequired: true }))).LoginProfile));
  console.log('get', JSON.stringify((await iam.send(new GetLoginProfileCommand({ UserName: 'alice' }))).LoginProfile));
  console.log('user', JSON.stringify((await iam.send(new GetUserCommand({ UserName: 'alice' }))).User));
  await iam.send(new UpdateLoginProfileCommand({ UserName: 'alice', PasswordResetRequired: true }));
  console.log('get2', JSON.stringify((await iam.send(new GetLoginProfileCommand({ UserName: 'alice' }))).LoginProfile));
  await iam.send(new DeleteLoginProfileCommand({ UserName: 'alice' }));
  try { await iam.send(new GetLoginProfileCommand({ UserName: 'alice' })); } catch (e) { console.log('err', (e as Error).name, (e as Error).message); }
} finally { await m.stop(); }

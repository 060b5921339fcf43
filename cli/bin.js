#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx rectify` works from a fresh clone without a build step.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
